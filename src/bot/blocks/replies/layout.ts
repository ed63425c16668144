/** What every thread reply shares: its type, the block budget, and lists cut to their share of a message. */
import type { KnownBlock, MarkdownBlock } from '@slack/types';
import type { ResearchSource } from '../../../orchestrator/types.ts';
import { context, joinLinesWithin, jsonLength, MESSAGE_BLOCKS_JSON_LIMIT, section, slackLink, truncate } from '../format.ts';

export type ThreadReply = { text: string; blocks: KnownBlock[] };

export const MESSAGE_BLOCK_LIMIT = 50;

// What a section or context adds around its text in the payload, plus the comma between blocks.
export const BLOCK_WRAPPER_JSON = Math.max(jsonLength(section('')), jsonLength(context(''))) - 2 + 1;

// Kept free for a closing note ("Posts 9–12 are not shown…") and rounding.
export const NOTE_RESERVE = 300;

/** A list rendered as one section (or context), cut to its share of the message. */
export type ListPart = {
  head: string;
  lines: string[];
  more: (hidden: number) => string;
  tail?: string;
  as?: 'section' | 'context';
};

/** The fixed blocks, then one block per part, the parts sharing fairly what the payload has left. */
export function withParts(fixed: KnownBlock[], parts: ListPart[]): KnownBlock[] {
  const available = MESSAGE_BLOCKS_JSON_LIMIT - jsonLength(fixed) - parts.length * BLOCK_WRAPPER_JSON - NOTE_RESERVE;
  const wants = parts.map((part) => jsonLength(joinLinesWithin(part.lines, part)));
  const shares = shareFairly(wants, available);
  return [
    ...fixed,
    ...parts.map((part, index) => {
      const text = joinLinesWithin(part.lines, { ...part, maxJson: shares[index] ?? 0 });
      return part.as === 'context' ? context(text) : section(text);
    }),
  ];
}

/** Splits `total` so that no one gets more than they want and what the modest leave goes to the rest. */
export function shareFairly(wants: readonly number[], total: number): number[] {
  const shares = wants.map(() => 0);
  const order = wants.map((_, index) => index).sort((a, b) => (wants[a] ?? 0) - (wants[b] ?? 0));
  let left = Math.max(0, total);
  order.forEach((index, position) => {
    const share = Math.min(wants[index] ?? 0, Math.floor(left / (order.length - position)));
    shares[index] = share;
    left -= share;
  });
  return shares;
}

export function sourceLine(source: ResearchSource): string {
  return `[${source.id}] ${slackLink(source.url, truncate(oneLine(source.title) || shortUrl(source.url), 150))}`;
}

export function markdownBlock(text: string): MarkdownBlock {
  return { type: 'markdown', text };
}

/** A cut inside a fenced code block would swallow what follows; close it. */
export function closeOpenFence(markdown: string): string {
  const fences = markdown.match(/^ {0,3}(`{3,}|~{3,})/gm) ?? [];
  const last = fences.at(-1);
  return fences.length % 2 === 1 && last ? `${markdown}\n${last.trim()}` : markdown;
}

export function shortUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return truncate(`${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`, 80);
  } catch {
    return truncate(url, 80);
  }
}

export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
