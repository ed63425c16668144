import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { ACTIONS, DECISION_MODALS, UNKNOWN_REVISION } from '../../src/bot/ids.ts';
import { rootMessage, seedCompetitors, submitPlan, waitForQuiet, waitForStatus } from '../support/pipeline.ts';
import { feedbackValues, planStatus, press, setReviewSettings, submitDecision } from '../support/review.ts';
import { GOOD_DRAFT, promptText, schemaNameOf, scriptAuthor, VARIANTS } from '../support/scripted-author.ts';
import type { FakeOpenAIRequest } from '../support/fake-openai.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const AVERY = 'U0AVERY';
const SAM = 'U0SAM';
const CHANGES = DECISION_MODALS.requestChanges.callbackId;

/** The post after "add a checklist": one section rewritten, one added, one figure claimed without a source. */
const REVISED_DRAFT = {
  ...GOOD_DRAFT,
  markdown: GOOD_DRAFT.markdown
    .replace('Give the new hire a buddy.', 'Give every new hire a buddy from day one.')
    .concat('\n\n## A remote onboarding checklist\n\nUse this list every time. Teams that use a checklist answer 40% fewer questions. Send the laptop, book the check-ins and pick the first task.\n'),
};

const REVISED_LINKEDIN = { text: 'Shorter: remote onboarding needs a plan, a buddy and an early win.\n\nRead it: {{post_url}}' };

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
  seedCompetitors(t.firecrawl);
});
afterAll(async () => t?.close());

let linkedinCalls = 0;
beforeEach(async () => {
  linkedinCalls = 0;
  scriptAuthor(t.openai, {
    drafts: [GOOD_DRAFT, REVISED_DRAFT],
    // The first LinkedIn variant is the scripted one; any later one is the shorter rewrite.
    override: (_request, name) => {
      if (name !== 'variant_linkedin') return undefined;
      linkedinCalls += 1;
      return { json: linkedinCalls === 1 ? VARIANTS['variant_linkedin'] : REVISED_LINKEDIN };
    },
  });
  await setReviewSettings(t, { approvers: [AVERY, SAM] });
});

async function planInReview(channels = ['blog', 'linkedin', 'x_thread']) {
  const plan = await submitPlan(t, { channels });
  await waitForStatus(t, plan.id, 'in_review');
  await waitForQuiet(t, plan.id);
  return plan;
}

/** Requests changes with `scope` and waits for the next revision to be back in review; returns the model calls it made. */
async function requestChanges(planId: string, feedback: string, scope: string): Promise<FakeOpenAIRequest[]> {
  const before = t.openai.requests.length;
  const answer = await submitDecision(t, { userId: AVERY, callbackId: CHANGES, planId, values: feedbackValues(feedback, scope) });
  expect(answer).toBeUndefined();
  await expect.poll(async () => (await t.database.sql`select revision from content_plans where id = ${planId}`)[0]?.['revision'], { timeout: 10_000 }).toBe(1);
  await waitForStatus(t, planId, 'in_review');
  await waitForQuiet(t, planId);
  return t.openai.requests.slice(before);
}

const callNames = (requests: readonly FakeOpenAIRequest[]) => requests.map(schemaNameOf).sort();

async function variantsOf(planId: string, revision: number) {
  const rows = await t.database.sql<{ channel: string; content: unknown }[]>`
    select channel, content from content_variants where plan_id = ${planId} and revision = ${revision} order by channel`;
  return Object.fromEntries(rows.map((row) => [row.channel, row.content]));
}

function changesReply(replies: { text: string; blocks?: unknown }[]) {
  return replies.find((reply) => reply.text.startsWith('What changed in revision 2'));
}

describe('targeted Request changes', () => {
  test('a variant-scoped change writes that one variant again and nothing else', async () => {
    const plan = await planInReview();
    const itemsBefore = await t.database.sql`select count(*)::int as n from content_items where plan_id = ${plan.id}`;
    const [reviewed] = await t.database.sql`select markdown from content_items where plan_id = ${plan.id} and is_current`;
    const repliesBefore = (await rootMessage(t, plan.id)).replies.map((reply) => reply.text);

    const calls = await requestChanges(plan.id, 'Make the LinkedIn post shorter.', 'variant:linkedin');

    // Counted at the fake OpenAI: one LinkedIn call, no outline, draft, SEO rewrite or other variant.
    expect(callNames(calls)).toEqual(['variant_linkedin']);
    const prompt = promptText(calls[0]!);
    expect(prompt).toContain('- Make the LinkedIn post shorter.');
    expect(prompt).toContain('where small teams win or lose new hires'); // the variant under review, to edit

    // The post and the X thread are carried into revision 1 unchanged; LinkedIn is the new one.
    const [before, after] = [await variantsOf(plan.id, 0), await variantsOf(plan.id, 1)];
    expect(after['x_thread']).toEqual(before['x_thread']);
    expect(after['linkedin']).toEqual(REVISED_LINKEDIN);
    const current = await t.database.sql`select revision, origin, markdown from content_items where plan_id = ${plan.id} and is_current`;
    expect(current).toEqual([{ revision: 1, origin: 'carried', markdown: reviewed?.['markdown'] }]);
    const itemsAfter = await t.database.sql`select count(*)::int as n from content_items where plan_id = ${plan.id}`;
    expect(itemsAfter[0]?.['n']).toBe(Number(itemsBefore[0]?.['n']) + 1);
    const [row] = await t.database.sql`select revision_scope, seo_score from content_plans where id = ${plan.id}`;
    expect(row?.['revision_scope']).toEqual({ kind: 'variant', channel: 'linkedin' });
    expect(row?.['seo_score']).not.toBeNull();

    // The message shows the kept stages as done, and the thread says what changed.
    const { replies, message } = await rootMessage(t, plan.id);
    expect(JSON.stringify(message.blocks)).toMatch(/Progress: Research ✓.*Draft ✓.*SEO ✓.*Variants ✓/);
    const reply = changesReply(replies);
    const shown = JSON.stringify(reply?.blocks);
    expect(shown).toContain('the LinkedIn variant only');
    expect(shown).toContain('The blog post and the other variants are unchanged.');
    expect(shown).toContain('Make the LinkedIn post shorter.');
    // Only the new LinkedIn variant, what changed and the decision log are new in the thread: the kept post and X thread are not repeated.
    const added = replies.map((candidate) => candidate.text).slice(repliesBefore.length);
    expect(replies.slice(0, repliesBefore.length).map((candidate) => candidate.text)).toEqual(repliesBefore);
    expect(added).toHaveLength(3);
    expect(added.filter((text) => /LinkedIn/.test(text))).toHaveLength(1);
    const log = replies.find((candidate) => candidate.text.startsWith('Decision log'));
    expect(JSON.stringify(log?.blocks)).toContain('LinkedIn only: Make the LinkedIn post shorter.');
  });

  test('a blog-scoped change revises the draft with its outline kept, rewrites the variants, and shows what changed', async () => {
    const plan = await planInReview();
    const [firstOutline] = await t.database.sql`select output->'outline' as outline from stage_runs where plan_id = ${plan.id} and stage = 'draft'`;

    const calls = await requestChanges(plan.id, 'Add a checklist at the end.', 'blog');

    // No new outline: one draft call given the kept outline and the previous version to edit; every variant again.
    const names = callNames(calls);
    expect(names.filter((name) => name === 'outline')).toEqual([]);
    expect(names.filter((name) => name === 'draft')).toEqual(['draft']);
    expect(names).toContain('variant_linkedin');
    expect(names).toContain('variant_x_thread');
    const draftPrompt = promptText(calls.find((request) => schemaNameOf(request) === 'draft')!);
    expect(draftPrompt).toContain('Outline:\n## Why remote onboarding needs a plan\n## The first week');
    expect(draftPrompt).toContain('- Add a checklist at the end.');
    expect(draftPrompt).toContain('Previous version (revise it to address the feedback)');
    expect(draftPrompt).toContain('Pick a first task that ships in a few days.');
    const [keptOutline] = await t.database.sql`select output->'outline' as outline from stage_runs where plan_id = ${plan.id} and stage = 'draft' and revision = 1`;
    expect(keptOutline?.['outline']).toEqual(firstOutline?.['outline']);

    // The new version was re-checked for claims and re-optimised.
    const [current] = await t.database.sql`select revision, claims, seo_score from content_items where plan_id = ${plan.id} and is_current`;
    expect(current?.['revision']).toBe(1);
    expect(current?.['seo_score']).not.toBeNull();
    expect(JSON.stringify(current?.['claims'])).toContain('40%');

    // The thread shows what changed: sections, words, scores before -> after, claims.
    const { replies } = await rootMessage(t, plan.id);
    const reply = changesReply(replies);
    const shown = JSON.stringify(reply?.blocks);
    expect(shown).toContain('the blog post (outline kept)');
    expect(shown).toMatch(/1 changed \(The first week of remote onboarding\)/);
    expect(shown).toMatch(/1 added \(A remote onboarding checklist\)/);
    expect(shown).toMatch(/\+\d+ \/ −\d+ words/);
    expect(shown).toMatch(/SEO \d+ → \d+/);
    expect(shown).toContain('1 added · 0 removed');
    expect(shown).toContain('Teams that use a checklist answer 40% fewer questions.');
  });

  test('the feedback is required, and a channel the plan does not have is refused, inline', async () => {
    const plan = await planInReview(['blog', 'linkedin']);
    const empty = await submitDecision(t, { userId: AVERY, callbackId: CHANGES, planId: plan.id, values: feedbackValues(' ', 'variant:linkedin') });
    expect(empty?.errors).toEqual({ feedback: "Write the feedback: it is shown to the plan's author." });
    const missing = await submitDecision(t, { userId: AVERY, callbackId: CHANGES, planId: plan.id, values: feedbackValues('Shorter.', 'variant:newsletter') });
    expect(missing?.errors).toEqual({ scope: "Pick the whole plan, the blog post, or one of this plan's channels." });
    expect(await planStatus(t, plan.id)).toBe('in_review');

    // The modal offers only this plan's channels.
    await press(t, { userId: AVERY, actionId: ACTIONS.requestChanges, planId: plan.id });
    const view = t.slack.callsTo('views.open').at(-1)?.args['view'] as { blocks: { block_id?: string; element?: { options?: { value: string }[] } }[] };
    const options = view.blocks.find((block) => block.block_id === DECISION_MODALS.requestChanges.scopeBlock)?.element?.options?.map((option) => option.value);
    expect(options).toEqual(['plan', 'blog', 'variant:linkedin']);
  });
});

describe('decisions are bound to a revision', () => {
  test('an Approve pressed on an older revision changes nothing and says which revision is current', async () => {
    const plan = await planInReview(['blog', 'linkedin']);
    await requestChanges(plan.id, 'Shorter, please.', 'variant:linkedin');
    const [row] = await t.database.sql`select message_permalink from content_plans where id = ${plan.id}`;
    const permalink = String(row?.['message_permalink']);

    const answer = await press(t, { userId: SAM, actionId: ACTIONS.approve, planId: plan.id, revision: 0 });
    expect(answer).toBe(`This is revision 1; revision 2 is now in review. Nothing was changed. <${permalink}|Open revision 2>`);
    expect(await planStatus(t, plan.id)).toBe('in_review');
    expect((await t.database.sql`select count(*)::int as n from approvals where plan_id = ${plan.id}`)[0]?.['n']).toBe(0);

    // A modal opened on the older revision is refused inline, with the link as plain text.
    const stale = await submitDecision(t, { userId: SAM, callbackId: DECISION_MODALS.reject.callbackId, planId: plan.id, revision: 0, values: {} });
    expect(stale?.errors).toEqual({ reason: `This is revision 1; revision 2 is now in review. Nothing was changed. ${permalink}` });
    expect(await planStatus(t, plan.id)).toBe('in_review');

    // The message's buttons carry the current revision, and pressing one of them approves.
    const buttons = JSON.stringify((await rootMessage(t, plan.id)).message.blocks);
    expect(buttons).toContain(`"value":"${plan.id}:1"`);
    expect(buttons).not.toContain(`"value":"${plan.id}:0"`);
    expect(await press(t, { userId: SAM, actionId: ACTIONS.approve, planId: plan.id })).toBeUndefined();
    expect(await planStatus(t, plan.id)).toBe('approved');
  });

  test('a button from before buttons carried a revision is out of date', async () => {
    const plan = await planInReview(['blog']);
    const answer = await press(t, { userId: SAM, actionId: ACTIONS.approve, planId: plan.id, revision: UNKNOWN_REVISION });
    expect(answer).toMatch(/^This button is out of date; revision 1 is now in review\. Nothing was changed\./);
    expect(await planStatus(t, plan.id)).toBe('in_review');
  });

  test('approvals given to an older revision do not count toward the current one', async () => {
    await setReviewSettings(t, { approvers: [AVERY, SAM], requiredApprovals: 2 });
    const plan = await planInReview(['blog', 'linkedin']);
    expect(await press(t, { userId: SAM, actionId: ACTIONS.approve, planId: plan.id })).toMatch(/1 of 2/);

    await requestChanges(plan.id, 'Shorter, please.', 'variant:linkedin');
    // Sam's approval of revision 1 stays recorded, but revision 2 needs two of its own.
    expect(await press(t, { userId: AVERY, actionId: ACTIONS.approve, planId: plan.id })).toMatch(/1 of 2/);
    expect(await planStatus(t, plan.id)).toBe('in_review');
    expect(await press(t, { userId: SAM, actionId: ACTIONS.approve, planId: plan.id })).toBeUndefined();
    expect(await planStatus(t, plan.id)).toBe('approved');
    const approvals = await t.database.sql`select revision, approver_id from approvals where plan_id = ${plan.id} order by id`;
    expect(approvals.map((approval) => `${approval['revision']}:${approval['approver_id']}`)).toEqual([`0:${SAM}`, `1:${AVERY}`, `1:${SAM}`]);
  });
});
