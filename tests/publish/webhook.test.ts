import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { DestinationNetworkPolicy } from '../../src/publish/network-guard.ts';
import { buildPublishBody } from '../../src/publish/html.ts';
import { deliverWebhook, isValidWebhookSignature, pingWebhook, signWebhookBody } from '../../src/publish/webhook.ts';
import { type FakeWebhook, startFakeWebhook } from '../support/fake-webhook.ts';
import { makeContent } from './fixtures.ts';

/** The fake servers listen on loopback, which ALLOW_PRIVATE_DESTINATIONS=true permits. */
const LOOPBACK: DestinationNetworkPolicy = { allowPrivate: true };

const secret = 'whsec_test_secret_0123456789';
const clock = () => 1_750_000_000_123;

let fake: FakeWebhook;
beforeEach(async () => {
  fake = await startFakeWebhook();
});
afterEach(async () => {
  await fake.close();
});

function deliver(overrides: Partial<Parameters<typeof deliverWebhook>[0]> = {}) {
  return deliverWebhook({ network: LOOPBACK, url: fake.url, secret, body: buildPublishBody(makeContent()), idempotencyKey: 'plan-42-r2-webhook-1', now: clock, ...overrides });
}

describe('signWebhookBody', () => {
  test('t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.idempotency key.body">', () => {
    const header = signWebhookBody({ secret: 's3cret', body: '{"a":1}', timestamp: 1_700_000_000, idempotencyKey: 'key-1' });
    const expected = createHmac('sha256', 's3cret').update('1700000000.key-1.{"a":1}').digest('hex');
    expect(header).toBe(`t=1700000000,v1=${expected}`);
  });

  test('isValidWebhookSignature accepts a fresh one and refuses altered, stale or foreign ones', () => {
    const body = '{"type":"ping"}';
    const idempotencyKey = 'key-1';
    const header = signWebhookBody({ secret, body, timestamp: clock() / 1000, idempotencyKey });
    expect(isValidWebhookSignature({ secret, body, idempotencyKey, header, now: clock })).toBe(true);
    expect(isValidWebhookSignature({ secret, body: `${body} `, idempotencyKey, header, now: clock })).toBe(false);
    expect(isValidWebhookSignature({ secret: 'other', body, idempotencyKey, header, now: clock })).toBe(false);
    expect(isValidWebhookSignature({ secret, body, idempotencyKey, header, now: () => clock() + 600_000 })).toBe(false);
    expect(isValidWebhookSignature({ secret, body, idempotencyKey, header: 'garbage', now: clock })).toBe(false);
    // A delivery replayed under another key (to be stored twice) no longer verifies.
    expect(isValidWebhookSignature({ secret, body, idempotencyKey: 'key-2', header, now: clock })).toBe(false);
  });
});

describe('deliverWebhook', () => {
  test('2xx is delivered; the request is signed JSON with an idempotency key', async () => {
    const body = buildPublishBody(makeContent());

    const result = await deliver({ body });

    expect(result).toEqual({ state: 'delivered', retryable: false, status: 200 });
    const [received] = fake.requests;
    expect(received?.method).toBe('POST');
    expect(received?.rawBody).toBe(body);
    expect(received?.body).toMatchObject({ type: 'publish', plan: { number: 42 } });
    expect(received?.headers['content-type']).toMatch(/^application\/json/);
    expect(received?.headers['user-agent']).toMatch(/^ContentBroadcaster\//);
    expect(received?.headers['idempotency-key']).toBe('plan-42-r2-webhook-1');
    // Verified independently of the code under test.
    const signature = String(received?.headers['x-content-broadcaster-signature']);
    const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature);
    expect(match?.[1]).toBe('1750000000');
    expect(match?.[2]).toBe(createHmac('sha256', secret).update(`${match?.[1]}.plan-42-r2-webhook-1.${received?.rawBody}`).digest('hex'));
  });

  test('500 is a retryable failure; 503 passes on Retry-After', async () => {
    fake.respondWith(500, { status: 503, headers: { 'retry-after': '30' } });

    expect(await deliver()).toEqual({ state: 'failed', retryable: true, status: 500, reason: 'The webhook answered 500 Internal Server Error.' });
    expect(await deliver()).toMatchObject({ state: 'failed', retryable: true, status: 503, retryAfterSeconds: 30 });
  });

  test('500 twice then 200: every try carries the same key and the same body', async () => {
    fake.respondWith(500, 500);
    const states: string[] = [];
    for (;;) {
      const result = await deliver();
      states.push(result.state);
      if (!result.retryable) break;
    }
    expect(states).toEqual(['failed', 'failed', 'delivered']);
    expect(new Set(fake.requests.map((r) => r.headers['idempotency-key']))).toEqual(new Set(['plan-42-r2-webhook-1']));
    expect(new Set(fake.requests.map((r) => r.rawBody)).size).toBe(1);
  });

  test('a timeout after the receiver got the request is unknown and retryable', async () => {
    fake.respondWith({ hangAfterReceive: true });

    const result = await deliver({ timeoutMs: 150 });

    expect(result).toMatchObject({ state: 'unknown', retryable: true });
    expect(result.reason).toMatch(/same idempotency key/);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.outcome).toBe('hang');
  });

  test('a connection reset after sending is unknown too', async () => {
    fake.respondWith({ resetAfterReceive: true });
    expect(await deliver()).toMatchObject({ state: 'unknown', retryable: true });
    expect(fake.requests).toHaveLength(1);
  });

  test('a refused connection is a retryable failure: nothing was sent', async () => {
    const gone = await startFakeWebhook();
    await gone.close();

    const result = await deliver({ url: gone.url });

    expect(result.state).toBe('failed');
    expect(result.retryable).toBe(true);
    expect(result.reason).toMatch(/refused the connection/);
  });

  test('404 fails for good with a sentence saying what to fix', async () => {
    fake.respondWith(404);
    expect(await deliver()).toEqual({
      state: 'failed',
      retryable: false,
      status: 404,
      reason: 'The webhook answered 404 Not Found; check its URL in the App Home.',
    });
  });

  test('401 points at the secret, a redirect at the URL; neither is retried', async () => {
    fake.respondWith(401, { status: 301, headers: { location: 'https://elsewhere.test/' } });
    expect(await deliver()).toMatchObject({ retryable: false, reason: expect.stringMatching(/secret saved in the App Home/) });
    expect(await deliver()).toMatchObject({ retryable: false, reason: expect.stringMatching(/redirects are not followed/) });
  });

  test('a URL that breaks the rules is refused before anything is sent', async () => {
    const result = await deliver({ url: 'http://hooks.example.com/x' });
    expect(result).toMatchObject({ state: 'failed', retryable: false });
    expect(result.reason).toMatch(/must start with https/);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('pingWebhook', () => {
  test('sends a signed {"type":"ping"} and reports the answer', async () => {
    const check = await pingWebhook({ network: LOOPBACK, url: fake.url, secret });

    expect(check).toEqual({ ok: true, status: 200, message: 'The webhook answered 200 OK to a signed ping.' });
    const [received] = fake.requests;
    expect(received?.rawBody).toBe('{"type":"ping"}');
    const header = String(received?.headers['x-content-broadcaster-signature']);
    expect(isValidWebhookSignature({ secret, body: received?.rawBody ?? '', idempotencyKey: String(received?.headers['idempotency-key']), header })).toBe(true);
    expect(received?.headers['idempotency-key']).toMatch(/^ping-/);
  });

  test('a failing receiver is reported with the reason', async () => {
    fake.respondWith(404, { hangAfterReceive: true });
    expect(await pingWebhook({ network: LOOPBACK, url: fake.url, secret })).toMatchObject({ ok: false, status: 404, message: expect.stringMatching(/404 Not Found/) });
    expect(await pingWebhook({ network: LOOPBACK, url: fake.url, secret, timeoutMs: 100 })).toMatchObject({ ok: false, message: expect.stringMatching(/did not answer/) });
  });
});
