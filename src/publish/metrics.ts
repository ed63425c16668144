import type { WebClient } from '@slack/web-api';
import { findDestination } from '../db/destinations.ts';
import { listThreadTweetIds, type PublishAttempt } from '../db/metrics.ts';
import { NOT_AVAILABLE, unavailableValues, type MetricValues } from '../domain/metrics.ts';
import type { LinkedinConfig, MailchimpConfig, XThreadConfig } from '../domain/destinations.ts';
import { readCampaignReport } from './mailchimp.ts';
import type { DestinationNetworkPolicy } from './network-guard.ts';
import { linkedinAccessToken, xAccessToken, type NetworkDeps } from './networks/accounts.ts';
import { makeLinkedinClient } from './networks/linkedin-api.ts';
import { makeXClient } from './networks/x-api.ts';
import type { DestinationRegistry } from './registry.ts';
import { openStoredDestination } from './stored-destination.ts';

/** LinkedIn's restricted permission to read a member's post likes and comments. */
export const LINKEDIN_READ_SCOPE = 'r_member_social';

export type MetricsDeps = NetworkDeps & {
  destinations: DestinationRegistry;
  destinationNetwork: DestinationNetworkPolicy;
  mailchimpApiUrl: string | undefined;
  timeoutMs: number;
};

/** What one collection read: each metric's value, null when it cannot be read, and why when some could not. */
export type CollectedMetrics = { values: MetricValues; note: string | null };

/** Thrown for a failure worth trying again (a 5xx, a timeout, a rate limit): nothing is recorded. */
export class TransientMetricsError extends Error {}

const unavailable = (kind: string, note: string): CollectedMetrics => ({ values: unavailableValues(kind), note });

/** Reads what a delivered item earned so far, from the network it went to. */
export async function collectMetrics(deps: MetricsDeps, slack: WebClient, attempt: PublishAttempt): Promise<CollectedMetrics> {
  if (attempt.destinationKind === 'slack_channel') return collectSlackReactions(slack, attempt);
  const row = await findDestination(deps.db, attempt.teamId, attempt.destinationKey.replace(/^dest:/, ''));
  if (!row) return unavailable(attempt.destinationKind, 'The destination was removed, so its numbers can no longer be read.');
  const opened = openStoredDestination(deps.destinations, row, deps.encryptionKey);
  if (!opened.ok) return unavailable(attempt.destinationKind, opened.reason);
  switch (attempt.destinationKind) {
    case 'x_thread':
      return collectX(deps, attempt, opened.config as XThreadConfig);
    case 'linkedin':
      return collectLinkedin(deps, attempt, opened.config as LinkedinConfig);
    case 'mailchimp':
      return collectMailchimp(deps, attempt, opened.config as MailchimpConfig, opened.readSecret());
    default:
      return { values: {}, note: null };
  }
}

async function collectSlackReactions(slack: WebClient, attempt: PublishAttempt): Promise<CollectedMetrics> {
  const [channel, timestamp] = (attempt.externalId ?? '').split(':');
  if (!channel || !timestamp) return unavailable('slack_channel', 'The Slack post was not recorded.');
  const result = await slack.reactions.get({ channel, timestamp, full: true });
  const reactions = (result.message?.reactions ?? []).reduce((sum, reaction) => sum + (reaction.count ?? 0), 0);
  return { values: { reactions }, note: null };
}

/** The whole thread's public metrics, summed over its posts. */
async function collectX(deps: MetricsDeps, attempt: PublishAttempt, config: XThreadConfig): Promise<CollectedMetrics> {
  const access = await xAccessToken(deps, config.accountId, deps.timeoutMs);
  if (!access.ok) return unavailable('x_thread', access.result.reason ?? NOT_AVAILABLE);
  const recorded = await listThreadTweetIds(deps.db, attempt.teamId, attempt.idempotencyKey);
  const ids = recorded.length > 0 ? recorded : attempt.externalId ? [attempt.externalId] : [];
  if (ids.length === 0) return unavailable('x_thread', 'The thread’s posts were not recorded.');
  try {
    const client = makeXClient({ accessToken: access.accessToken }, deps.networks.x, deps.timeoutMs);
    const answer = await client.v2.tweets(ids.slice(0, 100), { 'tweet.fields': ['public_metrics'] });
    const totals = { impressions: 0, likes: 0, reposts: 0, replies: 0 };
    for (const tweet of answer.data ?? []) {
      const metrics = tweet.public_metrics;
      if (!metrics) continue;
      totals.impressions += metrics.impression_count ?? 0;
      totals.likes += metrics.like_count;
      totals.reposts += metrics.retweet_count + metrics.quote_count;
      totals.replies += metrics.reply_count;
    }
    const deleted = ids.length - (answer.data ?? []).length;
    return { values: totals, note: deleted > 0 ? `${deleted} of the thread's posts are gone from X.` : null };
  } catch (error) {
    const status = (error as { code?: unknown }).code;
    if (status === 401 || status === 403) return unavailable('x_thread', `X refused to read the thread's metrics (${status}).`);
    throw new TransientMetricsError(`X did not return the thread's metrics: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Likes and comments, when the member's token carries LinkedIn's restricted read permission. */
async function collectLinkedin(deps: MetricsDeps, attempt: PublishAttempt, config: LinkedinConfig): Promise<CollectedMetrics> {
  const access = await linkedinAccessToken(deps, config.accountId);
  if (!access.ok) return unavailable('linkedin', access.result.reason ?? NOT_AVAILABLE);
  if (!access.account.scopes.includes(LINKEDIN_READ_SCOPE)) {
    return unavailable('linkedin', `The LinkedIn connection may post but not read likes and comments (it lacks ${LINKEDIN_READ_SCOPE}).`);
  }
  if (!attempt.externalId) return unavailable('linkedin', 'The LinkedIn post was not recorded.');
  try {
    const answer = await makeLinkedinClient(deps.networks.linkedin, deps.timeoutMs).get({
      resourcePath: '/socialActions/{id}',
      pathKeys: { id: attempt.externalId },
      accessToken: access.accessToken,
      versionString: deps.networks.linkedin.version,
    });
    const data = answer.data as { likesSummary?: { totalLikes?: number }; commentsSummary?: { aggregatedTotalComments?: number } };
    return { values: { likes: data.likesSummary?.totalLikes ?? null, comments: data.commentsSummary?.aggregatedTotalComments ?? null }, note: null };
  } catch (error) {
    const status = (error as { response?: { status?: number } }).response?.status;
    if (status === 401 || status === 403) return unavailable('linkedin', `LinkedIn refused to read the post's likes and comments (${status}).`);
    throw new TransientMetricsError(`LinkedIn did not return the post's likes and comments (${status ?? 'no answer'}).`);
  }
}

async function collectMailchimp(deps: MetricsDeps, attempt: PublishAttempt, config: MailchimpConfig, apiKey: string): Promise<CollectedMetrics> {
  if (!attempt.externalId) return unavailable('mailchimp', 'The campaign was not recorded.');
  const report = await readCampaignReport(config, { apiUrl: deps.mailchimpApiUrl, apiKey, timeoutMs: deps.timeoutMs, network: deps.destinationNetwork }, attempt.externalId);
  if (report.ok) return { values: { opens: report.opens, clicks: report.clicks }, note: null };
  // A draft or scheduled campaign has nothing to report yet: no number is shown for it rather than 0.
  if (report.isNotSent) return { values: {}, note: report.reason };
  throw new TransientMetricsError(report.reason);
}
