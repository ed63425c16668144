import { afterAll, beforeAll, expect, test } from 'vitest';
import { finishedStageCounts, isPlanNotice, rootMessage, seedCompetitors, submitPlan, waitForStatus } from '../support/pipeline.ts';
import { waitForJobsDone } from '../support/process-pipeline.ts';
import { appEnv, saveLogs, spawnApp, stopAllApps, type AppProcess } from '../support/processes.ts';
import { GOOD_DRAFT, schemaNameOf, scriptAuthor, WEAK_DRAFT } from '../support/scripted-author.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

// The web role runs in the test process; the worker is a real child process that is SIGKILLed
// while the fake model is still answering a stage's request.
let t: TestApp;
const workers: AppProcess[] = [];

const STALE_AFTER_MS = 3_000;

beforeAll(async () => {
  t = await startTestApp({ role: 'web' });
  seedCompetitors(t.firecrawl);
});
afterAll(async () => {
  await stopAllApps('worker-crash');
  saveLogs('worker-crash', workers);
  await t?.close();
});

function startWorker(name: string) {
  return spawnApp({
    role: 'worker',
    name,
    env: appEnv({
      databaseUrl: t.database.url,
      slack: t.slack,
      openai: t.openai,
      firecrawl: t.firecrawl,
      extra: { WORKER_STALE_AFTER_MS: String(STALE_AFTER_MS), SEO_WORKERS: '1' },
    }),
  });
}

function countBySchema(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const request of t.openai.requests) {
    const name = schemaNameOf(request);
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

test('a worker process killed with SIGKILL mid-stage: a new worker finishes the plan, each reply once, no finished stage paid twice', async () => {
  // The weak draft needs one revision (optimize iteration 1); the process dies while the model
  // is writing it, after research, outline and draft have succeeded.
  let revisionArrived: () => void = () => {};
  const revisionInFlight = new Promise<void>((resolve) => {
    revisionArrived = resolve;
  });
  scriptAuthor(t.openai, {
    drafts: [WEAK_DRAFT, GOOD_DRAFT],
    override: (_request, name) => {
      if (name === 'revision') revisionArrived();
      return undefined;
    },
  });
  t.openai.setLatency(1_500);

  const first = await startWorker('worker-1');
  workers.push(first);
  const plan = await submitPlan(t, { channels: ['blog', 'linkedin', 'newsletter'] });

  await revisionInFlight;
  const [running] = await t.database.sql<{ stage: string; iteration: number }[]>`
    select stage, iteration from stage_runs where plan_id = ${plan.id} and status = 'running'`;
  expect(running).toEqual({ stage: 'optimize', iteration: 1 });
  expect(t.openai.inFlight).toBeGreaterThan(0);
  await first.kill();
  const paidBeforeKill = countBySchema();
  expect(paidBeforeKill).toEqual({ research: 1, outline: 1, draft: 1, revision: 1 });
  const finishedBeforeKill = await t.database.sql<{ stage: string; iteration: number }[]>`
    select stage, iteration from stage_runs where plan_id = ${plan.id} and status in ('succeeded', 'skipped') order by id`;
  expect(finishedBeforeKill.map((run) => `${run.stage}:${run.iteration}`)).toEqual(['research:0', 'draft:0', 'optimize:0']);

  t.openai.setLatency(0);
  const killedAt = Date.now();
  const second = await startWorker('worker-2');
  workers.push(second);

  await waitForStatus(t, plan.id, 'in_review', 45_000);
  // (A render the dead worker held may stay behind as a job that will never run again.)
  await waitForJobsDone(t.database.sql, [plan.id], 20_000);
  const recoveredAfterMs = Date.now() - killedAt;

  // Finished stages were not paid for again; only the killed stage's call was repeated.
  const paid = countBySchema();
  expect(paid['research']).toBe(1);
  expect(paid['outline']).toBe(1);
  expect(paid['draft']).toBe(1);
  expect(paid['revision']).toBeGreaterThanOrEqual(1);
  expect(paid['revision']).toBeLessThanOrEqual(2);
  expect(paid['variant_linkedin']).toBe(1);
  expect(paid['variant_newsletter']).toBe(1);

  // Exactly one successful run per stage key.
  expect(await finishedStageCounts(t.database.sql, plan.id)).toEqual([
    'draft:0:1',
    'optimize:0:1',
    'optimize:1:1',
    'research:0:1',
    'variant:linkedin:0:1',
    'variant:newsletter:0:1',
  ]);
  const variants = await t.database.sql`select channel from content_variants where plan_id = ${plan.id} order by channel`;
  expect(variants.map((row) => row['channel'])).toEqual(['linkedin', 'newsletter']);

  // One of each thread reply, in the database and in Slack.
  const { message, replies, ts } = await rootMessage(t, plan.id);
  const keys = await t.database.sql`select key from thread_replies where plan_id = ${plan.id} order by key`;
  expect(keys.map((row) => row['key'])).toEqual(['canvas', 'draft:r0', 'research', 'seo:r0', 'variant:linkedin:r0', 'variant:newsletter:r0']);
  expect(replies).toHaveLength(5);
  const threadPosts = t.slack.callsTo('chat.postMessage').filter((call) => call.args['thread_ts'] === ts && call.outcome === 'ok' && !isPlanNotice(call));
  expect(threadPosts).toHaveLength(5);

  // The message ends in its final state, with nothing left spinning for the killed attempt.
  expect(message.text).toContain('In review');
  expect(JSON.stringify(message.blocks)).not.toContain('⏳');

  // The new worker released the dead one's jobs within a few heartbeats.
  expect(second.logs.some((line) => line.includes('released jobs locked by workers that stopped responding'))).toBe(true);
  expect(recoveredAfterMs).toBeLessThan(30_000);
}, 90_000);
