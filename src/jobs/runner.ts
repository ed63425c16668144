import { EventEmitter } from 'node:events';
import { Logger as GraphileLogger, run, type Runner, type TaskList, type WorkerEvents } from 'graphile-worker';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Sql } from '../db/client.ts';
import { startHeartbeat } from './heartbeat.ts';
import type { Logger } from 'pino';
import { CRONTAB } from './queue.ts';

export type Worker = { runner: Runner; stop(): Promise<void>; state(): 'running' | 'stopped' | 'restarting' };

/**
 * Runs graphile-worker for the process. Its pool gives up for good when it cannot record a job's
 * outcome (for example while Postgres restarts); a fresh runner is then started once the database
 * answers, and the dead pool's heartbeat stops so its locked jobs are released after staleAfterMs.
 */
export async function startWorker({
  connectionString,
  concurrency,
  taskList,
  logger,
  sql,
  pollInterval = 1_000,
  heartbeatIntervalMs = 5_000,
  staleAfterMs = 30_000,
}: {
  connectionString: string;
  concurrency: number;
  taskList: TaskList;
  logger: Logger;
  sql: Sql;
  pollInterval?: number;
  heartbeatIntervalMs?: number;
  staleAfterMs?: number;
}): Promise<Worker> {
  let isStopping = false;
  let state: 'running' | 'stopped' | 'restarting' = 'running';
  type Current = { runner: Runner; heartbeat: { stop(): Promise<void> } | undefined; pool: ReturnType<typeof makeRunnerPool> };
  let current: Current;
  let restarting: Promise<void> | undefined;

  let generation = 0;
  const boot = async (): Promise<Current> => {
    const mine = ++generation;
    const events: WorkerEvents = new EventEmitter();
    let poolId: string | undefined;
    events.on('pool:create', ({ workerPool }) => {
      poolId = workerPool.id;
    });
    const onBroken = (reason: string) => {
      if (isStopping || restarting || mine !== generation) return;
      restarting = restart(reason).finally(() => {
        restarting = undefined;
      });
    };
    events.on('pool:fatalError', ({ error }) => onBroken(String(error)));
    events.on('pool:gracefulShutdown', ({ message }) => onBroken(message));
    const pool = makeRunnerPool(connectionString, logger);
    const runner = await run({
      events,
      pgPool: pool.pool,
      concurrency,
      taskList,
      crontab: CRONTAB,
      noHandleSignals: true,
      pollInterval,
      preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
      logger: toGraphileLogger(logger),
    }).catch((error: unknown) => {
      // Not awaited: a restart should not wait for a failed attempt's connections to close.
      void pool.end().catch(() => undefined);
      throw error;
    });
    const heartbeat = poolId ? startHeartbeat({ sql, poolId, logger, intervalMs: heartbeatIntervalMs, staleAfterMs }) : undefined;
    runner.promise.catch(() => undefined).finally(() => onBroken('runner exited'));
    return { runner, heartbeat, pool };
  };

  const restart = async (reason: string) => {
    state = 'restarting';
    logger.error({ reason }, 'the job runner stopped; starting a new one');
    const dead = current;
    // Stop beating for the dead pool so its locked jobs count as abandoned and get released.
    await dead.heartbeat?.stop().catch(() => undefined);
    void dead.runner
      .kill('replaced')
      .catch(() => undefined)
      .then(() => dead.pool.end())
      .catch(() => undefined);
    for (let delay = 500; !isStopping; delay = Math.min(delay * 2, 10_000)) {
      try {
        current = await boot();
        state = 'running';
        return;
      } catch (error) {
        logger.warn({ err: error }, 'could not start the job runner yet; trying again');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };

  current = await boot();
  return {
    get runner() {
      return current.runner;
    },
    state: () => (isStopping ? 'stopped' : state),
    stop: async () => {
      if (isStopping) return;
      isStopping = true;
      await restarting;
      await current.runner.stop().catch(() => undefined);
      await current.heartbeat?.stop();
      await current.pool.end();
    },
  };
}

/**
 * The runner's connections, in a pool of our own. graphile-worker neither waits for the pool it makes
 * to end nor keeps listening for its errors, so the app could stop its embedded Postgres under open
 * connections and exit with code 1 on their errors. `end()` resolves once every connection is closed:
 * pg's `pool.end()` resolves when it has asked them to close, not when they have. A connection never
 * released or a server that never answers holds it for `closeTimeoutMs` at most.
 */
export function makeRunnerPool(connectionString: string, logger: Logger, { closeTimeoutMs = 5_000 }: { closeTimeoutMs?: number } = {}): { pool: pg.Pool; end(): Promise<void> } {
  const pool = new pg.Pool({ connectionString, max: 10 });
  const onError = (error: Error) => logger.warn({ err: error, component: 'worker' }, 'a job runner connection failed');
  let open = 0;
  let allClosed: (() => void) | undefined;
  pool.on('error', onError);
  pool.on('connect', (client) => {
    open += 1;
    client.on('error', onError);
  });
  pool.on('remove', () => {
    open -= 1;
    if (open === 0) allClosed?.();
  });
  return {
    pool,
    end: async () => {
      const closed = open === 0 ? Promise.resolve() : new Promise<void>((resolve) => (allClosed = resolve));
      const ended = Promise.all([pool.end(), closed]).then(() => false);
      const gaveUp = await Promise.race([ended, sleep(closeTimeoutMs, true, { ref: false })]);
      if (gaveUp) logger.warn({ component: 'worker', open, closeTimeoutMs }, 'job runner connections still open; stopping anyway');
    },
  };
}

function toGraphileLogger(logger: Logger): GraphileLogger {
  const child = logger.child({ component: 'worker' });
  return new GraphileLogger(() => (level, message, meta) => {
    const method = level === 'error' ? 'error' : level === 'warning' ? 'warn' : level === 'info' ? 'info' : 'debug';
    child[method]({ ...meta }, message);
  });
}
