import { Logger as GraphileLogger, run, type Runner, type TaskList } from 'graphile-worker';
import type { Logger } from 'pino';
import { CRONTAB } from './collect-reactions.ts';

export type Worker = { runner: Runner; stop(): Promise<void>; state(): 'running' | 'stopped' };

export async function startWorker({
  connectionString,
  concurrency,
  taskList,
  logger,
  pollInterval = 1_000,
}: {
  connectionString: string;
  concurrency: number;
  taskList: TaskList;
  logger: Logger;
  pollInterval?: number;
}): Promise<Worker> {
  let isRunning = true;
  const runner = await run({
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
  runner.promise.finally(() => {
    isRunning = false;
  }).catch(() => undefined);
  return {
    runner,
    state: () => (isRunning ? 'running' : 'stopped'),
    stop: async () => {
      if (!isRunning) return;
      await runner.stop();
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
