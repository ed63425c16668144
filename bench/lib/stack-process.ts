/**
 * Child process: a diagnostic middle point for ack latency. Our HTTP stack (Hono, src/server's
 * receiver and http-app) in front of a Bolt app whose listeners only ack(), so the figures split
 * what our stack costs from what our listeners' after-ack work costs.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { App, LogLevel } from '@slack/bolt';
import pino from 'pino';
import { ACTIONS, COMMAND, PLAN_MODAL } from '../../src/bot/ids.ts';
import { makeHttpApp } from '../../src/server/http-app.ts';
import { HonoSlackReceiver } from '../../src/server/slack-receiver.ts';
import type { BaselineOptions } from './baseline-process.ts';
import { serveChild } from './child-runtime.ts';

serveChild(async (options) => {
  const { signingSecret, botToken } = options as BaselineOptions;
  const logger = pino({ level: 'warn' });
  const receiver = new HonoSlackReceiver({ signingSecret, logger });
  const authorization = { botToken, botId: 'B0FAKEBOT1', botUserId: 'U0FAKEBOT1', teamId: 'T0FAKE0001' };
  const app = new App({ receiver, authorize: async () => authorization, logLevel: LogLevel.ERROR });
  app.command(COMMAND, async ({ ack }) => ack());
  app.action(ACTIONS.newPlan, async ({ ack }) => ack());
  app.view(PLAN_MODAL.callbackId, async ({ ack }) => ack());
  const http = makeHttpApp({ receiver, checkHealth: async () => ({ ok: true, database: 'up', worker: 'none' }) });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: http.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
});
