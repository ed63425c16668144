import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { DECISION_MODALS } from '../../src/bot/ids.ts';
import { BOT_SCOPES } from '../../src/bot/scopes.ts';
import { AUTHOR, PLAN_CHANNEL, rootMessage, seedCompetitors, submitPlan, TEAM, waitForQuiet, waitForStatus } from '../support/pipeline.ts';
import { feedbackValues, setReviewSettings, submitDecision } from '../support/review.ts';
import { GOOD_DRAFT, scriptAuthor } from '../support/scripted-author.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const AVERY = 'U0AVERY';

let t: TestApp;
/** Where this test's calls begin in the fake's record. */
let mark = 0;
const callsTo = (method: string) => t.slack.calls.slice(mark).filter((call) => call.method === method);

beforeAll(async () => {
  t = await startTestApp();
  seedCompetitors(t.firecrawl);
  await setReviewSettings(t, { approvers: [AVERY] });
  t.slack.users.set(AVERY, { name: 'avery' });
  // The author's App Home refresh looks them up (users.info); on a slow run it lands inside a test.
  t.slack.users.set(AUTHOR, { name: 'mia' });
});
afterAll(async () => t?.close());
beforeEach(() => {
  scriptAuthor(t.openai);
  t.slack.setScopes(null);
  t.slack.setFreeTeam(false);
  t.slack.canvases.clear();
  mark = t.slack.calls.length;
});

async function planInReview() {
  const plan = await submitPlan(t, { channels: ['blog', 'linkedin'] });
  await waitForStatus(t, plan.id, 'in_review');
  await waitForQuiet(t, plan.id);
  return plan;
}

/** The root message's "Read the draft" link: its URL and label. */
async function readTheDraftLink(planId: string): Promise<{ url: string; label: string } | undefined> {
  const { message } = await rootMessage(t, planId);
  const match = /<([^|>]+)\|(📖 Read the draft[^>]*)>/.exec(JSON.stringify(message.blocks));
  return match ? { url: (match[1] ?? '').replace(/&amp;/g, '&'), label: match[2] ?? '' } : undefined;
}

/** The permalink Slack gave for the plan's draft reply. */
function draftReplyPermalink(ts: string): string | undefined {
  const draft = t.slack.messages.replies(PLAN_CHANNEL, ts).find((reply) => reply.text.startsWith('Draft:'));
  const call = t.slack.callsTo('chat.getPermalink').find((candidate) => candidate.args['message_ts'] === draft?.ts);
  return call?.response?.['permalink'] as string | undefined;
}

test('with canvases:write the full post is published as a canvas in the channel, linked, and updated on each revision', async () => {
  const plan = await planInReview();
  const creates = callsTo('canvases.create').filter((call) => call.outcome === 'ok');
  expect(creates).toHaveLength(1);
  const canvasId = String(creates[0]?.response?.['canvas_id']);
  const canvas = t.slack.canvases.get(canvasId);
  expect(canvas?.channel_id).toBe(PLAN_CHANNEL);
  expect(canvas?.markdown).toContain(`# ${GOOD_DRAFT.title}`);
  expect(canvas?.markdown).toContain('## Sources');
  expect(canvas?.markdown).toContain('https://alpha.example.com/remote-onboarding');
  expect(canvas?.markdown).toContain('revision 1');
  expect(await readTheDraftLink(plan.id)).toEqual({ url: `https://fake-workspace.slack.com/docs/${TEAM}/${canvasId}`, label: '📖 Read the draft (canvas)' });
  const editsInFirstRound = canvas?.edits ?? 0;

  await submitDecision(t, { userId: AVERY, callbackId: DECISION_MODALS.requestChanges.callbackId, planId: plan.id, values: feedbackValues('Add a checklist at the end.') });
  await expect.poll(async () => (await t.database.sql`select revision from content_plans where id = ${plan.id}`)[0]?.['revision'], { timeout: 10_000 }).toBe(1);
  await waitForStatus(t, plan.id, 'in_review');
  await waitForQuiet(t, plan.id);

  // The same canvas, its content replaced; no second canvas.
  expect(callsTo('canvases.create')).toHaveLength(1);
  expect(t.slack.canvases.get(canvasId)?.edits).toBeGreaterThan(editsInFirstRound);
  expect(t.slack.canvases.get(canvasId)?.markdown).toContain('revision 2');
  expect((await readTheDraftLink(plan.id))?.url).toBe(`https://fake-workspace.slack.com/docs/${TEAM}/${canvasId}`);
  expect(t.slack.calls.slice(mark).filter((call) => call.outcome !== 'ok').map((call) => `${call.method}: ${call.error}`)).toEqual([]);
});

test('a draft too long for a message is still attached as a .md file beside its canvas', async () => {
  const sections = Array.from({ length: 30 }, (_, i) => `## Part ${i + 1} of remote onboarding\n\n${GOOD_DRAFT.markdown.split('\n\n').slice(1, 4).join('\n\n')}`);
  const long = { ...GOOD_DRAFT, markdown: `${GOOD_DRAFT.markdown}\n\n${sections.join('\n\n')}` };
  scriptAuthor(t.openai, { drafts: [long] });
  const plan = await planInReview();
  const uploads = callsTo('files.completeUploadExternal').filter((call) => call.outcome === 'ok');
  expect(uploads.length).toBeGreaterThanOrEqual(1);
  const canvasId = String(callsTo('canvases.create')[0]?.response?.['canvas_id']);
  expect(t.slack.canvases.get(canvasId)?.markdown).toContain('## Part 30 of remote onboarding');
  expect((await readTheDraftLink(plan.id))?.label).toBe('📖 Read the draft (canvas)');
});

test('without canvases:write the link opens the draft reply, and the canvas is not tried again', async () => {
  t.slack.setScopes(Object.keys(BOT_SCOPES).filter((scope) => scope !== 'canvases:write'));
  const plan = await planInReview();
  const { ts } = await rootMessage(t, plan.id);
  const refused = callsTo('canvases.create');
  expect(refused.map((call) => call.error)).toEqual(['missing_scope']);
  expect(t.slack.canvases.size).toBe(0);
  const permalink = draftReplyPermalink(ts);
  expect(permalink).toMatch(/^https:\/\/fake-workspace\.slack\.com\/archives\/C0MARKETING\/p\d+\?thread_ts=/);
  expect(await readTheDraftLink(plan.id)).toEqual({ url: permalink, label: '📖 Read the draft' });
  // Later renders (optimising, variants, review) did not ask again.
  const refusedAt = t.slack.calls.indexOf(refused[0]!);
  expect(t.slack.calls.slice(refusedAt + 1).filter((call) => call.method === 'chat.update' && call.args['ts'] === ts).length).toBeGreaterThanOrEqual(1);
});

test('on a free workspace whose channel already has its canvas tab, the link opens the draft reply', async () => {
  t.slack.setFreeTeam(true);
  t.slack.canvases.set('F0EXISTING', { id: 'F0EXISTING', title: 'Channel notes', markdown: 'notes', channel_id: PLAN_CHANNEL, edits: 0 });
  const plan = await planInReview();
  const { ts } = await rootMessage(t, plan.id);
  expect(callsTo('canvases.create').map((call) => call.error)).toEqual(['free_team_canvas_tab_already_exists']);
  expect(await readTheDraftLink(plan.id)).toEqual({ url: draftReplyPermalink(ts), label: '📖 Read the draft' });
  expect(t.slack.canvases.size).toBe(1);
});
