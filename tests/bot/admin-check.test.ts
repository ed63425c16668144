import { afterAll, beforeAll, expect, test } from 'vitest';
import { SETTINGS_MODALS } from '../../src/bot/ids.ts';
import { TEAM } from '../support/pipeline.ts';
import { viewSubmissionBody } from '../support/slack-requests.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const SLACK_ADMIN = 'U0SLACKADMIN';
const Q = SETTINGS_MODALS.quality.blocks;

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ role: 'web', env: { LOG_LEVEL: 'warn' } });
  t.slack.users.set(SLACK_ADMIN, { is_admin: true });
});
afterAll(async () => t?.close());

/** Submits the Quality settings modal as `userId`; returns Slack's parsed answer and how long the ack took. */
async function submitQuality(userId: string, seo: string) {
  const values = {
    [Q.seoThreshold]: { value: { type: 'number_input', value: seo } },
    [Q.readabilityThreshold]: { value: { type: 'number_input', value: '60' } },
    [Q.maxRevisions]: { value: { type: 'number_input', value: '3' } },
  };
  const started = performance.now();
  const response = await t.send(viewSubmissionBody({ teamId: TEAM, userId, view: { id: 'V0QUALITY', callback_id: SETTINGS_MODALS.quality.callbackId, private_metadata: '', state: { values } } }));
  const text = await response.text();
  return { status: response.status, ackMs: performance.now() - started, answer: text ? (JSON.parse(text) as { errors?: Record<string, string> }) : undefined };
}
const seoThreshold = async () => (await t.database.sql`select seo_threshold from workspace_settings where team_id = ${TEAM}`)[0]?.['seo_threshold'];

test('a Slack 429 on the admin check is answered under the field at once, not by a silently closed modal', async () => {
  t.slack.failNext('users.info', { status: 429, retryAfter: 30 });
  const { status, ackMs, answer } = await submitQuality(SLACK_ADMIN, '81');
  expect(status).toBe(200);
  expect(ackMs).toBeLessThan(2_500);
  expect(answer?.errors?.[Q.seoThreshold]).toBe('Slack is limiting how fast I can check who is an admin. Try again in 30 seconds. Nothing was saved yet: submit again.');
  expect(await seoThreshold()).toBeUndefined();
  expect(t.slack.callsTo('users.info')).toHaveLength(1); // no retry behind the person's back

  // Submitted again once Slack answers, it saves.
  expect((await submitQuality(SLACK_ADMIN, '81')).answer).toBeUndefined();
  expect(await seoThreshold()).toBe(81);
});

test('admin status is remembered for a while: a second submission makes no users.info call', async () => {
  const before = t.slack.callsTo('users.info').length;
  expect((await submitQuality(SLACK_ADMIN, '82')).answer).toBeUndefined();
  expect((await submitQuality(SLACK_ADMIN, '83')).answer).toBeUndefined();
  expect(t.slack.callsTo('users.info')).toHaveLength(before);
  expect(await seoThreshold()).toBe(83);
});

test('under a sustained rate limit every answer still comes inline and quickly', async () => {
  t.slack.rateLimit('users.info', { perMinute: 1 });
  const results = await Promise.all(['U0P1', 'U0P2', 'U0P3'].map((user) => submitQuality(user, '70')));
  t.slack.rateLimit('users.info', null);
  for (const { ackMs, answer } of results) {
    expect(ackMs).toBeLessThan(2_500);
    expect(answer?.errors?.[Q.seoThreshold]).toMatch(/^(Only admins can change settings|Slack is limiting how fast I can check who is an admin\. Try again in \d+ seconds)/);
  }
  expect(results.filter(({ answer }) => answer?.errors?.[Q.seoThreshold]?.startsWith('Slack is limiting'))).toHaveLength(2);
});
