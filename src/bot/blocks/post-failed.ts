import type { KnownBlock } from '@slack/types';
import { ACTIONS, BLOCKS } from '../ids.ts';
import { button, section } from './format.ts';

const REASONS: Record<string, (channel: string) => string> = {
  not_in_channel: (channel) => `I'm not a member of ${channel}. Invite me with \`/invite @Content Broadcaster\` there, or post it elsewhere:`,
  channel_not_found: (channel) => `I can't see ${channel}: it may be private or archived. Invite me there, or post it elsewhere:`,
  is_archived: (channel) => `${channel} is archived. Post the plan elsewhere:`,
};

/** Tells the author why the plan's message could not be posted, with a way to post it elsewhere. */
export function buildPostFailedMessage({
  planId,
  number,
  channelId,
  slackError,
  fallbackChannelId,
}: {
  planId: string;
  number: number;
  channelId: string;
  slackError: string;
  fallbackChannelId: string | null;
}): { text: string; blocks: KnownBlock[] } {
  const channel = `<#${channelId}>`;
  const reason = REASONS[slackError]?.(channel) ?? `Slack refused the message (${slackError}). Post it elsewhere:`;
  const text = `Plan #${number} is saved, but I couldn't post it in ${channel}. ${reason}`;
  const elements: NonNullable<Extract<KnownBlock, { type: 'actions' }>['elements']> = [
    {
      type: 'conversations_select',
      action_id: ACTIONS.postElsewhereChannel,
      placeholder: { type: 'plain_text', text: 'Pick a channel' },
      filter: { include: ['public', 'private'], exclude_bot_users: true },
    },
  ];
  if (fallbackChannelId && fallbackChannelId !== channelId) {
    elements.push(button('Post it here', ACTIONS.postElsewhere, `${planId}:${fallbackChannelId}`, 'primary'));
  }
  return {
    text,
    blocks: [section(text), { type: 'actions', block_id: `${BLOCKS.postElsewhere}:${planId}`, elements }],
  };
}
