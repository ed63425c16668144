/**
 * Diagnosis, not a target: every statement the app sends to Postgres, counted through a proxy
 * (lib/pg-census.ts), for one plan submitted and for one plan end to end. Database round trips
 * dominate the app's own CPU in the other benchmarks; this shows which statements they are.
 */
import { planMarker, scriptBenchAuthor, seedCompetitors } from './lib/author.ts';
import { startBenchApp, waitForIdle, waitForNoJobs, type RunContext } from './lib/harness.ts';
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
  try {
    await submitMarkedPlan(web.app.url, web.database, planMarker('bq', 0), answers);
    await waitForIdle(web.app);
    web.census?.reset();
    for (let index = 1; index <= submissions; index += 1) await submitMarkedPlan(web.app.url, web.database, planMarker('bq', index), answers);
    await waitForIdle(web.app);
    perSubmission = web.census?.counts() ?? new Map();
  } finally {
    await web.close();
  }

  // One plan end to end, renders included: --role all, LLM latency 0.
  const all = await startBenchApp(context, { label: 'queries-all', role: 'all', countStatements: true, workerPollInterval: WORKER_POLL_INTERVAL_MS });
  let perPlan: Map<string, number>;
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
  return {
    name: 'queries',
    rows: [
      { benchmark: 'queries', metric: 'statements per submission', value: (total(perSubmission) / submissions).toFixed(1), baseline: '', ratio: '', target: '(info)', status: 'INFO' },
      { benchmark: 'queries', metric: 'statements per plan, end to end', value: String(total(perPlan)), baseline: '', ratio: '', target: '(info)', status: 'INFO' },
    ],
  };
}
