import { afterAll, beforeAll, expect, test } from 'vitest';
import { promptText, schemaNameOf, scriptAuthor } from '../support/scripted-author.ts';
import { seedCompetitors, submitPlan, waitForQuiet, waitForStatus } from '../support/pipeline.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
  seedCompetitors(t.firecrawl);
});
afterAll(async () => t?.close());

// The fake's own estimate: a token is about four characters of prompt or answer.
const estimateTokens = (text: string) => Math.ceil(text.length / 4);

test('tokens per plan with the bundled fixtures (blog, LinkedIn, X thread, newsletter), counted from what the fake OpenAI received', async () => {
  const answers: string[] = [];
  scriptAuthor(t.openai);
  const plan = await submitPlan(t, { channels: ['blog', 'linkedin', 'x_thread', 'newsletter'] });
  await waitForStatus(t, plan.id, 'in_review');
  await waitForQuiet(t, plan.id);
  const byName: Record<string, { calls: number; prompt: number }> = {};
  let prompt = 0;
  for (const request of t.openai.requests) {
    const name = schemaNameOf(request);
    const tokens = estimateTokens(promptText(request));
    prompt += tokens;
    byName[name] = { calls: (byName[name]?.calls ?? 0) + 1, prompt: (byName[name]?.prompt ?? 0) + tokens };
  }
  answers.push(...Object.entries(byName).map(([name, { calls, prompt: tokens }]) => `${name}: ${calls} calls, ${tokens} prompt tokens`));
  const [research] = await t.database.sql<{ quotes: { kept: number; dropped: number } }[]>`
    select data->'quotes' as quotes from research_results where plan_id = ${plan.id}`;
  const items = await t.database.sql<{ version: number; supported: number; unsupported: number; repairs: number }[]>`
    select version, (claims->>'supported')::int as supported, jsonb_array_length(claims->'unsupported') as unsupported,
      jsonb_array_length(repairs) as repairs from content_items where plan_id = ${plan.id} order by version`;
  console.log(`tokens per plan: ${prompt} prompt tokens over ${t.openai.requests.length} calls\n${answers.join('\n')}`);
  console.log(`quotes kept ${research?.quotes.kept}, dropped ${research?.quotes.dropped}`);
  for (const item of items) console.log(`v${item.version}: ${item.supported} claims supported, ${item.unsupported} unsupported, ${item.repairs} repairs`);
  // A budget, so prompt growth is noticed: 7,187 before evidence and claim checks, about 7,975 with them.
  expect(t.openai.requests.length).toBe(8);
  expect(prompt).toBeLessThan(9_000);
});
