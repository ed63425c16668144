import type { Task } from 'graphile-worker';
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import { startPlans } from '../db/plans.ts';
import type { JobDeps } from './deps.ts';

/** Starts new plans, whose first jobs wait in the outbox (`createPlan`), after the submission's ack. */
export type PlanStarter = {
  start(planId: string): void;
  /** Resolves when every plan passed to `start` so far has been started, or has failed to be. */
  flush(): Promise<void>;
};

/**
 * One statement at a time: the plans acked while it runs are started together by the next, so under
 * load many plans share one `add_jobs` call. A failed statement leaves its plans in the outbox for
 * the minute sweep (`makeStartWaitingPlans`).
 */
export function makePlanStarter({ db, logger }: { db: Database; logger: Logger }): PlanStarter {
  let waiting: string[] = [];
  let running: Promise<void> | undefined;
  const run = async () => {
    while (waiting.length > 0) {
      const planIds = waiting;
      waiting = [];
      try {
        await startPlans(db, { planIds });
      } catch (error) {
        logger.warn({ err: error, planIds }, 'could not queue the first jobs of new plans; the minute sweep will');
      }
    }
    running = undefined;
  };
  return {
    start(planId) {
      waiting.push(planId);
      // Waiting for the next turn of the event loop lets the acks already read join this statement.
      running ??= new Promise<void>((resolve) => setImmediate(resolve)).then(run);
    },
    flush: () => running ?? Promise.resolve(),
  };
}

/** Plans saved this long ago whose jobs are still in the outbox were left by a process that stopped. */
export const LEFT_IN_OUTBOX_AFTER_MS = 60_000;

/** The minute sweep: starts the plans that a stopped process saved but did not start. */
export function makeStartWaitingPlans(deps: Pick<JobDeps, 'db' | 'logger' | 'now'>): Task {
  return async () => {
    const added = await startPlans(deps.db, { savedBefore: new Date(deps.now().getTime() - LEFT_IN_OUTBOX_AFTER_MS) });
    if (added > 0) deps.logger.info({ added }, 'queued the first jobs of plans left in the outbox');
  };
}
