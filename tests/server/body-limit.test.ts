import { afterAll, beforeAll, expect, test } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/server/http-app.ts';
import { chunkedBody } from '../support/chunked-body.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ role: 'web', env: { LOG_LEVEL: 'warn' } });
});
afterAll(async () => t?.close());

test('an oversized chunked body gets 413, without a stack trace', async () => {
  const response = await fetch(`${t.app.url}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: chunkedBody(MAX_BODY_BYTES + 100_000),
    duplex: 'half',
  } as RequestInit);
  expect(response.status).toBe(413);
  expect(await response.text()).toBe('payload too large');
  expect(t.logs.join('')).not.toMatch(/"level":50/);
});

test('a small chunked body is read as usual (and fails the signature check)', async () => {
  const response = await fetch(`${t.app.url}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: chunkedBody(1_000),
    duplex: 'half',
  } as RequestInit);
  expect(response.status).toBe(401);
});
