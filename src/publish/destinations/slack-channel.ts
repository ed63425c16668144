import { slackChannelDestinationSchema, type SlackChannelConfig } from '../../domain/destinations.ts';
import { buildAnnouncement, findAnnouncement, postToSlackChannel } from '../slack-channel.ts';
import { defineDestinationAdapter } from './adapter.ts';

const TEST_CONTENT = {
  plan: { id: 'test', number: 0, topic: 'Test', revision: 0, keyphrase: '', keywords: [] },
  post: { title: 'Content Broadcaster can post here', slug: 'test', metaDescription: 'Approved content will be announced in this channel.', markdown: '', html: '' },
  sources: [],
  variants: {},
  seo: { seoScore: null, readabilityScore: null },
};

/** A Slack channel: the announcement variant is posted there, linking to the post when there is one. */
export const slackChannelAdapter = defineDestinationAdapter<SlackChannelConfig>({
  kind: 'slack_channel',
  label: 'Slack channel',
  shortLabel: 'Slack',
  addLabel: 'Add a Slack channel',
  editTitle: 'Edit Slack channel',
  namePlaceholder: '#announcements',
  configSchema: slackChannelDestinationSchema,
  fields: [
    {
      type: 'channel',
      name: 'channelId',
      blockId: 'destination_channel',
      label: 'Channel',
      hint: 'The announcement variant is posted there. Invite the app first: /invite @Content Broadcaster.',
    },
  ],
  summary: (config) => `<#${config.channelId}>`,
  async test({ config, slack }) {
    await slack.chat.postMessage({ channel: config.channelId, ...buildAnnouncement(TEST_CONTENT) });
    return { ok: true, message: 'posted a test message.' };
  },
  publish: ({ config, slack, content, idempotencyKey, link }) =>
    postToSlackChannel({ client: slack, channelId: config.channelId, content, idempotencyKey, ...(link === undefined ? {} : { link }) }),
  // The posted ts is the primary record; the channel's history, searched by idempotency key, the fallback.
  async reconcile({ config, slack, idempotencyKey, attemptStartedAt, recordedExternalId }) {
    if (recordedExternalId) return { outcome: 'found', result: { state: 'delivered', retryable: false, externalId: recordedExternalId } };
    return findAnnouncement({ client: slack, channelId: config.channelId, idempotencyKey, since: attemptStartedAt, until: new Date() });
  },
});
