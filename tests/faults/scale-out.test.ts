import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { describeQueue, submitPlanTo, uncited, waitForAllStatus, waitForJobsDone } from '../support/process-pipeline.ts';
import { isPlanNotice } from '../support/pipeline.ts';
import { appEnv, logEntries, saveLogs, spawnApp, stopAllApps, type AppProcess } from '../support/processes.ts';
import { GOOD_DRAFT, schemaNameOf, scriptAuthor } from '../support/scripted-author.ts';

// Two web and two worker processes on one database take 100 plans.
const PLANS = 100;
const SUBMIT_CONCURRENCY = 6;

let database: TestDatabase;
let slack: FakeSlack;
let openai: FakeOpenAI;
let webs: AppProcess[] = [];
let workers: AppProcess[] = [];

beforeAll(async () => {
  [database, slack, openai] = await Promise.all([createTestDatabase(), startFakeSlack(), startFakeOpenAI()]);
  const env = (extra: Record<string, string> = {}) =>
    appEnv({ databaseUrl: database.url, slack, openai, extra: { PLAN_RATE_LIMIT_PER_HOUR: '1000', SEO_WORKERS: '1', ...extra } });
  // Research is skipped by the plans, so no scraper is configured.
  [webs, workers] = await Promise.all([
    Promise.all([spawnApp({ role: 'web', name: 'web-1', env: env() }), spawnApp({ role: 'web', name: 'web-2', env: env() })]),
    Promise.all([spawnApp({ role: 'worker', name: 'worker-1', env: env() }), spawnApp({ role: 'worker', name: 'worker-2', env: env() })]),
  ]);
}, 60_000);
afterAll(async () => {
  await stopAllApps('scale-out');
  saveLogs('scale-out', [...webs, ...workers]);
  await Promise.all([slack?.close(), openai?.close()]);
  await database?.drop();
});

test('100 plans over two web and two worker processes: every job runs once, every plan reaches review, every message shows it', async () => {
  scriptAuthor(openai, { drafts: [uncited(GOOD_DRAFT)] });
  const started = Date.now();

  // Submissions alternate between the two web processes, each from its own modal.
  const plans: { id: string; number: number }[] = [];
  const submitMs: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: SUBMIT_CONCURRENCY }, async () => {
      while (next < PLANS) {
        const index = next++;
        const web = webs[index % webs.length]!;
        const sentAt = Date.now();
        plans.push(await submitPlanTo(web, database.sql, `V0SCALE${String(index).padStart(3, '0')}`, { channels: ['blog', 'linkedin'], skipResearch: true }));
        submitMs.push(Date.now() - sentAt);
      }
    }),
  );
  const submittedAfterMs = Date.now() - started;
  const planIds = plans.map((plan) => plan.id);
  expect(new Set(planIds).size).toBe(PLANS);
  expect(new Set(plans.map((plan) => plan.number)).size).toBe(PLANS);

  try {
    await waitForAllStatus(database.sql, planIds, 'in_review', 75_000);
    await waitForJobsDone(database.sql, planIds, 30_000);
  } catch (error) {
    throw new Error(`${String(error)}\n${await describeQueue(database.sql)}`);
  }
  const doneAfterMs = Date.now() - started;

  // Every job ran once: one run per stage key, each successful (research skipped, as asked).
  const runs = await database.sql<{ key: string; status: string; n: number }[]>`
    select stage || ':' || revision || ':' || iteration as key, status, count(*)::int as n
    from stage_runs where plan_id = any(${planIds}::uuid[]) group by plan_id, stage, revision, iteration, status`;
  const byKey = new Map<string, number>();
  for (const run of runs) byKey.set(`${run.key}:${run.status}`, (byKey.get(`${run.key}:${run.status}`) ?? 0) + run.n);
  expect(Object.fromEntries(byKey)).toEqual({
    'research:0:0:skipped': PLANS,
    'draft:0:0:succeeded': PLANS,
    'optimize:0:0:succeeded': PLANS,
    'variant:linkedin:0:0:succeeded': PLANS,
  });
  expect(runs.every((run) => run.n === 1)).toBe(true);

  // No duplicated content rows.
  const [variants] = await database.sql<{ n: number; distinct: number }[]>`
    select count(*)::int as n, count(distinct (plan_id, channel))::int as distinct from content_variants where plan_id = any(${planIds}::uuid[])`;
  expect(variants).toEqual({ n: PLANS, distinct: PLANS });
  const [items] = await database.sql<{ n: number }[]>`select count(*)::int as n from content_items where plan_id = any(${planIds}::uuid[])`;
  expect(items?.n).toBe(PLANS);

  // The model was paid exactly once per call a plan needs.
  const paid: Record<string, number> = {};
  for (const request of openai.requests) paid[schemaNameOf(request)] = (paid[schemaNameOf(request)] ?? 0) + 1;
  expect(paid).toEqual({ outline: PLANS, draft: PLANS, variant_linkedin: PLANS });

  // Every root message shows its final state, and each thread has its four replies once.
  const located = await database.sql<{ id: string; message_channel_id: string; message_ts: string }[]>`
    select id, message_channel_id, message_ts from content_plans where id = any(${planIds}::uuid[])`;
  expect(located.every((plan) => plan.message_ts)).toBe(true);
  const notFinal = located.filter((plan) => !slack.messages.get(plan.message_channel_id, plan.message_ts)?.text.includes('In review'));
  expect(notFinal.map((plan) => plan.id)).toEqual([]);
  const wrongReplies = located
    .map((plan) => ({ id: plan.id, replies: slack.messages.replies(plan.message_channel_id, plan.message_ts).filter((reply) => !isPlanNotice(reply)).length }))
    .filter((plan) => plan.replies !== 4);
  expect(wrongReplies).toEqual([]);
  const [replyKeys] = await database.sql<{ n: number; distinct: number }[]>`
    select count(*)::int as n, count(distinct (plan_id, key))::int as distinct from thread_replies
    where plan_id = any(${planIds}::uuid[]) and key <> 'canvas'`;
  expect(replyKeys).toEqual({ n: PLANS * 4, distinct: PLANS * 4 });
  // Each plan's draft is published as one canvas, once.
  const [canvasRows] = await database.sql<{ n: number }[]>`
    select count(*)::int as n from thread_replies where plan_id = any(${planIds}::uuid[]) and key = 'canvas' and ts not like 'unavailable:%'`;
  expect(canvasRows?.n).toBe(PLANS);
  expect(slack.callsTo('canvases.create').filter((call) => call.outcome === 'ok')).toHaveLength(PLANS);
  const rootTs = new Set(located.map((plan) => plan.message_ts));
  const threadPosts = slack.callsTo('chat.postMessage').filter((call) => rootTs.has(String(call.args['thread_ts'])) && call.outcome === 'ok' && !isPlanNotice(call));
  expect(threadPosts).toHaveLength(PLANS * 4);
  const rootPosts = slack.callsTo('chat.postMessage').filter((call) => call.args['thread_ts'] === undefined && call.outcome === 'ok');
  expect(rootPosts).toHaveLength(PLANS);

  // Both workers took part, and no process crashed or logged an error.
  const completed = workers.map((worker) => logEntries(worker).filter((entry) => String(entry['msg']).startsWith('Completed task')).length);
  expect(completed.every((count) => count > 0)).toBe(true);
  for (const child of [...webs, ...workers]) {
    expect(child.isRunning(), child.name).toBe(true);
    expect(logEntries(child).filter((entry) => Number(entry['level']) >= 50).map((entry) => entry['msg']), child.name).toEqual([]);
  }
  submitMs.sort((a, b) => a - b);
  const slowAcks = [...webs].reduce((sum, web) => sum + web.logs.filter((line) => line.includes('not acknowledged within 3 seconds')).length, 0);
  console.info(
    `scale-out: submit p50 ${submitMs[Math.floor(PLANS / 2)]} ms, max ${submitMs.at(-1)} ms, acks over 3 s: ${slowAcks}`,
  );
  console.info(`scale-out: ${PLANS} plans submitted in ${submittedAfterMs} ms, all in review and rendered after ${doneAfterMs} ms; jobs per worker ${completed.join(' / ')}`);
}, 100_000);
