/**
 * What changed between the version reviewers read and the version of the next revision: pure, so the
 * thread's "What changed" reply is a view of two stored versions.
 */
import { findFigures, splitSentences, type ClaimCheck } from './claims.ts';
import type { Draft } from './types.ts';

export type RevisionSide = {
  draft: Draft;
  seoScore: number | null;
  readabilityScore: number | null;
  claims: ClaimCheck | null;
};

export type BeforeAfter = { before: number | null; after: number | null };

export type WordChange = { added: number; removed: number; before: number; after: number };

export type RevisionDiff = {
  /** Section headings ("Introduction" for the text before the first heading), in the order of the version they come from. */
  sections: { added: string[]; removed: string[]; changed: string[]; unchanged: number };
  words: WordChange;
  seo: BeforeAfter;
  readability: BeforeAfter;
  /** Sentences stating a figure, citation markers left out. */
  claims: { added: string[]; removed: string[]; supported: BeforeAfter; unsupported: BeforeAfter };
  isTitleChanged: boolean;
  isMetaDescriptionChanged: boolean;
};

export const INTRODUCTION = 'Introduction';

export function diffRevisions(before: RevisionSide, after: RevisionSide): RevisionDiff {
  const beforeClaims = claimSentences(before.draft.markdown);
  const afterClaims = claimSentences(after.draft.markdown);
  return {
    sections: diffSections(before.draft.markdown, after.draft.markdown),
    words: diffWords(before.draft.markdown, after.draft.markdown),
    seo: { before: before.seoScore, after: after.seoScore },
    readability: { before: before.readabilityScore, after: after.readabilityScore },
    claims: {
      added: afterClaims.filter((claim) => !beforeClaims.includes(claim)),
      removed: beforeClaims.filter((claim) => !afterClaims.includes(claim)),
      supported: { before: before.claims?.supported ?? null, after: after.claims?.supported ?? null },
      unsupported: { before: before.claims?.unsupported.length ?? null, after: after.claims?.unsupported.length ?? null },
    },
    isTitleChanged: before.draft.title.trim() !== after.draft.title.trim(),
    isMetaDescriptionChanged: before.draft.metaDescription.trim() !== after.draft.metaDescription.trim(),
  };
}

type Section = { key: string; heading: string; body: string };

/** Splits a post at its H2–H6 headings; a heading that repeats gets its occurrence in the key, so both are compared. */
export function splitSections(markdown: string): Section[] {
  const sections: Section[] = [];
  const seen = new Map<string, number>();
  let heading = INTRODUCTION;
  let lines: string[] = [];
  const flush = () => {
    const body = normalizeSpace(lines.join('\n'));
    lines = [];
    if (heading === INTRODUCTION && body === '') return;
    const count = (seen.get(heading) ?? 0) + 1;
    seen.set(heading, count);
    sections.push({ key: count === 1 ? heading.toLowerCase() : `${heading.toLowerCase()}#${count}`, heading, body });
  };
  for (const line of markdown.split(/\r?\n/)) {
    const match = /^ {0,3}#{2,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (!match?.[1]) {
      lines.push(line);
      continue;
    }
    flush();
    heading = match[1].trim();
  }
  flush();
  return sections;
}

function diffSections(beforeMarkdown: string, afterMarkdown: string): RevisionDiff['sections'] {
  const before = splitSections(beforeMarkdown);
  const after = splitSections(afterMarkdown);
  const beforeByKey = new Map(before.map((section) => [section.key, section]));
  const afterKeys = new Set(after.map((section) => section.key));
  const added: string[] = [];
  const changed: string[] = [];
  let unchanged = 0;
  for (const section of after) {
    const previous = beforeByKey.get(section.key);
    if (!previous) added.push(section.heading);
    else if (previous.body !== section.body) changed.push(section.heading);
    else unchanged += 1;
  }
  const removed = before.filter((section) => !afterKeys.has(section.key)).map((section) => section.heading);
  return { added, removed, changed, unchanged };
}

/**
 * Words added and removed, counted as a multiset: a word used twice more is two added, wherever it
 * moved. Citation markers and Markdown punctuation are not words.
 */
export function diffWords(before: string, after: string): WordChange {
  const beforeWords = toWords(before);
  const afterWords = toWords(after);
  const counts = new Map<string, number>();
  for (const word of beforeWords) counts.set(word, (counts.get(word) ?? 0) + 1);
  let added = 0;
  for (const word of afterWords) {
    const left = counts.get(word) ?? 0;
    if (left > 0) counts.set(word, left - 1);
    else added += 1;
  }
  const removed = [...counts.values()].reduce((sum, left) => sum + left, 0);
  return { added, removed, before: beforeWords.length, after: afterWords.length };
}

function toWords(text: string): string[] {
  return (text.replace(/\[\d+(?:\s*,\s*\d+)*\]/g, ' ').toLowerCase().match(/[\p{L}\p{N}]+(?:['’.,-][\p{L}\p{N}]+)*/gu) ?? []);
}

function claimSentences(markdown: string): string[] {
  const claims = splitSentences(markdown)
    .filter(({ sentence }) => findFigures(sentence).length > 0)
    .map(({ sentence }) => normalizeSpace(sentence.replace(/\s*\[\d+(?:\s*,\s*\d+)*\]/g, '')));
  return [...new Set(claims)];
}

function normalizeSpace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Every string in a channel variant (its text, posts, subject, preview and body), joined for a word count. */
export function variantText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map(variantText).join('\n');
  if (content && typeof content === 'object') return Object.values(content).map(variantText).join('\n');
  return '';
}
