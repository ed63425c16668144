import { afterAll, beforeAll, expect, test } from 'vitest';
import { GOOD_DRAFT, HARD_TO_READ_DRAFT, schemaNameOf, scriptAuthor, WEAK_DRAFT } from '../support/scripted-author.ts';
import { rootMessage, seedCompetitors, submitPlan, TEAM, waitForQuiet, waitForStatus } from '../support/pipeline.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
  seedCompetitors(t.firecrawl);
  await t.database.sql`insert into workspace_settings (team_id) values (${TEAM})`;
});
afterAll(async () => t?.close());

const draftCalls = () => t.openai.requests.filter((request) => schemaNameOf(request) === 'draft').length;

async function currentItem(planId: string) {
  const [item] = await t.database.sql<{ markdown: string; claims: { supported: number; unsupported: { sentence: string; figure: string; reason: string }[] }; repairs: { kind: string; detail: string }[] }[]>`
    select markdown, claims, repairs from content_items where plan_id = ${planId} and is_current`;
  if (!item) throw new Error('no current item');
  return item;
}

test('a model that (a) keeps linking to a non-source, (b) invents a figure and (c) cites a real one: the plan reaches review repaired, (b) flagged, (c) not', async () => {
  const stubborn = {
    ...GOOD_DRAFT,
    markdown: `${GOOD_DRAFT.markdown}\n\nTeams with a buddy report 73% fewer meetings [2]. Learn more in [our guide](https://us.example.com/guide).`,
  };
  scriptAuthor(t.openai, { drafts: [stubborn] });
  const before = draftCalls();
  const plan = await submitPlan(t, { channels: ['blog', 'x_thread'] });
  await waitForStatus(t, plan.id, 'in_review');
  await waitForQuiet(t, plan.id);

  // (a) One extra draft call (the model's one chance), then the link is removed in code and noted.
  expect(draftCalls() - before).toBe(2);
  const item = await currentItem(plan.id);
  expect(item.markdown).not.toContain('us.example.com');
  expect(item.markdown).toContain('Learn more in our guide.');
  expect(item.repairs).toEqual([{ kind: 'unlinked', detail: 'Unlinked "our guide" from https://us.example.com/guide: not a source.' }]);
  const runs = await t.database.sql<{ stage: string; attempt: number; status: string }[]>`
    select stage, attempt, status from stage_runs where plan_id = ${plan.id} and stage = 'draft'`;
  expect(runs).toEqual([{ stage: 'draft', attempt: 1, status: 'succeeded' }]);

  // (b) flagged, (c) not: 82% is in the page source 1 cites, 73% in no page.
  expect(item.claims.unsupported).toEqual([
    { sentence: 'Teams with a buddy report 73% fewer meetings [2].', figure: '73%', reason: 'not_in_source' },
  ]);
  expect(item.claims.supported).toBe(1);

  // The reviewer sees it in the root message and in the quality reply.
  const { message, replies } = await rootMessage(t, plan.id);
  const shown = JSON.stringify(message.blocks);
  expect(shown).toContain('*Claims:* 1 claim supported · ⚠️ 1 unsupported (“Teams with a buddy report 73% fewer meetings [2].”) · 1 link removed (not a source)');
  expect(shown).toContain("(competitors' median");
  expect(shown).toContain('Research ✓ 2 sources, 2 quotes');
  const quality = JSON.stringify(replies.find((reply) => JSON.stringify(reply.blocks).includes('Claim check'))?.blocks);
  expect(quality).toContain('*73%*: not in the cited source');
  expect(quality).toContain('Unlinked \\"our guide\\" from https://us.example.com/guide: not a source.');

  // The research reply shows the quotes code kept and the one it dropped.
  const research = JSON.stringify(replies.find((reply) => reply.text.startsWith('Research:'))?.blocks);
  expect(research).toContain('2 sources · 2 quotes');
  expect(research).toContain('1 quote dropped (not verbatim in its page)');
});

test('a draft that passes SEO but fails readability is revised until both thresholds are met', async () => {
  scriptAuthor(t.openai, { drafts: [HARD_TO_READ_DRAFT, GOOD_DRAFT] });
  const plan = await submitPlan(t, { channels: ['blog'] });
  await waitForStatus(t, plan.id, 'in_review');
  await waitForQuiet(t, plan.id);

  const items = await t.database.sql<{ version: number; seo_score: number; readability_score: number; is_current: boolean }[]>`
    select version, seo_score, readability_score, is_current from content_items where plan_id = ${plan.id} order by version`;
  expect(items.map((item) => [item.version, item.seo_score, item.readability_score, item.is_current])).toEqual([
    [1, 93, 30, false],
    [2, 98, 90, true],
  ]);
  const [refinement] = await t.database.sql<{ instructions: string[] }[]>`select instructions from refinements where plan_id = ${plan.id}`;
  expect(refinement?.instructions.some((instruction) => instruction.startsWith('Sentence length'))).toBe(true);
});

test('a pass that drops a supporting citation is rejected with its reason, and the next pass is kept', async () => {
  const uncited = { ...GOOD_DRAFT, markdown: GOOD_DRAFT.markdown.replaceAll(' [1]', '') };
  scriptAuthor(t.openai, { drafts: [WEAK_DRAFT, uncited, GOOD_DRAFT] });
  const plan = await submitPlan(t, { channels: ['blog'] });
  await waitForStatus(t, plan.id, 'in_review');
  await waitForQuiet(t, plan.id);

  const refinements = await t.database.sql<{ iteration: number; from_version: number; to_version: number; rejected_reason: string | null }[]>`
    select iteration, from_version, to_version, rejected_reason from refinements where plan_id = ${plan.id} order by iteration`;
  expect(refinements).toEqual([
    { iteration: 1, from_version: 1, to_version: 1, rejected_reason: 'it dropped the citation [1]' },
    { iteration: 2, from_version: 1, to_version: 2, rejected_reason: null },
  ]);
  const { replies } = await rootMessage(t, plan.id);
  expect(JSON.stringify(replies.map((reply) => reply.blocks))).toContain('❌ rejected: it dropped the citation [1]');
});
