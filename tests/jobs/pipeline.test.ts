import { afterAll, beforeAll, expect, test } from 'vitest';
import { ACTIONS } from '../../src/bot/ids.ts';
import { DRAFT_TAKEAWAY, GOOD_DRAFT, scriptAuthor, schemaNameOf, promptText, WEAK_DRAFT, WORSE_DRAFT } from '../support/scripted-author.ts';
import { AUTHOR, isPlanNotice, rootMessage, seedCompetitors, submitPlan, TEAM, waitForQuiet, waitForStatus } from '../support/pipeline.ts';
import { expectPlanBlockMatchesText } from '../support/plan-block.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
  seedCompetitors(t.firecrawl);
  // The author's App Home refresh (2 s after the plan reaches review) looks them up with users.info.
  t.slack.users.set(AUTHOR, { name: 'mia' });
  await t.database.sql`
    insert into workspace_settings (team_id, brand_voice)
    values (${TEAM}, ${JSON.stringify({ description: 'Warm, plain-spoken and practical', dos: ['Use short sentences'], donts: ['No jargon'], examples: [] })}::jsonb)`;
});
afterAll(async () => t?.close());

test('a plan goes through research, draft, two refinements and three variants to review, shown live in its thread', async () => {
  scriptAuthor(t.openai, { drafts: [WEAK_DRAFT, WORSE_DRAFT, GOOD_DRAFT] });
  const plan = await submitPlan(t, { channels: ['blog', 'linkedin', 'x_thread', 'newsletter'], tone: 'Friendly' });
  await waitForStatus(t, plan.id, 'in_review');
  await waitForQuiet(t, plan.id);

  const runs = await t.database.sql<{ stage: string; iteration: number; status: string; tokens_in: number }[]>`
    select stage, iteration, status, tokens_in from stage_runs where plan_id = ${plan.id} order by stage, iteration`;
  expect(runs.map((run) => `${run.stage}:${run.iteration}:${run.status}`).sort()).toEqual(
    [
      'draft:0:succeeded',
      'optimize:0:succeeded',
      'optimize:1:succeeded',
      'optimize:2:succeeded',
      'research:0:succeeded',
      'variant:linkedin:0:succeeded',
      'variant:newsletter:0:succeeded',
      'variant:x_thread:0:succeeded',
    ].sort(),
  );
  expect(runs.find((run) => run.stage === 'draft')?.tokens_in).toBe(2000);

  const research = await t.database.sql`select data, failures from research_results where plan_id = ${plan.id}`;
  expect(research[0]?.['data'].sources.map((source: { id: number; url: string }) => source.id)).toEqual([1, 2]);
  expect(research[0]?.['failures'].map((failure: { url: string }) => failure.url)).toEqual(['https://broken.example.com/page']);

  const refinements = await t.database.sql<{ iteration: number; score_before: number; score_after: number; instructions: string[] }[]>`
    select iteration, score_before, score_after, instructions from refinements where plan_id = ${plan.id} order by iteration`;
  expect(refinements.map((r) => [r.iteration, r.score_before, r.score_after])).toEqual([
    [1, 70, 64],
    [2, 70, 98],
  ]);
  expect(refinements[0]?.instructions.length).toBeGreaterThan(0);

  const items = await t.database.sql<{ version: number; seo_score: number; is_current: boolean }[]>`
    select version, seo_score, is_current from content_items where plan_id = ${plan.id} order by version`;
  expect(items.map((item) => [item.version, item.seo_score, item.is_current])).toEqual([
    [1, 70, false],
    [2, 64, false],
    [3, 98, true],
  ]);
  const [scores] = await t.database.sql`select seo_score, initial_seo_score, readability_score from content_plans where id = ${plan.id}`;
  expect(scores).toEqual({ seo_score: 98, initial_seo_score: 70, readability_score: 90 });

  // What the model was told.
  const requests = t.openai.requests.map((request) => ({ name: schemaNameOf(request), text: promptText(request) }));
  for (const request of requests) {
    expect(request.text, request.name).toContain('Warm, plain-spoken and practical');
    expect(request.text, request.name).toContain('Friendly');
  }
  const researchCall = requests.find((request) => request.name === 'research');
  expect(researchCall?.text).toMatch(/<untrusted_source id="1" url="https:\/\/alpha\.example\.com\/remote-onboarding"/);
  const firstRevision = requests.find((request) => request.name === 'revision');
  for (const instruction of refinements[0]?.instructions ?? []) expect(firstRevision?.text).toContain(instruction);

  // What Slack shows: the root message is written for the approver.
  const { message, replies, ts } = await rootMessage(t, plan.id);
  const shown = JSON.stringify(message.blocks);
  expect(message.text).toBe(`#${plan.number} ${GOOD_DRAFT.title}: In review`);
  expect(shown).toContain(`📝 #${plan.number} ${GOOD_DRAFT.title}`);
  expect(shown).toContain(GOOD_DRAFT.metaDescription);
  expect(shown).toContain(`*Takeaway:* ${DRAFT_TAKEAWAY}`);
  expect(shown).toMatch(/\*SEO 70 → 98\* · Readability (\d+ → )?90 · 2 SEO passes/);
  // The progress line and the summary say the same: the same scores, passes not revisions.
  expect(shown).toContain('SEO ✓ 70 → 98 · 2 passes');
  expect(shown).not.toMatch(/revision/i);
  expect(shown).toMatch(/Blog, LinkedIn \d+\/3,000, X thread 4 posts, Newsletter · <[^|]+\|📖 Read the draft \(canvas\)>/);
  expect(shown).toContain('Research could not read https://broken.example.com/page');
  for (const action of [ACTIONS.approve, ACTIONS.requestChanges, ACTIONS.reject, ACTIONS.schedule]) expect(shown).toContain(action);
  expect(shown).not.toContain('⏳');
  expect(message.blocks?.some((block) => (block as { type: string }).type === 'plan')).toBe(false);

  const updates = t.slack.callsTo('chat.update').filter((call) => call.args['ts'] === ts);
  expect(updates.length).toBeGreaterThanOrEqual(1);
  expect(updates.length).toBeLessThanOrEqual(25);
  // While it ran, the first post and every update said the same in the plan block and the text fallback.
  const rootPost = t.slack.callsTo('chat.postMessage').find((call) => call.response?.['ts'] === ts);
  const progress = [rootPost, ...updates].filter((call) => call && (call.args['blocks'] as { type: string }[]).some((block) => block.type === 'plan'));
  expect(progress[0]).toBe(rootPost);
  for (const call of progress) expectPlanBlockMatchesText(call?.args['blocks'] as unknown[], String(call?.args['text']));

  // The thread, in post order: the draft, quality and SEO, the variants, then research.
  const threadPosts = t.slack.callsTo('chat.postMessage').filter((call) => call.args['thread_ts'] === ts && !isPlanNotice(call));
  expect(threadPosts).toHaveLength(6);
  const order = replies.map((reply) => reply.text.split(/[:·]/)[0]?.trim());
  // Variants are posted as they land, in any order among themselves.
  expect([...order.slice(0, 2), ...order.slice(2, 5).sort(), order[5]]).toEqual(['Draft', 'SEO report', 'LinkedIn', 'Newsletter', 'X thread', 'Research']);
  const seoReply = JSON.stringify(replies[1]?.blocks);
  expect(seoReply).toMatch(/✅ \d+ checks pass/);
  expect(seoReply).not.toContain('Good job');
  const draftReply = replies.find((reply) => JSON.stringify(reply.blocks).includes(GOOD_DRAFT.title));
  expect(draftReply, 'the draft reply shows the current version').toBeDefined();
  expect(t.slack.calls.filter((call) => call.outcome !== 'ok')).toEqual([]);
});

test('the best version wins, not the last, and skipped research is said in the thread', async () => {
  const uncited = (draft: typeof WEAK_DRAFT) => ({ ...draft, markdown: draft.markdown.replaceAll(' [1]', '') });
  scriptAuthor(t.openai, { drafts: [uncited(WEAK_DRAFT), uncited(WORSE_DRAFT)] });
  await t.database.sql`update workspace_settings set max_refinements = 1 where team_id = ${TEAM}`;
  const scrapes = t.firecrawl.requests.length;
  const plan = await submitPlan(t, { channels: ['blog'], skipResearch: true });
  await t.database.sql`update workspace_settings set max_refinements = 3 where team_id = ${TEAM}`;
  await waitForStatus(t, plan.id, 'in_review');
  await waitForQuiet(t, plan.id);

  expect(t.firecrawl.requests.length).toBe(scrapes);
  const items = await t.database.sql<{ version: number; seo_score: number; is_current: boolean }[]>`
    select version, seo_score, is_current from content_items where plan_id = ${plan.id} order by version`;
  expect(items.map((item) => [item.version, item.seo_score, item.is_current])).toEqual([
    [1, 65, true],
    [2, 58, false],
  ]);
  const { message, replies } = await rootMessage(t, plan.id);
  expect(JSON.stringify(message.blocks)).toContain('*SEO 65* · Readability');
  expect(JSON.stringify(message.blocks)).toContain('SEO ✓ 65 · 1 pass');
  expect(JSON.stringify(replies.at(-1)?.blocks)).toContain('the plan asked to skip research');
  // The approver is warned, and the figure the post states with no source is flagged.
  expect(JSON.stringify(message.blocks)).toContain('⚠️ *Written without research: no sources.* Skipped: the plan asked to skip research.');
  expect(JSON.stringify(message.blocks)).toContain('⚠️ 1 unsupported (“Teams with a written plan keep 82% of new hires after a year.”)');
  const [run] = await t.database.sql`select status, error from stage_runs where plan_id = ${plan.id} and stage = 'research'`;
  expect(run).toMatchObject({ status: 'skipped' });
});
