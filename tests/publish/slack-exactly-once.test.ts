import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { ACTIONS, DECISION_MODALS } from '../../src/bot/ids.ts';
import { ANNOUNCEMENT_EVENT_TYPE } from '../../src/publish/slack-channel.ts';
import { rootMessage, seedCompetitors, submitPlan, TEAM, waitForQuiet, waitForStatus } from '../support/pipeline.ts';
import { ENCRYPTION_KEY_HEX, press, scheduleValues, setReviewSettings, submitDecision } from '../support/review.ts';
import { GOOD_DRAFT, scriptAuthor } from '../support/scripted-author.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const AVERY = 'U0AVERY';
const ANNOUNCE = 'C0ANNOUNCE';

let t: TestApp;
let destinationKey: string;

beforeAll(async () => {
  t = await startTestApp({ env: { ENCRYPTION_KEY: ENCRYPTION_KEY_HEX, JOB_MAX_ATTEMPTS: '4' } });
  seedCompetitors(t.firecrawl);
  await setReviewSettings(t, { approvers: [AVERY] });
  const [row] = await t.database.sql<{ id: string }[]>`
    insert into publish_destinations (team_id, kind, name, config)
    values (${TEAM}, 'slack_channel', 'Announcements', ${JSON.stringify({ kind: 'slack_channel', channelId: ANNOUNCE })}::jsonb)
    returning id`;
  destinationKey = `dest:${row!.id}`;
});
afterAll(async () => {
  await t?.close();
});
beforeEach(() => {
  scriptAuthor(t.openai, { drafts: [GOOD_DRAFT] });
});

const inAnnouncements = (args: Record<string, unknown>) => args['channel'] === ANNOUNCE;

/** Announcements of one plan in the channel, as Slack holds them. */
function announcementsOf(planId: string) {
  return t.slack.messages
    .list(ANNOUNCE)
    .filter((message) => (message.metadata as { event_type?: string; event_payload?: { plan_id?: string } } | undefined)?.event_payload?.plan_id === planId)
    .filter((message) => (message.metadata as { event_type?: string }).event_type === ANNOUNCEMENT_EVENT_TYPE);
}

async function publishApprovedPlan() {
  const plan = await submitPlan(t, { channels: ['blog'] });
  await waitForStatus(t, plan.id, 'in_review');
  await press(t, { userId: AVERY, actionId: ACTIONS.approve, planId: plan.id });
  const answer = await submitDecision(t, {
    userId: AVERY,
    callbackId: DECISION_MODALS.schedule.callbackId,
    planId: plan.id,
    values: scheduleValues(new Date(Date.now() + 1_500), [destinationKey]),
  });
  expect(answer).toBeUndefined();
  await waitForStatus(t, plan.id, 'published', 40_000);
  await waitForQuiet(t, plan.id);
  const [attempt] = await t.database.sql`select state, tries, external_id, reason, created_at from publish_attempts where plan_id = ${plan.id}`;
  return { plan, attempt: attempt! };
}

describe('a Slack announcement after an ambiguous error', () => {
  test('posted but answered internal_error: the retry finds it in history by its idempotency key and posts nothing more', async () => {
    t.slack.failNext('chat.postMessage', { error: 'internal_error', afterApplying: true, onlyIf: inAnnouncements });
    const historyBefore = t.slack.callsTo('conversations.history').length;
    const { plan, attempt } = await publishApprovedPlan();

    const posted = announcementsOf(plan.id);
    expect(posted).toHaveLength(1);
    expect(attempt).toMatchObject({ state: 'delivered', tries: 2, external_id: `${ANNOUNCE}:${posted[0]!.ts}`, reason: null });
    const [lookup] = t.slack.callsTo('conversations.history').slice(historyBefore);
    expect(lookup?.args).toMatchObject({ channel: ANNOUNCE, include_all_metadata: 'true', inclusive: 'true' });
    // Bounded to the attempt's time window.
    const startedAt = new Date(String(attempt['created_at'])).getTime() / 1000;
    expect(Number(lookup?.args['oldest'])).toBeGreaterThan(startedAt - 180);
    expect(Number(lookup?.args['oldest'])).toBeLessThan(startedAt);
    expect(Number(lookup?.args['latest'])).toBeLessThan(Date.now() / 1000 + 180);
    expect(JSON.stringify((await rootMessage(t, plan.id)).message.blocks)).toContain('Announcements: ✅ delivered');
  }, 90_000);

  test('not posted and answered internal_error: history shows nothing, so it is posted once', async () => {
    t.slack.failNext('chat.postMessage', { error: 'internal_error', onlyIf: inAnnouncements });
    const { plan, attempt } = await publishApprovedPlan();
    expect(announcementsOf(plan.id)).toHaveLength(1);
    expect(attempt).toMatchObject({ state: 'delivered', tries: 2, reason: null });
  }, 90_000);

  test('when history cannot be read, it is posted again and the thread says a duplicate is possible', async () => {
    t.slack.failNext('chat.postMessage', { error: 'internal_error', afterApplying: true, onlyIf: inAnnouncements });
    t.slack.failNext('conversations.history', { error: 'missing_scope' });
    const { plan, attempt } = await publishApprovedPlan();
    expect(announcementsOf(plan.id)).toHaveLength(2);
    const warning = `Slack's history of <#${ANNOUNCE}> could not be read (missing_scope), so it may have been posted twice.`;
    expect(attempt).toMatchObject({ state: 'delivered', reason: warning });
    expect(JSON.stringify((await rootMessage(t, plan.id)).message.blocks)).toContain(`Announcements: ✅ delivered · <`);
    expect(JSON.stringify((await rootMessage(t, plan.id)).message.blocks)).toContain(`⚠️ ${warning}`);
  }, 90_000);
});
