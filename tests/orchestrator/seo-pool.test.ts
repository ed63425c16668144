import { afterEach, describe, expect, test } from 'vitest';
import { isAppError } from '../../src/errors.ts';
import { analyzeContent } from '../../src/orchestrator/seo/analyze.ts';
import { makeSeoPool, type SeoPool } from '../../src/orchestrator/seo/pool.ts';
import { goodPost, poorPost } from './fixtures/seo-texts.ts';

const crashingWorkerUrl = new URL('./fixtures/crashing-seo-worker.ts', import.meta.url);

let pool: SeoPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected the promise to reject.');
}

describe('makeSeoPool', () => {
  test('returns the same analysis as the direct call', async () => {
    pool = makeSeoPool({ size: 1 });
    expect(await pool.analyze(goodPost)).toEqual(analyzeContent(goodPost));
  });

  test('queues more concurrent requests than workers and answers each with its own result', async () => {
    pool = makeSeoPool({ size: 2 });
    const inputs = [goodPost, poorPost, goodPost, poorPost, goodPost];
    const started = performance.now();
    const results = await Promise.all(inputs.map((input) => pool!.analyze(input)));
    console.log(`5 analyses on 2 workers took ${Math.round(performance.now() - started)} ms`);
    const goodScore = analyzeContent(goodPost).seoScore;
    const poorScore = analyzeContent(poorPost).seoScore;
    expect(results.map((result) => result.seoScore)).toEqual([goodScore, poorScore, goodScore, poorScore, goodScore]);
  });

  test('an error inside the analysis rejects with its AppError code and keeps the worker', async () => {
    pool = makeSeoPool({ size: 1 });
    const error = await rejectionOf(pool.analyze({ ...goodPost, keyphrase: '' }));
    expect(isAppError(error, 'INVALID_INPUT')).toBe(true);
    expect((error as Error).message).toBe('Set a focus keyphrase before running the SEO analysis.');
    expect((await pool.analyze(poorPost)).seoScore).toBe(analyzeContent(poorPost).seoScore);
  });

  test('a worker that exits fails its request and is replaced', async () => {
    pool = makeSeoPool({ size: 1, workerUrl: crashingWorkerUrl });
    const crashed = pool.analyze({ ...goodPost, keyphrase: 'crash' });
    const queued = pool.analyze(goodPost);
    const error = await rejectionOf(crashed);
    expect(isAppError(error, 'INTERNAL')).toBe(true);
    expect((error as Error).message).toContain('exit code 3');
    expect((await queued).seoScore).toBe(analyzeContent(goodPost).seoScore);
  });

  test('an analysis that runs past the timeout is stopped, fails its request, and the pool goes on', async () => {
    pool = makeSeoPool({ size: 1, workerUrl: crashingWorkerUrl, timeoutMs: 8_000 });
    const started = performance.now();
    const hung = pool.analyze({ ...goodPost, keyphrase: 'hang' });
    const queued = pool.analyze(goodPost);
    const error = await rejectionOf(hung);
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(isAppError(error, 'UPSTREAM_RETRYABLE')).toBe(true);
    expect((error as Error).message).toBe('The SEO analysis took longer than 8 s and was stopped; try again.');
    expect((await queued).seoScore).toBe(analyzeContent(goodPost).seoScore);
  }, 40_000);

  test('a worker over its memory limit fails its request, not the process, and is replaced', async () => {
    pool = makeSeoPool({ size: 1, workerUrl: crashingWorkerUrl, memoryLimitMb: 96, timeoutMs: 60_000 });
    const hog = pool.analyze({ ...goodPost, keyphrase: 'hog' });
    const queued = pool.analyze(goodPost);
    const error = await rejectionOf(hog);
    expect(isAppError(error, 'INTERNAL')).toBe(true);
    expect((error as Error).message).toBe('The SEO analysis ran out of memory (96 MB); try a shorter text.');
    expect((await queued).seoScore).toBe(analyzeContent(goodPost).seoScore);
  }, 60_000);

  test('a worker that throws an uncaught error fails its request and is replaced', async () => {
    pool = makeSeoPool({ size: 1, workerUrl: crashingWorkerUrl });
    const error = await rejectionOf(pool.analyze({ ...goodPost, keyphrase: 'throw' }));
    expect(isAppError(error, 'INTERNAL')).toBe(true);
    expect(((error as Error).cause as Error).message).toBe('boom');
    expect((await pool.analyze(goodPost)).seoScore).toBe(analyzeContent(goodPost).seoScore);
  });

  test('replaces a worker after maxTasksPerWorker analyses without losing requests', async () => {
    pool = makeSeoPool({ size: 1, maxTasksPerWorker: 1 });
    const results = await Promise.all([pool.analyze(poorPost), pool.analyze(poorPost), pool.analyze(poorPost)]);
    expect(new Set(results.map((result) => result.seoScore))).toEqual(new Set([analyzeContent(poorPost).seoScore]));
  });

  test('close rejects waiting requests and refuses new ones', async () => {
    const closing = makeSeoPool({ size: 1 });
    const pending = [closing.analyze(goodPost), closing.analyze(goodPost)].map(rejectionOf);
    await closing.close();
    for (const error of await Promise.all(pending)) expect(isAppError(error, 'INTERNAL')).toBe(true);
    expect(isAppError(await rejectionOf(closing.analyze(goodPost)), 'INTERNAL')).toBe(true);
  });
});
