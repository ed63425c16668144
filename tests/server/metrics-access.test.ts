import { afterEach, expect, test } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const TOKEN = 'a-long-metrics-token-0123456789abcdef';
let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

test('with METRICS_TOKEN, /metrics needs the bearer token', async () => {
  t = await startTestApp({ role: 'web', env: { LOG_LEVEL: 'warn', METRICS_TOKEN: TOKEN } });
  const anonymous = await fetch(`${t.app.url}/metrics`);
  expect(anonymous.status).toBe(401);
  expect(await anonymous.text()).not.toContain('content_broadcaster');
  expect((await fetch(`${t.app.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-of-some-length' } })).status).toBe(401);
  const allowed = await fetch(`${t.app.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(allowed.status).toBe(200);
  expect(await allowed.text()).toContain('content_broadcaster_jobs');
});

test('with METRICS_PORT, /metrics is served only on that port', async () => {
  t = await startTestApp({ role: 'web', env: { LOG_LEVEL: 'warn', METRICS_PORT: '0' } });
  expect((await fetch(`${t.app.url}/metrics`)).status).toBe(404);
  expect(t.app.metricsUrl).toBeDefined();
  const own = await fetch(t.app.metricsUrl!);
  expect(own.status).toBe(200);
  expect(await own.text()).toContain('content_broadcaster_jobs');
  expect((await fetch(t.app.metricsUrl!.replace('/metrics', '/healthz'))).status).toBe(404);
});

test('with neither, /metrics is not served at all', async () => {
  t = await startTestApp({ role: 'web', env: { LOG_LEVEL: 'warn' } });
  expect((await fetch(`${t.app.url}/metrics`)).status).toBe(404);
});
