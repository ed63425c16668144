/** One channel variant as it would be posted, with its length against the channel's limit. */
import type { KnownBlock } from '@slack/types';
import { countXPostCharacters, measureVariant, NEWSLETTER_PREVIEW_LIMIT, numberThread, parseVariant, X_POST_LIMIT, type VariantChannelId, type VariantMeasure } from '../../../domain/channels.ts';
import { context, countCharacters, cutText, escapeMrkdwn, formatNumber, joinLinesWithin, jsonLength, MARKDOWN_MESSAGE_LIMIT, MESSAGE_BLOCKS_JSON_LIMIT, plainSection, pluralize, section, SECTION_TEXT_LIMIT, splitText, truncate } from '../format.ts';
import { defuseModelMrkdwn, showMarkdownLinkTargets } from '../model-mrkdwn.ts';
import { type ThreadReply, MESSAGE_BLOCK_LIMIT, BLOCK_WRAPPER_JSON, NOTE_RESERVE, markdownBlock, closeOpenFence, oneLine } from './layout.ts';

/**
 * One channel variant as it would be posted, its length against the channel's limit and the rules
 * it breaks. Throws INVALID_INPUT (from parseVariant) when `content` does not have the channel's shape.
 */
export function buildVariantReply({
  channel,
  content,
  violations,
}: {
  channel: VariantChannelId;
  content: unknown;
  violations: string[];
}): ThreadReply {
  switch (channel) {
    case 'linkedin': {
      const variant = parseVariant(channel, content);
      return textVariantReply(measureVariant(channel, variant), violations, variant.text, 'plain');
    }
    case 'slack_announcement': {
      const variant = parseVariant(channel, content);
      return textVariantReply(measureVariant(channel, variant), violations, variant.text, 'mrkdwn');
    }
    case 'x_thread': {
      const variant = parseVariant(channel, content);
      return xThreadReply(measureVariant(channel, variant), violations, numberThread(variant.posts));
    }
    case 'newsletter': {
      const variant = parseVariant(channel, content);
      return newsletterReply(measureVariant(channel, variant), violations, variant);
    }
  }
}

function textVariantReply(measure: VariantMeasure, violations: string[], text: string, style: 'plain' | 'mrkdwn'): ThreadReply {
  const blocks = variantHead(measure, violations);
  // Shown as mrkdwn: mentions are shown as written without notifying, and links show their targets.
  const shown = style === 'mrkdwn' ? defuseModelMrkdwn(text, { mentions: 'visible' }) : text;
  // At most five pieces of 3,000 fit in the payload, hence five wrappers.
  const fitting = cutText(shown, { maxJson: MESSAGE_BLOCKS_JSON_LIMIT - jsonLength(blocks) - 5 * BLOCK_WRAPPER_JSON - NOTE_RESERVE });
  const pieces = splitText(fitting, SECTION_TEXT_LIMIT).filter((piece) => piece.trim() !== '');
  if (pieces.length === 0) blocks.push(context('_(empty)_'));
  for (const piece of pieces) blocks.push(style === 'plain' ? plainSection(piece) : section(piece));
  if (fitting.length < shown.length) {
    const hidden = countCharacters(shown) - countCharacters(fitting);
    blocks.push(context(`✂️ The rest (${pluralize(hidden, 'more character')}) does not fit in this message.`));
  }
  return { text: variantText(measure, violations), blocks };
}

function xThreadReply(measure: VariantMeasure, violations: string[], posts: string[]): ThreadReply {
  const blocks = variantHead(measure, violations);
  let used = jsonLength(blocks);
  let shown = 0;
  for (const [index, post] of posts.entries()) {
    const length = countXPostCharacters(post);
    const pair: KnownBlock[] = [
      context(`*${index + 1}/${posts.length}* · ${length} / ${X_POST_LIMIT}${length > X_POST_LIMIT ? ' ⚠️' : ''}`),
      post.trim() === '' ? context('_(empty post)_') : plainSection(cutText(post, { maxLength: SECTION_TEXT_LIMIT })),
    ];
    const cost = jsonLength(pair);
    if (used + cost > MESSAGE_BLOCKS_JSON_LIMIT - NOTE_RESERVE || blocks.length + pair.length > MESSAGE_BLOCK_LIMIT - 1) break;
    blocks.push(...pair);
    used += cost;
    shown += 1;
  }
  if (shown < posts.length) {
    blocks.push(context(`Posts ${shown + 1}–${posts.length} are not shown: the thread is too long for one message.`));
  }
  return { text: variantText(measure, violations), blocks };
}

function newsletterReply(measure: VariantMeasure, violations: string[], variant: { subject: string; preview: string; body: string }): ThreadReply {
  const blocks = variantHead(measure, violations, `preview ${countCharacters(variant.preview)} / ${NEWSLETTER_PREVIEW_LIMIT}`);
  blocks.push(plainSection(`Subject: ${truncate(variant.subject, 1000) || '(none)'}\nPreview: ${truncate(variant.preview, 1000) || '(none)'}`));
  const body = showMarkdownLinkTargets(variant.body.trim());
  if (body === '') {
    blocks.push(context('_(empty body)_'));
  } else {
    const room = MESSAGE_BLOCKS_JSON_LIMIT - jsonLength(blocks) - BLOCK_WRAPPER_JSON - NOTE_RESERVE;
    const shown = cutText(body, { maxLength: MARKDOWN_MESSAGE_LIMIT - 10, maxJson: room });
    blocks.push(markdownBlock(closeOpenFence(shown)));
    if (shown.length < body.length) {
      const hidden = countCharacters(body) - countCharacters(shown);
      blocks.push(context(`✂️ The body goes on for ${pluralize(hidden, 'more character')}, more than this message holds.`));
    }
  }
  return { text: variantText(measure, violations), blocks };
}

function variantHead(measure: VariantMeasure, violations: string[], extra?: string): KnownBlock[] {
  const icon = violations.length > 0 ? '⚠️' : '✅';
  const blocks: KnownBlock[] = [section(`${icon} *${escapeMrkdwn(measure.label)}*${extra ? ` · ${escapeMrkdwn(extra)}` : ''}`)];
  if (violations.length > 0) {
    const lines = violations.map((violation) => `• ${escapeMrkdwn(truncate(oneLine(violation), 400))}`);
    const list = joinLinesWithin(lines, {
      head: "⚠️ *Breaks the channel's rules:*\n",
      more: (hidden) => `…and ${formatNumber(hidden)} more`,
      maxJson: 2500,
    });
    blocks.push(section(list));
  }
  return blocks;
}

function variantText(measure: VariantMeasure, violations: string[]): string {
  const broken = violations.length > 0 ? ` · breaks ${pluralize(violations.length, 'rule')}` : '';
  return `${measure.label}${broken}`;
}
