import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { ChildMessage, ChildStats, ParentMessage } from './child-runtime.ts';

export type ChildHandle = {
  url: string;
  process: ChildProcess;
  logFile: string;
  /** Resource use since the last reset; `reset` starts a new window. */
  stats(reset?: boolean): Promise<ChildStats>;
  /** Starts a CPU profile of the child's main thread. */
  profileStart(): void;
  /** Stops it and writes it to `file`. */
  profileStop(file: string): Promise<void>;
  stop(): Promise<void>;
};

export type ChildOptions = {
  /** Where the child's stdout and stderr (the app's pino logs) go. */
  logFile: string;
  startTimeoutMs?: number;
};

/** Forks a server script (app-process.ts or baseline-process.ts) and waits until it listens. */
export async function startChild(script: URL, startOptions: unknown, { logFile, startTimeoutMs = 60_000 }: ChildOptions): Promise<ChildHandle> {
  const logFd = openSync(logFile, 'a');
  const execArgv = ['--disable-warning=ExperimentalWarning'];
  const child = fork(script, [], { execArgv, stdio: ['ignore', logFd, logFd, 'ipc'], env: { ...process.env, NODE_ENV: 'production' } });
  closeSync(logFd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const next = <T extends ChildMessage['type']>(type: T, timeoutMs: number): Promise<Extract<ChildMessage, { type: T }>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${script.pathname} did not answer "${type}" within ${timeoutMs} ms; see ${logFile}`));
      }, timeoutMs);
      const onMessage = (message: ChildMessage) => {
        if (message.type === 'error') {
          cleanup();
          reject(new Error(`${script.pathname} failed to start: ${message.message}`));
        } else if (message.type === type) {
          cleanup();
          resolve(message as Extract<ChildMessage, { type: T }>);
        }
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`${script.pathname} exited (code ${code}); see ${logFile}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const post = (message: ParentMessage) => child.send(message);

  const ready = next('ready', startTimeoutMs);
  post({ type: 'start', options: startOptions });
  let url: string;
  try {
    ({ url } = await ready);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url,
    process: child,
    logFile,
    stats: async (reset = false) => {
      const answer = next('stats', 10_000);
      post({ type: 'stats', reset });
      return (await answer).stats;
    },
    profileStart: () => post({ type: 'profile-start' }),
    profileStop: async (file) => {
      const answer = next('profiled', 30_000);
      post({ type: 'profile-stop', file });
      await answer;
    },
    stop: async () => {
      if (child.exitCode !== null || !child.connected) return;
      post({ type: 'stop' });
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 30_000).unref());
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
