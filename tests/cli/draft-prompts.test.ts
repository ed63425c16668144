import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { FakeOpenAIRequest } from '../support/fake-openai.ts';
import { seedCompetitors, submitPlan, TEAM, waitForQuiet, waitForStatus } from '../support/pipeline.ts';
import { promptText, schemaNameOf, scriptAuthor } from '../support/scripted-author.ts';
import { FIRECRAWL_KEY, OPENAI_KEY, startTestApp, type TestApp } from '../support/test-app.ts';
import { runCli } from '../support/cli.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
  seedCompetitors(t.firecrawl);
  await t.database.sql`insert into workspace_settings (team_id) values (${TEAM})`;
});
afterAll(async () => t?.close());

/** What the model is sent, per call: the schema asked for and the messages; order aside (variants run in parallel). */
function calls(requests: readonly FakeOpenAIRequest[]): string[] {
  return requests
    .map((request) => [schemaNameOf(request), request.body.model, JSON.stringify(request.body['response_format']), promptText(request)].join('\n'))
    .sort();
}

test('draft sends the model the same prompts the worker sends for the same brief', async () => {
  scriptAuthor(t.openai);
  const brief = { audience: 'Ops leads at small companies', brief: 'Practical. Include a checklist.', tone: 'Friendly' };
  const plan = await submitPlan(t, { channels: ['blog', 'linkedin', 'x_thread', 'newsletter'], ...brief });
  await waitForStatus(t, plan.id, 'in_review');
  await waitForQuiet(t, plan.id);
  const workerRequests = [...t.openai.requests];
  t.openai.requests.length = 0;

  scriptAuthor(t.openai);
  const out = mkdtempSync(path.join(os.tmpdir(), 'cb-cli-prompts-'));
  const run = await runCli(
    'draft',
    ['--topic', 'Remote onboarding for small teams', '--keyphrase', 'remote onboarding', '--keywords', 'new hire checklist', '--channels', 'linkedin,x_thread,newsletter',
     '--audience', brief.audience, '--brief', brief.brief, '--tone', brief.tone, '--out', out],
    { OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: t.openai.url, FIRECRAWL_API_KEY: FIRECRAWL_KEY, FIRECRAWL_API_URL: t.firecrawl.url },
  );
  expect(run.code, run.stderr).toBe(0);

  const names = workerRequests.map(schemaNameOf).sort();
  expect(names).toEqual(['draft', 'outline', 'research', 'revision', 'revision', 'variant_linkedin', 'variant_newsletter', 'variant_x_thread']);
  expect(calls(t.openai.requests)).toEqual(calls(workerRequests));

  // The same path: the same versions were scored the same way.
  const [row] = await t.database.sql<{ seo_score: number; initial_seo_score: number }[]>`select seo_score, initial_seo_score from content_plans where id = ${plan.id}`;
  const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
  expect([report.scores.seo.before, report.scores.seo.after]).toEqual([row?.initial_seo_score, row?.seo_score]);
  expect(report.notice).toBeNull();
  expect(report.usage.inputTokens).toBe(8000);
}, 120_000);
