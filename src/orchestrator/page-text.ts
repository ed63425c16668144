/**
 * What a reader sees of a scraped Markdown page, and the normalisation every quote and figure check
 * compares through. Pure text functions; nothing here is fuzzy.
 */

/**
 * The page's visible text: link and image syntax reduced to their text, emphasis, code and heading
 * markers removed. A model quoting a page quotes what it reads, not its Markdown.
 */
export function toVisibleText(markdown: string): string {
  return markdown
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)/g, '$1')
    .replace(/<(https?:\/\/[^>\s]+)>/g, '$1')
    .replace(/^ {0,3}#{1,6}[ \t]+/gm, '')
    .replace(/^ {0,3}>[ \t]?/gm, '')
    .replace(/(\*\*|__|\*|`+|~~)/g, '')
    .replace(/(^|[\s(])_([^_\n]+)_(?=[\s).,;:!?]|$)/g, '$1$2');
}

/**
 * The only normalisation between a quote and its page: Unicode compatibility forms (NFKC), curly and
 * angled quotes to straight ones, every dash and minus to "-", and runs of whitespace to one space.
 * Case, words and punctuation otherwise must match exactly.
 */
export function normalizeForQuote(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u201A\u201B\u2032\u00B4`]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/g, '"')
    .replace(/[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A page's text as quotes are searched in: visible, then normalised. */
export function toSearchableText(markdown: string): string {
  return normalizeForQuote(toVisibleText(markdown));
}

/** A quote as it is searched for: visible, normalised, without the quotation marks a model may wrap it in. */
export function toQuoteNeedle(quote: string): string {
  return toSearchableText(quote).replace(/^["']+|["']+$/g, '').trim();
}
