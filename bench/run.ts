/**
 * `npm run bench [-- NAME...] [--profile] [--strict]`: the benchmarks of issues 2, 3, 6 and 15 (bench/README.md).
 *   ack        ack latency of commands, button presses and submissions vs a bare Bolt app
 *   ack-instant-slack  what-if: the same with a Slack that answers views.open at once (information)
 *   pipeline   one plan end to end vs its critical path (LLM calls × 1 s + SEO analysis time)
 *   load       50 plans at once vs the ideal (LLM calls × 1 s ÷ 16, or analysis CPU ÷ cores)
 *   load-wc32  what-if: the same load with WORKER_CONCURRENCY=32 (information, not a target)
 *   queries    diagnosis: the statements the app sends to Postgres per submission and per plan
 *   cli        draft --offline and eval --offline over the bundled briefs, vs draft --help (process start)
 * Every figure is a ratio against a baseline measured in the same run, next to the absolute values.
 * --profile prints where the app's main thread spent its time in each measured window;
 * --strict exits 1 when a target is missed; --wait-idle first waits (up to 10 minutes) for a quiet machine.
 */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runAckBenchmark } from './ack.ts';
import { runCliBenchmark } from './cli.ts';
import type { RunContext } from './lib/harness.ts';
import type { BenchOutcome } from './lib/report.ts';
import { table } from './lib/stats.ts';
import { runLoadBenchmark } from './load.ts';
import { runPipelineBenchmark } from './pipeline.ts';
import { runQueriesBenchmark } from './queries.ts';
import { idleCheck, waitForQuietMachine } from './lib/machine.ts';
import { dropStaleDatabases } from './lib/database.ts';

const BENCHMARKS = {
  // Slack answers views.open in about 100 ms (the round trip open-modal.ts plans its connections for).
  ack: (context: RunContext) => runAckBenchmark(context, { requests: 200, concurrency: 50, warmup: 50, rounds: 9, slackLatencyMs: 100 }),
  // What-if, not a target: a Slack that answers at once, so that every answer is handled inside the burst.
  'ack-instant-slack': (context: RunContext) =>
    runAckBenchmark(context, { requests: 200, concurrency: 50, warmup: 50, rounds: 9, slackLatencyMs: 0, label: 'ack-instant-slack', whatIf: true }),
  pipeline: (context: RunContext) => runPipelineBenchmark(context, { llmLatencyMs: 1_000, repeats: 3 }),
  load: (context: RunContext) => runLoadBenchmark(context, { plans: 50, llmLatencyMs: 1_000, llmConcurrency: 16, commandEveryMs: 100, rateLimitChatUpdate: true }),
  // What-if, not a target: the same load with enough job slots for 16 concurrent LLM calls.
  'load-wc32': (context: RunContext) =>
    runLoadBenchmark(context, {
      plans: 50,
      llmLatencyMs: 1_000,
      llmConcurrency: 16,
      commandEveryMs: 100,
      rateLimitChatUpdate: true,
      env: { WORKER_CONCURRENCY: '32' },
      label: 'load WORKER_CONCURRENCY=32 (what-if)',
      whatIf: true,
    }),
  queries: (context: RunContext) => runQueriesBenchmark(context),
  cli: (context: RunContext) => runCliBenchmark(context, { repeats: 3 }),
} as const;
type BenchmarkName = keyof typeof BENCHMARKS;

function parseArgs(argv: readonly string[]) {
  const names: BenchmarkName[] = [];
  let profile = false;
  let strict = false;
  let waitIdle = false;
  for (const arg of argv) {
    if (arg === '--profile') profile = true;
    else if (arg === '--wait-idle') waitIdle = true;
    else if (arg === '--strict') strict = true;
    else if (arg in BENCHMARKS) names.push(arg as BenchmarkName);
    else {
      console.error(`unknown argument "${arg}"; use any of: ${Object.keys(BENCHMARKS).join(', ')}, --profile, --strict, --wait-idle`);
      process.exit(2);
    }
  }
  return { names: names.length ? names : (Object.keys(BENCHMARKS) as BenchmarkName[]), profile, strict, waitIdle };
}

async function main(): Promise<void> {
  const { names, profile, strict, waitIdle } = parseArgs(process.argv.slice(2));
  const outDir = path.join(os.tmpdir(), `content-broadcaster-bench-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(outDir, { recursive: true });
  const context: RunContext = { outDir, profile, log: (line) => console.log(line) };
  const cpus = os.cpus();
  console.log(`# Content Broadcaster benchmarks: ${names.join(', ')}`);
  console.log(`node ${process.version}, ${os.availableParallelism()} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB`);
  console.log(`app logs${profile ? ' and CPU profiles' : ''}: ${outDir}`);
  await dropStaleDatabases();
  if (waitIdle) {
    console.log('waiting for a quiet machine (under 20 % busy for 10 s, at most 10 minutes)...');
    console.log((await waitForQuietMachine(10 * 60_000)) ? 'the machine is quiet' : 'the machine stayed busy; running anyway');
  }
  const warning = await idleCheck();
  if (warning) console.log(warning);

  const started = performance.now();
  const outcomes: BenchOutcome[] = [];
  let crashed = false;
  for (const name of names) {
    const benchStarted = performance.now();
    try {
      outcomes.push(await BENCHMARKS[name](context));
    } catch (error) {
      crashed = true;
      console.error(`\n${name} benchmark failed:`, error);
      outcomes.push({ name, rows: [{ benchmark: name, metric: 'completed', value: 'crashed', baseline: '', ratio: '', target: 'completes', status: 'MISS' }] });
    }
    console.log(`  (${name} took ${((performance.now() - benchStarted) / 1000).toFixed(0)} s)`);
  }

  const rows = outcomes.flatMap((outcome) => outcome.rows);
  console.log(`\n## Summary (${((performance.now() - started) / 1000).toFixed(0)} s in all)\n`);
  console.log(table(['benchmark', 'metric', 'ours', 'baseline / ideal', 'ratio', 'target', 'result'], rows.map((row) => [row.benchmark, row.metric, row.value, row.baseline, row.ratio, row.target, row.status])));
  const missed = rows.filter((row) => row.status === 'MISS');
  console.log(missed.length === 0 ? '\nAll targets met.' : `\n${missed.length} target(s) MISSED: ${missed.map((row) => `${row.benchmark} ${row.metric}`).join('; ')}`);
  if (crashed || (strict && missed.length > 0)) process.exitCode = 1;
}

await main();
// Whatever a crashed benchmark left open (a fake server, a pool) must not keep the run alive.
process.exit();
