import { afterAll, beforeAll, expect, test } from 'vitest';
import { startApp } from '../../src/main.ts';
import { ACTIONS } from '../../src/bot/ids.ts';
import { createTestDatabase } from '../support/database.ts';
import { startFakeFirecrawl } from '../support/fake-firecrawl.ts';
import { startFakeOpenAI } from '../support/fake-openai.ts';
import { startFakeSlack } from '../support/fake-slack.ts';
import { sendSlackRequest } from '../support/slack-requests.ts';
import { finishedStageCounts, isPlanNotice, rootMessage, seedCompetitors, submitPlan, waitForStatus } from '../support/pipeline.ts';
import { describeQueue } from '../support/process-pipeline.ts';
import { startOutageProxy, type OutageProxy } from '../support/outage-proxy.ts';
import { GOOD_DRAFT, schemaNameOf, scriptAuthor, WEAK_DRAFT } from '../support/scripted-author.ts';
import { BOT_TOKEN, FIRECRAWL_KEY, OPENAI_KEY, SIGNING_SECRET, type TestApp } from '../support/test-app.ts';

// The app reaches the fake Slack through a proxy that can take "Slack" down for a while.
let t: TestApp;
let proxy: OutageProxy;

beforeAll(async () => {
  // Like startTestApp, but the app's Slack URL is the proxy's, which must lead to the fake
  // before the app starts (Bolt calls auth.test while it starts).
  const [slack, openai, firecrawl, database] = await Promise.all([
    startFakeSlack(),
    startFakeOpenAI(),
    startFakeFirecrawl({ apiKey: FIRECRAWL_KEY }),
    createTestDatabase(),
  ]);
  proxy = await startOutageProxy();
  proxy.setTarget(slack.origin);
  const app = await startApp({
    env: {
      PORT: '0',
      DATABASE_URL: database.url,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_API_URL: `${proxy.origin}/api/`,
      OPENAI_API_KEY: OPENAI_KEY,
      OPENAI_BASE_URL: openai.url,
      FIRECRAWL_API_KEY: FIRECRAWL_KEY,
      FIRECRAWL_API_URL: firecrawl.url,
      LOG_LEVEL: 'silent',
    },
    workerPollInterval: 200,
  });
  t = {
    app,
    slack,
    openai,
    firecrawl,
    database,
    logs: [],
    send: (request, options = {}) => sendSlackRequest(app.url, request, { signingSecret: SIGNING_SECRET, ...options }),
    restart: () => Promise.reject(new Error('not supported here')),
    close: async () => {
      await app.stop();
      await Promise.all([slack.close(), openai.close(), firecrawl.close()]);
      await database.drop();
    },
  };
  seedCompetitors(t.firecrawl);
});
afterAll(async () => {
  await t?.close();
  await proxy?.close();
});

test('Slack down while a plan runs: the message and its replies catch up afterwards, once each, and nothing is lost', async () => {
  scriptAuthor(t.openai, { drafts: [WEAK_DRAFT, GOOD_DRAFT] });
  t.openai.setLatency(1_000);
  const plan = await submitPlan(t, { channels: ['blog', 'linkedin', 'newsletter'] });
  // The root message is posted right after the modal is acknowledged.
  await expect.poll(async () => (await t.database.sql`select message_ts from content_plans where id = ${plan.id}`)[0]?.['message_ts']).toBeTruthy();
  const { ts } = await rootMessage(t, plan.id);

  // Slack goes down (HTTP 500 on every method) once the first stage is done, and stays down
  // until the plan is in review: every render and reply of the pipeline fails while it is down.
  await waitForStatus(t, plan.id, 'drafting', 20_000);
  proxy.down({ status: 500 });
  await waitForStatus(t, plan.id, 'in_review', 40_000);
  // Then the connection itself fails for a while.
  proxy.down('reset');
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(proxy.failed.some((path) => path.endsWith('/chat.update'))).toBe(true);

  // Slack answers again, but its next thread post still fails.
  t.slack.failNext('chat.postMessage', { status: 500 }, 1);
  proxy.up();
  const upAt = Date.now();

  // Renders are retried with graphile-worker's backoff; the message and replies catch up.
  try {
    await expect
      .poll(
        async () => {
          const { message, replies } = await rootMessage(t, plan.id);
          return { inReview: message.text.includes('In review'), replies: replies.length };
        },
        { timeout: 45_000, interval: 250 },
      )
      .toEqual({ inReview: true, replies: 5 });
  } catch (error) {
    throw new Error(`${String(error)}\n${await describeQueue(t.database.sql)}\nslack calls: ${t.slack.calls.map((call) => `${call.method}:${call.outcome}`).join(' ')}`);
  }
  const caughtUpAfterMs = Date.now() - upAt;
  console.info(`slack-down: caught up ${caughtUpAfterMs} ms after Slack came back; ${proxy.failed.length} calls failed during the outage`);
  expect(t.slack.callsTo('chat.postMessage').some((call) => call.status === 500)).toBe(true);
  // Let any render still queued run; it must not post anything again.
  await new Promise((resolve) => setTimeout(resolve, 1_500));

  // No state lost: the plan, its scores, one successful run per stage.
  const [row] = await t.database.sql`select status, seo_score, readability_score from content_plans where id = ${plan.id}`;
  expect(row?.['status']).toBe('in_review');
  expect(row?.['seo_score']).toBeGreaterThanOrEqual(75);
  expect(await finishedStageCounts(t.database.sql, plan.id)).toEqual([
    'draft:0:1',
    'optimize:0:1',
    'optimize:1:1',
    'research:0:1',
    'variant:linkedin:0:1',
    'variant:newsletter:0:1',
  ]);
  const paid = t.openai.requests.map(schemaNameOf);
  expect(paid.sort()).toEqual(['draft', 'outline', 'research', 'revision', 'variant_linkedin', 'variant_newsletter']);

  // The root message shows the final state with its scores.
  const { message, replies } = await rootMessage(t, plan.id);
  expect(message.text).toContain('In review');
  const shown = JSON.stringify(message.blocks);
  expect(shown).toMatch(/SEO \d+/);
  expect(shown).toMatch(/Readability \d+/);
  expect(shown).toContain(ACTIONS.approve);
  expect(shown).not.toContain('⏳');

  // Every reply is there, posted once.
  const keys = await t.database.sql`select key from thread_replies where plan_id = ${plan.id} order by key`;
  expect(keys.map((key) => key['key'])).toEqual(['canvas', 'draft:r0', 'research', 'seo:r0', 'variant:linkedin:r0', 'variant:newsletter:r0']);
  expect(replies).toHaveLength(5);
  const posted = t.slack.callsTo('chat.postMessage').filter((call) => call.args['thread_ts'] === ts && call.outcome === 'ok' && !isPlanNotice(call));
  expect(posted).toHaveLength(5);
  expect(new Set(replies.map((reply) => reply.text)).size).toBe(5);
  expect(JSON.stringify(replies)).toContain(GOOD_DRAFT.title);
}, 90_000);
