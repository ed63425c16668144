import path from 'node:path';
import { startFakeFirecrawl, type FakeFirecrawl } from '../../tests/support/fake-firecrawl.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../../tests/support/fake-openai.ts';
import { startFakeSlack, type FakeSlack } from '../../tests/support/fake-slack.ts';
import type { AppProcessOptions } from './app-process.ts';
import { startChild, type ChildHandle } from './child.ts';
import { startPgCensus, type Census } from './pg-census.ts';
import { summarizeProfile } from './profile-summary.ts';
import { fakeServicesEnv } from '../../tests/support/app-env.ts';
import { FIRECRAWL_KEY } from './constants.ts';
import { createBenchDatabase, type BenchDatabase } from './database.ts';

export type RunContext = {
  /** Folder for the children's logs and CPU profiles. */
  outDir: string;
  /** Profile the app's main thread during each measured window, and print where its time went. */
  profile: boolean;
  log(line: string): void;
};

export type BenchApp = {
  app: ChildHandle;
  /** Present when the app reaches Postgres through the statement-counting proxy. */
  census: Census | undefined;
  slack: FakeSlack;
  openai: FakeOpenAI;
  firecrawl: FakeFirecrawl;
  database: BenchDatabase;
  close(): Promise<void>;
};

/**
 * The app in its own process (HTTP mode), on a fresh database, pointed at the fake Slack, OpenAI and
 * Firecrawl servers, which run here in the benchmark's process with the load generator.
 */
export async function startBenchApp(
  context: RunContext,
  {
    label,
    role,
    env = {},
    workerPollInterval,
    countStatements = false,
    slackAnswerDelayMs = {},
  }: {
    label: string;
    role: 'all' | 'web' | 'worker';
    env?: Record<string, string>;
    workerPollInterval?: number;
    countStatements?: boolean;
    /** How long the fake Slack takes to answer, per method (none unless given). */
    slackAnswerDelayMs?: Record<string, number>;
  },
): Promise<BenchApp> {
  const slug = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
  const started = await Promise.allSettled([
    // Trigger ids stay valid for 15 minutes: the load client gets them in batches before it sends.
    startFakeSlack({ triggerValidityMs: 15 * 60_000, answerDelayMs: slackAnswerDelayMs }),
    startFakeOpenAI(),
    startFakeFirecrawl({ apiKey: FIRECRAWL_KEY }),
    createBenchDatabase(slug),
  ] as const);
  const [slackResult, openaiResult, firecrawlResult, databaseResult] = started;
  if (slackResult.status === 'rejected' || openaiResult.status === 'rejected' || firecrawlResult.status === 'rejected' || databaseResult.status === 'rejected') {
    await Promise.all([
      slackResult.status === 'fulfilled' ? slackResult.value.close() : undefined,
      openaiResult.status === 'fulfilled' ? openaiResult.value.close() : undefined,
      firecrawlResult.status === 'fulfilled' ? firecrawlResult.value.close() : undefined,
      databaseResult.status === 'fulfilled' ? databaseResult.value.drop() : undefined,
    ]);
    throw started.find((result) => result.status === 'rejected')?.reason;
  }
  const [slack, openai, firecrawl, database] = [slackResult.value, openaiResult.value, firecrawlResult.value, databaseResult.value];
  const census = countStatements ? await startPgCensus(database.url) : undefined;
  const options: AppProcessOptions = {
    env: {
      ...fakeServicesEnv({ databaseUrl: census?.url ?? database.url, slackUrl: slack.url, openaiUrl: openai.url, firecrawlUrl: firecrawl.url }),
      LOG_LEVEL: 'info',
      // The benchmarks create hundreds of plans in minutes: the per-workspace hourly limit is not what they measure.
      PLAN_RATE_LIMIT_PER_HOUR: '1000000',
      ...env,
    },
    argv: ['--role', role],
    workerPollInterval,
  };
  let app: ChildHandle;
  try {
    app = await startChild(new URL('./app-process.ts', import.meta.url), options, {
      logFile: path.join(context.outDir, `${slug}-app.log`),
    });
  } catch (error) {
    await Promise.all([slack.close(), openai.close(), firecrawl.close(), census?.close()]);
    await database.drop();
    throw error;
  }
  return {
    app,
    census,
    slack,
    openai,
    firecrawl,
    database,
    close: async () => {
      await app.stop();
      await Promise.all([slack.close(), openai.close(), firecrawl.close(), census?.close()]);
      await database.drop();
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns a value other than undefined, or throws after `timeoutMs`. */
export async function pollUntil<T>(check: () => Promise<T | undefined>, { timeoutMs, intervalMs, what }: { timeoutMs: number; intervalMs: number; what: string }): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Resolves when no graphile-worker job is queued or running (renders included); review reminders due hours later do not count. */
export async function waitForNoJobs(database: BenchDatabase, timeoutMs: number): Promise<boolean> {
  try {
    await pollUntil(
      async () =>
        (await database.sql<{ n: number }[]>`select count(*)::int as n from graphile_worker._private_jobs where run_at < now() + interval '1 minute'`)[0]?.n === 0
          ? true
          : undefined,
      { timeoutMs, intervalMs: 250, what: 'the job queue to drain' },
    );
    return true;
  } catch {
    return false;
  }
}

/** Runs `measure` under a CPU profile of the app's main thread when profiling is on, and prints its summary. */
export async function profiled<T>(context: RunContext, app: ChildHandle, name: string, measure: () => Promise<T>): Promise<T> {
  if (!context.profile) return measure();
  app.profileStart();
  await sleep(50);
  try {
    return await measure();
  } finally {
    await writeProfile(context, app, name);
  }
}

/** Stops the app's CPU profile, writes it to the run's folder and prints where the main thread's time went. */
export async function writeProfile(context: RunContext, app: ChildHandle, name: string): Promise<void> {
  const file = path.join(context.outDir, `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.cpuprofile`);
  await app.profileStop(file);
  context.log(`  CPU profile of the app's main thread (${name}):`);
  context.log(summarizeProfile(file, 12).replace(/^/gm, '    '));
}

/** Waits until the child process has been nearly idle (under 5 % of a core) for 250 ms, at most `timeoutMs`. */
export async function waitForIdle(child: ChildHandle, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await child.stats(true);
    await sleep(250);
    const stats = await child.stats();
    if (stats.cpuMs / stats.wallMs < 0.05) return;
  }
}
