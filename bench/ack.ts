/**
 * Ack latency (issues 2 and 6): HTTP response time of signed /content commands, App Home button
 * presses and plan-modal submissions, 200 each at 50 concurrent, against our app (--role web, fresh
 * database) and against a bare Bolt app on Bolt's HTTPReceiver that answers with an empty ack().
 * Both servers run in processes of their own; so does the load generator, which times the requests.
 */
import os from 'node:os';
import path from 'node:path';
import type { SlackRequestBody } from '../tests/support/slack-requests.ts';
import type { BaselineOptions } from './lib/baseline-process.ts';
import { startChild, type ChildHandle } from './lib/child.ts';
import { startLoadClient } from './lib/client.ts';
import { BOT_TOKEN, SIGNING_SECRET, SLACK_ACK_LIMIT_MS, TEAM } from './lib/constants.ts';
import { profiled, sleep, startBenchApp, waitForIdle, type RunContext } from './lib/harness.ts';
import { check, type BenchOutcome, type SummaryRow } from './lib/report.ts';
import { contentCommand, newPlanButton, planSubmission } from './lib/slack.ts';
import { median, ms, ratio, summarize, table, type Summary } from './lib/stats.ts';
import { cpuBetween, cpuSnapshot } from './lib/machine.ts';

export type AckOptions = {
  requests: number;
  concurrency: number;
  warmup: number;
  rounds: number;
  /** How long the fake Slack takes to answer views.open. */
  slackLatencyMs: number;
  label?: string;
  /** Information only: its rows are INFO, not targets. */
  whatIf?: boolean;
};

type Target = 'baseline' | 'stack' | 'ours';
const TARGETS: readonly Target[] = ['baseline', 'stack', 'ours'];
type Kind = { key: 'command' | 'button' | 'submission'; label: string; opensModal: boolean; make: (triggerId: string, id: string) => SlackRequestBody };

/** A submission saves a plan before its ack, so it may take longer than an empty ack; the others may not. */
const P99_RATIO_TARGETS: Record<Kind['key'], number> = { command: 2, button: 2, submission: 3 };

const KINDS: Kind[] = [
  { key: 'command', label: 'slash command /content (opens a modal)', opensModal: true, make: (triggerId) => contentCommand(triggerId) },
  { key: 'button', label: 'button new_plan (opens a modal)', opensModal: true, make: (triggerId) => newPlanButton(triggerId) },
  { key: 'submission', label: 'view_submission (saves a plan)', opensModal: false, make: (_triggerId, id) => planSubmission(`V0ACK${id}`) },
];

export async function runAckBenchmark(context: RunContext, options: AckOptions): Promise<BenchOutcome> {
  const { requests, concurrency, warmup, rounds, slackLatencyMs, label = 'ack', whatIf = false } = options;
  context.log(
    `\n## Ack latency${whatIf ? ` (${label})` : ''}: ${requests} requests of each kind at ${concurrency} concurrent, in ${rounds} rounds alternating with the baseline, after ${warmup} warm-up requests each; our app runs --role web; the fake Slack answers views.open after ${slackLatencyMs} ms`,
  );
  context.log('  baseline: a bare Bolt app on its own HTTPReceiver, answering with an empty ack(); for diagnosis, our HTTP stack (Hono + src/server) in front of the same empty-ack Bolt app');
  const ours = await startBenchApp(context, { label, role: 'web', slackAnswerDelayMs: { 'views.open': slackLatencyMs } });
  const client = startLoadClient();
  let baseline: ChildHandle | undefined;
  let stack: ChildHandle | undefined;
  const rows: SummaryRow[] = [];
  try {
    const baselineOptions: BaselineOptions = { signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN };
    baseline = await startChild(new URL('./lib/baseline-process.ts', import.meta.url), baselineOptions, { logFile: path.join(context.outDir, `${label}-baseline.log`) });
    stack = await startChild(new URL('./lib/stack-process.ts', import.meta.url), baselineOptions, { logFile: path.join(context.outDir, `${label}-stack.log`) });
    const servers: Record<Target, ChildHandle> = { baseline, stack, ours: ours.app };
    const detail: string[][] = [];
    const problems: string[] = [];
    let sequence = 0;
    // Modal opens our app has been asked for so far: one per command or button press.
    let opensExpected = 0;
    const triggerIds = new WeakMap<SlackRequestBody, string>();
    const batch = (kind: Kind, count: number) =>
      Array.from({ length: count }, () => {
        sequence += 1;
        const triggerId = ours.slack.issueTriggerId();
        const request = kind.make(triggerId, String(sequence));
        triggerIds.set(request, triggerId);
        return request;
      });
    // For our app's measured commands and button presses: when each left the load client, by trigger id.
    const sentAtByTrigger = new Map<string, { kind: Kind['key']; sentAtEpochMs: number }>();

    // Warm both servers up on every kind first, then measure in interleaved rounds.
    for (const kind of KINDS) {
      for (const target of TARGETS) {
        await client.burst(servers[target].url, batch(kind, warmup), Math.min(10, concurrency));
        if (target === 'ours' && kind.opensModal) opensExpected += warmup;
      }
    }
    await sleep(1_000);

    const others: number[] = [];
    const samples = new Map<string, { p99: number[]; all: number[]; cpuMs: number[]; parentCpuMs: number[] }>();
    for (let round = 1; round <= rounds; round += 1) {
      for (const kind of KINDS) {
        for (const target of TARGETS) {
          const server = servers[target];
          const measured = batch(kind, requests);
          // The app's after-ack work of the previous phase (views.open, chat.postMessage) must not overlap:
          // its modal opens must have reached Slack and been answered.
          await ours.slack.waitFor((call) => call.method === 'views.open', 30_000, opensExpected);
          await sleep(slackLatencyMs + 50);
          await waitForIdle(ours.app);
          await waitForIdle(server);
          // Every burst starts on open connections: the waits between phases outlast the servers'
          // keep-alive timeout (5 s), and new connections would be measured in some phases, not others.
          await client.prime(server.url, concurrency);
          await server.stats(true);
          const parentCpu = process.cpuUsage();
          const cpuBefore = cpuSnapshot();
          const send = () => client.burst(server.url, measured, concurrency);
          if (target === 'ours' && kind.opensModal) opensExpected += requests;
          const results = target === 'ours' && round === 1 ? await profiled(context, server, `${label}-${kind.key}`, send) : await send();
          const stats = await server.stats();
          const parent = process.cpuUsage(parentCpu);
          const window = cpuBetween(cpuBefore, cpuSnapshot());
          others.push(Math.max(0, window.machineBusyCores - stats.cpuMs / window.wallMs - window.postgresCores - window.benchCores));
          if (process.env['BENCH_VERBOSE']) {
            const summary = summarize(results.map((r) => r.ms));
            const clientStats = client.lastBurstStats();
            context.log(
              `  round ${round} ${kind.key} ${target}: p50 ${ms(summary.p50)} p99 ${ms(summary.p99)} max ${ms(summary.max)}; CPU ${ms(stats.cpuMs, 0)} over ${ms(stats.wallMs, 0)}, ` +
                `loop delay max ${ms(stats.eventLoopDelayMaxMs)}, in the server p99 ${ms(stats.serverRequestP99Ms)} max ${ms(stats.serverRequestMaxMs)}, GC ${ms(stats.gcScavengeMs)} scavenges + ${ms(stats.gcMarkCompactMs)} mark-compact, heap ${stats.heapUsedMb.toFixed(0)} MB, bench process CPU ${ms((parent.user + parent.system) / 1000, 0)}, ` +
                `Postgres CPU ${ms(window.postgresCores * window.wallMs, 0)}, machine ${window.machineBusyCores.toFixed(2)} cores busy`,
            );
            const firstSent = Math.min(...results.map((r) => r.startedAt));
            const slowest = results
              .map((result, index) => ({ ...result, index }))
              .sort((a, b) => b.ms - a.ms)
              .slice(0, 3)
              .map((result) => `#${result.index} sent at +${ms(result.startedAt - firstSent)} took ${ms(result.ms)}`);
            context.log(
              `    slowest: ${slowest.join('; ')}; load client: loop delay max ${ms(clientStats?.loopDelayMaxMs ?? 0)}, ${clientStats?.newConnections ?? 0} new connections`,
            );
          }
          if (target === 'ours') {
            results.forEach((result, index) => {
              const triggerId = triggerIds.get(measured[index]!);
              if (triggerId && kind.opensModal) sentAtByTrigger.set(triggerId, { kind: kind.key, sentAtEpochMs: result.sentAtEpochMs });
            });
          }
          const key = `${kind.key}:${target}`;
          const entry = samples.get(key) ?? { p99: [], all: [], cpuMs: [], parentCpuMs: [] };
          entry.p99.push(summarize(results.map((r) => r.ms)).p99);
          entry.all.push(...results.map((r) => r.ms));
          entry.cpuMs.push(stats.cpuMs / requests);
          entry.parentCpuMs.push((parent.user + parent.system) / 1000 / requests);
          samples.set(key, entry);
          for (const result of results) {
            const isExpected = result.status === 200 && (target !== 'ours' || result.body === '');
            if (!isExpected) problems.push(`${target} ${kind.key}: HTTP ${result.status} ${result.error ?? result.body.slice(0, 120)}`);
          }
        }
      }
    }

    const cpuRows: string[][] = [];
    for (const kind of KINDS) {
      const of = (target: Target) => samples.get(`${kind.key}:${target}`) ?? { p99: [], all: [], cpuMs: [], parentCpuMs: [] };
      // Each round's p99 over its 200 requests; the round with the median p99 is reported.
      const summary: Record<Target, Summary> = { baseline: summarize(of('baseline').all), stack: summarize(of('stack').all), ours: summarize(of('ours').all) };
      const p99: Record<Target, number> = { baseline: median(of('baseline').p99), stack: median(of('stack').p99), ours: median(of('ours').p99) };
      const p99Ratio = p99.ours / p99.baseline;
      const spread = (target: Target) => `${ms(Math.min(...of(target).p99), 0)}–${ms(Math.max(...of(target).p99), 0)}`;
      detail.push(
        [kind.label, 'ours', ms(summary.ours.p50), ms(summary.ours.p90), ms(p99.ours), spread('ours'), ms(summary.ours.max)],
        ['', 'bare Bolt', ms(summary.baseline.p50), ms(summary.baseline.p90), ms(p99.baseline), spread('baseline'), ms(summary.baseline.max)],
        ['', 'ours ÷ bare Bolt', ratio(summary.ours.p50 / summary.baseline.p50), ratio(summary.ours.p90 / summary.baseline.p90), ratio(p99Ratio), '', ratio(summary.ours.max / summary.baseline.max)],
        ['', '(our HTTP stack, empty ack)', ms(summary.stack.p50), ms(summary.stack.p90), ms(p99.stack), spread('stack'), ms(summary.stack.max)],
        ['', '(its ratio to bare Bolt)', ratio(summary.stack.p50 / summary.baseline.p50), ratio(summary.stack.p90 / summary.baseline.p90), ratio(p99.stack / p99.baseline), '', ratio(summary.stack.max / summary.baseline.max)],
      );
      const cpu = (target: Target) => median(of(target).cpuMs);
      cpuRows.push([kind.label, ms(cpu('ours'), 2), ms(cpu('stack'), 2), ms(cpu('baseline'), 2), ratio(cpu('ours') / cpu('baseline')), ms(median(of('ours').parentCpuMs), 2)]);
      rows.push(
        {
          benchmark: label,
          metric: `${kind.key} p99 vs bare Bolt`,
          value: ms(p99.ours),
          baseline: ms(p99.baseline),
          ratio: ratio(p99Ratio),
          target: `≤ ${P99_RATIO_TARGETS[kind.key].toFixed(2)}×`,
          status: check(p99Ratio <= P99_RATIO_TARGETS[kind.key]),
        },
        { benchmark: label, metric: `${kind.key} p50 vs bare Bolt`, value: ms(summary.ours.p50), baseline: ms(summary.baseline.p50), ratio: ratio(summary.ours.p50 / summary.baseline.p50), target: '(info)', status: 'INFO' },
        {
          benchmark: label,
          metric: `${kind.key} p99 vs Slack's 3 s`,
          value: ms(p99.ours),
          baseline: ms(SLACK_ACK_LIMIT_MS, 0),
          ratio: ratio(p99.ours / SLACK_ACK_LIMIT_MS),
          target: '< 1.00×',
          status: check(p99.ours < SLACK_ACK_LIMIT_MS),
        },
      );
    }
    context.log(`\n  p50, p90 and max over all ${rounds} rounds (${rounds * requests} requests); p99 is the median of the rounds' p99s (each over ${requests}), with their range:\n`);
    context.log(table(['request', 'server', 'p50', 'p90', 'p99', 'p99 range', 'max'], detail));
    context.log(
      `\n  CPU of other processes (not the server measured, Postgres or the fakes) during the measured bursts: mean ${(others.reduce((a, b) => a + b, 0) / others.length).toFixed(2)} cores, ` +
        `max ${Math.max(...others).toFixed(2)} of ${os.availableParallelism()}; the load client is among them`,
    );
    context.log('\n  CPU a request while measuring (all threads of the server process; the bench process runs the fake Slack):\n');
    context.log(table(['request', 'our app', 'our stack, empty ack', 'bare Bolt', 'ours ÷ bare', 'bench process (fakes)'], cpuRows));

    // What the app did with them: every submission made one plan, every trigger opened one modal.
    await sleep(1_000);
    const [{ plans } = { plans: 0 }] = await ours.database.sql<{ plans: number }[]>`select count(*)::int as plans from content_plans where team_id = ${TEAM}`;
    const expectedPlans = rounds * requests + warmup;
    const opened = ours.slack.callsTo('views.open');
    const openedOk = opened.filter((call) => call.outcome === 'ok').length;
    const posted = ours.slack.callsTo('chat.postMessage').filter((call) => call.outcome === 'ok').length;
    context.log(
      `\n  our app: ${plans} plans saved for ${expectedPlans} submissions, ${posted} root messages posted; ` +
        `views.open ${openedOk} ok of ${opened.length} for ${2 * expectedPlans} commands and button presses`,
    );
    // What a person sees after a command or a press is the modal: Slack's views.open arrives after the ack.
    const modalDelays = new Map<Kind['key'], number[]>();
    for (const call of opened) {
      const sent = sentAtByTrigger.get(String(call.args['trigger_id']));
      if (sent) modalDelays.set(sent.kind, [...(modalDelays.get(sent.kind) ?? []), call.at - sent.sentAtEpochMs]);
    }
    for (const [kind, delays] of modalDelays) {
      const summary = summarize(delays);
      context.log(`  ${kind}: views.open reached Slack after the request left the client: p50 ${ms(summary.p50)}, p99 ${ms(summary.p99)}, max ${ms(summary.max)} (${delays.length} measured)`);
      rows.push({ benchmark: label, metric: `${kind}: views.open p99 after the request`, value: ms(summary.p99), baseline: '', ratio: '', target: '(info)', status: 'INFO' });
    }
    if (plans !== expectedPlans) problems.push(`expected ${expectedPlans} plans, found ${plans}`);
    if (openedOk !== 2 * expectedPlans) {
      problems.push(`expected ${2 * expectedPlans} modals opened, got ${openedOk} (${opened.filter((c) => c.outcome !== 'ok').map((c) => c.error).slice(0, 3).join(', ')})`);
    }
    rows.push({ benchmark: label, metric: 'all answered as expected', value: `${problems.length} problems`, baseline: '', ratio: '', target: '0', status: check(problems.length === 0) });
    for (const problem of problems.slice(0, 10)) context.log(`  PROBLEM: ${problem}`);
    return { name: label, rows: whatIf ? rows.map((row) => ({ ...row, status: 'INFO' as const, target: row.target.startsWith('(') ? row.target : `(${row.target})` })) : rows };
  } finally {
    await client.close();
    await baseline?.stop();
    await stack?.stop();
    await ours.close();
  }
}
