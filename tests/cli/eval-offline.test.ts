import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import type { EvalResults } from '../../src/cli/eval-results.ts';
import { runCli } from '../support/cli.ts';

/** results.json without its timings, the only thing allowed to differ between two runs. */
function withoutTimings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTimings);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'ms').map(([key, item]) => [key, withoutTimings(item)]));
  }
  return value;
}

test('eval --offline gives identical results twice apart from timings, and --baseline shows the change', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cb-eval-'));
  const briefs = path.join(dir, 'briefs.yaml');
  writeFileSync(
    briefs,
    [
      '- topic: Writing email subject lines that get opened',
      '  keyphrase: email subject lines',
      '  keywords: [open rate]',
      '  channels: [linkedin, x_thread]',
      '- topic: What zero-party data is',
      '  keyphrase: zero-party data',
      '  channels: [newsletter, slack]',
      '',
    ].join('\n'),
  );
  const env = { LLM_CONCURRENCY: '2', SEO_WORKERS: '1' };
  const [first, second] = await Promise.all([
    runCli('eval', ['--offline', '--briefs', briefs, '--out', path.join(dir, 'one')], env),
    runCli('eval', ['--offline', '--briefs', briefs, '--out', path.join(dir, 'two')], env),
  ]);
  expect(first.code, first.stderr).toBe(0);
  expect(second.code, second.stderr).toBe(0);
  const one = JSON.parse(readFileSync(path.join(dir, 'one', 'results.json'), 'utf8')) as EvalResults;
  const two = JSON.parse(readFileSync(path.join(dir, 'two', 'results.json'), 'utf8')) as EvalResults;
  expect(withoutTimings(two)).toEqual(withoutTimings(one));

  expect(one.briefs.map((brief) => brief.id)).toEqual(['email-subject-lines', 'zero-party-data']);
  expect(one.notice).toContain('Offline demo');
  for (const brief of one.briefs) {
    expect(brief.error).toBeNull();
    expect(brief.meetsThresholds).toBe(true);
    expect(brief.claims?.unsupported).toBe(0);
    expect(brief.variants).toEqual({ within: 2, total: 2 });
    expect(brief.seo!.after).toBeGreaterThan(brief.seo!.before);
  }
  expect(one.total.briefs).toBe(2);
  expect(one.total.quotes!.kept).toBe(one.briefs.reduce((sum, brief) => sum + brief.quotes!.kept, 0));
  expect(first.stdout).toMatch(/\| email-subject-lines +\| \d+ → \d+ /);
  expect(first.stdout).toMatch(/\| total \(2 briefs, 2 meet thresholds\)/);
  const csv = readFileSync(path.join(dir, 'one', 'results.csv'), 'utf8').trim().split('\n');
  expect(csv).toHaveLength(3);
  expect(csv[0]).toMatch(/^brief,topic,keyphrase,seo_before,seo_after,/);

  // A baseline with a worse SEO score for one brief shows the gain.
  const older = structuredClone(one);
  older.briefs[0]!.seo!.after -= 5;
  writeFileSync(path.join(dir, 'older.json'), JSON.stringify(older));
  const compared = await runCli('eval', ['--offline', '--briefs', briefs, '--out', path.join(dir, 'three'), '--baseline', path.join(dir, 'older.json')], env);
  expect(compared.code, compared.stderr).toBe(0);
  expect(compared.stdout).toContain('Change against');
  expect(compared.stdout).toMatch(/\| email-subject-lines +\| \+5 +\| 0 /);
  expect(compared.stdout).toMatch(/\| zero-party-data +\| 0 +\| 0 /);
}, 180_000);
