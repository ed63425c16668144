import net from 'node:net';
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

test('a client that goes away mid-body leaves the server answering, with no error logged', async () => {
  const { hostname, port } = new URL(t.app.url);
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(`POST /slack/events HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"type":`);
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, 100);
    });
    socket.on('error', reject);
  });
  expect((await fetch(`${t.app.url}/healthz`)).status).toBe(200);
  const signedLater = await fetch(`${t.app.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(signedLater.status).toBe(401);
  expect(t.logs.join('')).not.toMatch(/"level":50/);
});
