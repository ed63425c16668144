import { afterAll, beforeAll, expect, test } from 'vitest';
import { ACTIONS } from '../../src/bot/ids.ts';
import { chooseFromMenu, submitBriefEdit } from '../support/manage.ts';
import { AUTHOR, PLAN_CHANNEL, rootMessage, seedCompetitors, submitPlan, waitForQuiet, waitForStatus } from '../support/pipeline.ts';
import type { PlanFormAnswers } from '../support/plan-modal-values.ts';
import { press, setReviewSettings } from '../support/review.ts';
import { GOOD_DRAFT, KEYPHRASE, schemaNameOf, scriptAuthor } from '../support/scripted-author.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const AVERY = 'U0AVERY';
const BEN = 'U0BEN';
const STRANGER = 'U0STRANGER';
const NEW_CHANNEL = 'C0LAUNCH';

const BASE: PlanFormAnswers = {
  topic: 'Remote onboarding for small teams',
  keyphrase: KEYPHRASE,
  keywords: 'new hire checklist',
  tone: 'Friendly',
  channels: ['blog', 'linkedin'],
  postChannel: PLAN_CHANNEL,
};

let t: TestApp;
let plan: { id: string; number: number };

beforeAll(async () => {
  t = await startTestApp({ env: { LOG_LEVEL: 'warn' } });
  seedCompetitors(t.firecrawl);
  scriptAuthor(t.openai, { drafts: [GOOD_DRAFT] });
  t.slack.users.set(STRANGER, { is_admin: false });
  await setReviewSettings(t, { approvers: [AVERY, BEN], requiredApprovals: 2 });
});
afterAll(async () => t?.close());

/** Model calls by kind (research, draft, one per variant channel) and Firecrawl searches, from here on. */
function countCallsFromNow() {
  const openaiStart = t.openai.requests.length;
  const searchStart = t.firecrawl.requests.filter((request) => request.path.includes('search')).length;
  return () => {
    const names = t.openai.requests.slice(openaiStart).map(schemaNameOf);
    const count = (name: string) => names.filter((candidate) => candidate === name).length;
    return {
      research: count('research'),
      draft: count('draft'),
      linkedin: count('variant_linkedin'),
      x_thread: count('variant_x_thread'),
      searches: t.firecrawl.requests.filter((request) => request.path.includes('search')).length - searchStart,
    };
  };
}

async function editAndSettle(answers: PlanFormAnswers) {
  const calls = countCallsFromNow();
  expect(await submitBriefEdit(t, { userId: AUTHOR, planId: plan.id, answers })).toBeUndefined();
  await waitForStatus(t, plan.id, 'in_review');
  await waitForQuiet(t, plan.id);
  const [row] = await t.database.sql<{ revision: number; tone: string; channels: string[] }[]>`select revision, tone, channels from content_plans where id = ${plan.id}`;
  return { calls: calls(), plan: row };
}

async function variantsOf(revision: number): Promise<string[]> {
  const rows = await t.database.sql<{ channel: string }[]>`select channel from content_variants where plan_id = ${plan.id} and revision = ${revision} order by channel`;
  return rows.map((row) => row.channel);
}

test('tone, audience or brief: a new revision from the draft; approvals of the old one no longer count', async () => {
  plan = await submitPlan(t, BASE);
  await waitForStatus(t, plan.id, 'in_review');
  await waitForQuiet(t, plan.id);
  await chooseFromMenu(t, { userId: AUTHOR, option: 'edit_brief', planId: plan.id });
  const form = t.slack.callsTo('views.open').at(-1)?.args['view'] as { callback_id: string; private_metadata: string };
  expect(form.callback_id).toBe('plan_edit_modal');
  expect(JSON.parse(form.private_metadata)).toMatchObject({ planId: plan.id });
  expect(JSON.stringify(form)).toContain(`"initial_value":"${KEYPHRASE}"`);
  expect(JSON.stringify(form)).toContain('"initial_option":{"text":{"type":"plain_text","text":"Friendly","emoji":true},"value":"Friendly"}');

  expect(await press(t, { userId: AVERY, actionId: ACTIONS.approve, planId: plan.id })).toContain('1 of 2');
  const { calls, plan: edited } = await editAndSettle({ ...BASE, tone: 'Bold' });
  expect(calls).toEqual({ research: 0, draft: 1, linkedin: 1, x_thread: 0, searches: 0 });
  expect(edited).toMatchObject({ revision: 1, tone: 'Bold' });
  const approvals = await t.database.sql`select revision from approvals where plan_id = ${plan.id}`;
  expect(approvals.map((row) => row['revision'])).toEqual([0]);
  const [audit] = await t.database.sql`select actor_id, details from audit_log where plan_id = ${plan.id} and action = 'brief_edited'`;
  expect(audit).toMatchObject({ actor_id: AUTHOR, details: { changed: ['tone'], before: { tone: 'Friendly' }, after: { tone: 'Bold' }, revision: 1, restartAt: 'draft' } });
  const { message } = await rootMessage(t, plan.id);
  expect(JSON.stringify(message.blocks)).toContain('Needs 2 more approvals');
});

test('an added channel writes only its variant; the others are carried into the new revision', async () => {
  const { calls, plan: edited } = await editAndSettle({ ...BASE, tone: 'Bold', channels: ['blog', 'linkedin', 'x_thread'] });
  expect(calls).toEqual({ research: 0, draft: 0, linkedin: 0, x_thread: 1, searches: 0 });
  expect(edited?.revision).toBe(2);
  expect(await variantsOf(2)).toEqual(['linkedin', 'x_thread']);
  const [current] = await t.database.sql`select revision from content_items where plan_id = ${plan.id} and is_current`;
  expect(current?.['revision']).toBe(2);
});

test('a removed channel is dropped and nothing runs again', async () => {
  const { calls, plan: edited } = await editAndSettle({ ...BASE, tone: 'Bold', channels: ['blog', 'x_thread'] });
  expect(calls).toEqual({ research: 0, draft: 0, linkedin: 0, x_thread: 0, searches: 0 });
  expect(edited).toMatchObject({ revision: 3, channels: ['blog', 'x_thread'] });
  expect(await variantsOf(3)).toEqual(['x_thread']);
  // The variant carried into the revision shows as done, not waiting, and the dropped channel is gone.
  const progressLine = async () => {
    const { message } = await rootMessage(t, plan.id);
    return JSON.stringify(message.blocks).match(/Progress: [^"]*/)?.[0] ?? '';
  };
  await expect.poll(progressLine).toContain('Variants ✓ X thread');
  expect(await progressLine()).not.toContain('LinkedIn');
});

test('topic, keyphrase, keywords, competitor URLs or skip research: from research', async () => {
  const { calls, plan: edited } = await editAndSettle({ ...BASE, tone: 'Bold', channels: ['blog', 'x_thread'], keyphrase: 'remote onboarding plan' });
  expect(calls).toEqual({ research: 1, draft: 1, linkedin: 0, x_thread: 1, searches: 1 });
  expect(edited?.revision).toBe(4);
  const runs = await t.database.sql`select revision from stage_runs where plan_id = ${plan.id} and stage = 'research' and status = 'succeeded' order by revision`;
  expect(runs.map((row) => row['revision'])).toEqual([0, 4]);
});

test('the post-in channel: the message is posted in the new channel and the old one links to it; nothing runs again', async () => {
  const before = await rootMessage(t, plan.id);
  const calls = countCallsFromNow();
  const moved = { ...BASE, tone: 'Bold', channels: ['blog', 'x_thread'], keyphrase: 'remote onboarding plan', postChannel: NEW_CHANNEL };
  expect(await submitBriefEdit(t, { userId: AUTHOR, planId: plan.id, answers: moved })).toBeUndefined();
  await expect.poll(async () => (await t.database.sql`select message_channel_id from content_plans where id = ${plan.id}`)[0]?.['message_channel_id']).toBe(NEW_CHANNEL);
  await waitForQuiet(t, plan.id);
  expect(calls()).toEqual({ research: 0, draft: 0, linkedin: 0, x_thread: 0, searches: 0 });

  const [row] = await t.database.sql`select revision, post_channel_id, message_permalink from content_plans where id = ${plan.id}`;
  expect(row).toMatchObject({ revision: 4, post_channel_id: NEW_CHANNEL });
  const after = await rootMessage(t, plan.id);
  expect(after.message.text).toContain('In review');
  expect(after.replies.length).toBeGreaterThan(0);
  expect(JSON.stringify(after.replies)).toContain('edited the brief · ');
  expect(JSON.stringify(after.replies)).toContain('changed channel');
  const old = t.slack.messages.get(PLAN_CHANNEL, before.ts);
  expect(old?.text).toContain(`moved to <#${NEW_CHANNEL}>`);
  expect(old?.text).toContain(String(row?.['message_permalink']));
});

test('only the author or an admin may edit, and only before approval', async () => {
  const answer = await submitBriefEdit(t, { userId: STRANGER, planId: plan.id, answers: { ...BASE, tone: 'Playful', postChannel: NEW_CHANNEL } });
  expect(answer?.errors?.['topic']).toContain('or a workspace admin can edit it');
  expect(await chooseFromMenu(t, { userId: STRANGER, option: 'edit_brief', planId: plan.id })).toContain('or a workspace admin can edit it');

  await press(t, { userId: AVERY, actionId: ACTIONS.approve, planId: plan.id });
  await press(t, { userId: BEN, actionId: ACTIONS.approve, planId: plan.id });
  await waitForStatus(t, plan.id, 'approved');
  const refused = await submitBriefEdit(t, { userId: AUTHOR, planId: plan.id, answers: { ...BASE, tone: 'Playful', postChannel: NEW_CHANNEL } });
  expect(refused?.errors?.['topic']).toContain('can no longer be edited');
  expect(await chooseFromMenu(t, { userId: AUTHOR, option: 'edit_brief', planId: plan.id })).toContain('can no longer be edited');
});
