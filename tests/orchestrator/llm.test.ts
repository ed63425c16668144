import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { AppError } from '../../src/errors.ts';
import { isRetryable, makeLimiter, makeLlmGateway, type LlmGatewayOptions } from '../../src/orchestrator/llm.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';

const Title = z.object({ title: z.string(), tags: z.array(z.string()) });
const request = { stage: 'draft', schemaName: 'title', schema: Title, system: 'STAGE:draft Write a title.', user: 'Topic: tea' };
const answer = { title: 'Green tea', tags: ['tea'] };

let fake: FakeOpenAI;
beforeEach(async () => {
  fake = await startFakeOpenAI();
});
afterEach(async () => {
  await fake.close();
});

function gateway(options: Partial<LlmGatewayOptions> = {}) {
  return makeLlmGateway({
    apiKey: 'sk-test',
    baseURL: fake.url,
    model: 'gpt-test',
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 20,
    logger: pino({ level: 'silent' }),
    ...options,
  });
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('makeLlmGateway', () => {
  test('returns the parsed answer and the usage, and sends a strict json_schema request', async () => {
    fake.enqueue({ json: answer, usage: { prompt_tokens: 120, completion_tokens: 30 } });

    const result = await gateway().generate({ ...request, temperature: 0.4 });

    expect(result).toEqual({ data: answer, usage: { inputTokens: 120, outputTokens: 30 } });
    expect(fake.requests).toHaveLength(1);
    const [sent] = fake.requests;
    expect(sent?.path).toBe('/v1/chat/completions');
    expect(sent?.headers.authorization).toBe('Bearer sk-test');
    expect(sent?.body).toMatchObject({
      model: 'gpt-test',
      temperature: 0.4,
      messages: [
        { role: 'system', content: request.system },
        { role: 'user', content: request.user },
      ],
      response_format: { type: 'json_schema', json_schema: { name: 'title', strict: true } },
    });
  });

  test('leaves temperature out unless asked', async () => {
    fake.enqueue({ json: answer });
    await gateway().generate(request);
    expect(fake.requests[0]?.body).not.toHaveProperty('temperature');
  });

  test('answers by inspecting the request when the queue is empty', async () => {
    fake.onRequest((sent) =>
      sent.body.messages?.[0]?.content.startsWith('STAGE:draft') ? { json: answer } : { status: 400 },
    );
    await expect(gateway().generate(request)).resolves.toMatchObject({ data: answer });
  });

  test('retries two 500s and then succeeds', async () => {
    fake.enqueue({ status: 500 }, { status: 500 }, { json: answer });

    const result = await gateway().generate(request);

    expect(result.data).toEqual(answer);
    expect(fake.requests).toHaveLength(3);
  });

  test('gives up with a retryable error after maxRetries', async () => {
    fake.onRequest(() => ({ status: 503 }));

    const error = await failure(gateway({ maxRetries: 2 }).generate(request));

    expect(error.code).toBe('UPSTREAM_RETRYABLE');
    expect(error.details).toMatchObject({ stage: 'draft', status: 503 });
    expect(isRetryable(error)).toBe(true);
    expect(fake.requests).toHaveLength(3);
  });

  test('waits as long as Retry-After says on 429', async () => {
    fake.enqueue({ status: 429, retryAfter: 0.4 }, { json: answer });
    const startedAt = Date.now();

    await gateway().generate(request);

    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(390);
    expect(fake.requests).toHaveLength(2);
  });

  test('honours retry-after-ms too', async () => {
    fake.enqueue({ status: 429, retryAfterMs: 250 }, { json: answer });
    const startedAt = Date.now();

    await gateway().generate(request);

    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(240);
  });

  test('hands a long Retry-After back to the job instead of blocking', async () => {
    fake.enqueue({ status: 429, retryAfter: 120 });

    const error = await failure(gateway({ maxRetryAfterMs: 1_000 }).generate(request));

    expect(error.code).toBe('UPSTREAM_RETRYABLE');
    expect(error.details).toMatchObject({ retryAfterMs: 120_000 });
    expect(fake.requests).toHaveLength(1);
  });

  test('retries a call that times out', async () => {
    fake.enqueue({ hang: true }, { json: answer });

    const result = await gateway({ timeoutMs: 150 }).generate(request);

    expect(result.data).toEqual(answer);
    expect(fake.requests).toHaveLength(2);
  });

  test('a call that keeps timing out ends retryable', async () => {
    fake.onRequest(() => ({ hang: true }));

    const error = await failure(gateway({ timeoutMs: 100, maxRetries: 1 }).generate(request));

    expect(error.code).toBe('UPSTREAM_RETRYABLE');
    expect(fake.requests).toHaveLength(2);
  });

  test('retries connection failures', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const attempts: number[] = [];

    const error = await failure(
      gateway({
        baseURL: `http://127.0.0.1:${port}/v1`,
        maxRetries: 2,
        sleep: async (ms) => void attempts.push(ms),
      }).generate(request),
    );

    expect(error.code).toBe('UPSTREAM_RETRYABLE');
    expect(attempts).toHaveLength(2);
  });

  test('malformed JSON is retryable for the job, not retried here', async () => {
    fake.enqueue({ raw: '{"title": "Green', usage: { prompt_tokens: 50, completion_tokens: 5 } });

    const error = await failure(gateway().generate(request));

    expect(error.code).toBe('UPSTREAM_RETRYABLE');
    expect(error.details).toMatchObject({ stage: 'draft', usage: { inputTokens: 50, outputTokens: 5 } });
    expect(fake.requests).toHaveLength(1);
  });

  test('an answer that does not match the schema is retryable', async () => {
    fake.enqueue({ json: { title: 42 } });

    const error = await failure(gateway().generate(request));

    expect(error.code).toBe('UPSTREAM_RETRYABLE');
    expect(error.message).toContain('title');
  });

  test('a refusal is final', async () => {
    fake.enqueue({ refusal: 'I cannot help with that.' });

    const error = await failure(gateway().generate(request));

    expect(error.code).toBe('UPSTREAM');
    expect(error.message).toContain('I cannot help with that.');
  });

  test('401 is final and says what to check', async () => {
    fake.onRequest(() => ({ status: 401 }));

    const error = await failure(gateway().generate(request));

    expect(error.code).toBe('UPSTREAM');
    expect(error.message).toContain('OPENAI_API_KEY');
    expect(isRetryable(error)).toBe(false);
    expect(fake.requests).toHaveLength(1);
  });

  test('x-should-retry: false stops retries even on 500', async () => {
    fake.enqueue({ status: 500, headers: { 'x-should-retry': 'false' } });

    const error = await failure(gateway().generate(request));

    expect(error.code).toBe('UPSTREAM');
    expect(fake.requests).toHaveLength(1);
  });

  test('never has more calls in flight than its concurrency, across callers', async () => {
    fake.setLatency(60);
    fake.onRequest(() => ({ json: answer }));
    const llm = gateway({ concurrency: 3 });

    const results = await Promise.all(Array.from({ length: 10 }, () => llm.generate(request)));

    expect(results).toHaveLength(10);
    expect(fake.maxInFlight).toBe(3);
  });
});

describe('isRetryable', () => {
  test.each([
    [new AppError('UPSTREAM_RETRYABLE', 'x'), true],
    [new AppError('UPSTREAM', 'x'), false],
    [Object.assign(new Error('rate limited'), { status: 429 }), true],
    [Object.assign(new Error('bad gateway'), { status: 502 }), true],
    [Object.assign(new Error('unauthorized'), { status: 401 }), false],
    [Object.assign(new Error('bad request'), { status: 400 }), false],
    [Object.assign(new Error('reset'), { code: 'ECONNRESET' }), true],
    [new Error('bug'), false],
  ])('%s → %s', (error, expected) => {
    expect(isRetryable(error)).toBe(expected);
  });
});

describe('makeLimiter', () => {
  test('runs queued tasks in order as slots free up', async () => {
    const limit = makeLimiter(1);
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((n) => limit(async () => void order.push(n))));
    expect(order).toEqual([1, 2, 3]);
  });

  test('frees the slot when a task throws', async () => {
    const limit = makeLimiter(1);
    await expect(limit(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limit(async () => 'ok')).resolves.toBe('ok');
  });
});
