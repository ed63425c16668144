import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { ACTIONS, DECISION_MODALS } from '../../src/bot/ids.ts';
import { chooseFromMenu } from '../support/manage.ts';
import { AUTHOR, rootMessage, seedCompetitors, submitPlan, TEAM, waitForQuiet, waitForStatus } from '../support/pipeline.ts';
import { feedbackValues, planStatus, press, reasonValues, scheduleValues, setReviewSettings, submitDecision } from '../support/review.ts';
import { GOOD_DRAFT, scriptAuthor } from '../support/scripted-author.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const AVERY = 'U0AVERY';
const SAM = 'U0SAM';
const ADMIN = 'U0ADMIN';
const REMINDER_HOURS = 2;
// Each test runs a plan through the whole pipeline first, which takes a while on a busy machine.
const PIPELINE_TEST_TIMEOUT_MS = 90_000;

let t: TestApp;
let channelCounter = 0;

beforeAll(async () => {
  t = await startTestApp({ env: { REVIEW_REMINDER_HOURS: String(REMINDER_HOURS) } });
  seedCompetitors(t.firecrawl);
  for (const id of [AUTHOR, AVERY, SAM]) t.slack.users.set(id, { name: id.toLowerCase() });
  t.slack.users.set(ADMIN, { name: 'admin', is_admin: true });
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  scriptAuthor(t.openai, { drafts: [GOOD_DRAFT] });
  await setReviewSettings(t, { approvers: [AVERY, SAM] });
});

/** A channel of its own for each plan, with the members given (the bot is always in it). */
function channelWith(members: string[]): string {
  channelCounter += 1;
  const id = `C0NOTIFY${channelCounter}`;
  t.slack.channels.set(id, { name: `notify-${channelCounter}`, members: [t.slack.botUserId, ...members] });
  return id;
}

async function planInReview(channelId: string) {
  const plan = await submitPlan(t, { channels: ['blog', 'slack_announcement'], postChannel: channelId });
  await waitForStatus(t, plan.id, 'in_review');
  await waitForQuiet(t, plan.id);
  return plan;
}

const noticeTexts = async (planId: string) => (await rootMessage(t, planId)).notices.map((notice) => notice.text);
const dmsTo = (userId: string) => t.slack.callsTo('chat.postMessage').filter((call) => call.args['channel'] === `D${userId.slice(1)}` && call.outcome === 'ok');
const mentionsOf = (text: string, userId: string) => text.split(`<@${userId}>`).length - 1;

async function rerender(planId: string, times: number) {
  const updatesBefore = t.slack.callsTo('chat.update').length;
  for (let i = 0; i < times; i += 1) {
    await t.database.sql`select graphile_worker.add_job('render_plan_message', ${JSON.stringify({ teamId: TEAM, planId })}::json)`;
    await waitForQuiet(t, planId);
  }
  expect(t.slack.callsTo('chat.update').length).toBeGreaterThanOrEqual(updatesBefore + times);
}

describe('reaching review', () => {
  test('posts one new thread message mentioning who can decide, not the author; DMs those outside the channel; nothing more on re-renders', async () => {
    // The author is a named approver too, but self-approval is off.
    await setReviewSettings(t, { approvers: [AVERY, AUTHOR, SAM] });
    const channel = channelWith([AUTHOR, AVERY]);
    const plan = await planInReview(channel);

    const notices = await noticeTexts(plan.id);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(`<@${AVERY}>`);
    expect(notices[0]).toContain(`<@${SAM}>`);
    expect(notices[0]).not.toContain(`<@${AUTHOR}>`);
    expect(notices[0]).toContain(`#${plan.number}`);
    // It is a new message in the thread, not an edit of the root message.
    const { ts } = await rootMessage(t, plan.id);
    const posted = t.slack.callsTo('chat.postMessage').filter((call) => call.args['thread_ts'] === ts && String(call.args['text']).includes(`<@${AVERY}>`));
    expect(posted).toHaveLength(1);

    // Sam is not in the channel, so a mention would not reach him: he gets a DM with a link.
    expect(dmsTo(SAM)).toHaveLength(1);
    expect(String(dmsTo(SAM)[0]?.args['text'])).toContain(`#${plan.number}`);
    expect(String(dmsTo(SAM)[0]?.args['text'])).toContain('slack.com/archives/');
    expect(dmsTo(AVERY)).toHaveLength(0);
    expect(dmsTo(AUTHOR)).toHaveLength(0);
    expect(t.slack.callsTo('conversations.open').map((call) => call.args['users'])).toEqual([SAM]);

    await rerender(plan.id, 3);
    expect(await noticeTexts(plan.id)).toHaveLength(1);
    expect(dmsTo(SAM)).toHaveLength(1);
  }, PIPELINE_TEST_TIMEOUT_MS);

  test('a DM Slack refuses (an install without im:write) is skipped; the call in the thread stands and the job does not fail', async () => {
    const channel = channelWith([AUTHOR, AVERY]);
    t.slack.failNext('conversations.open', { error: 'missing_scope', extra: { needed: 'im:write' } });
    const plan = await planInReview(channel);
    expect(await noticeTexts(plan.id)).toHaveLength(1);
    expect(t.slack.callsTo('conversations.open').at(-1)).toMatchObject({ outcome: 'error', error: 'missing_scope' });
    const failed = await t.database.sql`select 1 from graphile_worker._private_jobs where payload->>'planId' = ${plan.id} and last_error is not null`;
    expect(failed).toHaveLength(0);
    expect(t.logs.some((line) => line.includes('Slack refused a notification DM'))).toBe(true);
  }, PIPELINE_TEST_TIMEOUT_MS);

  test('with no approvers named, the workspace admins from users.list (paged, cached) decide: 10 mentioned, the rest counted', async () => {
    await setReviewSettings(t, { approvers: [] });
    const admins = Array.from({ length: 12 }, (_, i) => `U0BOSS${String(i).padStart(2, '0')}`);
    for (const id of admins) t.slack.users.set(id, { is_admin: true });
    for (let i = 0; i < 230; i += 1) t.slack.users.set(`U0STAFF${i}`, {});
    t.slack.users.set('U0GONE', { is_admin: true, deleted: true });
    const listCalls = t.slack.callsTo('users.list').length;
    const channel = channelWith([AUTHOR, ADMIN, ...admins]);
    const plan = await planInReview(channel);

    const [notice] = await noticeTexts(plan.id);
    const mentioned = [...(notice ?? '').matchAll(/<@(U[A-Z0-9]+)>/g)].map((match) => match[1]);
    expect(mentioned).toHaveLength(10);
    expect(mentioned).not.toContain(AUTHOR);
    expect(mentioned).not.toContain('U0GONE');
    expect(notice).toContain('and 3 more can decide');
    // More users than one page holds: users.list was followed by its cursor.
    const pages = t.slack.callsTo('users.list').slice(listCalls);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages.slice(1).every((call) => typeof call.args['cursor'] === 'string' && call.args['cursor'] !== '')).toBe(true);

    // The list is cached for the workspace: the next plan in review does not read it again.
    const afterFirst = t.slack.callsTo('users.list').length;
    const second = await planInReview(channel);
    expect(await noticeTexts(second.id)).toHaveLength(1);
    expect(t.slack.callsTo('users.list').length).toBe(afterFirst);
    for (const id of [...admins, 'U0GONE']) t.slack.users.delete(id);
    for (let i = 0; i < 230; i += 1) t.slack.users.delete(`U0STAFF${i}`);
  }, PIPELINE_TEST_TIMEOUT_MS);

  test('a plan nobody else can approve says so and names the admins who can add approvers', async () => {
    await setReviewSettings(t, { approvers: [AUTHOR] });
    const plan = await planInReview(channelWith([AUTHOR, ADMIN]));
    const notices = await noticeTexts(plan.id);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('Nobody can approve');
    // The admins are named (the list is the workspace's cached one), never as approvers.
    expect(notices[0]).toMatch(new RegExp(`<@${ADMIN}>(, <@U[A-Z0-9]+>)* can add approvers`));
    expect(notices[0]).toContain('App Home');
    // Nobody to remind.
    const reminders = await t.database.sql`select 1 from graphile_worker._private_jobs where key = ${`plan:${plan.id}:review-reminder:0`}`;
    expect(reminders).toHaveLength(0);
  }, PIPELINE_TEST_TIMEOUT_MS);
});

describe('decisions', () => {
  test('request changes, the revision back in review, approve & schedule, and publishing each mention the author once', async () => {
    const channel = channelWith([AUTHOR, AVERY, SAM]);
    const plan = await planInReview(channel);

    await submitDecision(t, { userId: AVERY, callbackId: DECISION_MODALS.requestChanges.callbackId, planId: plan.id, values: feedbackValues('Shorten the intro.') });
    await expect.poll(() => planStatus(t, plan.id), { timeout: 20_000 }).not.toBe('in_review');
    await waitForStatus(t, plan.id, 'in_review');
    await waitForQuiet(t, plan.id);
    let notices = await noticeTexts(plan.id);
    expect(notices).toHaveLength(3);
    const changes = notices.find((text) => text.includes('requested changes'));
    expect(changes).toContain(`<@${AVERY}> requested changes`);
    expect(changes).toContain('Shorten the intro.');
    expect(mentionsOf(changes ?? '', AUTHOR)).toBe(1);
    // The revision back in review calls the approvers again, in a new message.
    const backInReview = notices.find((text) => text.includes('back in review'));
    expect(backInReview).toContain(`<@${AVERY}>`);
    expect(backInReview).toContain('Revision 2');
    expect(mentionsOf(backInReview ?? '', AUTHOR)).toBe(0);

    const at = new Date(Date.now() + 2_000);
    const scheduled = await submitDecision(t, {
      userId: SAM,
      callbackId: DECISION_MODALS.schedule.callbackId,
      planId: plan.id,
      values: scheduleValues(at, [`slack:${channel}`]),
    });
    expect(scheduled).toBeUndefined();
    await waitForStatus(t, plan.id, 'published', 30_000);
    await waitForQuiet(t, plan.id);
    notices = await noticeTexts(plan.id);
    expect(notices).toHaveLength(5);
    const approvedAndScheduled = notices.filter((text) => text.includes('scheduled'));
    expect(approvedAndScheduled).toHaveLength(1);
    expect(approvedAndScheduled[0]).toContain(`<@${SAM}> approved and scheduled`);
    expect(approvedAndScheduled[0]).toContain(`<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} at {time}|`);
    const published = notices.find((text) => text.includes('is published'));
    expect(published).toMatch(/<https:\/\/[^|]+\|/);
    // Every decision told the author exactly once; the calls for review never mention them.
    expect(notices.map((text) => mentionsOf(text, AUTHOR))).toEqual([0, 1, 0, 1, 1]);

    await rerender(plan.id, 2);
    expect(await noticeTexts(plan.id)).toHaveLength(5);
  }, PIPELINE_TEST_TIMEOUT_MS);

  test('a rejection tells the author with the reason, once', async () => {
    const plan = await planInReview(channelWith([AUTHOR, AVERY, SAM]));
    await submitDecision(t, { userId: SAM, callbackId: DECISION_MODALS.reject.callbackId, planId: plan.id, values: reasonValues('Off-brand topic.') });
    await waitForStatus(t, plan.id, 'rejected');
    // The render (and the notices after it) is asked for once the submission is acknowledged.
    await expect.poll(() => noticeTexts(plan.id), { timeout: 20_000 }).toHaveLength(2);
    await waitForQuiet(t, plan.id);
    const notices = await noticeTexts(plan.id);
    expect(notices).toHaveLength(2);
    expect(notices[1]).toBe(`<@${AUTHOR}> <@${SAM}> rejected plan #${plan.number} “${GOOD_DRAFT.title}”: “Off-brand topic.”.`);
  }, PIPELINE_TEST_TIMEOUT_MS);

  test('an approval short of the required number says how many so far', async () => {
    await setReviewSettings(t, { approvers: [AVERY, SAM], requiredApprovals: 2 });
    const plan = await planInReview(channelWith([AUTHOR, AVERY, SAM]));
    await press(t, { userId: AVERY, actionId: ACTIONS.approve, planId: plan.id });
    await waitForQuiet(t, plan.id);
    await expect.poll(() => noticeTexts(plan.id), { timeout: 20_000 }).toHaveLength(2);
    const [, approved] = await noticeTexts(plan.id);
    expect(approved).toContain(`<@${AUTHOR}> <@${AVERY}> approved`);
    expect(approved).toContain('1 of 2 approvals so far');
  }, PIPELINE_TEST_TIMEOUT_MS);
});

describe('the review reminder', () => {
  test('fires once, after REVIEW_REMINDER_HOURS, for approvers who pressed nothing', async () => {
    await setReviewSettings(t, { approvers: [AVERY, SAM], requiredApprovals: 2 });
    const plan = await planInReview(channelWith([AUTHOR, AVERY, SAM]));
    const key = `plan:${plan.id}:review-reminder:0`;
    const [job] = await t.database.sql<{ hours_ahead: number }[]>`
      select extract(epoch from run_at - created_at)::float / 3600 as hours_ahead from graphile_worker._private_jobs where key = ${key}`;
    expect(job).toBeDefined();
    const hoursAhead = Number(job!.hours_ahead);
    expect(hoursAhead).toBeGreaterThan(REMINDER_HOURS - 0.01);
    expect(hoursAhead).toBeLessThan(REMINDER_HOURS + 0.01);

    await press(t, { userId: AVERY, actionId: ACTIONS.approve, planId: plan.id });
    const samBefore = dmsTo(SAM).length;
    const averyBefore = dmsTo(AVERY).length;
    // The hours pass: the job's time is moved to now instead of waiting.
    const moveToNow = () => t.database.sql`update graphile_worker._private_jobs set run_at = now() where key = ${key}`;
    await moveToNow();
    await expect.poll(() => dmsTo(SAM).length, { timeout: 20_000 }).toBe(samBefore + 1);
    await waitForQuiet(t, plan.id);
    expect(String(dmsTo(SAM).at(-1)?.args['text'])).toContain(`has waited ${REMINDER_HOURS} hours for your review`);
    expect(dmsTo(AVERY)).toHaveLength(averyBefore);

    // Asked again (a re-render, the same job once more): no second reminder.
    await rerender(plan.id, 1);
    await t.database.sql`select graphile_worker.add_job('remind_reviewers', ${JSON.stringify({ teamId: TEAM, planId: plan.id, revision: 0 })}::json, job_key => ${key})`;
    await waitForQuiet(t, plan.id);
    expect(dmsTo(SAM)).toHaveLength(samBefore + 1);
  }, PIPELINE_TEST_TIMEOUT_MS);

  test('cancelling a plan in review drops its reminder', async () => {
    const plan = await planInReview(channelWith([AUTHOR, AVERY, SAM]));
    const reminder = () => t.database.sql`select 1 from graphile_worker._private_jobs where key = ${`plan:${plan.id}:review-reminder:0`}`;
    expect(await reminder()).toHaveLength(1);
    expect(await chooseFromMenu(t, { userId: AUTHOR, option: 'cancel', planId: plan.id })).toContain('cancelled');
    expect(await reminder()).toHaveLength(0);
  }, PIPELINE_TEST_TIMEOUT_MS);
});
