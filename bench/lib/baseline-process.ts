/**
 * Child process: the baseline for ack latency. A bare Bolt app on Bolt's own HTTPReceiver that
 * verifies the same signed requests and answers each with an empty ack(), nothing else.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { ACTIONS, COMMAND, PLAN_MODAL } from '../../src/bot/ids.ts';
import { serveChild } from './child-runtime.ts';

export type BaselineOptions = { signingSecret: string; botToken: string };

serveChild(async (options) => {
  const { signingSecret, botToken } = options as BaselineOptions;
  const receiver = new HTTPReceiver({ signingSecret });
  // A fixed authorization: no auth.test call, like our app after its one auth.test at start.
  const authorization = { botToken, botId: 'B0FAKEBOT1', botUserId: 'U0FAKEBOT1', teamId: 'T0FAKE0001' };
  const app = new App({ receiver, authorize: async () => authorization, logLevel: LogLevel.ERROR });
  app.command(COMMAND, async ({ ack }) => ack());
  app.action(ACTIONS.newPlan, async ({ ack }) => ack());
  app.view(PLAN_MODAL.callbackId, async ({ ack }) => ack());
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, stop: async () => void (await app.stop()) };
});
