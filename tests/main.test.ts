import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startFakeSlack, type FakeSlack } from './support/fake-slack.ts';
import { slashCommandBody, sendSlackRequest } from './support/slack-requests.ts';

const MAIN = new URL('../src/main.ts', import.meta.url).pathname;
let slack: FakeSlack;
let dataDir: string;

beforeAll(async () => {
  slack = await startFakeSlack();
  dataDir = mkdtempSync(path.join(tmpdir(), 'cb-main-'));
});
afterAll(async () => {
  await slack.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function startProcess(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(DATABASE_URL|SLACK_|OPENAI_|FIRECRAWL_)/.test(key)));
  const child = spawn(process.execPath, [MAIN], { env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForUrl(output: () => string): Promise<string> {
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline) {
    const match = output().match(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/);
    if (match?.[1]) return match[1];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the app did not start:\n${output()}`);
}

test('without Slack credentials start-up stops with a sentence naming the variables and manifest.yml', async () => {
  const app = startProcess({ OPENAI_API_KEY: 'sk-1', DATA_DIR: dataDir });
  expect(await app.exited).toBe(1);
  expect(app.output()).toMatch(/Configuration error: SLACK_SIGNING_SECRET is not set .*manifest\.yml/);
  expect(existsSync(path.join(dataDir, 'postgres'))).toBe(false);
});

test('with no DATABASE_URL it runs on an embedded Postgres under DATA_DIR, stops on SIGTERM and reuses the data', async () => {
  const env = {
    PORT: '0',
    DATA_DIR: dataDir,
    SLACK_SIGNING_SECRET: 'secret',
    SLACK_BOT_TOKEN: 'xoxb-1',
    SLACK_API_URL: slack.url,
    OPENAI_API_KEY: 'sk-1',
  };
  for (const round of [1, 2]) {
    const app = startProcess(env);
    const url = await waitForUrl(app.output);
    expect(existsSync(path.join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, database: 'up', worker: 'running' });
    const help = await sendSlackRequest(url, slashCommandBody({ teamId: 'T1', userId: 'U1', channelId: 'C1', text: 'help', triggerId: 't' }), {
      signingSecret: 'secret',
    });
    expect(help.status).toBe(200);
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    if (round === 1) expect(app.output()).toContain('initialising the embedded Postgres');
    else expect(app.output()).not.toContain('initialising the embedded Postgres');
  }
}, 120_000);
