export type CitableSource = { id: number; url: string };

const FENCED_CODE = /^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:^ {0,3}\1[^\n]*$|(?![\s\S]))/gm;
const INLINE_CODE = /(`+)[\s\S]*?\1/g;
const BRACKET_GROUP = /\[([^[\]\n]*)\]/g;
const CITATION_IDS = /^\s*\d+(?:\s*,\s*\d+)*\s*$/;
const URL_CANDIDATE = /https?:\/\/[^\s<>"'`[\]]+/gi;

/** Blanks out code, keeping offsets, so `array[1]` in a snippet is not read as a citation. */
function withoutCode(markdown: string): string {
  const blank = (code: string) => code.replace(/[^\n]/g, ' ');
  return markdown.replace(FENCED_CODE, blank).replace(INLINE_CODE, blank);
}

/** One citation as written: `[1]` or `[1, 2]`, its offsets in the Markdown and the ids it names. */
export type CitationGroup = { start: number; end: number; ids: number[] };

/**
 * Citations as written, in order. Not citations: link texts `[1](url)`, reference labels
 * `[text][1]`, definitions `[1]: url`, images, escaped brackets and anything in code.
 */
export function findCitationGroups(markdown: string): CitationGroup[] {
  const text = withoutCode(markdown);
  const groups: CitationGroup[] = [];
  let previous: { end: number; isCitation: boolean } | undefined;
  for (const match of text.matchAll(BRACKET_GROUP)) {
    const start = match.index;
    const end = start + match[0].length;
    const inner = match[1] ?? '';
    const before = text.charAt(start - 1);
    const isCitation =
      CITATION_IDS.test(inner) &&
      before !== '!' &&
      before !== '\\' &&
      text[end] !== '(' &&
      !isReferenceDefinition(text, start, end) &&
      !(previous?.end === start && !previous.isCitation);
    if (isCitation) groups.push({ start, end, ids: inner.split(',').map(Number) });
    previous = { end, isCitation };
  }
  return groups;
}

/** Source ids cited as `[1]`, `[1][2]` or `[1, 2]`, each once, in order of first citation. */
export function findCitedIds(markdown: string): number[] {
  return [...new Set(findCitationGroups(markdown).flatMap((group) => group.ids))];
}

/** Rewrites each citation group with `replace` (its ids in, the text to put in its place out). */
export function replaceCitations(markdown: string, replace: (ids: number[]) => string): string {
  let result = '';
  let from = 0;
  for (const group of findCitationGroups(markdown)) {
    result += markdown.slice(from, group.start) + replace(group.ids);
    from = group.end;
  }
  return result + markdown.slice(from);
}

function isReferenceDefinition(text: string, start: number, end: number): boolean {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  return text[end] === ':' && /^ {0,3}$/.test(text.slice(lineStart, start));
}

/** Every http(s) URL in the text: link targets, autolinks and bare URLs. */
function findUrls(markdown: string): string[] {
  return [...markdown.matchAll(URL_CANDIDATE)].map(([candidate]) => trimUrl(candidate));
}

// A URL in prose often ends with punctuation or the `)` of a Markdown link, which belong to the text.
function trimUrl(candidate: string): string {
  let url = candidate.replace(/[.,;:!?*_~]+$/, '');
  while (url.endsWith(')') && count(url, ')') > count(url, '(')) url = url.slice(0, -1).replace(/[.,;:!?*_~]+$/, '');
  return url;
}

const count = (text: string, character: string): number => text.split(character).length - 1;

/** Compares URLs with the host lowercased and without the hash or a trailing slash. */
function normalizeUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}${url.search}`;
  } catch {
    return raw.toLowerCase().replace(/#.*$/, '').replace(/\/+$/, '');
  }
}

/**
 * Violations, as sentences for a revision prompt: citations of ids that are not sources, and links
 * to pages that are not sources. Empty when every citation and link is backed by a source.
 */
export function validateCitations(markdown: string, sources: readonly CitableSource[]): string[] {
  const sourceIds = new Set(sources.map((source) => source.id));
  const sourceUrls = new Set(sources.map((source) => normalizeUrl(source.url)));
  const violations: string[] = [];
  for (const id of findCitedIds(markdown)) {
    if (!sourceIds.has(id)) violations.push(`Citation [${id}] does not match any source; cite one of the numbered sources or remove it.`);
  }
  const reportedUrls = new Set<string>();
  for (const url of findUrls(markdown)) {
    const normalized = normalizeUrl(url);
    if (sourceUrls.has(normalized) || reportedUrls.has(normalized)) continue;
    reportedUrls.add(normalized);
    violations.push(`The link ${url} is not one of the sources; link only to sources or remove it.`);
  }
  return violations;
}

/** A deterministic fix the app made to a model's answer, shown to the reviewer. */
export type Repair = { kind: 'unlinked' | 'dropped_citation' | 'trimmed_title' | 'trimmed_meta' | 'trimmed_variant'; detail: string };

// `[text](url)` or `[text](url "title")`, not an image; the URL may hold balanced parentheses.
const MARKDOWN_LINK = /(?<!!)\[([^\]\n]*)\]\(\s*<?([^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)>?(?:\s+"[^"\n]*")?\s*\)/g;
const AUTOLINK = /<(https?:\/\/[^>\s]+)>/gi;

/**
 * The repair after the model's one retry: links to pages that are not sources are unlinked (the
 * anchor text stays; a bare URL or autolink goes), and citations of unknown ids are dropped. Code is
 * left alone. Each change is listed as a Repair.
 */
export function repairCitations(markdown: string, sources: readonly CitableSource[]): { markdown: string; repairs: Repair[] } {
  const sourceIds = new Set(sources.map((source) => source.id));
  const sourceUrls = new Set(sources.map((source) => normalizeUrl(source.url)));
  const isSource = (url: string) => sourceUrls.has(normalizeUrl(trimUrl(url)));
  const repairs: Repair[] = [];
  const unlinked = new Set<string>();
  const noteUnlinked = (url: string, anchor?: string) => {
    const shown = trimUrl(url);
    if (unlinked.has(shown)) return;
    unlinked.add(shown);
    repairs.push({ kind: 'unlinked', detail: anchor ? `Unlinked "${anchor}" from ${shown}: not a source.` : `Removed the link ${shown}: not a source.` });
  };

  let text = rewriteOutsideCode(markdown, MARKDOWN_LINK, (match, anchor: string, url: string) => {
    if (!/^https?:\/\//i.test(url) || isSource(url)) return match;
    noteUnlinked(url, anchor.trim());
    return anchor;
  });
  text = rewriteOutsideCode(text, AUTOLINK, (match, url: string) => {
    if (isSource(url)) return match;
    noteUnlinked(url);
    return '';
  });
  text = rewriteOutsideCode(text, URL_CANDIDATE, (match) => {
    const url = trimUrl(match);
    if (isSource(url)) return match;
    noteUnlinked(url);
    return match.slice(url.length);
  });

  const dropped = new Set<number>();
  text = replaceCitations(text, (ids) => {
    const known = ids.filter((id) => sourceIds.has(id));
    for (const id of ids) if (!sourceIds.has(id)) dropped.add(id);
    return known.length === 0 ? '' : `[${known.join(', ')}]`;
  });
  for (const id of dropped) repairs.push({ kind: 'dropped_citation', detail: `Dropped citation [${id}]: no source has that number.` });
  return { markdown: repairs.length === 0 ? markdown : tidySpacing(text), repairs };
}

/** Applies a global regex replacement only where the match does not start inside code. */
function rewriteOutsideCode(markdown: string, pattern: RegExp, replace: (match: string, ...groups: string[]) => string): string {
  const blanked = withoutCode(markdown);
  return markdown.replace(pattern, (match: string, ...rest: unknown[]) => {
    const offset = rest.find((value) => typeof value === 'number') as number;
    if (blanked.slice(offset, offset + match.length) !== match) return match;
    return replace(match, ...(rest.filter((value) => typeof value === 'string') as string[]));
  });
}

/** What removing a link or citation leaves: doubled spaces, a space before punctuation, an empty "()". */
function tidySpacing(markdown: string): string {
  return markdown
    .replace(/\(\s*\)/g, '')
    .replace(/[ \t]+([.,;:!?])/g, '$1')
    .replace(/([^\s])[ \t]{2,}/g, '$1 ')
    .replace(/[ \t]+$/gm, '');
}
