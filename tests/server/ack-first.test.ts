import { App, LogLevel } from '@slack/bolt';
import pino from 'pino';
import { expect, test } from 'vitest';
import { HonoSlackReceiver } from '../../src/server/slack-receiver.ts';
import { signSlackRequest, slashCommandBody } from '../support/slack-requests.ts';

const SIGNING_SECRET = 'ack-first-signing-secret';

// A listener's work after ack() (opening a modal, saving, posting) must not delay the answer to its
// own request, nor to the requests that arrived with it.
test('every answer in a burst is ready before any listener resumes after its ack', async () => {
  const receiver = new HonoSlackReceiver({ signingSecret: SIGNING_SECRET, logger: pino({ level: 'silent' }) });
  const app = new App({ receiver, token: 'xoxb-test', tokenVerificationEnabled: false, botId: 'B0BOT', botUserId: 'U0BOT', logLevel: LogLevel.ERROR, convoStore: false });
  const order: string[] = [];
  app.command('/content', async ({ ack, command }) => {
    await ack();
    order.push(`resumed ${command.trigger_id}`);
  });

  const answers = ['1', '2', '3', '4', '5'].map((id) => {
    const { body, contentType } = slashCommandBody({ teamId: 'T0ACK', userId: 'U0ACK', channelId: 'C0ACK', triggerId: id });
    const headers = signSlackRequest({ signingSecret: SIGNING_SECRET, body });
    return receiver
      .handle({ rawBody: body, contentType, signature: headers['X-Slack-Signature'], timestamp: headers['X-Slack-Request-Timestamp'], retryNum: undefined, retryReason: undefined })
      .then((answer) => order.push(`answered ${id} with ${answer.status}`));
  });
  await Promise.all(answers);
  await expect.poll(() => order.length).toBe(10);
  expect(order.slice(0, 5)).toEqual(['1', '2', '3', '4', '5'].map((id) => `answered ${id} with 200`));
  expect(order.slice(5).sort()).toEqual(['1', '2', '3', '4', '5'].map((id) => `resumed ${id}`));
});
