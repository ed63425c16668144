/**
 * Diagnosis, not a target: every statement the app sends to Postgres, counted through a proxy
 * (lib/pg-census.ts), for one plan submitted and for one plan end to end. Database round trips
 * dominate the app's own CPU in the other benchmarks; this shows which statements they are.
 */
import { planMarker, scriptBenchAuthor, seedCompetitors } from './lib/author.ts';
import { WebClient } from '@slack/web-api';
import type { JobHelpers } from 'graphile-worker';
import pino from 'pino';
import { makeDatabase } from '../src/db/client.ts';
import { makeEnqueue } from '../src/jobs/queue.ts';
import { makeRenderPlanMessage } from '../src/jobs/render-plan-message.ts';
import { BOT_TOKEN } from '../tests/support/app-env.ts';
import { startBenchApp, waitForIdle, waitForNoJobs, type BenchApp, type RunContext } from './lib/harness.ts';
import { submitMarkedPlan, waitForPlanStatus } from './lib/plans.ts';
import type { BenchOutcome } from './lib/report.ts';
import { table } from './lib/stats.ts';
import { KEYWORDS, PIPELINE_CHANNELS, WORKER_POLL_INTERVAL_MS } from './pipeline.ts';

export async function runQueriesBenchmark(context: RunContext, { submissions = 10 }: { submissions?: number } = {}): Promise<BenchOutcome> {
  context.log(`\n## Statements sent to Postgres (diagnosis: counted through a proxy, so no timings here)`);
  const answers = { channels: PIPELINE_CHANNELS, keywords: KEYWORDS.join(', ') };

  // The submission path alone: --role web, so no job runs.
  const web = await startBenchApp(context, { label: 'queries-web', role: 'web', countStatements: true });
  let perSubmission: Map<string, number>;
  let submissionTransactions: string[][];
  try {
    await submitMarkedPlan(web.app.url, web.database, planMarker('bq', 0), answers);
    await waitForIdle(web.app);
    web.census?.reset();
    for (let index = 1; index <= submissions; index += 1) await submitMarkedPlan(web.app.url, web.database, planMarker('bq', index), answers);
    await waitForIdle(web.app);
    perSubmission = web.census?.counts() ?? new Map();
    submissionTransactions = (web.census?.transactions() ?? []).filter((statements) => statements.some((text) => /insert into "plan_counters"/.test(text)));
  } finally {
    await web.close();
  }

  // One plan end to end, renders included: --role all, LLM latency 0.
  const all = await startBenchApp(context, { label: 'queries-all', role: 'all', countStatements: true, workerPollInterval: WORKER_POLL_INTERVAL_MS });
  let perPlan: Map<string, number>;
  let render: { reads: number; writes: number; total: number };
  try {
    seedCompetitors(all.firecrawl);
    scriptBenchAuthor(all.openai, /\bbq\d+x\b/);
    const warm = await submitMarkedPlan(all.app.url, all.database, planMarker('bq', 0), answers);
    await waitForPlanStatus(all.database, warm.planId, 'in_review', { timeoutMs: 60_000, intervalMs: 50 });
    await waitForNoJobs(all.database, 30_000);
    await waitForIdle(all.app);
    all.census?.reset();
    const plan = await submitMarkedPlan(all.app.url, all.database, planMarker('bq', 1), answers);
    await waitForPlanStatus(all.database, plan.planId, 'in_review', { timeoutMs: 60_000, intervalMs: 50 });
    await waitForNoJobs(all.database, 30_000);
    await waitForIdle(all.app);
    perPlan = all.census?.counts() ?? new Map();
    render = await countRenderStatements(all, plan.planId);
  } finally {
    await all.close();
  }

  const total = (counts: Map<string, number>) => [...counts.values()].reduce((sum, n) => sum + n, 0);
  const describe = (counts: Map<string, number>, divisor: number, top: number) => {
    const rows = [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([text, n]) => [(n / divisor).toFixed(1), text.length > 130 ? `${text.slice(0, 127)}...` : text]);
    return table(['a plan', 'statement'], rows);
  };
  const byKind = (counts: Map<string, number>, divisor: number) => {
    const kinds = new Map<string, number>();
    for (const [text, n] of counts) {
      const kind = /^(begin|commit|rollback)/i.test(text)
        ? 'transaction control'
        : /graphile_worker\.add_job/.test(text)
          ? 'add_job (ours)'
          : /graphile_worker/.test(text)
            ? "graphile-worker's own (fetch, complete, fail jobs)"
            : 'app statements';
      kinds.set(kind, (kinds.get(kind) ?? 0) + n);
    }
    return [...kinds].map(([kind, n]) => `${kind} ${(n / divisor).toFixed(1)}`).join(', ');
  };
  context.log(`  one submission (before and after its ack, root message included): ${(total(perSubmission) / submissions).toFixed(1)} statements: ${byKind(perSubmission, submissions)}`);
  context.log(describe(perSubmission, submissions, 14).replace(/^/gm, '    '));
  context.log(`\n  one plan end to end (submission, research, draft, 2 revisions, 3 variants, every render): ${total(perPlan)} statements: ${byKind(perPlan, 1)}`);
  context.log(describe(perPlan, 1, 20).replace(/^/gm, '    '));
  // Saving is two single-statement writes (number + limit + settings, then plan + audit + outbox); any
  // multi-statement transaction around them would be counted whole instead.
  const savingStatements = [...perSubmission]
    .filter(([text]) => /insert into "plan_counters"|insert into "content_plans"/.test(text))
    .reduce((sum, [, n]) => sum + n, 0);
  const saving = Math.max(savingStatements / submissions, ...submissionTransactions.map((statements) => statements.length));
  context.log(
    `\n  saving one plan: ${saving.toFixed(1)} statements (${submissionTransactions.length} multi-statement transactions), of ${(total(perSubmission) / submissions).toFixed(1)} in the whole submission`,
  );
  context.log(`  one render of a plan in review (in process, counted by the client): ${render.reads} reads, ${render.writes} writes, ${render.total} statements in all`);
  return {
    name: 'queries',
    rows: [
      { benchmark: 'queries', metric: 'statements that save a plan', value: saving.toFixed(1), baseline: '', ratio: '', target: '≤ 4', status: saving <= 4 && savingStatements > 0 ? 'PASS' : 'MISS' },
      { benchmark: 'queries', metric: 'reads per render', value: String(render.reads), baseline: '', ratio: '', target: '≤ 3', status: render.reads <= 3 ? 'PASS' : 'MISS' },
      { benchmark: 'queries', metric: 'statements per render, writes included', value: String(render.total), baseline: '', ratio: '', target: '(info)', status: 'INFO' },
      { benchmark: 'queries', metric: 'statements per submission', value: (total(perSubmission) / submissions).toFixed(1), baseline: '', ratio: '', target: '(info)', status: 'INFO' },
      { benchmark: 'queries', metric: 'statements per plan, end to end', value: String(total(perPlan)), baseline: '', ratio: '', target: '(info)', status: 'INFO' },
    ],
  };
}

/**
 * Runs the render task once, in this process, for a plan in review, through a client that counts
 * what it sends. The thread replies are marked stale first, so the render writes them all again.
 */
async function countRenderStatements(bench: BenchApp, planId: string): Promise<{ reads: number; writes: number; total: number }> {
  const statements: string[] = [];
  const handle = makeDatabase({ url: bench.database.url, max: 2, onQuery: (query) => statements.push(query) });
  try {
    const [plan] = await handle.sql<{ team_id: string }[]>`select team_id from content_plans where id = ${planId}`;
    await handle.sql`update thread_replies set content_hash = 'stale' where plan_id = ${planId}`;
    statements.length = 0;
    const client = new WebClient(BOT_TOKEN, { slackApiUrl: bench.slack.url, retryConfig: { retries: 0 } });
    const render = makeRenderPlanMessage({
      db: handle.db,
      logger: pino({ level: 'silent' }),
      enqueue: makeEnqueue(handle.db),
      slackFor: async () => client,
      now: () => new Date(),
    });
    await render({ teamId: plan!.team_id, planId }, {} as JobHelpers);
    const reads = statements.filter((query) => /^\s*select/i.test(query) && !/graphile_worker\.add_job/.test(query)).length;
    return { reads, writes: statements.length - reads, total: statements.length };
  } finally {
    await handle.close();
  }
}
