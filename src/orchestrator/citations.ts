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

/**
 * Source ids cited as `[1]`, `[1][2]` or `[1, 2]`, each once, in order of first citation.
 * Not citations: link texts `[1](url)`, reference labels `[text][1]` and definitions `[1]: url`.
 */
export function findCitedIds(markdown: string): number[] {
  const text = withoutCode(markdown);
  const ids = new Set<number>();
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
    if (isCitation) for (const id of inner.split(',')) ids.add(Number(id));
    previous = { end, isCitation };
  }
  return [...ids];
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
