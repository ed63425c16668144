import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_VARIABLES } from '../../src/config.ts';
import type { FakeFirecrawl } from './fake-firecrawl.ts';
import type { FakeOpenAI } from './fake-openai.ts';
import type { FakeSlack } from './fake-slack.ts';
import { sendSlackRequest, type SlackRequestBody } from './slack-requests.ts';
import { fakeServicesEnv, SIGNING_SECRET } from './app-env.ts';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const READY = 'Content Broadcaster is running';

/** One `node src/main.ts --role …` child process. */
export type AppProcess = {
  name: string;
  role: 'all' | 'web' | 'worker';
  pid: number;
  url: string;
  /** Every line it wrote to stdout and stderr, in order. */
  logs: string[];
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  isRunning(): boolean;
  /** How it exited, once it has. */
  exitStatus(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Sends a signed Slack request to this process's /slack/events. */
  send(request: SlackRequestBody): Promise<Response>;
  /** SIGKILL: no shutdown hook runs, like a crash or an OOM kill. Resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGTERM and wait (graceful shutdown); SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
};

const running = new Set<AppProcess>();

// A test process that dies must not leave app processes behind.
process.once('exit', () => {
  for (const child of running) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** The environment a child needs to reach the test database and the fakes; nothing is inherited from the test runner. */
export function appEnv({
  databaseUrl,
  slack,
  openai,
  firecrawl,
  extra = {},
}: {
  databaseUrl: string;
  slack: Pick<FakeSlack, 'url'> | { url: string };
  openai: Pick<FakeOpenAI, 'url'> | { url: string };
  firecrawl?: Pick<FakeFirecrawl, 'url'>;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? tmpdir(),
    ...fakeServicesEnv({ databaseUrl, slackUrl: slack.url, openaiUrl: openai.url, ...(firecrawl ? { firecrawlUrl: firecrawl.url } : {}) }),
    LOG_LEVEL: 'info',
    ...extra,
  };
}

/**
 * Spawns `node src/main.ts --role <role>` and resolves once it logs that it is running (its JSON
 * log line carries the URL it listens on). Rejects with its output if it exits or hangs first.
 */
export async function spawnApp({
  role,
  env,
  name = role,
  timeoutMs = 30_000,
}: {
  role: 'all' | 'web' | 'worker';
  env: Record<string, string>;
  name?: string;
  timeoutMs?: number;
}): Promise<AppProcess> {
  // cwd outside the repository, so a developer's .env is not read by the child.
  const child: ChildProcess = spawn(process.execPath, [MAIN, '--role', role], { cwd: tmpdir(), env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  let isRunning = true;
  let appProcess: AppProcess | undefined;
  let exitStatus: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      isRunning = false;
      exitStatus = { code, signal };
      if (appProcess) running.delete(appProcess);
      resolve({ code, signal });
    });
  });

  let onLine: (line: string) => void = () => {};
  const collect = (stream: NodeJS.ReadableStream | null) => {
    let pending = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        logs.push(line);
        onLine(line);
      }
    });
  };
  collect(child.stdout);
  collect(child.stderr);

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within ${timeoutMs} ms:\n${logs.join('\n')}`));
    }, timeoutMs);
    onLine = (line) => {
      if (!line.includes(READY)) return;
      try {
        const parsed = JSON.parse(line) as { url?: string };
        if (parsed.url) {
          clearTimeout(timer);
          resolve(parsed.url);
        }
      } catch {
        // not a JSON line
      }
    };
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (code ${code}, signal ${signal}) before it was running:\n${logs.join('\n')}`));
    });
  });
  onLine = () => {};

  const waitExit = async (timeoutMs: number) => {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const result = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    return result;
  };

  appProcess = {
    name,
    role,
    pid: child.pid ?? -1,
    url,
    logs,
    exited,
    isRunning: () => isRunning,
    exitStatus: () => exitStatus,
    send: (request) => sendSlackRequest(url, request, { signingSecret: SIGNING_SECRET }),
    kill: async () => {
      if (!isRunning) return;
      child.kill('SIGKILL');
      await exited;
    },
    stop: async (timeoutMs = 15_000) => {
      if (!isRunning) return;
      child.kill('SIGTERM');
      if ((await waitExit(timeoutMs)) === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
  running.add(appProcess);
  return appProcess;
}

/** Stops every child still running (SIGTERM, then SIGKILL) and, with TEST_LOG_DIR set, keeps their logs. */
export async function stopAllApps(label = 'processes'): Promise<void> {
  const children = [...running];
  await Promise.all(children.map((child) => child.stop(10_000)));
  saveLogs(label, children);
}

/** Writes the children's logs to TEST_LOG_DIR, when it is set. */
export function saveLogs(label: string, children: readonly AppProcess[]): void {
  const logDir = process.env['TEST_LOG_DIR'];
  if (!logDir) return;
  for (const child of children) writeFileSync(path.join(logDir, `${label}-${child.name}-${child.pid}.log`), child.logs.join('\n'));
}

/** Parsed JSON log lines of a child, skipping anything that is not JSON. */
export function logEntries(child: Pick<AppProcess, 'logs'>): Array<Record<string, unknown>> {
  const entries: Array<Record<string, unknown>> = [];
  for (const line of child.logs) {
    try {
      entries.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a non-JSON line (stderr noise)
    }
  }
  return entries;
}

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));

/** A command run as a child process, with its output collected: `npm start`, or `node src/main.ts` in a folder of its own. */
export type CommandProcess = {
  pid: number;
  /** stdout and stderr together, in arrival order. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first match in the output; rejects with the output on timeout or exit. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends a signal to the process, or with `group` to its whole process group, as a terminal's Ctrl-C does. */
  signal(signal: NodeJS.Signals, options?: { group?: boolean }): void;
};

const commands = new Set<{ pid: number; group: boolean }>();
process.once('exit', () => {
  for (const { pid, group } of commands) {
    try {
      process.kill(group ? -pid : pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

export function runCommand({
  command,
  args = [],
  cwd = REPOSITORY,
  env,
  ownGroup = false,
}: {
  command: string;
  args?: string[];
  cwd?: string;
  env: Record<string, string>;
  /** Its own process group (like a shell's foreground job), so a test can signal the group. */
  ownGroup?: boolean;
}): CommandProcess {
  const child = spawn(command, args, { cwd, env, detached: ownGroup, stdio: ['ignore', 'pipe', 'pipe'] });
  const entry = { pid: child.pid ?? -1, group: ownGroup };
  commands.add(entry);
  let output = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => {
      commands.delete(entry);
      resolve({ code, signal });
    });
  });
  return {
    pid: entry.pid,
    output: () => output,
    exited,
    waitForOutput: (pattern, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output);
          if (!match) return;
          done();
          resolve(match);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${output}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        void exited.then(() => {
          check();
          if (!listeners.has(check)) return;
          done();
          reject(new Error(`exited before ${pattern} appeared:\n${output}`));
        });
        check();
      }),
    signal: (signal, { group = false } = {}) => process.kill(group ? -entry.pid : entry.pid, signal),
  };
}

/** `npm start -- …args` in the repository, as a person runs it. */
export function npmStart({ env, args = [], ownGroup = false }: { env: Record<string, string>; args?: string[]; ownGroup?: boolean }): CommandProcess {
  return runCommand({ command: 'npm', args: ['start', '--silent', ...(args.length > 0 ? ['--', ...args] : [])], env, ownGroup });
}

/** The app's entry, `node src/main.ts`, run in `cwd` (where it reads a .env). */
export function runMain({ cwd, env }: { cwd: string; env: Record<string, string> }): CommandProcess {
  return runCommand({ command: process.execPath, args: [MAIN], cwd, env });
}

/**
 * An environment with nothing of the test runner's in it: PATH and HOME, every configuration
 * variable empty (so a developer's .env in the repository cannot fill one in), then `values`.
 */
export function bareEnv(values: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? tmpdir(),
    ...Object.fromEntries(CONFIG_VARIABLES.map((name) => [name, ''])),
    ...values,
  };
}

/** PIDs of Postgres servers running on this data folder (Linux: their command line names it). */
export function postgresProcessesOn(dataDir: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const commandLine = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (commandLine[0]?.endsWith('postgres') && commandLine.some((part) => part.startsWith(dataDir))) pids.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}
