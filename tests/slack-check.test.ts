import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { verifySlackAccess } from '../src/slack-check.ts';
import { startFakeSlack, type FakeSlack } from './support/fake-slack.ts';

let slack: FakeSlack;
beforeAll(async () => {
  slack = await startFakeSlack({ tokens: ['xoxb-good'] });
});
afterAll(async () => {
  await slack.close();
});

test('a token Slack accepts gives the bot ids, from one auth.test', async () => {
  const identity = await verifySlackAccess({ apiUrl: slack.url, botToken: 'xoxb-good' });
  expect(identity).toEqual({ botId: expect.any(String), botUserId: expect.any(String) });
});

test('a Slack that accepts the connection but never answers is named after the timeout, not after minutes of retries', async () => {
  const sockets: Socket[] = [];
  const silent: Server = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const { port } = silent.address() as { port: number };
  const startedAt = Date.now();
  try {
    await expect(verifySlackAccess({ apiUrl: `http://127.0.0.1:${port}/api/`, botToken: 'xoxb-good', timeoutMs: 500 })).rejects.toThrow(
      new RegExp(`^Slack's Web API did not answer at SLACK_API_URL http://127\\.0\\.0\\.1:${port}/api/ \\(.+\\): check that URL`),
    );
    expect(Date.now() - startedAt).toBeLessThan(5_000);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});

test('a URL that answers with an HTTP error names SLACK_API_URL and the status', async () => {
  slack.failNext('auth.test', { status: 404, body: 'Not Found' });
  await expect(verifySlackAccess({ apiUrl: slack.url, botToken: 'xoxb-good' })).rejects.toThrow(`did not answer at SLACK_API_URL ${slack.url} (HTTP 404)`);
});

test('a rate-limited answer proves Slack is there: start-up goes on without the ids', async () => {
  slack.failNext('auth.test', { status: 429, retryAfter: 30 });
  await expect(verifySlackAccess({ apiUrl: slack.url, botToken: 'xoxb-good' })).resolves.toBeUndefined();
});

test('without a bot token (OAuth installs) only reachability is checked', async () => {
  await expect(verifySlackAccess({ apiUrl: slack.url, botToken: undefined })).resolves.toBeUndefined();
  expect(slack.callsTo('api.test')).toHaveLength(1);
});
