import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { ACTIONS, BLOCKS } from '../../src/bot/ids.ts';
import { AUTHOR, rootMessage, seedCompetitors, submitPlan, TEAM, waitForQuiet, waitForStatus } from '../support/pipeline.ts';
import { schemaNameOf, scriptAuthor } from '../support/scripted-author.ts';
import { blockActionsBody } from '../support/slack-requests.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ env: { JOB_MAX_ATTEMPTS: '2', LLM_MAX_RETRIES: '2', LLM_TIMEOUT_MS: '2000' } });
  seedCompetitors(t.firecrawl);
});
afterAll(async () => t?.close());
beforeEach(() => scriptAuthor(t.openai));

const callsNamed = (name: string) => t.openai.requests.filter((request) => schemaNameOf(request) === name).length;

test('OpenAI answering 500 twice and then succeeding does not stop the plan', async () => {
  let failures = 0;
  scriptAuthor(t.openai, {
    override: (_request, name) => (name === 'outline' && failures++ < 2 ? { status: 500 } : undefined),
  });
  const plan = await submitPlan(t, { channels: ['blog', 'linkedin'] });
  await waitForStatus(t, plan.id, 'in_review');
  expect(failures).toBe(3);
});

test('when OpenAI always fails the plan is failed with a reason and Retry; Retry resumes without redoing research', async () => {
  let isDown = true;
  scriptAuthor(t.openai, { override: (_request, name) => (isDown && name === 'outline' ? { status: 500 } : undefined) });
  const plan = await submitPlan(t, { channels: ['blog', 'x_thread'] });
  await waitForStatus(t, plan.id, 'failed');
  await waitForQuiet(t, plan.id);

  const [failed] = await t.database.sql`select failed_stage, error from content_plans where id = ${plan.id}`;
  expect(failed?.['failed_stage']).toBe('draft');
  expect(failed?.['error']).toMatch(/gave up after 2 tries/);
  const runs = await t.database.sql`select stage, attempt, status, error from stage_runs where plan_id = ${plan.id} and stage = 'draft' order by id`;
  expect(runs.map((run) => [run['attempt'], run['status']])).toEqual([
    [1, 'failed'],
    [2, 'failed'],
  ]);

  const { message, ts } = await rootMessage(t, plan.id);
  const shown = JSON.stringify(message.blocks);
  expect(shown).toContain('Draft failed:');
  expect(shown).toContain(ACTIONS.retryPlan);

  const researchCalls = callsNamed('research');
  const scrapes = t.firecrawl.requests.length;
  isDown = false;
  const response = await t.send(
    blockActionsBody({
      teamId: TEAM,
      userId: AUTHOR,
      channelId: message.channel,
      message: { ts },
      actions: [{ action_id: ACTIONS.retryPlan, block_id: BLOCKS.planFailureActions, value: plan.id }],
      triggerId: t.slack.issueTriggerId(),
      responseUrl: t.slack.issueResponseUrl(),
    }),
  );
  expect(response.status).toBe(200);
  await waitForStatus(t, plan.id, 'in_review');
  expect(callsNamed('research')).toBe(researchCalls);
  expect(t.firecrawl.requests.length).toBe(scrapes);
  const retried = await t.database.sql`select count(*)::int as n from audit_log where plan_id = ${plan.id} and action = 'plan_retried'`;
  expect(retried[0]?.['n']).toBe(1);
});

test('someone other than the author or an admin cannot retry', async () => {
  scriptAuthor(t.openai, { override: (_request, name) => (name === 'outline' ? { status: 500 } : undefined) });
  const plan = await submitPlan(t, { channels: ['blog'] });
  await waitForStatus(t, plan.id, 'failed');
  t.slack.users.set('U0STRANGER', { is_admin: false });
  const { message, ts } = await rootMessage(t, plan.id);
  const responseUrl = t.slack.issueResponseUrl();
  await t.send(
    blockActionsBody({
      teamId: TEAM,
      userId: 'U0STRANGER',
      channelId: message.channel,
      message: { ts },
      actions: [{ action_id: ACTIONS.retryPlan, block_id: BLOCKS.planFailureActions, value: plan.id }],
      triggerId: t.slack.issueTriggerId(),
      responseUrl,
    }),
  );
  await expect.poll(() => t.slack.responses.find((posted) => posted.url === responseUrl)?.body['text']).toMatch(/Only <@U0MIA>.*can retry/);
  const [row] = await t.database.sql`select status from content_plans where id = ${plan.id}`;
  expect(row?.['status']).toBe('failed');
});

test('malformed structured output is retried', async () => {
  let malformed = 0;
  scriptAuthor(t.openai, { override: (_request, name) => (name === 'research' && malformed++ === 0 ? { raw: '{"competitors": [' } : undefined) });
  const plan = await submitPlan(t, { channels: ['blog'] });
  await waitForStatus(t, plan.id, 'in_review');
  const runs = await t.database.sql`select attempt, status from stage_runs where plan_id = ${plan.id} and stage = 'research' order by id`;
  expect(runs.map((run) => [run['attempt'], run['status']])).toEqual([
    [1, 'failed'],
    [2, 'succeeded'],
  ]);
});

test('Slack answering 429 to chat.update still ends with the final state shown', async () => {
  t.slack.failNext('chat.update', { status: 429, retryAfter: 1 }, 3);
  const plan = await submitPlan(t, { channels: ['blog', 'linkedin'] });
  await waitForStatus(t, plan.id, 'in_review');
  await waitForQuiet(t, plan.id);
  const { message } = await rootMessage(t, plan.id);
  expect(message.text).toContain('In review');
  expect(t.slack.callsTo('chat.update').filter((call) => call.outcome === 'rate_limited').length).toBeGreaterThan(0);
});

test('a worker stopped in the middle of a stage and started again completes the plan without duplicate replies', async () => {
  t.openai.setLatency(800);
  const plan = await submitPlan(t, { channels: ['blog', 'linkedin', 'newsletter'] });
  await expect
    .poll(async () => (await t.database.sql`select count(*)::int as n from stage_runs where plan_id = ${plan.id} and stage = 'draft'`)[0]?.['n'], {
      timeout: 20_000,
    })
    .toBeGreaterThan(0);
  await t.restart();
  t.openai.setLatency(0);
  await waitForStatus(t, plan.id, 'in_review');
  await waitForQuiet(t, plan.id);
  const { replies } = await rootMessage(t, plan.id);
  const keys = await t.database.sql`select key from thread_replies where plan_id = ${plan.id} order by key`;
  // The draft's canvas is recorded beside the replies.
  expect(keys.map((row) => row['key'])).toEqual(['canvas', 'draft:r0', 'research', 'seo:r0', 'variant:linkedin:r0', 'variant:newsletter:r0']);
  expect(replies).toHaveLength(5);
});
