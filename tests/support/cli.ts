import { execFile } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');

export type CliRun = { code: number; stdout: string; stderr: string };

/**
 * Runs `npm run draft` or `npm run eval` as the child process the user would (node on the same
 * entry file), with a clean environment: only what `env` gives, so no real key leaks in.
 */
export function runCli(command: 'draft' | 'eval', args: readonly string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [path.join(ROOT, 'src', 'cli', `${command}.ts`), ...args],
      { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        if (code === null) reject(Object.assign(error ?? new Error('no exit code'), { stdout, stderr }));
        else resolve({ code, stdout, stderr });
      },
    );
  });
}
