import type { Config } from '../../config.ts';
import type { Database } from '../../db/client.ts';
import { takeRateLimit } from '../../db/rate-limits.ts';
import { AppError } from '../../errors.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** Limits on the costly actions, from the environment. */
export type ActionRateLimits = Config['actionRateLimits'];

type LimitedAction =
  | { kind: 'retry'; teamId: string; planId: string; planNumber: number }
  | { kind: 'request_changes'; teamId: string }
  | { kind: 'destination_test'; teamId: string }
  /** For the Edit brief action of the plan message, once it exists. */
  | { kind: 'edit_brief'; teamId: string; planId: string; planNumber: number };

export type RateLimiterDeps = { db: Database; rateLimits: ActionRateLimits; now: () => Date };

export function limiterOf(deps: { db: Database; actionRateLimits: ActionRateLimits; now: () => Date }): RateLimiterDeps {
  return { db: deps.db, rateLimits: deps.actionRateLimits, now: deps.now };
}

/**
 * Counts one costly action and throws AppError('RATE_LIMITED') with a sentence that says when
 * to try again once its limit is reached.
 */
export async function assertWithinRateLimit(
  { db, rateLimits, now }: RateLimiterDeps,
  action: LimitedAction,
): Promise<void> {
  const rule = ruleFor(rateLimits, action);
  const outcome = await takeRateLimit(db, { key: rule.key, limit: rule.limit, windowMs: rule.windowMs, now: now() });
  if (outcome.isAllowed) return;
  throw new AppError('RATE_LIMITED', `${rule.refusal} Try again in ${formatWait(outcome.retryAfterMs)}.`, {
    details: { retryAfterSeconds: Math.ceil(outcome.retryAfterMs / 1000) },
  });
}

function ruleFor(limits: ActionRateLimits, action: LimitedAction): { key: string; limit: number; windowMs: number; refusal: string } {
  switch (action.kind) {
    case 'retry':
      return {
        key: `retry:${action.teamId}:${action.planId}`,
        limit: limits.retryPerHour,
        windowMs: HOUR_MS,
        refusal: `Plan #${action.planNumber} was retried ${times(limits.retryPerHour)} in the last hour, the most allowed.`,
      };
    case 'request_changes':
      return {
        key: `request_changes:${action.teamId}`,
        limit: limits.requestChangesPerHour,
        windowMs: HOUR_MS,
        refusal: `Changes were requested ${times(limits.requestChangesPerHour)} in this workspace in the last hour, the most allowed.`,
      };
    case 'destination_test':
      return {
        key: `destination_test:${action.teamId}`,
        limit: limits.destinationTestPerMinute,
        windowMs: MINUTE_MS,
        refusal: `Destinations were tested ${times(limits.destinationTestPerMinute)} in this workspace in the last minute, the most allowed.`,
      };
    case 'edit_brief':
      return {
        key: `edit_brief:${action.teamId}:${action.planId}`,
        limit: limits.editBriefPerHour,
        windowMs: HOUR_MS,
        refusal: `The brief of plan #${action.planNumber} was edited ${times(limits.editBriefPerHour)} in the last hour, the most allowed.`,
      };
  }
}

function times(count: number): string {
  return count === 1 ? 'once' : `${count} times`;
}

/** "45 seconds", "2 minutes", "12 minutes": rounded up, so trying again then works. */
export function formatWait(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 90) return `${seconds} ${seconds === 1 ? 'second' : 'seconds'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
}
