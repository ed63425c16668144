import { existsSync } from 'node:fs';
import { serve, type ServerType } from '@hono/node-server';
import { App, LogLevel } from '@slack/bolt';
import type { InstallationStore } from '@slack/oauth';
import type { DestinationStream, Logger } from 'pino';
import { registerListeners } from './bot/listeners/register.ts';
import { loadConfig, type Config, type Environment } from './config.ts';
import { isDatabaseReachable, makeDatabase, type DatabaseHandle } from './db/client.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.ts';
import { makeInstallationStore } from './db/installations.ts';
import { migrateDatabase } from './db/migrate.ts';
import { makePlanSaver } from './db/plan-saver.ts';
import { startSettingsCache } from './db/settings-cache.ts';
import { isAppError } from './errors.ts';
import { makePlanStarter } from './jobs/plan-starter.ts';
import { makeEnqueue } from './jobs/queue.ts';
import { startWorker, type Worker } from './jobs/runner.ts';
import { makeTaskList } from './jobs/task-list.ts';
import { makeLogger, toBoltLogger } from './logger.ts';
import { makeLlmGateway } from './orchestrator/llm.ts';
import { makeScraper } from './orchestrator/scraper.ts';
import { makeSeoPool } from './orchestrator/seo/pool.ts';
import type { ResolveHost } from './publish/network-guard.ts';
import { makeBuiltInDestinationAdapters, makeDestinationRegistry, makeNetworkDestinationAdapters, type DestinationRegistry } from './publish/registry.ts';
import { makeHttpApp, makeMetricsApp, type HealthReport, type MetricsRoute } from './server/http-app.ts';
import { renderMetrics } from './server/metrics.ts';
import { makeAuthorize, makeInstaller } from './server/oauth.ts';
import { HonoSlackReceiver } from './server/slack-receiver.ts';
import { verifySlackAccess, explainSocketModeFailure, type SlackIdentity } from './slack-check.ts';
import { makeJobSlackClients } from './slack-clients.ts';
import { makeAdminDirectory } from './bot/services/approver-notifications.ts';

export type RunningApp = {
  config: Config;
  url: string;
  port: number;
  /** Where /metrics is served when METRICS_PORT is set. */
  metricsUrl: string | undefined;
  database: DatabaseHandle;
  databaseUrl: string;
  logger: Logger;
  stop(): Promise<void>;
};

export type StartOptions = {
  env: Environment;
  argv?: readonly string[];
  logDestination?: DestinationStream;
  /** Overrides for tests: how often the worker polls when LISTEN/NOTIFY is quiet. */
  workerPollInterval?: number;
  /** The destination kinds; the built-in ones unless a test adds its own. */
  destinations?: DestinationRegistry;
  /** Aborting it (a signal during start-up) stops what has started so far and rejects. */
  signal?: AbortSignal;
  /** The resolver destination URLs are checked with; the system's unless a test maps names itself. */
  resolveDestinationHost?: ResolveHost;
  /** The clock of jobs and listeners; tests move it to make scheduled work due. */
  now?: () => Date;
};

/** The composition root: config, database, Slack app, HTTP server and worker. */
export async function startApp({
  env,
  argv = [],
  logDestination,
  workerPollInterval,
  destinations: givenDestinations,
  signal,
  resolveDestinationHost,
  now: givenNow,
}: StartOptions): Promise<RunningApp> {
  const config = loadConfig(env, argv);
  const logger = makeLogger({ level: config.logLevel, destination: logDestination });
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      await stop().catch((error: unknown) => logger.error({ err: error }, 'error during shutdown'));
    }
    stops.length = 0;
  };

  try {
    const slackIdentity = await verifySlackAccess({ apiUrl: config.slack.apiUrl, botToken: config.slack.botToken });
    signal?.throwIfAborted();
    let embedded: EmbeddedDatabase | undefined;
    if (!config.databaseUrl) {
      embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, logger, signal });
      const stopEmbedded = embedded.stop;
      stops.push(() => stopEmbedded());
    }
    const databaseUrl = config.databaseUrl ?? embedded?.url ?? '';
    await migrateDatabase(databaseUrl);
    signal?.throwIfAborted();
    const database = makeDatabase({ url: databaseUrl });
    stops.push(() => database.close());

    const enqueue = makeEnqueue(database.db);
    const now = givenNow ?? (() => new Date());
    const networkDeps = { db: database.db, encryptionKey: config.encryptionKey, networks: config.networks, logger, now };
    const destinations = givenDestinations ?? makeDestinationRegistry([...makeBuiltInDestinationAdapters({ mailchimpApiUrl: config.mailchimpApiUrl }), ...makeNetworkDestinationAdapters(networkDeps)]);
    const destinationNetwork = { allowPrivate: config.allowPrivateDestinations, ...(resolveDestinationHost ? { resolve: resolveDestinationHost } : {}) };
    const installationStore =
      config.slack.oauth && config.encryptionKey ? makeInstallationStore(database.db, config.encryptionKey) : undefined;
    const slackFor = makeJobSlackClients({
      apiUrl: config.slack.apiUrl,
      botToken: config.slack.botToken,
      installationStore,
      logger: toBoltLogger(logger),
    });

    let worker: Worker | undefined;
    if (config.role !== 'web') {
      const seo = makeSeoPool({ size: config.seoWorkers });
      stops.push(() => seo.close());
      const llm = makeLlmGateway({
        apiKey: config.openai.apiKey,
        baseURL: config.openai.baseUrl,
        model: config.openai.model,
        concurrency: config.llmConcurrency,
        timeoutMs: config.llmTimeoutMs,
        maxRetries: config.llmMaxRetries,
        logger,
      });
      const scraper = config.firecrawl.apiKey
        ? makeScraper({ apiKey: config.firecrawl.apiKey, apiUrl: config.firecrawl.apiUrl, logger })
        : undefined;
      worker = await startWorker({
        connectionString: databaseUrl,
        concurrency: config.workerConcurrency,
        pollInterval: workerPollInterval,
        logger,
        sql: database.sql,
        staleAfterMs: config.workerStaleAfterMs,
        heartbeatIntervalMs: Math.min(5_000, Math.ceil(config.workerStaleAfterMs / 3)),
        taskList: makeTaskList({
          db: database.db,
          logger,
          enqueue,
          now,
          slackFor,
          llm,
          scraper,
          seo,
          maxAttempts: config.jobMaxAttempts,
          encryptionKey: config.encryptionKey,
          publishTimeoutMs: config.publishTimeoutMs,
          destinations,
          destinationNetwork,
          envApprovers: config.slack.approvers,
          tokenPricePer1k: config.tokenPricePer1k,
          networks: config.networks,
          mailchimpApiUrl: config.mailchimpApiUrl,
          reviewReminderHours: config.reviewReminderHours,
          adminDirectory: makeAdminDirectory(),
        }),
      });
      const stopWorker = worker.stop;
      stops.push(() => stopWorker());
      signal?.throwIfAborted();
    }

    let receiver: HonoSlackReceiver | undefined;
    if (config.role !== 'worker') {
      const bolt = makeBoltApp({ config, logger, receiver: (receiver = makeReceiver(config, logger)), installationStore, slackIdentity });
      const planSaver = makePlanSaver(database.db);
      const planStarter = makePlanStarter({ db: database.db, logger });
      const settingsCache = await startSettingsCache({ db: database.db, sql: database.sql });
      stops.push(() => settingsCache.stop());
      // Registered before the server's stop, so it runs after it: the last acked plans are started.
      stops.push(() => planStarter.flush());
      registerListeners(bolt, {
        db: database.db,
        logger,
        enqueue,
        planSaver,
        planStarter,
        settingsCache,
        envApprovers: config.slack.approvers,
        maxAttempts: config.jobMaxAttempts,
        planRateLimitPerHour: config.planRateLimitPerHour,
        actionRateLimits: config.actionRateLimits,
        tokenPricePer1k: config.tokenPricePer1k,
        encryptionKey: config.encryptionKey,
        publishTimeoutMs: config.publishTimeoutMs,
        destinations,
        destinationNetwork,
        now,
        networks: config.networks,
      });
      await bolt.init();
      if (config.slack.appToken) {
        await bolt.start().catch((error: unknown) => Promise.reject(explainSocketModeFailure(error)));
        stops.push(async () => void (await bolt.stop()));
        signal?.throwIfAborted();
      }
    }

    const checkHealth = async (): Promise<HealthReport> => {
      const isUp = await isDatabaseReachable(database.sql);
      const workerState = worker ? worker.state() : 'not in this process';
      const isWorkerHealthy = !worker || workerState === 'running';
      return { ok: isUp && isWorkerHealthy, database: isUp ? 'up' : 'down', worker: workerState };
    };
    const installer =
      config.slack.oauth && installationStore && config.role !== 'worker'
        ? makeInstaller({ oauth: config.slack.oauth, installationStore, apiUrl: config.slack.apiUrl, logger })
        : undefined;
    const metrics: MetricsRoute = {
      render: () => renderMetrics({ sql: database.sql, workerState: () => worker?.state() ?? 'not in this process' }),
      token: config.metrics.token,
    };
    const http = makeHttpApp({
      receiver,
      checkHealth,
      installer,
      metrics: config.metrics.port === undefined && config.metrics.token !== undefined ? metrics : undefined,
      connect: config.role === 'worker' ? undefined : { db: database.db, logger, networks: config.networks, encryptionKey: config.encryptionKey, slackFor, enqueue, now },
    });
    const server = await listen(http.fetch, config.port);
    stops.push(() => closeServer(server.server));
    signal?.throwIfAborted();
    let metricsUrl: string | undefined;
    if (config.metrics.port !== undefined) {
      const metricsServer = await listen(makeMetricsApp(metrics).fetch, config.metrics.port);
      stops.push(() => closeServer(metricsServer.server));
      metricsUrl = `http://127.0.0.1:${metricsServer.port}/metrics`;
      signal?.throwIfAborted();
    }

    const url = `http://127.0.0.1:${server.port}`;
    logger.info({ url, role: config.role, socketMode: Boolean(config.slack.appToken), embeddedDatabase: Boolean(embedded) }, 'Content Broadcaster is running');
    return { config, url, port: server.port, metricsUrl, database, databaseUrl, logger, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function makeReceiver(config: Config, logger: Logger): HonoSlackReceiver | undefined {
  if (config.slack.appToken || !config.slack.signingSecret) return undefined;
  return new HonoSlackReceiver({ signingSecret: config.slack.signingSecret, logger });
}

function makeBoltApp({
  config,
  logger,
  receiver,
  installationStore,
  slackIdentity,
}: {
  config: Config;
  logger: Logger;
  receiver: HonoSlackReceiver | undefined;
  installationStore: InstallationStore | undefined;
  slackIdentity: SlackIdentity | undefined;
}): App {
  const common = {
    // verifySlackAccess has already called auth.test; Bolt's own call would retry for minutes.
    ...(installationStore ? { authorize: makeAuthorize(installationStore) } : { token: config.slack.botToken, ...slackIdentity, tokenVerificationEnabled: false }),
    logger: toBoltLogger(logger),
    logLevel: LogLevel.INFO,
    clientOptions: { slackApiUrl: config.slack.apiUrl },
    // No listener reads context.conversation; Bolt's default store would keep every channel seen, in memory.
    convoStore: false as const,
    deferInitialization: true,
  };
  if (config.slack.appToken) {
    return new App({ ...common, appToken: config.slack.appToken, socketMode: true, installerOptions: { clientOptions: { slackApiUrl: config.slack.apiUrl } } });
  }
  return new App({ ...common, receiver });
}

function listen(fetch: (request: Request) => Response | Promise<Response>, port: number): Promise<{ server: ServerType; port: number }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname: '0.0.0.0' }, (info) => resolve({ server, port: info.port }));
    server.once('error', reject);
  });
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    if ('closeIdleConnections' in server) server.closeIdleConnections();
  });
}

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  // postgres.js 3.4.9 can throw from a timer when a connection closes under a pending write
  // (porsager/postgres#1154, #1208); the query has already been rejected, so the process may go on.
  process.on('uncaughtException', (error, origin) => {
    if (isPostgresClosedSocketWrite(error)) {
      console.error(JSON.stringify({ level: 40, msg: 'ignored a postgres.js write on a closed connection', err: error.message }));
      return;
    }
    if (isBareConnectionReset(error)) {
      console.error(JSON.stringify({ level: 40, msg: 'ignored the error of a connection the server reset', err: String(error), origin }));
      return;
    }
    console.error(error);
    process.exit(1);
  });
  // Installed before anything starts: a signal during start-up stops what has started so far.
  const starting = new AbortController();
  let app: RunningApp | undefined;
  let isStopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (isStopping) return;
    isStopping = true;
    if (!app) return starting.abort(signal);
    app.logger.info({ signal }, 'shutting down: finishing running jobs');
    app.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // SIGHUP too: a closed terminal would otherwise kill the app and leave its Postgres running.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, shutdown);
  try {
    app = await startApp({ env: process.env, argv: process.argv.slice(2), signal: starting.signal });
  } catch (error) {
    if (!starting.signal.aborted) {
      console.error(describeStartupError(error));
      process.exit(1);
    }
  }
  if (starting.signal.aborted) {
    await app?.stop();
    console.error(`Stopped by ${String(starting.signal.reason)} during start-up; everything started so far has been stopped.`);
    process.exit(0);
  }
}

/** One readable paragraph for whatever stopped start-up; never a bare `undefined`. */
export function describeStartupError(error: unknown): string {
  if (isAppError(error, 'CONFIG')) return `Configuration error: ${error.message}`;
  if (isAppError(error)) return error.message;
  if (error instanceof Error) return `Start-up failed: ${error.stack ?? error.message}`;
  if (error === undefined || error === null) return 'Start-up failed with an empty error: run with LOG_LEVEL=debug for details.';
  return `Start-up failed: ${JSON.stringify(error)}`;
}

/**
 * A socket's own ECONNRESET or EPIPE, with only Node's frames on its stack: a connection the server
 * reset (Postgres stopping under the app) whose owner neither listened for its error nor awaited
 * the query it failed. The socket is already destroyed and its owner recovers without it (the job
 * runner restarts, postgres.js reconnects), so the process goes on; any other error still ends it.
 */
export function isBareConnectionReset(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, syscall } = error as NodeJS.ErrnoException;
  const frames = (error.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at '));
  return (code === 'ECONNRESET' || code === 'EPIPE') && (syscall === 'read' || syscall === 'write') && frames.every((frame) => frame.includes('(node:'));
}

function isPostgresClosedSocketWrite(error: unknown): error is TypeError {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  return error instanceof TypeError && stack.includes('nextWrite') && /postgres[\\/]src[\\/]connection\.js/.test(stack);
}

if (import.meta.main) await main();
