import type { Database } from '../db/client.ts';
import { addJobSql, type EnqueueOptions } from '../db/jobs-sql.ts';

export type EnqueueJob = (task: string, payload: unknown, options?: EnqueueOptions) => Promise<string | null>;

/** Enqueues through SQL so web processes need no graphile-worker runner of their own. */
export function makeEnqueue(db: Database): EnqueueJob {
  return async (task, payload, options) => {
    const rows = await db.execute<{ id: string | null }>(addJobSql(task, payload, options));
    return rows[0]?.id ?? null;
  };
}

export function renderJobKey(planId: string): string {
  return `plan:${planId}:render`;
}
