/**
 * How `[n]` citations look once published: numbered links to their sources and a "Sources" list.
 * One pure rendering shared by every published form (Markdown, HTML, webhook, WordPress, the Slack
 * announcement) and by the SEO analysis, so Yoast sees the outbound links readers will see.
 */
import type { KnownBlock } from '@slack/types';
import { section, slackLink, truncate, SECTION_TEXT_LIMIT } from '../bot/blocks/format.ts';
import { finalizeVariant, isVariantChannel, isChannelId, VARIANT_SCHEMAS } from '../domain/channels.ts';
import { replaceCitations } from '../orchestrator/citations.ts';
import type { ResearchSource } from '../orchestrator/types.ts';

/** A source as published: numbered in order of first citation in the post, from 1. */
export type PublishedSource = { number: number; sourceId: number; title: string; url: string };

export type RenderedCitations = { markdown: string; sources: PublishedSource[] };

/** What a dropped marker leaves: "old [9]." becomes "old ." and then "old.". */
function closeGaps(text: string): string {
  return text.replace(/[ \t]+([.,;:!?])/g, '$1');
}

function escapeLinkText(text: string): string {
  return text.replace(/([\\[\]])/g, '\\$1');
}

/**
 * The post's Markdown with each cited source as a numbered link (`[[1]](url)`) and a "Sources" list
 * after it, numbered by first citation. Citations of unknown ids are dropped, and a post without
 * sources (no research) publishes no markers.
 */
export function renderCitations(markdown: string, sources: readonly ResearchSource[]): RenderedCitations {
  const byId = new Map(sources.map((source) => [source.id, source]));
  const numbers = new Map<number, number>();
  const published: PublishedSource[] = [];
  const linked = replaceCitations(markdown, (ids) =>
    ids
      .map((id) => {
        const source = byId.get(id);
        if (!source) return '';
        let number = numbers.get(id);
        if (number === undefined) {
          number = published.length + 1;
          numbers.set(id, number);
          published.push({ number, sourceId: id, title: source.title.replace(/\s+/g, ' ').trim() || source.url, url: source.url });
        }
        return `[\\[${number}\\]](<${source.url}>)`;
      })
      .join(''),
  );
  const body = closeGaps(linked);
  if (published.length === 0) return { markdown: body.trim(), sources: [] };
  const list = published.map((source) => `${source.number}. [${escapeLinkText(source.title)}](<${source.url}>)`).join('\n');
  return { markdown: `${body.trim()}\n\n## Sources\n\n${list}`, sources: published };
}

/** Slack mrkdwn: `[n]` markers (n a source id) become numbered links; markers of sources not published are dropped. */
export function linkCitationsMrkdwn(text: string, sources: readonly PublishedSource[]): string {
  const bySourceId = new Map(sources.map((source) => [source.sourceId, source]));
  const linked = replaceCitations(text, (ids) =>
    ids
      .map((id) => {
        const source = bySourceId.get(id);
        return source ? slackLink(source.url, `[${source.number}]`) : '';
      })
      .join(''),
  );
  return linked === text ? text : closeGaps(linked);
}

/** The "Sources" list in Slack mrkdwn, or null when there are none. */
export function buildSourcesMrkdwn(sources: readonly PublishedSource[]): string | null {
  if (sources.length === 0) return null;
  return `*Sources*\n${sources.map((source) => `${source.number}. ${slackLink(source.url, source.title)}`).join('\n')}`;
}

/**
 * The stored variants as they are published: the article's URL (the first blog destination's) in
 * place of the link placeholder, or the link's lines left out when there is none; X posts numbered.
 */
export function finishVariants(variants: Readonly<Record<string, unknown>>, postUrl: string | null): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(variants).map(([channel, content]) => {
      if (!isChannelId(channel) || !isVariantChannel(channel)) return [channel, content];
      const parsed = VARIANT_SCHEMAS[channel].safeParse(content);
      return [channel, parsed.success ? finalizeVariant(channel, parsed.data as never, postUrl) : content];
    }),
  );
}

/**
 * A Slack message with its `[n]` markers linked (in every mrkdwn section and the fallback text) and
 * the Sources list as a last section; unchanged when the post cites nothing.
 */
export function withSourcesMrkdwn<M extends { text: string; blocks: KnownBlock[] }>(message: M, sources: readonly PublishedSource[]): M {
  const list = buildSourcesMrkdwn(sources);
  const blocks = message.blocks.map((block) =>
    block.type === 'section' && block.text?.type === 'mrkdwn' ? { ...block, text: { ...block.text, text: linkCitationsMrkdwn(block.text.text, sources) } } : block,
  );
  if (list !== null) blocks.push(section(truncate(list, SECTION_TEXT_LIMIT)));
  const text = replaceCitations(message.text, () => '');
  return { ...message, text: text === message.text ? text : closeGaps(text), blocks };
}
