import { EventEmitter } from 'node:events';
import { Logger as GraphileLogger, run, type Runner, type TaskList, type WorkerEvents } from 'graphile-worker';
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
  type Current = { runner: Runner; heartbeat: { stop(): Promise<void> } | undefined };
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
    const runner = await run({
      events,
      connectionString,
      concurrency,
      taskList,
      crontab: CRONTAB,
      noHandleSignals: true,
      pollInterval,
      preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
      logger: toGraphileLogger(logger),
    });
    const heartbeat = poolId ? startHeartbeat({ sql, poolId, logger, intervalMs: heartbeatIntervalMs, staleAfterMs }) : undefined;
    runner.promise.catch(() => undefined).finally(() => onBroken('runner exited'));
    return { runner, heartbeat };
  };

  const restart = async (reason: string) => {
    state = 'restarting';
    logger.error({ reason }, 'the job runner stopped; starting a new one');
    const dead = current;
    // Stop beating for the dead pool so its locked jobs count as abandoned and get released.
    await dead.heartbeat?.stop().catch(() => undefined);
    void dead.runner.kill('replaced').catch(() => undefined);
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
