import { EventEmitter } from 'node:events';
import { Logger as GraphileLogger, run, type Runner, type TaskList, type WorkerEvents } from 'graphile-worker';
import type { Sql } from '../db/client.ts';
import { startHeartbeat } from './heartbeat.ts';
import type { Logger } from 'pino';
import { CRONTAB } from './collect-reactions.ts';

export type Worker = { runner: Runner; stop(): Promise<void>; state(): 'running' | 'stopped' };

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
  let isRunning = true;
  const events: WorkerEvents = new EventEmitter();
  let poolId: string | undefined;
  events.on('pool:create', ({ workerPool }) => {
    poolId = workerPool.id;
  });
  const runner = await run({
    events,
    connectionString,
    concurrency,
    taskList,
    crontab: CRONTAB,
    noHandleSignals: true,
    pollInterval,
    // Batched completion is flushed on shutdown; unbatched completion is not awaited by the
    // worker, so a job finishing during shutdown could stay locked.
    preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
    logger: toGraphileLogger(logger),
  });
  const heartbeat = poolId ? startHeartbeat({ sql, poolId, logger, intervalMs: heartbeatIntervalMs, staleAfterMs }) : undefined;
  runner.promise.finally(() => {
    isRunning = false;
  }).catch(() => undefined);
  return {
    runner,
    state: () => (isRunning ? 'running' : 'stopped'),
    stop: async () => {
      if (!isRunning) return;
      await runner.stop();
      await heartbeat?.stop();
      isRunning = false;
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
