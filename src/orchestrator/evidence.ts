import { stemmer } from 'stemmer';
import { toQuoteNeedle, toSearchableText, toVisibleText } from './page-text.ts';

export const EVIDENCE_KINDS = ['statistic', 'claim', 'definition', 'example'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/** A passage of a source that the post may rely on; `quote` is verbatim from the source's stored text. */
export type EvidenceItem = { id: string; sourceId: number; quote: string; kind: EvidenceKind; note: string };

/** One source's stored text: the Markdown Firecrawl returned, capped (see MAX_PAGE_CHARS in scraper.ts). */
export type SourceText = { sourceId: number; markdown: string };

export type ProposedEvidence = { sourceId: number; quote: string; kind: EvidenceKind; note: string };

export type EvidenceCheck = { kept: EvidenceItem[]; dropped: (ProposedEvidence & { reason: string })[] };

/**
 * Keeps the evidence items whose quote is a verbatim passage of their own source's text (see
 * normalizeForQuote for the only normalisation allowed) and numbers them E1, E2… in order; the rest
 * are dropped with a reason. A repeated quote from the same source is kept once.
 */
export function verifyEvidence(proposed: readonly ProposedEvidence[], texts: readonly SourceText[]): EvidenceCheck {
  const pages = new Map(texts.map((text) => [text.sourceId, toSearchableText(text.markdown)]));
  const kept: EvidenceItem[] = [];
  const dropped: EvidenceCheck['dropped'] = [];
  const seen = new Set<string>();
  for (const item of proposed) {
    const page = pages.get(item.sourceId);
    const needle = toQuoteNeedle(item.quote);
    if (page === undefined) dropped.push({ ...item, reason: `source ${item.sourceId} does not exist` });
    else if (needle === '') dropped.push({ ...item, reason: 'the quote is empty' });
    else if (!page.includes(needle)) dropped.push({ ...item, reason: `the quote is not in source ${item.sourceId}` });
    else if (!seen.has(`${item.sourceId}:${needle}`)) {
      seen.add(`${item.sourceId}:${needle}`);
      kept.push({ id: `E${kept.length + 1}`, sourceId: item.sourceId, quote: item.quote.trim(), kind: item.kind, note: item.note.trim() });
    }
  }
  return { kept, dropped };
}

export type TermCount = { term: string; frequency: number; competitorCount: number };

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

/** Lowercased, stemmed words (Porter stemmer), so "Teams" and "team" count as one term. */
export function stemWords(text: string): string[] {
  return (text.toLowerCase().match(WORD) ?? []).map((word) => stemmer(word.replace(/['’]s$/, '')));
}

/**
 * How often each term (a word or a phrase) occurs in the pages' visible text, counted in code:
 * stemmed and case-insensitive, a phrase matching as consecutive words. `competitorCount` is the
 * number of pages with at least one occurrence. Terms are kept once each, in the order given.
 */
export function countTerms(terms: readonly string[], pages: readonly string[]): TermCount[] {
  const pageWords = pages.map((page) => stemWords(toVisibleText(page)));
  const seen = new Set<string>();
  const counts: TermCount[] = [];
  for (const raw of terms) {
    const term = raw.replace(/\s+/g, ' ').trim();
    const needle = stemWords(term);
    const key = needle.join(' ');
    if (needle.length === 0 || seen.has(key)) continue;
    seen.add(key);
    const perPage = pageWords.map((words) => countSequence(words, needle));
    counts.push({ term, frequency: perPage.reduce((sum, n) => sum + n, 0), competitorCount: perPage.filter((n) => n > 0).length });
  }
  return counts;
}

function countSequence(words: readonly string[], needle: readonly string[]): number {
  let count = 0;
  for (let start = 0; start + needle.length <= words.length; start += 1) {
    if (needle.every((word, offset) => words[start + offset] === word)) count += 1;
  }
  return count;
}

/** The median of the lengths (the lower middle for an even count); 0 for none. */
export function medianOf(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : Math.round(((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2);
}
