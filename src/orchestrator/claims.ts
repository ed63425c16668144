/**
 * The claim check: every figure the post states must be in the stored text of a source that its
 * sentence cites. Code decides; the model is never asked whether a claim is supported.
 *
 * What a figure is (tests/orchestrator/claims.test.ts pins each rule):
 * - a percentage: "74%", "74 percent", "74 per cent" (all the same figure);
 * - an amount of money: a currency sign before ("$1.2M", "€300") or a currency after ("5,000 dollars",
 *   "300 EUR"); a scale word or letter multiplies it, so "$1.2M" = "$1.2 million" = "$1,200,000";
 * - a multiplier: "3×", "3x", "2.5x";
 * - a number of three or more digits ("250", "1,200", "12 000" is two numbers), or any number with a
 *   scale word ("2 million");
 * - but not a four-digit year 1900–2100 ("in 2024") unless a % or a currency follows or precedes it.
 * Thousands separators are commas. Two figures are the same when their kind (percent, money, multiplier,
 * number) and value are; a plain number in the post also matches the same value of any kind in the source.
 */
import { findCitationGroups, findCitedIds, replaceCitations } from './citations.ts';
import type { EvidenceItem, SourceText } from './evidence.ts';
import { toVisibleText } from './page-text.ts';

export type FigureKind = 'percent' | 'money' | 'multiplier' | 'number';
export type Figure = { text: string; kind: FigureKind; value: number };

export type UnsupportedClaim = { sentence: string; figure: string; reason: 'uncited' | 'not_in_source' };

export type ClaimCheck = {
  /** Figures stated in a sentence that cites a source holding them. */
  supported: number;
  /** Figures with no citation, or that no cited source holds. */
  unsupported: UnsupportedClaim[];
  /** How many of the unsupported figures have no citation at all. */
  uncitedFigures: number;
  /** Source ids cited although research found no evidence item in them. */
  weak: number[];
  /** Source ids cited by sentences whose figures are all supported, for the optimiser's "lost citations" rule. */
  supportedSourceIds: number[];
};

const SCALES: Record<string, number> = {
  k: 1e3,
  thousand: 1e3,
  m: 1e6,
  mn: 1e6,
  million: 1e6,
  b: 1e9,
  bn: 1e9,
  billion: 1e9,
  t: 1e12,
  trillion: 1e12,
};
const CURRENCY_SIGNS = '$€£¥';
const CURRENCY_WORDS = /^(?:usd|eur|gbp|jpy|dollars?|euros?|pounds?)$/i;

const FIGURE_PATTERN = new RegExp(
  String.raw`(?<![\p{L}\p{N}.,/])(?<sign>[${CURRENCY_SIGNS}])?\s?(?<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)` +
    String.raw`(?:\s?(?<scale>thousand|million|billion|trillion|bn|mn|[kmbt])(?![\p{L}\p{N}]))?` +
    String.raw`(?:\s?(?<unit>%|percent(?![\p{L}])|per\s+cent(?![\p{L}])|[x×](?![\p{L}\p{N}])|(?:usd|eur|gbp|jpy|dollars?|euros?|pounds?)(?![\p{L}])))?`,
  'giu',
);

/** Every figure in a text, by the rules above, in order. */
export function findFigures(text: string): Figure[] {
  const figures: Figure[] = [];
  for (const match of text.matchAll(FIGURE_PATTERN)) {
    const { sign, number = '', scale, unit } = match.groups ?? {};
    const digits = number.replace(/,/g, '');
    const base = Number.parseFloat(digits);
    if (!Number.isFinite(base)) continue;
    const lowerUnit = unit?.toLowerCase().replace(/\s+/g, ' ');
    const isMoney = sign !== undefined || (lowerUnit !== undefined && CURRENCY_WORDS.test(lowerUnit));
    // A single letter scales only money ("$3m"); "3 m" alone could be metres.
    const scaleKey = scale?.toLowerCase();
    const factor = scaleKey && (scaleKey.length > 1 || isMoney) ? (SCALES[scaleKey] ?? 1) : 1;
    const value = roundValue(base * factor);
    const shown = match[0].trim();
    if (lowerUnit === '%' || lowerUnit === 'percent' || lowerUnit === 'per cent') figures.push({ text: shown, kind: 'percent', value });
    else if (isMoney) figures.push({ text: shown, kind: 'money', value });
    else if (lowerUnit === 'x' || lowerUnit === '×') figures.push({ text: shown, kind: 'multiplier', value });
    else if (factor > 1) figures.push({ text: shown, kind: 'number', value });
    else if (isYear(digits)) continue;
    else if (digits.split('.')[0]!.length >= 3) figures.push({ text: shown, kind: 'number', value });
  }
  return figures;
}

function isYear(digits: string): boolean {
  if (!/^\d{4}$/.test(digits)) return false;
  const year = Number(digits);
  return year >= 1900 && year <= 2100;
}

function roundValue(value: number): number {
  return Number(value.toPrecision(12));
}

const figureKey = (figure: Pick<Figure, 'kind' | 'value'>) => `${figure.kind}:${figure.value}`;

/** The figures a source's text holds, as keys, and the bare values for a plain number to match. */
export type SourceFigures = { keys: Set<string>; values: Set<number> };

export function indexSourceFigures(markdown: string): SourceFigures {
  const figures = findFigures(toVisibleText(markdown));
  return { keys: new Set(figures.map(figureKey)), values: new Set(figures.map((figure) => figure.value)) };
}

function isHeld(figure: Figure, source: SourceFigures): boolean {
  return source.keys.has(figureKey(figure)) || (figure.kind === 'number' && source.values.has(figure.value));
}

/**
 * The post's sentences with the source ids each cites; headings, code blocks, tables' separator rows
 * and blank lines are left out. A citation that opens a sentence ("… grew. [2]") belongs to the one before.
 */
export function splitSentences(markdown: string): { sentence: string; citedIds: number[] }[] {
  const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });
  const sentences: { sentence: string; citedIds: number[] }[] = [];
  for (const block of toBlocks(markdown)) {
    for (const { segment } of segmenter.segment(block)) {
      let text = segment.trim();
      const leading = /^(?:\[\d+(?:\s*,\s*\d+)*\]\s*)+/.exec(text);
      const previous = sentences.at(-1);
      if (leading && previous) {
        previous.citedIds = [...new Set([...previous.citedIds, ...findCitedIds(leading[0])])];
        previous.sentence = `${previous.sentence} ${leading[0].trim()}`;
        text = text.slice(leading[0].length).trim();
      }
      if (text !== '') sentences.push({ sentence: text, citedIds: findCitedIds(text) });
    }
  }
  return sentences;
}

/** Paragraphs and list items as plain lines of text, without headings and code. */
function toBlocks(markdown: string): string[] {
  const withoutFences = markdown.replace(/^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:^ {0,3}\1[^\n]*$|(?![\s\S]))/gm, '');
  const blocks: string[] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length > 0) blocks.push(current.join(' '));
    current = [];
  };
  for (const line of withoutFences.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || /^ {0,3}#{1,6}\s/.test(line) || /^\|?[\s:|-]+\|[\s:|-]*$/.test(trimmed)) {
      flush();
      continue;
    }
    if (/^([-*+]|\d+[.)])\s+/.test(trimmed)) flush();
    current.push(toVisibleText(trimmed.replace(/^([-*+]|\d+[.)])\s+/, '').replace(/^>\s?/, '')).replace(/\|/g, ' '));
  }
  flush();
  return blocks;
}

export type ClaimSources = { texts: readonly SourceText[]; evidence: readonly EvidenceItem[] };

/**
 * Checks every figure of the post against the stored text of the sources its sentence cites. A post
 * written without research has no sources, so any figure in it is unsupported (uncited).
 */
export function checkClaims(markdown: string, { texts, evidence }: ClaimSources): ClaimCheck {
  const figuresBySource = new Map(texts.map((text) => [text.sourceId, indexSourceFigures(text.markdown)]));
  const withEvidence = new Set(evidence.map((item) => item.sourceId));
  const check: ClaimCheck = { supported: 0, unsupported: [], uncitedFigures: 0, weak: [], supportedSourceIds: [] };
  const supportedSourceIds = new Set<number>();
  for (const { sentence, citedIds } of splitSentences(markdown)) {
    const cited = citedIds.filter((id) => figuresBySource.has(id));
    const figures = findFigures(replaceCitations(sentence, () => ' '));
    let isAllSupported = true;
    for (const figure of figures) {
      if (cited.length === 0) {
        check.unsupported.push({ sentence, figure: figure.text, reason: 'uncited' });
        check.uncitedFigures += 1;
        isAllSupported = false;
      } else if (cited.some((id) => isHeld(figure, figuresBySource.get(id)!))) {
        check.supported += 1;
      } else {
        check.unsupported.push({ sentence, figure: figure.text, reason: 'not_in_source' });
        isAllSupported = false;
      }
    }
    if (isAllSupported) for (const id of cited) supportedSourceIds.add(id);
  }
  const citedAnywhere = findCitationGroups(markdown).flatMap((group) => group.ids);
  check.weak = [...new Set(citedAnywhere)].filter((id) => figuresBySource.has(id) && !withEvidence.has(id));
  check.supportedSourceIds = [...supportedSourceIds].sort((a, b) => a - b);
  return check;
}

/**
 * Why an optimiser pass must be rejected, or null: it dropped a citation of a source that backed the
 * previous version, or it has more unsupported figures than the previous version.
 */
export function findClaimRegression(before: ClaimCheck, after: ClaimCheck, afterMarkdown: string): string | null {
  const citedAfter = new Set(findCitedIds(afterMarkdown));
  const lost = before.supportedSourceIds.filter((id) => !citedAfter.has(id));
  if (lost.length > 0) return `it dropped the citation${lost.length === 1 ? '' : 's'} ${lost.map((id) => `[${id}]`).join(', ')}`;
  const added = after.unsupported.length - before.unsupported.length;
  if (added > 0) {
    const first = after.unsupported.find((claim) => !before.unsupported.some((old) => old.sentence === claim.sentence && old.figure === claim.figure));
    return `it added ${added} unsupported ${added === 1 ? 'figure' : 'figures'}${first ? ` ("${first.figure}")` : ''}`;
  }
  return null;
}
