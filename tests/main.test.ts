import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeDatabase } from '../src/db/client.ts';
import { findFreePort, startEmbeddedPostgres } from '../src/db/embedded.ts';
import { describeStartupError, startApp } from '../src/main.ts';
import { SIGNING_SECRET } from './support/app-env.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { startFakeOpenAI, type FakeOpenAI } from './support/fake-openai.ts';
import { startFakeSlack, type FakeSlack } from './support/fake-slack.ts';
import { startFakeSocketMode } from './support/fake-socket-mode.ts';
import { submitPlanTo } from './support/pipeline.ts';
import { bareEnv, npmStart, postgresProcessesOn, runCommand, runMain, type CommandProcess } from './support/processes.ts';
import { uncited } from './support/process-pipeline.ts';
import { GOOD_DRAFT, scriptAuthor } from './support/scripted-author.ts';
import { sendSlackRequest } from './support/slack-requests.ts';

// Each test runs the real entry as a child process: `npm start` where the npm scripts or the
// terminal's process group matter, `node src/main.ts` in a folder of its own where a .env does.
const READY = /"msg":"Content Broadcaster is running"/;
const POSTGRES_STARTED = /\{[^\n]*"msg":"embedded Postgres started"[^\n]*\}/;

let slack: FakeSlack;
const folders: string[] = [];

beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(async () => {
  await slack.close();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function newFolder(): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'cb-main-'));
  folders.push(folder);
  return folder;
}

const HTTP_MODE = { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: 'xoxb-main-test', OPENAI_API_KEY: 'sk-main-test' };

function startedPostgres(output: string): { pid: number; port: number } {
  const line = POSTGRES_STARTED.exec(output)?.[0];
  if (!line) throw new Error(`no Postgres start in:\n${output}`);
  return JSON.parse(line) as { pid: number; port: number };
}

async function expectNoPostgres(dataDir: string): Promise<void> {
  // The postmaster's backends end a moment after it; its own process is what must be gone.
  await expect.poll(() => postgresProcessesOn(dataDir), { timeout: 5_000 }).toEqual([]);
  expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
}

async function expectExit(app: CommandProcess, code: number): Promise<void> {
  const { code: exitCode, signal } = await app.exited;
  expect({ code: exitCode, signal }, app.output()).toEqual({ code, signal: null });
}

describe('configuration and Slack at start-up', () => {
  test('with nothing configured, npm start names every missing variable in one run, Socket Mode first', async () => {
    const dataDir = newFolder();
    const app = npmStart({ env: bareEnv({ DATA_DIR: dataDir }) });
    await expectExit(app, 1);
    const output = app.output();
    expect(output).toMatch(/^Configuration error: 3 settings need attention:\n {2}- SLACK_APP_TOKEN is not set \(Socket Mode/);
    expect(output).toMatch(/- SLACK_BOT_TOKEN is not set: .*manifest\.yml/);
    expect(output).toMatch(/- OPENAI_API_KEY is not set/);
    expect(existsSync(path.join(dataDir, 'postgres'))).toBe(false);
  });

  test('a SLACK_API_URL on a refused port is named within 30 s, before the database starts', async () => {
    const dataDir = newFolder();
    const refusedPort = await findFreePort();
    const startedAt = Date.now();
    const app = npmStart({ env: bareEnv({ ...HTTP_MODE, DATA_DIR: dataDir, PORT: '0', SLACK_API_URL: `http://127.0.0.1:${refusedPort}/api/` }) });
    const exit = await Promise.race([app.exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 30_000))]);
    if (exit === 'hung') app.signal('SIGKILL');
    expect(exit, app.output()).toEqual({ code: 1, signal: null });
    expect(Date.now() - startedAt).toBeLessThan(30_000);
    expect(app.output()).toContain(`Slack's Web API did not answer at SLACK_API_URL http://127.0.0.1:${refusedPort}/api/ (connect ECONNREFUSED`);
    expect(existsSync(path.join(dataDir, 'postgres'))).toBe(false);
  }, 40_000);

  test('a bot token Slack refuses is named in a sentence, without a stack trace, before the database starts', async () => {
    const strictSlack = await startFakeSlack({ tokens: ['xoxb-the-real-one'] });
    try {
      const dataDir = newFolder();
      const error = await startApp({ env: { ...HTTP_MODE, DATA_DIR: dataDir, PORT: '0', SLACK_API_URL: strictSlack.url, LOG_LEVEL: 'silent' } }).catch((thrown: unknown) => thrown);
      expect(describeStartupError(error)).toBe(
        "Configuration error: Slack refused SLACK_BOT_TOKEN (invalid_auth): copy the Bot User OAuth Token (xoxb-…) again from your app's OAuth & Permissions page; reinstalling the app replaces the old one.",
      );
      expect(existsSync(path.join(dataDir, 'postgres'))).toBe(false);
    } finally {
      await strictSlack.close();
    }
  });

  test('an app-level token Slack refuses is named in a sentence', async () => {
    const database = await createTestDatabase();
    const strictSlack = await startFakeSlack();
    strictSlack.setHandler('apps.connections.open', () => ({ ok: false, error: 'invalid_auth' }));
    try {
      const started = startApp({
        env: { SLACK_APP_TOKEN: 'xapp-revoked', SLACK_BOT_TOKEN: 'xoxb-main-test', OPENAI_API_KEY: 'sk-main-test', SLACK_API_URL: strictSlack.url, DATABASE_URL: database.url, PORT: '0', LOG_LEVEL: 'silent' },
        argv: ['--role', 'web'],
      });
      await expect(started).rejects.toThrow(
        'Slack refused SLACK_APP_TOKEN (invalid_auth): create an App-Level Token with the connections:write scope under Basic Information → App-Level Tokens and copy it again.',
      );
    } finally {
      await strictSlack.close();
      await database.drop();
    }
  });
});

test('a copied .env.example with the required values filled in starts (Socket Mode)', async () => {
  const database: TestDatabase = await createTestDatabase();
  const socketMode = await startFakeSocketMode(slack);
  try {
    const folder = newFolder();
    const filled: Record<string, string> = {
      SLACK_APP_TOKEN: 'xapp-main-test',
      SLACK_BOT_TOKEN: 'xoxb-main-test',
      OPENAI_API_KEY: 'sk-main-test',
      // Not what a person changes, but a test must not reach slack.com, take port 3000 or start a second Postgres.
      SLACK_API_URL: slack.url,
      PORT: '0',
      DATABASE_URL: database.url,
    };
    let dotEnv = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    for (const [name, value] of Object.entries(filled)) {
      expect(dotEnv).toMatch(new RegExp(`^${name}=`, 'm'));
      dotEnv = dotEnv.replace(new RegExp(`^${name}=.*$`, 'm'), `${name}=${value}`);
    }
    writeFileSync(path.join(folder, '.env'), dotEnv);
    const app = runMain({ cwd: folder, env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? folder } });
    await app.waitForOutput(READY);
    await socketMode.connected;
    const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(app.output())?.[1];
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    app.signal('SIGTERM');
    await expectExit(app, 0);
  } finally {
    await socketMode.close();
    await database.drop();
  }
});

test('SIGTERM at any moment of start-up stops everything started so far; later starts reuse the data; SIGHUP stops it too', async () => {
  const dataDir = newFolder();
  const env = bareEnv({ ...HTTP_MODE, DATA_DIR: dataDir, PORT: '0', SLACK_API_URL: slack.url });

  const duringInitdb = npmStart({ env });
  await duringInitdb.waitForOutput(/initialising the embedded Postgres/);
  duringInitdb.signal('SIGTERM');
  await expectExit(duringInitdb, 0);
  expect(duringInitdb.output()).toContain('Stopped by SIGTERM during start-up; everything started so far has been stopped.');
  await expectNoPostgres(dataDir);

  const duringMigrations = npmStart({ env });
  await duringMigrations.waitForOutput(POSTGRES_STARTED);
  duringMigrations.signal('SIGTERM');
  await expectExit(duringMigrations, 0);
  expect(duringMigrations.output()).not.toContain('initialising the embedded Postgres');
  expect(duringMigrations.output()).not.toMatch(READY);
  await expectNoPostgres(dataDir);

  // A closed terminal sends SIGHUP to its foreground process group: npm dies of it at once, and
  // the app stops as gracefully as on SIGTERM, Postgres included.
  const running = npmStart({ env, ownGroup: true });
  await running.waitForOutput(READY);
  running.signal('SIGHUP', { group: true });
  await running.exited;
  expect(running.output()).toContain('"signal":"SIGHUP","msg":"shutting down: finishing running jobs"');
  await expectNoPostgres(dataDir);
}, 90_000);

describe('Ctrl-C in a terminal', () => {
  let openai: FakeOpenAI;
  beforeAll(async () => {
    openai = await startFakeOpenAI({ latencyMs: 1_500 });
    // No Firecrawl key: research is skipped, so the draft has no sources to cite.
    scriptAuthor(openai, { drafts: [uncited(GOOD_DRAFT)] });
  });
  afterAll(async () => {
    await openai.close();
  });

  test('reaches only the app, which finishes its running job and then stops the embedded Postgres, exiting 0', async () => {
    const dataDir = newFolder();
    const env = bareEnv({ ...HTTP_MODE, DATA_DIR: dataDir, PORT: '0', SLACK_API_URL: slack.url, OPENAI_BASE_URL: openai.url });
    // Its own process group, as a shell starts a foreground job; Ctrl-C signals the whole group.
    const app = npmStart({ env, ownGroup: true });
    await app.waitForOutput(READY, 45_000);
    const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(app.output())?.[1] ?? '';
    const postgres = startedPostgres(app.output());
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true, database: 'up', worker: 'running' });

    // A second copy on the same data is told which Postgres holds it.
    const second = runMain({ cwd: newFolder(), env });
    await expectExit(second, 1);
    expect(second.output().trim()).toMatch(
      new RegExp(`^The embedded Postgres data in ${dataDir}/postgres is in use by a Postgres that is still running \\(PID ${postgres.pid}\\).*\`kill ${postgres.pid}\``),
    );

    const database = makeDatabase({ url: `postgres://postgres:content-broadcaster@127.0.0.1:${postgres.port}/postgres`, max: 1 });
    const plan = await submitPlanTo({ send: (request) => sendSlackRequest(url, request, { signingSecret: SIGNING_SECRET }) }, database.sql, 'V0CTRLC1');
    await expect.poll(() => openai.inFlight, { timeout: 20_000, interval: 20 }).toBeGreaterThan(0);
    const [running] = await database.sql<{ id: number; stage: string }[]>`select id, stage from stage_runs where plan_id = ${plan.id} and status = 'running'`;
    expect(running?.stage).toBe('draft');
    await database.close();

    app.signal('SIGINT', { group: true });
    await expectExit(app, 0);
    expect(app.output()).toContain('shutting down: finishing running jobs');
    await expectNoPostgres(dataDir);

    // The stage that was running when Ctrl-C came finished with the database still up.
    const restarted = await startEmbeddedPostgres({ dataDir, logger: pino({ level: 'silent' }) });
    const check = makeDatabase({ url: restarted.url, max: 1 });
    try {
      const [after] = await check.sql<{ status: string; error: string | null }[]>`select status, error from stage_runs where id = ${running?.id ?? 0}`;
      expect(after).toEqual({ status: 'succeeded', error: null });
    } finally {
      await check.close();
      await restarted.stop();
    }
  }, 90_000);
});

const SYSTEM_NODE = '/usr/bin/node';
const oldNodeVersion = existsSync(SYSTEM_NODE) ? execFileSync(SYSTEM_NODE, ['--version'], { encoding: 'utf8' }).trim() : undefined;
const isOldNode = oldNodeVersion !== undefined && /^v(1\d|2[01])\.|^v22\.(\d|1[0-8])\./.test(oldNodeVersion);

describe.skipIf(!isOldNode)(`on an older Node (${oldNodeVersion ?? 'none found at /usr/bin/node'})`, () => {
  // npm and the scripts it runs find the old `node` first on PATH.
  const oldNodeEnv = () => bareEnv({ PATH: `${path.dirname(SYSTEM_NODE)}:/bin` });

  test.each(['start', 'test'])('npm %s says in one sentence which Node it needs and how to get it', async (script) => {
    const app = runCommand({ command: 'npm', args: [script, '--silent'], env: oldNodeEnv() });
    const { code } = await app.exited;
    expect(code).not.toBe(0);
    const version = oldNodeVersion?.slice(1) ?? '';
    expect(app.output().trim()).toBe(
      `Content Broadcaster needs Node.js 22.19 or newer (it runs its TypeScript sources directly), but this is Node.js ${version}: install a current release from https://nodejs.org (or run \`nvm install 24\`) and try again.`,
    );
  });
});

describe('describeStartupError', () => {
  test('never prints a bare undefined', () => {
    expect(describeStartupError(undefined)).toBe('Start-up failed with an empty error: run with LOG_LEVEL=debug for details.');
    expect(describeStartupError(new Error('boom'))).toMatch(/^Start-up failed: Error: boom\n/);
  });
});
