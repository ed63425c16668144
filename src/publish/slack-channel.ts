import type { KnownBlock } from '@slack/types';
import { type WebClient, WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';
import { cutText, escapeMrkdwn, plain, SECTION_TEXT_LIMIT, slackLink, splitText, truncate } from '../bot/blocks/format.ts';
import { defuseModelMrkdwn } from '../bot/blocks/model-mrkdwn.ts';
import { asAppError } from '../errors.ts';
import { slackAnnouncementVariantSchema } from '../domain/channels.ts';
import { withSourcesMrkdwn } from './citations-render.ts';
import type { Reconciliation } from './destinations/adapter.ts';
import type { DeliveryResult, PublishContent } from './types.ts';

/** Stays under the ~13,000 characters of block JSON above which Slack answers `msg_blocks_too_long`. */
const BLOCKS_JSON_BUDGET = 11_000;
const HEADER_TEXT_LIMIT = 150;
const NOTIFICATION_TEXT_LIMIT = 3_000;

/** The metadata event that marks an announcement, so a later reconciliation can find it in history. */
export const ANNOUNCEMENT_EVENT_TYPE = 'content_broadcaster_publish';

export type Announcement = { text: string; blocks: KnownBlock[] };

/**
 * The message announcing a post: the Slack-announcement variant when the plan has one, else the
 * title and meta description. `link` (the published post, when another destination made one) is
 * added as a "Read the post" line.
 */
export function buildAnnouncement(content: PublishContent, options: { link?: string } = {}): Announcement {
  return withSourcesMrkdwn(buildAnnouncementText(content, options), content.sources);
}

function buildAnnouncementText(content: PublishContent, { link }: { link?: string }): Announcement {
  const linkLine = link === undefined ? undefined : slackLink(link, 'Read the post');
  const variant = slackAnnouncementVariantSchema.safeParse(content.variants['slack_announcement']);
  // A model wrote it: links show where they lead, and nobody is notified by it (the post's link is ours).
  const variantText = variant.success ? defuseModelMrkdwn(variant.data.text, { mentions: 'plain', trustedUrls: link === undefined ? [] : [link] }).trim() : '';

  if (variantText !== '') {
    const kept = cutText(variantText, { maxJson: BLOCKS_JSON_BUDGET - (linkLine?.length ?? 0) - 500 });
    const body = kept.length < variantText.length ? `${kept}…` : kept;
    const blocks: KnownBlock[] = splitText(body, SECTION_TEXT_LIMIT).map((piece) => ({ type: 'section', text: { type: 'mrkdwn', text: piece } }));
    if (linkLine !== undefined && !(link !== undefined && variantText.includes(link))) {
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: linkLine } });
    }
    return { text: truncate(body, NOTIFICATION_TEXT_LIMIT), blocks };
  }

  const title = content.post.title.trim() || content.plan.topic;
  const description = content.post.metaDescription.trim();
  const blocks: KnownBlock[] = [{ type: 'header', text: plain(truncate(title, HEADER_TEXT_LIMIT)) }];
  const lines = [description === '' ? undefined : escapeMrkdwn(description), linkLine].filter((line) => line !== undefined);
  if (lines.length > 0) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n\n'), SECTION_TEXT_LIMIT) } });
  const text = description === '' ? title : `${title}: ${description}`;
  return { text: truncate(text, NOTIFICATION_TEXT_LIMIT), blocks };
}

export type PostToSlackChannelOptions = {
  /**
   * Give it one with `retryConfig: { retries: 0 }`: the WebClient's own retries re-post after a
   * timeout, which would announce twice; let the publish job retry instead.
   */
  client: WebClient;
  channelId: string;
  content: PublishContent;
  link?: string;
  /** Recorded in the message's metadata, so the announcement can be recognised later. */
  idempotencyKey?: string;
};

/** Posts the announcement; `url` is its permalink and `externalId` is `<channel>:<ts>`. */
export async function postToSlackChannel({ client, channelId, content, link, idempotencyKey }: PostToSlackChannelOptions): Promise<DeliveryResult> {
  const announcement = buildAnnouncement(content, link === undefined ? {} : { link });
  let channel: string;
  let ts: string;
  try {
    const posted = await client.chat.postMessage({
      channel: channelId,
      text: announcement.text,
      blocks: announcement.blocks,
      ...(idempotencyKey === undefined
        ? {}
        : {
            metadata: {
              event_type: ANNOUNCEMENT_EVENT_TYPE,
              event_payload: { plan_id: content.plan.id, revision: content.plan.revision, idempotency_key: idempotencyKey },
            },
          }),
    });
    channel = posted.channel ?? channelId;
    ts = posted.ts ?? '';
  } catch (error) {
    return describeSlackFailure(error, channelId);
  }

  const result: DeliveryResult = { state: 'delivered', retryable: false, externalId: `${channel}:${ts}` };
  try {
    const { permalink } = await client.chat.getPermalink({ channel, message_ts: ts });
    if (permalink !== undefined) result.url = permalink;
  } catch {
    // The announcement is out; a missing link is not worth a failure.
  }
  return result;
}

// Slack's clock and ours may differ a little; the window is widened by this much each side.
const CLOCK_SKEW_SECONDS = 120;

/**
 * Looks for the announcement of one attempt in the channel's history, by the idempotency key in its
 * message metadata, between when the attempt started and now. History is readable only in channels
 * the app is in (and, outside the Marketplace, about once a minute, 15 messages), so a failed or
 * partial read says so instead of guessing.
 */
export async function findAnnouncement({
  client,
  channelId,
  idempotencyKey,
  since,
  until,
}: {
  client: WebClient;
  channelId: string;
  idempotencyKey: string;
  since: Date;
  until: Date;
}): Promise<Reconciliation> {
  let history: Awaited<ReturnType<WebClient['conversations']['history']>>;
  try {
    history = await client.conversations.history({
      channel: channelId,
      oldest: (since.getTime() / 1000 - CLOCK_SKEW_SECONDS).toFixed(6),
      latest: (until.getTime() / 1000 + CLOCK_SKEW_SECONDS).toFixed(6),
      inclusive: true,
      include_all_metadata: true,
      limit: 100,
    });
  } catch (error) {
    const code = error instanceof WebAPIPlatformError ? error.data.error : error instanceof WebAPIRateLimitedError ? 'ratelimited' : 'no answer';
    return { outcome: 'unknown', why: `Slack's history of <#${channelId}> could not be read (${code})` };
  }
  const match = (history.messages ?? []).find((message) => {
    const metadata = message.metadata as { event_type?: string; event_payload?: { idempotency_key?: unknown } } | undefined;
    return metadata?.event_type === ANNOUNCEMENT_EVENT_TYPE && metadata.event_payload?.idempotency_key === idempotencyKey;
  });
  if (match?.ts) {
    const result: DeliveryResult = { state: 'delivered', retryable: false, externalId: `${channelId}:${match.ts}` };
    const permalink = await client.chat.getPermalink({ channel: channelId, message_ts: match.ts }).catch(() => undefined);
    if (permalink?.permalink) result.url = permalink.permalink;
    return { outcome: 'found', result };
  }
  if (history.has_more) return { outcome: 'unknown', why: `<#${channelId}> had more messages since the first try than one look through its history reads` };
  return { outcome: 'absent' };
}

const TOKEN_ERRORS = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive', 'missing_scope', 'no_permission']);
/** Slack says the call may have partly happened before these. */
const MAYBE_DONE_ERRORS = new Set(['internal_error', 'fatal_error']);
const TRANSIENT_ERRORS = new Set(['service_unavailable', 'request_timeout', 'ratelimited']);

function causeCode(error: Error): string | undefined {
  for (const candidate of [error, error.cause]) {
    if (typeof candidate === 'object' && candidate !== null && 'code' in candidate && typeof candidate.code === 'string') return candidate.code;
  }
  return undefined;
}

function describeSlackFailure(error: unknown, channelId: string): DeliveryResult {
  const mention = `<#${channelId}>`;
  if (error instanceof WebAPIRateLimitedError) {
    return { state: 'failed', retryable: true, retryAfterSeconds: error.retryAfter, reason: 'Slack is rate-limiting the app.' };
  }
  if (error instanceof WebAPIHTTPError) {
    const retryable = error.statusCode >= 500 || error.statusCode === 408;
    return { state: 'failed', retryable, status: error.statusCode, reason: `Slack answered HTTP ${error.statusCode}.` };
  }
  if (error instanceof WebAPIRequestError) {
    const code = causeCode(error.original);
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      return { state: 'failed', retryable: true, reason: `Slack could not be reached (${code}).` };
    }
    // A timeout or a broken connection: Slack may have posted it.
    return { state: 'unknown', retryable: true, reason: 'Slack did not answer; the announcement may or may not have been posted.' };
  }
  if (error instanceof WebAPIPlatformError) {
    const code = error.data.error;
    if (code === 'not_in_channel') {
      return { state: 'failed', retryable: false, reason: `The app is not a member of ${mention}; invite it with /invite in that channel, then retry.` };
    }
    if (code === 'channel_not_found') {
      return {
        state: 'failed',
        retryable: false,
        reason: `Slack cannot find the channel ${channelId} (deleted, or private without the app); invite the app or choose another channel in the App Home.`,
      };
    }
    if (code === 'is_archived') {
      return { state: 'failed', retryable: false, reason: `${mention} is archived; choose another channel in the App Home.` };
    }
    if (code.startsWith('restricted_action') || code === 'ekm_access_denied') {
      return {
        state: 'failed',
        retryable: false,
        reason: `Slack does not let the app post in ${mention} (${code}); ask a workspace admin, or choose another channel in the App Home.`,
      };
    }
    if (TOKEN_ERRORS.has(code)) {
      return { state: 'failed', retryable: false, reason: `Slack refused the app's token (${code}); reinstall the app to this workspace.` };
    }
    if (MAYBE_DONE_ERRORS.has(code)) {
      return { state: 'unknown', retryable: true, reason: `Slack failed while posting (${code}); the announcement may or may not have been posted.` };
    }
    if (TRANSIENT_ERRORS.has(code)) return { state: 'failed', retryable: true, reason: `Slack could not post the announcement right now (${code}).` };
    return { state: 'failed', retryable: false, reason: `Slack refused the announcement (${code}).` };
  }
  throw asAppError(error);
}
