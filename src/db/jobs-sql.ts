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

/** A job to enqueue, as data: a statement can add a list of these through one parameter (`jobSpecsRows` as JSON). */
export type JobSpec = { task: string; payload: unknown; options?: Omit<EnqueueOptions, 'jobKeyMode'> };

export function addJobSpecSql({ task, payload, options }: JobSpec): SQL {
  return addJobSql(task, payload, options);
}

/** The rows that `addJobsFromOutboxSql` reads back as JSON (jsonb_to_recordset of these columns). */
export function jobSpecsRows(jobs: readonly JobSpec[]) {
  return jobs.map(({ task, payload, options = {} }) => ({
    task,
    payload,
    queue_name: options.queueName ?? null,
    run_at: options.runAt?.toISOString() ?? null,
    max_attempts: options.maxAttempts ?? null,
    job_key: options.jobKey ?? null,
  }));
}

/**
 * SQL that adds every job listed in the `jobs` column (`jobSpecsRows` as JSON) of `rows` with one call
 * of graphile-worker's `add_jobs`, and selects how many it added, `added`. With no job it selects no
 * row and makes no call: each call costs about a millisecond of the database's time, however many
 * jobs it adds.
 */
export function addJobsFromOutboxSql(rows: SQL): SQL {
  return sql`select (select count(*) from graphile_worker.add_jobs(batch.specs))::int as added
    from (select array(
      select (job.task, job.payload, job.queue_name, job.run_at, job.max_attempts, job.job_key, null, null)::graphile_worker.job_spec
      from ${rows} as source
      cross join lateral jsonb_to_recordset(source.jobs) as job(task text, payload json, queue_name text, run_at timestamptz, max_attempts smallint, job_key text)
    ) as specs) as batch
    where cardinality(batch.specs) > 0`;
}
