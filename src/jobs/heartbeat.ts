import type { Logger } from 'pino';
import type { Sql } from '../db/client.ts';

/**
 * graphile-worker only releases the jobs of a worker that died without shutting down after
 * four hours. Each pool records a heartbeat; any pool sees jobs locked by a pool whose heartbeat
 * is stale and unlocks them, so another worker retries them within seconds.
 */
export function startHeartbeat({
  sql,
  poolId,
  logger,
  intervalMs,
  staleAfterMs,
}: {
  sql: Sql;
  poolId: string;
  logger: Logger;
  intervalMs: number;
  staleAfterMs: number;
}): { stop(): Promise<void> } {
  let isStopped = false;
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    await sql`insert into worker_heartbeats (pool_id, seen_at) values (${poolId}, now())
              on conflict (pool_id) do update set seen_at = now()`;
    const stale = `${staleAfterMs} milliseconds`;
    const released = await sql<{ pool_id: string }[]>`
      with dead as (
        select distinct locked_by as pool_id from graphile_worker._private_jobs
        where locked_by is not null and locked_at < now() - ${stale}::interval
          and not exists (select 1 from worker_heartbeats h where h.pool_id = locked_by and h.seen_at > now() - ${stale}::interval)
      ), unlocked as (select graphile_worker.force_unlock_workers(array(select pool_id from dead)))
      select pool_id from dead, unlocked`;
    if (released.length > 0) logger.warn({ pools: released.map((row) => row.pool_id) }, 'released jobs locked by workers that stopped responding');
    await sql`delete from worker_heartbeats where seen_at < now() - interval '1 day'`;
  };
  const timer = setInterval(() => {
    if (isStopped) return;
    running = tick().catch((error: unknown) => logger.warn({ err: error }, 'worker heartbeat failed'));
  }, intervalMs);
  running = tick().catch((error: unknown) => logger.warn({ err: error }, 'worker heartbeat failed'));
  return {
    stop: async () => {
      isStopped = true;
      clearInterval(timer);
      await running;
      await sql`delete from worker_heartbeats where pool_id = ${poolId}`.catch(() => undefined);
    },
  };
}
