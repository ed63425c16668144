import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { PLAN_REPLY_EVENT } from '../../src/jobs/render-plan-message.ts';
import { rootMessage, seedCompetitors, submitPlan, waitForQuiet, waitForStatus } from '../support/pipeline.ts';
import { scriptAuthor } from '../support/scripted-author.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
  seedCompetitors(t.firecrawl);
});
afterAll(async () => t?.close());
beforeEach(() => scriptAuthor(t.openai));

const isThreadReply = (args: Record<string, unknown>) => args['thread_ts'] !== undefined;

/** Runs a plan to review, the first thread reply's post failing once as `fault` says, and checks its thread. */
async function planWithFailedFirstReply(fault: { error: string; afterApplying: boolean }) {
  t.slack.failNext('chat.postMessage', { ...fault, onlyIf: isThreadReply });
  const failedBefore = t.slack.callsTo('chat.postMessage').filter((call) => call.outcome !== 'ok').length;
  const plan = await submitPlan(t, { channels: ['blog'] });
  await waitForStatus(t, plan.id, 'in_review');
  await waitForQuiet(t, plan.id);
  expect(t.slack.callsTo('chat.postMessage').filter((call) => call.outcome !== 'ok').length).toBe(failedBefore + 1);

  const { replies } = await rootMessage(t, plan.id);
  const recorded = await t.database.sql<{ key: string; ts: string | null }[]>`
    select key, ts from thread_replies where plan_id = ${plan.id} and key <> 'canvas' order by key`;
  // Each reply is in the thread once, where its row says, with the metadata that finds it.
  expect(replies.map((reply) => reply.ts).sort()).toEqual(recorded.map((row) => row.ts).sort());
  for (const { key, ts } of recorded) {
    expect(replies.find((reply) => reply.ts === ts)?.metadata).toEqual({ event_type: PLAN_REPLY_EVENT, event_payload: { plan_id: plan.id, key } });
  }
  return recorded;
}

test('a reply Slack took although the post answered with an error is found in the thread by its metadata, not posted again', async () => {
  const recorded = await planWithFailedFirstReply({ error: 'internal_error', afterApplying: true });
  expect(recorded.map((row) => row.key)).toContain('research');
});

test('a reply whose post Slack refused is posted once when the render runs again', async () => {
  const recorded = await planWithFailedFirstReply({ error: 'internal_error', afterApplying: false });
  expect(recorded.map((row) => row.key)).toContain('research');
});
