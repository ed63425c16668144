import { Worker } from 'node:worker_threads';
import { AppError } from '../../errors.ts';
import type { ContentAnalysis, ContentAnalysisInput } from './analyze.ts';
import type { SeoWorkerReply } from './worker.ts';

export type SeoPool = {
  analyze(input: ContentAnalysisInput): Promise<ContentAnalysis>;
  /** Stops the workers; pending analyses reject. */
  close(): Promise<void>;
};

export type SeoPoolOptions = {
  size?: number;
  // yoastseo memoises every text it sees in module-level caches (about 80 KB an analysis), so a
  // worker is replaced after this many analyses to keep memory flat.
  maxTasksPerWorker?: number;
  /** The worker script; tests pass one that can crash. */
  workerUrl?: URL;
  /** One analysis takes about a second; a worker still busy after this is stopped and its request fails. */
  timeoutMs?: number;
  /** Heap of one worker; a text that needs more crashes its worker, not the process. */
  memoryLimitMb?: number;
};

type Task = {
  input: ContentAnalysisInput;
  resolve: (analysis: ContentAnalysis) => void;
  reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
};
type Slot = { worker: Worker; task: Task | undefined; completed: number };

/**
 * Runs analyzeContent on worker threads, since one analysis blocks for about a second. Requests
 * queue while every worker is busy; a worker that crashes fails its request and is replaced.
 */
export function makeSeoPool({
  size = 2,
  maxTasksPerWorker = 200,
  workerUrl = new URL('./worker.ts', import.meta.url),
  timeoutMs = 30_000,
  memoryLimitMb = 512,
}: SeoPoolOptions = {}): SeoPool {
  const queue: Task[] = [];
  const slots = new Set<Slot>();
  let isClosed = false;

  function startWorker(): Slot {
    const resourceLimits = { maxOldGenerationSizeMb: memoryLimitMb, maxYoungGenerationSizeMb: Math.max(16, Math.floor(memoryLimitMb / 8)) };
    const slot: Slot = { worker: new Worker(workerUrl, { resourceLimits }), task: undefined, completed: 0 };
    slots.add(slot);
    slot.worker.on('message', (reply: SeoWorkerReply) => {
      const task = slot.task;
      slot.task = undefined;
      clearTimeout(task?.timer);
      slot.completed += 1;
      if (reply.ok) task?.resolve(reply.analysis);
      else task?.reject(new AppError(reply.code, reply.message, { details: { workerStack: reply.stack } }));
      if (slot.completed >= maxTasksPerWorker) retire(slot);
      dispatch();
    });
    slot.worker.on('error', (error) => {
      const isOutOfMemory = (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      const message = isOutOfMemory ? `The SEO analysis ran out of memory (${memoryLimitMb} MB); try a shorter text.` : 'The SEO analysis crashed; try again.';
      discard(slot, new AppError('INTERNAL', message, { cause: error }));
    });
    slot.worker.on('exit', (exitCode) => {
      discard(slot, new AppError('INTERNAL', `The SEO analysis stopped (exit code ${exitCode}); try again.`));
    });
    return slot;
  }

  // A worker that failed is dead even before its 'exit' event: take it out at once so no request
  // goes to it. Starts a replacement only when work is waiting, so a worker that cannot start does not loop.
  function discard(slot: Slot, error: AppError): void {
    if (!slots.delete(slot)) return; // already discarded, retired or closed
    clearTimeout(slot.task?.timer);
    slot.task?.reject(error);
    dispatch();
  }

  function retire(slot: Slot): void {
    slots.delete(slot);
    void slot.worker.terminate();
    startWorker();
  }

  function dispatch(): void {
    while (queue.length > 0) {
      const slot = [...slots].find((candidate) => !candidate.task) ?? (slots.size < size ? startWorker() : undefined);
      const task = slot && queue.shift();
      if (!slot || !task) return;
      slot.task = task;
      task.timer = setTimeout(() => {
        discard(slot, new AppError('UPSTREAM_RETRYABLE', `The SEO analysis took longer than ${Math.round(timeoutMs / 1000)} s and was stopped; try again.`));
        void slot.worker.terminate();
      }, timeoutMs);
      slot.worker.postMessage(task.input);
    }
  }

  for (let i = 0; i < size; i += 1) startWorker(); // warm: loading yoastseo takes about 0.3 s

  return {
    analyze(input) {
      if (isClosed) return Promise.reject(new AppError('INTERNAL', 'The SEO pool is closed.'));
      return new Promise((resolve, reject) => {
        queue.push({ input, resolve, reject });
        dispatch();
      });
    },
    async close() {
      isClosed = true;
      const closing = new AppError('INTERNAL', 'The SEO pool closed before the analysis finished.');
      for (const task of queue.splice(0)) task.reject(closing);
      const workers = [...slots];
      slots.clear();
      for (const { task } of workers) {
        clearTimeout(task?.timer);
        task?.reject(closing);
      }
      await Promise.all(workers.map(({ worker }) => worker.terminate()));
    },
  };
}
