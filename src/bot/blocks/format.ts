/** Small Block Kit helpers shared by the builders. */
import type { ContextBlock, SectionBlock } from '@slack/types';

export const SECTION_TEXT_LIMIT = 3000;

export function plain(text: string) {
  return { type: 'plain_text' as const, text: truncate(text, 2000), emoji: true };
}

export function mrkdwn(text: string) {
  return { type: 'mrkdwn' as const, text: truncate(text, SECTION_TEXT_LIMIT) };
}

export function section(text: string, blockId?: string): SectionBlock {
  return { type: 'section', text: mrkdwn(text), ...(blockId ? { block_id: blockId } : {}) };
}

export function context(...texts: string[]): ContextBlock {
  return { type: 'context', elements: texts.slice(0, 10).map((text) => mrkdwn(text)) };
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function formatNumber(value: number): string {
  return value.toLocaleString('en-US');
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${seconds % 60} s`;
}

/** A Slack date token: each reader sees the time in their own time zone. */
export function slackDate(date: Date, format = '{date_short_pretty} at {time}'): string {
  const seconds = Math.floor(date.getTime() / 1000);
  return `<!date^${seconds}^${format}|${date.toISOString()}>`;
}

export function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger') {
  return {
    type: 'button' as const,
    text: plain(truncate(text, 75)),
    action_id: actionId,
    value,
    ...(style ? { style } : {}),
  };
}

/** All `markdown` blocks of one message together. */
export const MARKDOWN_MESSAGE_LIMIT = 12_000;

/** `JSON.stringify(blocks).length` above which Slack has been reported to answer `msg_blocks_too_long`. */
export const MESSAGE_BLOCKS_JSON_LIMIT = 13_000;

/** What a value weighs in the request body, which is what `msg_blocks_too_long` counts. */
export function jsonLength(value: unknown): number {
  return JSON.stringify(value).length;
}

/** Characters as people count them (code points), not UTF-16 units. */
export function countCharacters(text: string): number {
  return [...text].length;
}

/**
 * A mrkdwn link. Anything that is not an http(s) URL, or a URL too long to be worth a link, comes
 * back as the escaped label alone, so a scraped page cannot inject mrkdwn.
 */
export function slackLink(url: string, label: string): string {
  const text = escapeMrkdwn(label.replace(/\s+/g, ' ').trim() || url);
  let href: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return text;
    href = parsed.href;
  } catch {
    return text;
  }
  if (href.length > 1000) return text;
  // `|` would end the URL early; the parser already percent-encoded spaces, `<` and `>`.
  return `<${escapeMrkdwn(href).replace(/\|/g, '%7C')}|${text}>`;
}

export type JoinLinesOptions = {
  /** Kept before the lines, such as a heading and a line break or an opening code fence. */
  head?: string;
  /** Kept right after the shown lines, such as a closing code fence. */
  tail?: string;
  /** The line saying how many lines were left out. */
  more: (hidden: number) => string;
  /** Largest length in UTF-16 units, as Slack counts (a section's 3,000 by default). */
  maxLength?: number;
  /** Largest `JSON.stringify(text).length`, for a share of the message's payload. */
  maxJson?: number;
  /** Which lines to keep when not all fit: the first (default) or the last. */
  keep?: 'first' | 'last';
};

/** Joins as many whole lines as fit, and says how many were left out. */
export function joinLinesWithin(
  lines: readonly string[],
  { head = '', tail = '', more, maxLength = SECTION_TEXT_LIMIT, maxJson = Number.POSITIVE_INFINITY, keep = 'first' }: JoinLinesOptions,
): string {
  const compose = (count: number): string => {
    const hidden = lines.length - count;
    const shown = (keep === 'first' ? lines.slice(0, count) : lines.slice(lines.length - count)).join('\n');
    if (hidden === 0) return `${head}${shown}${tail}`;
    return keep === 'first' ? `${head}${shown}${tail}\n${more(hidden)}` : `${head}${more(hidden)}\n${shown}${tail}`;
  };
  const fits = (text: string) => text.length <= maxLength && jsonLength(text) <= maxJson;
  const all = compose(lines.length);
  if (fits(all)) return all;
  let best = compose(0);
  for (let count = 1; count < lines.length; count++) {
    const text = compose(count);
    if (!fits(text)) break;
    best = text;
  }
  return best;
}

/**
 * The longest start of `text` within both limits, ended at a paragraph, line or word break when one
 * is near; never splits a surrogate pair.
 */
export function cutText(
  text: string,
  { maxLength = Number.POSITIVE_INFINITY, maxJson = Number.POSITIVE_INFINITY }: { maxLength?: number; maxJson?: number },
): string {
  if (text.length <= maxLength && jsonLength(text) <= maxJson) return text;
  let end = 0;
  let weight = 2; // the quotes
  for (const character of text) {
    const cost = jsonLength(character) - 2;
    if (end + character.length > maxLength || weight + cost > maxJson) break;
    end += character.length;
    weight += cost;
  }
  const window = text.slice(0, end);
  for (const separator of ['\n\n', '\n', ' ']) {
    const at = window.lastIndexOf(separator);
    if (at >= end / 2) return window.slice(0, at);
  }
  return window;
}

/** Splits text into pieces of at most `maxLength` UTF-16 units, at paragraph, line or word breaks where it can. */
export function splitText(text: string, maxLength: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > maxLength) {
    // A limit below one character still moves on by one, so the loop always ends.
    const piece = cutText(rest, { maxLength }) || String.fromCodePoint(rest.codePointAt(0) ?? 0);
    pieces.push(piece);
    // The break between two pieces is the gap between their blocks.
    rest = rest.slice(piece.length).replace(/^(\n\n|\n| )/, '');
  }
  if (rest.length > 0) pieces.push(rest);
  return pieces;
}

/** A section that shows text exactly as written: no mrkdwn, no emoji shortcodes. */
export function plainSection(text: string): SectionBlock {
  return { type: 'section', text: { type: 'plain_text', text: truncate(text, SECTION_TEXT_LIMIT), emoji: false } };
}

/** "1 source", "8 sources". */
export function pluralize(count: number, singular: string, plural = `${singular}s`): string {
  return `${formatNumber(count)} ${count === 1 ? singular : plural}`;
}
