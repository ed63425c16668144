/**
 * Load (issue 3): 50 plans submitted at once with LLM_CONCURRENCY=16 and the fake OpenAI answering
 * after a fixed latency. Wall time from the first submission until every plan is in_review, divided
 * by the ideal: the larger of all LLM calls × latency ÷ 16 and the total SEO analysis CPU time ÷
 * cores. Meanwhile a /content command every 100 ms measures ack latency under load, and the fake
 * Slack rate-limits chat.update at 50 a minute (Tier 3) to show 429s are survived.
 */
import { loadConfig } from '../src/config.ts';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { KEYPHRASE } from '../tests/support/scripted-author.ts';
import { markedAnswers, markedTopic, planMarker, scriptBenchAuthor, seedCompetitors, sequentialCallCount } from './lib/author.ts';
import { startLoadClient } from './lib/client.ts';
import { SLACK_ACK_LIMIT_MS } from './lib/constants.ts';
import { transactionCount } from './lib/database.ts';
import { sleep, startBenchApp, waitForIdle, waitForNoJobs, writeProfile, type BenchApp, type RunContext } from './lib/harness.ts';
import { cpuBetween, cpuSnapshot, describeCpu } from './lib/machine.ts';
import { analysedItemsOf, stageRunsOf, submitMarkedPlan, waitForPlanStatus } from './lib/plans.ts';
import { check, type BenchOutcome, type SummaryRow } from './lib/report.ts';
import { textKey, timeAnalyses } from './lib/seo.ts';
import { contentCommand, planSubmission } from './lib/slack.ts';
import { ms, ratio, sec, summarize } from './lib/stats.ts';
import { KEYWORDS, PIPELINE_CHANNELS, WORKER_POLL_INTERVAL_MS } from './pipeline.ts';

export type LoadOptions = {
  plans: number;
  llmLatencyMs: number;
  llmConcurrency: number;
  commandEveryMs: number;
  rateLimitChatUpdate: boolean;
  /** Extra app environment, e.g. WORKER_CONCURRENCY; defaults otherwise. */
  env?: Record<string, string>;
  /** Label of this variant in the summary. */
  label?: string;
  /** A what-if variant: its rows are information, not targets. */
  whatIf?: boolean;
  drainTimeoutMs?: number;
  wallTimeoutMs?: number;
};

export async function runLoadBenchmark(context: RunContext, options: LoadOptions): Promise<BenchOutcome> {
  const { plans, llmLatencyMs, llmConcurrency, commandEveryMs, rateLimitChatUpdate, env = {}, label = 'load', whatIf = false } = options;
  const { drainTimeoutMs = 240_000, wallTimeoutMs = 300_000 } = options;
  const cores = os.availableParallelism();
  const appEnv: Record<string, string> = { LLM_CONCURRENCY: String(llmConcurrency), ...env };
  context.log(
    `\n## ${label}: ${plans} plans at once (channels ${PIPELINE_CHANNELS.join(', ')}), ${Object.entries(appEnv).map(([key, value]) => `${key}=${value}`).join(' ')}, ` +
      `other settings default, one process (web + worker); fake OpenAI latency ${llmLatencyMs} ms; ` +
      `chat.update rate limit ${rateLimitChatUpdate ? 'ON (50 a minute: the fake Slack answers 429 with Retry-After)' : 'off'}; a /content command every ${commandEveryMs} ms alongside`,
  );
  const harness = await startBenchApp(context, { label, role: 'all', env: appEnv, workerPollInterval: WORKER_POLL_INTERVAL_MS });
  const { slack, openai, database, app } = harness;
  const client = startLoadClient();
  try {
    seedCompetitors(harness.firecrawl);
    const calls = scriptBenchAuthor(openai, /\bbl\d+x\b/);
    const answers = { channels: PIPELINE_CHANNELS, keywords: KEYWORDS.join(', ') };

    // A warm-up plan at zero latency.
    openai.setLatency(0);
    const warm = await submitMarkedPlan(app.url, database, planMarker('bl', 0), answers);
    await waitForPlanStatus(database, warm.planId, 'in_review', { timeoutMs: 60_000, intervalMs: 50 });
    await waitForNoJobs(database, 30_000);
    await waitForIdle(app);

    openai.setLatency(llmLatencyMs);
    if (rateLimitChatUpdate) slack.rateLimit('chat.update', { perMinute: 50 });
    const firstCall = slack.calls.length;
    // From the load client's process: a /content command every commandEveryMs, and the plans all at once.
    const tickerRequests = Array.from({ length: Math.ceil(wallTimeoutMs / commandEveryMs) }, () => contentCommand(slack.issueTriggerId()));
    const markers = Array.from({ length: plans }, (_, index) => planMarker('bl', index + 1));
    const submissions = markers.map((marker) => planSubmission(`V0BENCH${marker.toUpperCase()}`, markedAnswers(marker, answers)));
    const transactionsBefore = await transactionCount(database);
    if (context.profile) app.profileStart();
    await app.stats(true);
    const cpuBefore = cpuSnapshot();
    client.startTicker(app.url, tickerRequests, commandEveryMs);
    const startedAt = Date.now();
    const submitted = await client.burst(app.url, submissions, plans);
    const planIds = (await database.sql<{ id: string }[]>`select id from content_plans where topic in ${database.sql(markers.map(markedTopic))}`).map((row) => row.id);

    // Until every plan is in review (or one fails).
    let finishedAt = Number.NaN;
    let statuses: Record<string, number> = {};
    while (planIds.length > 0) {
      const rows = await database.sql<{ status: string; n: number }[]>`
        select status, count(*)::int as n from content_plans where id in ${database.sql(planIds)} group by status`;
      statuses = Object.fromEntries(rows.map((row) => [row.status, row.n]));
      if ((statuses['in_review'] ?? 0) === plans) {
        finishedAt = Date.now();
        break;
      }
      if ((statuses['failed'] ?? 0) > 0 || Date.now() > startedAt + wallTimeoutMs) break;
      await sleep(50);
    }
    const acks = await client.stopTicker();
    const appStats = await app.stats();
    const cpuWindow = cpuBetween(cpuBefore, cpuSnapshot());
    if (context.profile) await writeProfile(context, app, label);
    const wallMs = finishedAt - startedAt;

    // Then every render, 429s included, until the queue is empty.
    const drainStarted = Date.now();
    const isDrained = await waitForNoJobs(database, drainTimeoutMs);
    const drainMs = Date.now() - drainStarted;
    const messages = await checkMessages(harness, planIds, firstCall);
    await sleep(1_500); // backends report their statistics about once a second
    const transactions = (await transactionCount(database)) - transactionsBefore;

    // The ideal: LLM-bound or analysis-CPU-bound, whichever is larger. Analyses timed now, while quiet.
    const planCalls = calls.filter((call) => call.marker !== undefined && markers.includes(call.marker));
    const { byName } = sequentialCallCount(planCalls);
    const llmIdealMs = (planCalls.length * llmLatencyMs) / llmConcurrency;
    const items = await analysedItemsOf(database, planIds);
    await waitForIdle(app);
    const analysisTimes = timeAnalyses(items, { keyphrase: KEYPHRASE, keywords: KEYWORDS });
    const analysisCpuMs = items.reduce((sum, item) => sum + (analysisTimes.get(textKey(item))?.ms ?? 0), 0);
    const cpuIdealMs = analysisCpuMs / cores;
    const idealMs = Math.max(llmIdealMs, cpuIdealMs);
    const loadRatio = wallMs / idealMs;
    const ackSummary = summarize(acks.map((ack) => ack.ms));
    const badAcks = acks.filter((ack) => ack.status !== 200 || ack.body !== '');
    const submissionAcks = summarize(submitted.map((ack) => ack.ms));
    const badSubmissions = submitted.filter((ack) => ack.status !== 200 || ack.body !== '');
    const runs = await stageRunsOf(database, planIds);
    const stageRunMs = runs.reduce((sum, run) => sum + ((run.finishedAt ?? run.startedAt) - run.startedAt), 0);
    // The app's own default when the run does not set it.
    const workerConcurrency = loadConfig({ SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-s', OPENAI_API_KEY: 's', ...appEnv }).workerConcurrency;
    const slotCapacityMs = wallMs * workerConcurrency;
    const byStage = new Map<string, { runs: number; heldMs: number; llmMs: number }>();
    const stageOf = (stage: string) => (stage.startsWith('variant:') ? 'variants' : stage);
    const llmStageOf = (name: string) => (name.startsWith('variant_') ? 'variants' : name === 'outline' || name === 'draft' ? 'draft' : name === 'revision' ? 'optimize' : name);
    for (const run of runs) {
      const entry = byStage.get(stageOf(run.stage)) ?? { runs: 0, heldMs: 0, llmMs: 0 };
      entry.runs += 1;
      entry.heldMs += (run.finishedAt ?? run.startedAt) - run.startedAt;
      byStage.set(stageOf(run.stage), entry);
    }
    for (const call of planCalls) {
      const entry = byStage.get(llmStageOf(call.name));
      if (entry) entry.llmMs += llmLatencyMs;
    }
    const errorLogLines = readFileSync(app.logFile, 'utf8').split('\n').filter((line) => /"level":(50|60)/.test(line));
    const failed = statuses['failed'] ?? 0;

    context.log(`  plan states at the end: ${Object.entries(statuses).map(([status, n]) => `${status} ${n}`).join(', ')}`);
    context.log(`  wall time, first submission → all ${plans} in_review: ${sec(wallMs)}`);
    context.log(`  LLM calls: ${planCalls.length} (${Object.entries(byName).map(([name, count]) => `${name} ${count}`).join(', ')}) × ${llmLatencyMs} ms ÷ ${llmConcurrency} = ${sec(llmIdealMs)}`);
    context.log(
      `  SEO analyses: ${items.length}; analyzeContent warm in-process ${[...analysisTimes.values()].map((time) => `${ms(time.ms)} ("${time.title}")`).join(', ')} → ` +
        `${sec(analysisCpuMs)} CPU ÷ ${cores} cores = ${sec(cpuIdealMs)}`,
    );
    context.log(`  ideal ${sec(idealMs)} (${llmIdealMs >= cpuIdealMs ? 'LLM-bound' : 'CPU-bound'}); wall ÷ ideal = ${ratio(loadRatio)} (target ≤ 1.25)`);
    context.log(
      `  LLM requests in flight at the fake: at most ${openai.maxInFlight}, on average ${((planCalls.length * llmLatencyMs) / wallMs).toFixed(1)} ` +
        `(LLM_CONCURRENCY=${llmConcurrency}, WORKER_CONCURRENCY=${appEnv['WORKER_CONCURRENCY'] ?? `${workerConcurrency}, the default`})`,
    );
    context.log(
      `  job slots: ${workerConcurrency} × ${sec(wallMs)} = ${sec(slotCapacityMs, 0)} slot-seconds; stage runs held ${sec(stageRunMs, 0)} (${((stageRunMs / slotCapacityMs) * 100).toFixed(0)} %), ` +
        `of which ${sec(planCalls.length * llmLatencyMs, 0)} is the LLM's latency (SEO_WORKERS=${harnessSeoWorkers(appEnv)})`,
    );
    context.log(
      `  stage runs, held time (and the LLM's own latency within it): ${[...byStage]
        .map(([stage, entry]) => `${stage} ${entry.runs} runs ${sec(entry.heldMs, 0)} (${sec(entry.llmMs, 0)})`)
        .join(', ')}; the difference is waiting for an LLM slot, SEO analysis and database work`,
    );
    context.log(
      `  app process: CPU ${sec(appStats.cpuMs)} in ${sec(appStats.wallMs)} (all threads); main thread: event loop utilisation ${(appStats.eventLoopUtilization * 100).toFixed(0)} %, ` +
        `loop delay p99 ${ms(appStats.eventLoopDelayP99Ms)}, max ${ms(appStats.eventLoopDelayMaxMs)}`,
    );
    context.log(`  CPU while loaded, in cores: ${describeCpu(cpuWindow, appStats)}`);
    context.log(`  database: ${transactions} transactions from the first submission to the end of the drain (${(transactions / plans).toFixed(0)} a plan)`);
    context.log(
      `  /content acks alongside: ${acks.length} sent, p50 ${ms(ackSummary.p50)}, p99 ${ms(ackSummary.p99)}, max ${ms(ackSummary.max)}, ${badAcks.length} not 200/empty; ` +
        `the ${plans} simultaneous submissions: ack p50 ${ms(submissionAcks.p50)}, max ${ms(submissionAcks.max)}, ${badSubmissions.length} not 200/empty`,
    );
    context.log(
      `  drain: ${isDrained ? `the last render finished ${sec(drainMs)} after the last plan reached review` : `jobs still queued after ${sec(drainMs)}`}; ` +
        `final message (In review, with the review buttons) shown for ${messages.finalShown}/${plans} plans`,
    );
    context.log(
      `  chat.update for these plans: ${messages.updates} calls, ${(messages.updates / plans).toFixed(1)} a plan (accepted: ${(messages.rootAccepted / plans).toFixed(1)} a plan on the root message, ` +
        `${(messages.replyAccepted / plans).toFixed(1)} on thread replies); ${messages.rateLimited} answered 429, ${messages.otherErrors} other errors; ` +
        `${messages.deadJobs} jobs failed for good; ${errorLogLines.length} error-level log lines`,
    );
    for (const line of errorLogLines.slice(0, 3)) context.log(`    ${line.slice(0, 300)}`);

    const rows: SummaryRow[] = [
      { benchmark: label, metric: 'wall time vs ideal', value: sec(wallMs), baseline: sec(idealMs), ratio: ratio(loadRatio), target: '≤ 1.25×', status: check(loadRatio <= 1.25) },
      {
        benchmark: label,
        metric: 'plans in review, none failed',
        value: `${statuses['in_review'] ?? 0}/${plans}`,
        baseline: '',
        ratio: '',
        target: `${plans}/${plans}`,
        status: check((statuses['in_review'] ?? 0) === plans && failed === 0),
      },
      {
        benchmark: label,
        metric: '/content ack p99 alongside',
        value: ms(ackSummary.p99),
        baseline: '300 ms',
        ratio: ratio(ackSummary.p99 / 300),
        target: '< 300 ms',
        status: check(ackSummary.p99 < 300 && badAcks.length === 0),
      },
      {
        benchmark: label,
        metric: `slowest of ${plans} simultaneous submissions`,
        value: ms(submissionAcks.max),
        baseline: ms(SLACK_ACK_LIMIT_MS, 0),
        ratio: ratio(submissionAcks.max / SLACK_ACK_LIMIT_MS),
        target: '< 3 s (Slack)',
        status: check(submissionAcks.max < SLACK_ACK_LIMIT_MS && badSubmissions.length === 0),
      },
      { benchmark: label, metric: 'chat.update calls a plan', value: (messages.updates / plans).toFixed(1), baseline: '', ratio: '', target: '(info)', status: 'INFO' },
      {
        benchmark: label,
        metric: `429s survived (${messages.rateLimited} answered)`,
        value: `${messages.finalShown}/${plans} final`,
        baseline: '',
        ratio: '',
        target: 'all final, 0 lost',
        status: check(messages.finalShown === plans && messages.deadJobs === 0 && isDrained && failed === 0),
      },
    ];
    return { name: label, rows: whatIf ? rows.map((row) => ({ ...row, status: 'INFO' as const, target: row.target.startsWith('(') ? row.target : `(${row.target})` })) : rows };
  } finally {
    await client.close();
    await harness.close();
  }
}

function harnessSeoWorkers(env: Record<string, string>): string {
  return env['SEO_WORKERS'] ?? '2 (default)';
}

/** What the fake Slack shows for the plans, and what it took: chat.update calls and 429s since `firstCall`. */
async function checkMessages({ database, slack }: BenchApp, planIds: readonly string[], firstCall: number) {
  const plans = await database.sql<{ id: string; channel: string | null; ts: string | null }[]>`
    select id, message_channel_id as channel, message_ts as ts from content_plans where id in ${database.sql(planIds)}`;
  const replies = await database.sql<{ ts: string | null }[]>`select ts from thread_replies where plan_id in ${database.sql(planIds)}`;
  const rootTs = new Set(plans.map((plan) => plan.ts).filter(Boolean));
  const replyTs = new Set(replies.map((reply) => reply.ts).filter(Boolean));
  const updates = slack.calls.slice(firstCall).filter((call) => call.method === 'chat.update' && (rootTs.has(String(call.args['ts'])) || replyTs.has(String(call.args['ts']))));
  const accepted = updates.filter((call) => call.outcome === 'ok');
  const finalShown = plans.filter((plan) => {
    const message = plan.channel && plan.ts ? slack.messages.get(plan.channel, plan.ts) : undefined;
    return Boolean(message?.text.includes('In review') && JSON.stringify(message.blocks ?? []).includes('approve_plan'));
  }).length;
  const left = await database.sql<{ attempts: number; maxAttempts: number }[]>`select attempts, max_attempts as "maxAttempts" from graphile_worker._private_jobs`;
  return {
    updates: updates.length,
    rootAccepted: accepted.filter((call) => rootTs.has(String(call.args['ts']))).length,
    replyAccepted: accepted.filter((call) => replyTs.has(String(call.args['ts']))).length,
    rateLimited: updates.filter((call) => call.outcome === 'rate_limited').length,
    otherErrors: updates.filter((call) => call.outcome !== 'ok' && call.outcome !== 'rate_limited').length,
    finalShown,
    deadJobs: left.filter((job) => job.attempts >= job.maxAttempts).length,
  };
}
