import type { Task } from 'graphile-worker';
import { z } from 'zod';
import { publishHome } from '../bot/home/publish-home.ts';
import type { PlanStatus } from '../orchestrator/plan-status.ts';
import type { JobDeps } from './deps.ts';
import { parsePayload } from './payloads.ts';

export const REFRESH_HOME_TASK = 'refresh_home';
const REFRESH_DELAY_MS = 2_000;

/** States after which the author's Home shows something new. */
export const HOME_RELEVANT_STATUSES: readonly PlanStatus[] = ['in_review', 'approved', 'scheduled', 'published', 'rejected', 'failed', 'expired'];

const payloadSchema = z.object({ teamId: z.string().min(1), userId: z.string().min(1) });

/** Refreshes are keyed per person and delayed a little, so bursts collapse like the thread's renders. */
export function requestHomeRefresh(deps: Pick<JobDeps, 'enqueue' | 'now'>, teamId: string, userId: string) {
  return deps.enqueue(
    REFRESH_HOME_TASK,
    { teamId, userId },
    { jobKey: `home:${teamId}:${userId}`, jobKeyMode: 'preserve_run_at', runAt: new Date(deps.now().getTime() + REFRESH_DELAY_MS), maxAttempts: 3 },
  );
}

export function makeRefreshHome(deps: JobDeps): Task {
  return async (payload) => {
    const { teamId, userId } = parsePayload(payloadSchema, payload);
    await publishHome({ deps, client: await deps.slackFor(teamId), teamId, userId });
  };
}
