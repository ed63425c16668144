import postgres from 'postgres';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Sql } from '../../src/db/client.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { describeQueue, submitPlanTo, uncited, waitForAllStatus, waitForHealth, waitForJobsDone } from '../support/process-pipeline.ts';
import { isPlanNotice } from '../support/pipeline.ts';
import { appEnv, saveLogs, spawnApp, stopAllApps, type AppProcess } from '../support/processes.ts';
import { startRestartablePostgres, type RestartablePostgres } from '../support/restartable-postgres.ts';
import { GOOD_DRAFT, scriptAuthor, WEAK_DRAFT } from '../support/scripted-author.ts';

// The shared test server cannot be restarted, so this file has a Postgres of its own.
let pg: RestartablePostgres;
let slack: FakeSlack;
let openai: FakeOpenAI;
let sql: Sql;
let app: AppProcess;

beforeAll(async () => {
  [pg, slack, openai] = await Promise.all([startRestartablePostgres(), startFakeSlack(), startFakeOpenAI()]);
  sql = postgres(pg.url, { max: 2, onnotice: () => {} });
  app = await spawnApp({
    role: 'all',
    name: 'app',
    env: appEnv({ databaseUrl: pg.url, slack, openai, extra: { SEO_WORKERS: '1', WORKER_STALE_AFTER_MS: '5000' } }),
  });
}, 90_000);
afterAll(async () => {
  await stopAllApps('postgres-restart');
  if (app) saveLogs('postgres-restart', [app]);
  await sql?.end({ timeout: 1 });
  await Promise.all([slack?.close(), openai?.close()]);
  await pg?.destroy();
});

test('Postgres restarted in the middle of three plans: /healthz goes 503 then 200 and every plan finishes', async () => {
  // Each plan's draft needs one revision, so work is in flight for a while. Research is skipped,
  // so the drafts cite nothing.
  const usage = { prompt_tokens: 1000, completion_tokens: 200 };
  scriptAuthor(openai, {
    override: (_request, name) =>
      name === 'draft' ? { json: uncited(WEAK_DRAFT), usage } : name === 'revision' ? { json: uncited(GOOD_DRAFT), usage } : undefined,
  });
  openai.setLatency(1_000);
  expect((await waitForHealth(app.url, 200, 5_000)).body).toMatchObject({ database: 'up', worker: 'running' });

  const plans = [];
  for (let i = 1; i <= 3; i += 1) plans.push(await submitPlanTo(app, sql, `V0PGRESTART${i}`, { channels: ['blog', 'linkedin'], skipResearch: true }));
  const planIds = plans.map((plan) => plan.id);

  // Stop the database while stages are waiting on the model (once every plan's message is posted
  // and recorded, so what is tested is the pipeline, not the web process's first post).
  await expect
    .poll(async () => (await sql<{ n: number }[]>`select count(*)::int as n from content_plans where message_ts is not null`)[0]?.n, { timeout: 10_000 })
    .toBe(3);
  await expect
    .poll(async () => (await sql<{ n: number }[]>`select count(*)::int as n from stage_runs where stage = 'draft' and status = 'running'`)[0]?.n, { timeout: 20_000 })
    .toBeGreaterThan(0);
  await expect.poll(() => openai.inFlight, { timeout: 5_000, interval: 20 }).toBeGreaterThan(0);
  await pg.stop();

  const down = await waitForHealth(app.url, 503, 15_000).catch((error: unknown) => {
    throw explainExit(error);
  });
  expect(down.body).toMatchObject({ ok: false, database: 'down' });
  // Long enough for the model's answers to come back to a database that is gone.
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  if (!app.isRunning()) throw explainExit(new Error('the app process died while Postgres was down'));

  await pg.start();
  const up = await waitForHealth(app.url, 200, 20_000);
  expect(up.body).toMatchObject({ ok: true, database: 'up' });
  openai.setLatency(0);
  // The worker must be working again, not just the web server answering.
  await expect
    .poll(async () => ((await (await fetch(`${app.url}/healthz`)).json()) as { worker?: string }).worker, { timeout: 15_000, interval: 250 })
    .toBe('running');

  try {
    await waitForAllStatus(sql, planIds, 'in_review', 45_000);
  } catch (error) {
    // What the queue looks like when the worker did not recover.
    throw new Error(`${String(error)}\n${await describeQueue(sql)}\n/healthz: ${await (await fetch(`${app.url}/healthz`)).text()}`);
  }
  await waitForJobsDone(sql, planIds, 30_000);
  expect(app.isRunning()).toBe(true);
  expect((await waitForHealth(app.url, 200, 5_000)).body).toMatchObject({ worker: 'running' });

  // Nothing done twice: one successful run per stage, one variant row, each reply posted once.
  const runs = await sql<{ plan_id: string; stage: string; iteration: number; n: number }[]>`
    select plan_id, stage, iteration, count(*)::int as n from stage_runs
    where plan_id = any(${planIds}::uuid[]) and status in ('succeeded', 'skipped')
    group by plan_id, stage, iteration`;
  for (const planId of planIds) {
    const mine = runs.filter((run) => run.plan_id === planId).map((run) => `${run.stage}:${run.iteration}:${run.n}`).sort();
    expect(mine, planId).toEqual(['draft:0:1', 'optimize:0:1', 'optimize:1:1', 'research:0:1', 'variant:linkedin:0:1']);
  }
  const variants = await sql<{ n: number }[]>`select count(*)::int as n from content_variants where plan_id = any(${planIds}::uuid[])`;
  expect(variants[0]?.n).toBe(3);

  const located = await sql<{ id: string; message_channel_id: string; message_ts: string }[]>`
    select id, message_channel_id, message_ts from content_plans where id = any(${planIds}::uuid[])`;
  for (const plan of located) {
    const message = slack.messages.get(plan.message_channel_id, plan.message_ts);
    expect(message?.text, plan.id).toContain('In review');
    const replies = slack.messages.replies(plan.message_channel_id, plan.message_ts).filter((reply) => !isPlanNotice(reply));
    const keys = await sql`select key from thread_replies where plan_id = ${plan.id} order by key`;
    expect(keys.map((row) => row['key'])).toEqual(['canvas', 'draft:r0', 'research', 'seo:r0', 'variant:linkedin:r0']);
    expect(replies, plan.id).toHaveLength(4);
  }
}, 90_000);

/** When the app process died, says so with the end of its output rather than "fetch failed". */
function explainExit(error: unknown): Error {
  const status = app.exitStatus();
  if (!status) return error instanceof Error ? error : new Error(String(error));
  const tail = app.logs.filter((line) => !line.startsWith('{')).slice(-12).join('\n');
  return new Error(`the app process exited (code ${status.code}, signal ${status.signal}) after Postgres stopped:\n${tail}`);
}
