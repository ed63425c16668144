import { expect } from 'vitest';
import type { Sql } from '../../src/db/client.ts';

export { submitPlanTo, type SlackRequestTarget } from './pipeline.ts';

/** Waits until every plan has the status; on timeout the failure shows how many are where. */
export async function waitForAllStatus(sql: Sql, planIds: readonly string[], status: string, timeoutMs: number): Promise<void> {
  await expect
    .poll(
      async () => {
        const rows = await sql<{ status: string; n: number }[]>`
          select status, count(*)::int as n from content_plans where id = any(${planIds}::uuid[]) group by status order by status`;
        return Object.fromEntries(rows.map((row) => [row.status, row.n]));
      },
      { timeout: timeoutMs, interval: 250 },
    )
    .toEqual({ [status]: planIds.length });
}

/**
 * Waits until no job for these plans can still run: none queued, locked or waiting to retry.
 * Jobs that will never run again stay in graphile-worker's table: a job whose key was taken
 * over while it was locked gets attempts = max_attempts (graphile-worker's add_job), and a
 * crashed worker may have held such a job. Those are not waited for; a job that failed for
 * good with an error is reported.
 */
export async function waitForJobsDone(sql: Sql, planIds: readonly string[], timeoutMs: number): Promise<void> {
  await expect
    .poll(
      async () =>
        (
          await sql<{ n: number }[]>`
            select count(*)::int as n from graphile_worker._private_jobs
            where payload->>'planId' = any(${planIds}::text[]) and attempts < max_attempts
              and run_at < now() + interval '1 minute'`
        )[0]?.n,
      { timeout: timeoutMs, interval: 250 },
    )
    .toBe(0);
  const failed = await sql<{ id: string; task: string; last_error: string }[]>`
    select j.id, t.identifier as task, j.last_error from graphile_worker._private_jobs j
    join graphile_worker._private_tasks t on t.id = j.task_id
    where j.payload->>'planId' = any(${planIds}::text[]) and j.attempts >= j.max_attempts and j.last_error is not null
      -- A render is always keyed. One without its key was superseded while it ran: graphile-worker then
      -- takes the key for the new render and sets the running one's attempts to its maximum, so a failure
      -- of the old one (Postgres restarting under it) retires it while the new one renders.
      and not (t.identifier = 'render_plan_message' and j.key is null)`;
  expect(failed, 'jobs that failed for good').toEqual([]);
}

/** Polls an app's /healthz until it answers `status` (a refused or failed request counts as no answer). */
export async function waitForHealth(url: string, status: number, timeoutMs: number): Promise<{ status: number; body: unknown }> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) });
      const body: unknown = await response.json().catch(() => undefined);
      if (response.status === status) return { status: response.status, body };
      last = `${response.status} ${JSON.stringify(body)}`;
    } catch (error) {
      last = String(error);
    }
    if (Date.now() > deadline) throw new Error(`/healthz did not answer ${status} within ${timeoutMs} ms; last: ${last}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The graphile-worker jobs and worker heartbeats, as text for a failure message. */
export async function describeQueue(sql: Sql): Promise<string> {
  const jobs = await sql<Record<string, unknown>[]>`
    select id, task_identifier, attempts, max_attempts, locked_by, locked_at, run_at, last_error from graphile_worker.jobs order by id limit 40`;
  const heartbeats = await sql<Record<string, unknown>[]>`select pool_id, seen_at, now() as now from worker_heartbeats`;
  const line = (row: Record<string, unknown>) =>
    Object.entries(row)
      .map(([key, value]) => `${key}=${value instanceof Date ? value.toISOString() : String(value).slice(0, 120)}`)
      .join(' ');
  return [`jobs (first ${jobs.length}):`, ...jobs.map(line), 'worker heartbeats:', ...heartbeats.map(line)].join('\n');
}

/** A scripted draft without `[n]` citations, for plans that skip research (nothing to cite). */
export function uncited<T extends { markdown: string }>(draft: T): T {
  return { ...draft, markdown: draft.markdown.replaceAll(' [1]', '') };
}
