import type { KnownBlock } from '@slack/types';
import type { PublishAttempt } from '../../db/publish-attempts.ts';
import type { PlanStatus } from '../../domain/plan-states.ts';
import { timeOf, type DestinationTime } from '../../domain/publish-schedule.ts';
import { BLOCKS, destinationRetryActionId } from '../ids.ts';
import { button, escapeMrkdwn, slackDate, truncate } from './format.ts';

/** One destination of a plan on its root message: when it publishes, how far it got, and where it is. */
export type PublicationView = {
  /** The destination key (`slack:<channel>`, `dest:<id>`); absent for rows kept from before keys were shown. */
  key?: string;
  name: string;
  /** `scheduled`: its job has not started yet. */
  state: 'scheduled' | 'pending' | 'sending' | 'delivered' | 'failed' | 'unknown';
  /** When it publishes (or published), as scheduled. */
  at?: Date | null;
  url: string | null;
  reason: string | null;
  reactions: number | null;
};

const STATE_LABELS: Record<PublicationView['state'], string> = {
  scheduled: '🗓️ scheduled',
  pending: '⬜ waiting',
  sending: '⏳ sending',
  delivered: '✅ delivered',
  failed: '❌ failed',
  unknown: '⏳ checking',
};

/** Statuses in which a plan's destinations are shown, with their times. */
const SHOWN_STATUSES: readonly PlanStatus[] = ['scheduled', 'publishing', 'published', 'partially_published', 'failed'];
/** Statuses in which a failed destination shows its own Retry; a failed plan's Retry sends all of its failed ones. */
const RETRYABLE_STATUSES: readonly PlanStatus[] = ['publishing', 'partially_published'];

/**
 * Each chosen destination with its time and its attempt, in the order they were chosen; attempts of
 * destinations no longer chosen follow. Before scheduling (or once expired) only attempts show.
 */
export function derivePublications(
  plan: { status: PlanStatus; publishDestinations: readonly string[]; publishTimes: readonly DestinationTime[]; scheduledAt: Date | null },
  attempts: readonly Pick<PublishAttempt, 'destinationKey' | 'destinationName' | 'state' | 'url' | 'reason' | 'reactions'>[],
): PublicationView[] {
  const fromAttempt = (attempt: (typeof attempts)[number]): PublicationView => ({
    key: attempt.destinationKey,
    name: attempt.destinationName,
    state: attempt.state,
    at: timeOf(plan.publishTimes, attempt.destinationKey, plan.scheduledAt),
    url: attempt.url,
    reason: attempt.reason,
    reactions: attempt.reactions ? attempt.reactions.reduce((sum, reaction) => sum + reaction.count, 0) : null,
  });
  if (!SHOWN_STATUSES.includes(plan.status)) return attempts.map(fromAttempt);
  const chosen = plan.publishDestinations.map((key): PublicationView => {
    const attempt = attempts.find((candidate) => candidate.destinationKey === key);
    if (attempt) return fromAttempt(attempt);
    const name = plan.publishTimes.find((time) => time.key === key)?.name ?? key;
    return { key, name, state: 'scheduled', at: timeOf(plan.publishTimes, key, plan.scheduledAt), url: null, reason: null, reactions: null };
  });
  const others = attempts.filter((attempt) => !plan.publishDestinations.includes(attempt.destinationKey)).map(fromAttempt);
  return [...chosen, ...others];
}

/** "Company blog: ✅ delivered · <url|view> · 12 reactions · Mon 1 Dec at 09:00"; a failed one says why before its time. */
export function describePublication(publication: PublicationView): string {
  const isChannelMention = /^<#[A-Z0-9]+>$/.test(publication.name);
  const name = isChannelMention ? publication.name : escapeMrkdwn(truncate(publication.name, 80));
  const link = publication.url ? ` · <${publication.url}|view>` : '';
  const reactions = publication.reactions ? ` · ${publication.reactions} reactions` : '';
  const time = publication.at ? ` · ${slackDate(publication.at)}` : '';
  const reason = !publication.reason
    ? ''
    : publication.state === 'failed'
      ? `: ${escapeMrkdwn(truncate(publication.reason, 300))}`
      : publication.state === 'delivered'
        ? ` · ⚠️ ${truncate(publication.reason, 300)}`
        : '';
  return `${name}: ${STATE_LABELS[publication.state]}${link}${reactions}${reason}${time}`;
}

/** A Retry button per failed destination, while the plan can still take them; null when there is none. */
export function buildDestinationRetryActions(planId: string, status: PlanStatus, publications: readonly PublicationView[]): KnownBlock | null {
  if (!RETRYABLE_STATUSES.includes(status)) return null;
  const failed = publications.filter((publication) => publication.state === 'failed' && publication.key !== undefined).slice(0, 25);
  if (failed.length === 0) return null;
  return {
    type: 'actions',
    block_id: BLOCKS.planDestinationRetries,
    elements: failed.map((publication, index) => {
      const label = /^<#[A-Z0-9]+>$/.test(publication.name) ? 'the announcement' : publication.name;
      return button(`Retry ${label}`, destinationRetryActionId(index), destinationRetryValue(planId, publication.key!));
    }),
  };
}

/** A destination Retry button's value: the plan id and the destination key. */
export function destinationRetryValue(planId: string, destinationKey: string): string {
  return `${planId} ${destinationKey}`;
}

export function parseDestinationRetryValue(value: string | undefined): { planId: string; destinationKey: string } | null {
  const [planId, destinationKey, ...rest] = (value ?? '').split(' ');
  return planId && destinationKey && rest.length === 0 ? { planId, destinationKey } : null;
}
