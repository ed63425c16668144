import { sql, type SQL } from 'drizzle-orm';

export type EnqueueOptions = {
  jobKey?: string;
  runAt?: Date;
  maxAttempts?: number;
  queueName?: string;
  jobKeyMode?: 'replace' | 'preserve_run_at' | 'unsafe_dedupe';
};

/** SQL that enqueues a graphile-worker job, so it can run inside the transaction that caused it. */
export function addJobSql(task: string, payload: unknown, options: EnqueueOptions = {}): SQL {
  return sql`select (graphile_worker.add_job(
    ${task},
    ${JSON.stringify(payload)}::json,
    queue_name => ${options.queueName ?? null}::text,
    run_at => ${options.runAt?.toISOString() ?? null}::timestamptz,
    max_attempts => ${options.maxAttempts ?? null}::int,
    job_key => ${options.jobKey ?? null}::text,
    job_key_mode => ${options.jobKeyMode ?? null}::text
  )).id`;
}
