import type { Sql } from '../db/client.ts';

/** Prometheus text format: plans by status, the job queue, and this process's worker. */
export async function renderMetrics({ sql, workerState }: { sql: Sql; workerState: () => string }): Promise<string> {
  const [plans, jobs] = await Promise.all([
    sql<{ status: string; count: number }[]>`select status, count(*)::int as count from content_plans group by status order by status`,
    sql<{ queued: number; locked: number; failed: number }[]>`
      select count(*) filter (where locked_at is null and attempts < max_attempts)::int as queued,
             count(*) filter (where locked_at is not null)::int as locked,
             count(*) filter (where attempts >= max_attempts)::int as failed
      from graphile_worker._private_jobs`,
  ]);
  const queue = jobs[0] ?? { queued: 0, locked: 0, failed: 0 };
  return [
    '# HELP content_broadcaster_plans Plans by status, all workspaces.',
    '# TYPE content_broadcaster_plans gauge',
    ...plans.map((row) => `content_broadcaster_plans{status="${row.status}"} ${row.count}`),
    '# HELP content_broadcaster_jobs Background jobs by state.',
    '# TYPE content_broadcaster_jobs gauge',
    `content_broadcaster_jobs{state="queued"} ${queue.queued}`,
    `content_broadcaster_jobs{state="running"} ${queue.locked}`,
    `content_broadcaster_jobs{state="failed"} ${queue.failed}`,
    '# HELP content_broadcaster_worker_up Whether this process runs a worker that is running.',
    '# TYPE content_broadcaster_worker_up gauge',
    `content_broadcaster_worker_up ${workerState() === 'running' ? 1 : 0}`,
    '',
  ].join('\n');
}
