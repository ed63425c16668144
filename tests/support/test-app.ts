import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { startApp, type RunningApp } from '../../src/main.ts';
import type { DestinationRegistry } from '../../src/publish/registry.ts';
import { FIRECRAWL_KEY, fakeServicesEnv, SIGNING_SECRET } from './app-env.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { startFakeFirecrawl, type FakeFirecrawl } from './fake-firecrawl.ts';
import { startFakeOpenAI, type FakeOpenAI } from './fake-openai.ts';
import { startFakeSlack, type FakeSlack } from './fake-slack.ts';
import { sendSlackRequest, type SlackRequestBody } from './slack-requests.ts';

export { BOT_TOKEN, FIRECRAWL_KEY, OPENAI_KEY, SIGNING_SECRET } from './app-env.ts';

export type TestApp = {
  app: RunningApp;
  slack: FakeSlack;
  openai: FakeOpenAI;
  firecrawl: FakeFirecrawl;
  database: TestDatabase;
  logs: string[];
  send(request: SlackRequestBody, options?: { retryNum?: number; retryReason?: string; timestamp?: number; badSignature?: boolean }): Promise<Response>;
  restart(options?: { role?: 'all' | 'web' | 'worker'; env?: Record<string, string> }): Promise<void>;
  close(): Promise<void>;
};

/**
 * The whole app in HTTP mode on a random port, on its own database, pointed at fake Slack,
 * OpenAI and Firecrawl servers on loopback.
 */
export async function startTestApp({
  role = 'all',
  env = {},
  openaiLatencyMs = 0,
  beforeStart,
  destinations,
  now,
}: {
  role?: 'all' | 'web' | 'worker';
  env?: Record<string, string>;
  openaiLatencyMs?: number;
  /** Runs once the fakes are up and before the app starts (e.g. to add a Socket Mode server). */
  beforeStart?: (slack: FakeSlack) => Promise<void>;
  /** Destination kinds to use instead of the built-in ones (e.g. with a test kind added). */
  destinations?: DestinationRegistry;
  /** The app's clock (jobs and listeners), for tests that make scheduled work due. */
  now?: () => Date;
} = {}): Promise<TestApp> {
  const [slack, openai, firecrawl, database] = await Promise.all([
    startFakeSlack(),
    startFakeOpenAI({ latencyMs: openaiLatencyMs }),
    startFakeFirecrawl({ apiKey: FIRECRAWL_KEY }),
    createTestDatabase(),
  ]);
  await beforeStart?.(slack);
  const logs: string[] = [];
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(chunk.toString('utf8'));
      callback();
    },
  });
  const baseEnv = {
    ...fakeServicesEnv({ databaseUrl: database.url, slackUrl: slack.url, openaiUrl: openai.url, firecrawlUrl: firecrawl.url }),
    LOG_LEVEL: 'debug',
    // The fake webhook and WordPress servers listen on loopback.
    ALLOW_PRIVATE_DESTINATIONS: 'true',
  };
  const boot = (currentRole: string, extraEnv: Record<string, string>) =>
    startApp({ env: { ...baseEnv, ...env, ...extraEnv }, argv: ['--role', currentRole], logDestination, workerPollInterval: 200, ...(destinations ? { destinations } : {}), ...(now ? { now } : {}) });

  const testApp: TestApp = {
    app: await boot(role, {}),
    slack,
    openai,
    firecrawl,
    database,
    logs,
    send: (request, options = {}) => sendSlackRequest(testApp.app.url, request, { signingSecret: SIGNING_SECRET, ...options }),
    restart: async (options = {}) => {
      await testApp.app.stop();
      testApp.app = await boot(options.role ?? role, options.env ?? {});
    },
    close: async () => {
      await testApp.app.stop();
      // TEST_LOG_DIR=/tmp/logs npm test keeps each test app's logs for debugging.
      const logDir = process.env['TEST_LOG_DIR'];
      if (logDir) writeFileSync(path.join(logDir, `${database.name}.log`), logs.join(''));
      await Promise.all([slack.close(), openai.close(), firecrawl.close()]);
      await database.drop();
    },
  };
  return testApp;
}
