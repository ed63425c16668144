/**
 * The command line (issue 15): `draft --offline` for one post and `eval --offline` for the full set of
 * bundled briefs, each a child process timed from spawn to exit, as a user runs them. Baseline in the
 * same run: `draft --help`, the same process start and module loading with no pipeline, so the ratio
 * is what the pipeline itself costs. Targets are the absolute ones: under 10 s and 60 s.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { EvalResults } from '../src/cli/eval-results.ts';
import type { RunContext } from './lib/harness.ts';
import { check, type BenchOutcome } from './lib/report.ts';
import { median, ratio, sec } from './lib/stats.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

function timeCommand(command: 'draft' | 'eval', args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const child = spawn(process.execPath, [path.join(ROOT, 'src', 'cli', `${command}.ts`), ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env['PATH'] ?? '' } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(performance.now() - startedAt) : reject(new Error(`${command} exited ${code}: ${stderr.slice(-500)}`))));
  });
}

export async function runCliBenchmark(context: RunContext, { repeats = 3 }: { repeats?: number } = {}): Promise<BenchOutcome> {
  context.log(`\n## Command line: draft --offline (median of ${repeats}) and eval --offline over the bundled briefs, as child processes`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'content-broadcaster-bench-cli-'));
  try {
    const draftArgs = ['--offline', '--topic', 'Remote onboarding for small teams', '--keyphrase', 'remote onboarding', '--channels', 'linkedin,x_thread,newsletter,slack', '--out', path.join(dir, 'draft')];
    await timeCommand('draft', draftArgs); // warm the file cache
    const help: number[] = [];
    const drafts: number[] = [];
    for (let index = 0; index < repeats; index += 1) {
      help.push(await timeCommand('draft', ['--help']));
      drafts.push(await timeCommand('draft', draftArgs));
    }
    const evalMs = await timeCommand('eval', ['--offline', '--out', path.join(dir, 'eval')]);
    const results = JSON.parse(readFileSync(path.join(dir, 'eval', 'results.json'), 'utf8')) as EvalResults;
    const helpMs = median(help);
    const draftMs = median(drafts);
    context.log(`draft --help ${help.map((value) => sec(value)).join(', ')}; draft --offline ${drafts.map((value) => sec(value)).join(', ')}`);
    context.log(`eval --offline: ${results.total.briefs} briefs in ${sec(evalMs)} (${results.total.meetingThresholds} meet thresholds, ${results.total.failed} failed)`);
    return {
      name: 'cli',
      rows: [
        { benchmark: 'cli', metric: 'draft --offline', value: sec(draftMs), baseline: `draft --help ${sec(helpMs)}`, ratio: ratio(draftMs / helpMs), target: '< 10 s', status: check(draftMs < 10_000) },
        {
          benchmark: 'cli',
          metric: `eval --offline (${results.total.briefs} briefs)`,
          value: sec(evalMs),
          baseline: `${results.total.briefs} × draft ${sec(draftMs * results.total.briefs)}`,
          ratio: ratio(evalMs / (draftMs * results.total.briefs)),
          target: '< 60 s, no brief failed',
          status: check(evalMs < 60_000 && results.total.failed === 0),
        },
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
