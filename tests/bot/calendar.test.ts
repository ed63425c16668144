import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ACTIONS, CALENDAR_ACTIONS, DECISION_MODALS, decisionButtonValue } from '../../src/bot/ids.ts';
import { calendarRange } from '../../src/domain/calendar.ts';
import type { PlanStatus } from '../../src/domain/plan-states.ts';
import { findBlockKitViolations } from '../support/block-kit-limits.ts';
import { PLAN_CHANNEL, TEAM } from '../support/pipeline.ts';
import { setReviewSettings } from '../support/review.ts';
import { blockActionsBody, eventBody, slashCommandBody } from '../support/slack-requests.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const AUTHOR = 'U0MARKETER';
const AVERY = 'U0AVERY';
const STRANGER = 'U0STRANGER';
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

let t: TestApp;
let seeded = 0;
const week = calendarRange({ period: 'week', offset: 0 }, new Date());
const nextWeek = calendarRange({ period: 'week', offset: 1 }, new Date());
const month = calendarRange({ period: 'month', offset: 0 }, new Date());
const laterWeek = calendarRange({ period: 'week', offset: 8 }, new Date());

type Seeded = { id: string; number: number; revision: number };

async function seedPlan({
  status,
  topic,
  times = [],
  authorId = AUTHOR,
  isPrivate = false,
}: {
  status: PlanStatus;
  topic: string;
  times?: { key: string; name: string; at: Date }[];
  authorId?: string;
  isPrivate?: boolean;
}): Promise<Seeded> {
  seeded += 1;
  const number = 2000 + seeded;
  const publishTimes = times.map(({ key, name, at }) => ({ key, name, at: at.toISOString() }));
  const earliest = times.length > 0 ? new Date(Math.min(...times.map((time) => time.at.getTime()))).toISOString() : null;
  const [row] = await t.database.sql<{ id: string; revision: number }[]>`
    insert into content_plans (team_id, number, source_key, author_id, topic, keyphrase, channels, post_channel_id, channel_is_private, status, settings,
      approved_at, scheduled_at, publish_times, message_channel_id, message_ts, message_permalink, revision)
    values (${TEAM}, ${number}, ${`seed:${number}`}, ${authorId}, ${topic}, 'seeded', ${['blog']}, ${PLAN_CHANNEL}, ${isPrivate}, ${status},
      ${JSON.stringify({ approvers: [AVERY] })}::jsonb, now(), ${earliest}, ${JSON.stringify(publishTimes)}::jsonb,
      ${PLAN_CHANNEL}, ${`1700000000.${number}`}, ${`https://fake.slack.test/archives/${PLAN_CHANNEL}/p${number}`}, 2)
    returning id, revision`;
  return { id: row!.id, number, revision: row!.revision };
}

async function seedDelivered(plan: Seeded, { key, name, at, url }: { key: string; name: string; at: Date; url: string }) {
  await t.database.sql`
    insert into publish_attempts (team_id, plan_id, revision, destination_key, destination_name, destination_kind, state, url, delivered_at)
    values (${TEAM}, ${plan.id}, ${plan.revision}, ${key}, ${name}, 'webhook', 'delivered', ${url}, ${at.toISOString()})`;
}

async function seedArticleTitle(plan: Seeded, title: string) {
  await t.database.sql`
    insert into content_items (team_id, plan_id, revision, version, origin, title, slug, meta_description, markdown, is_current)
    values (${TEAM}, ${plan.id}, ${plan.revision}, 1, 'draft', ${title}, 'slug', 'meta', '# body', true)`;
}

type Reply = { text: string; blocks: Record<string, unknown>[] };

async function calendar(userId: string, text: string): Promise<Reply> {
  const response = await t.send(slashCommandBody({ teamId: TEAM, userId, channelId: PLAN_CHANNEL, text, triggerId: 'x' }));
  expect(response.status).toBe(200);
  return (await response.json()) as Reply;
}

const at = (from: Date, days: number, hours: number) => new Date(from.getTime() + days * DAY_MS + hours * HOUR_MS);
const numbersIn = (reply: unknown) => [...new Set([...JSON.stringify(reply).matchAll(/\*#(\d+)\*/g)].map((match) => Number(match[1])))].sort();
const rescheduleValues = (reply: unknown) =>
  [...JSON.stringify(reply).matchAll(/"action_id":"schedule_plan","value":"([^"]+)"/g)].map((match) => match[1]);

function pagerButton(reply: { blocks: Record<string, unknown>[] }, actionId: string) {
  const pager = reply.blocks.findLast((block) => block['type'] === 'actions') as { elements: { action_id: string; value: string }[] };
  const found = pager.elements.find((element) => element.action_id === actionId);
  expect(found, `${actionId} in the pager`).toBeDefined();
  return found!;
}

async function openHome(userId: string) {
  const before = t.slack.callsTo('views.publish').filter((call) => call.args['user_id'] === userId).length;
  await t.send(eventBody({ teamId: TEAM, event: { type: 'app_home_opened', user: userId, tab: 'home', channel: 'D0HOME' } }));
  const calls = await t.slack.waitFor((call) => call.method === 'views.publish' && call.args['user_id'] === userId, 10_000, before + 1);
  return calls.at(-1)!.args['view'] as { blocks: Record<string, unknown>[]; private_metadata: string };
}

let scheduledPublic: Seeded;
let publishedPlan: Seeded;
let privatePlan: Seeded;
let nextWeekPlan: Seeded;
let laterInMonth: Seeded | null = null;

beforeAll(async () => {
  t = await startTestApp({ env: { LOG_LEVEL: 'warn' } });
  for (const userId of [AUTHOR, AVERY, STRANGER]) t.slack.users.set(userId, { is_admin: false });
  await setReviewSettings(t, { approvers: [AVERY] });
  scheduledPublic = await seedPlan({
    status: 'scheduled',
    topic: 'Spring launch topic',
    times: [
      { key: 'blog', name: 'Company blog', at: at(week.from, 1, 9) },
      { key: 'linkedin', name: 'LinkedIn page', at: at(week.from, 3, 14) },
    ],
  });
  publishedPlan = await seedPlan({ status: 'published', topic: 'Old topic words' });
  await seedArticleTitle(publishedPlan, 'The article title wins');
  await seedDelivered(publishedPlan, { key: 'x', name: 'X account', at: at(week.from, 0, 10), url: 'https://x.example/status/1' });
  privatePlan = await seedPlan({ status: 'scheduled', topic: 'Private roadmap', isPrivate: true, times: [{ key: 'blog', name: 'Company blog', at: at(week.from, 2, 12) }] });
  nextWeekPlan = await seedPlan({ status: 'scheduled', topic: 'Next week topic', times: [{ key: 'blog', name: 'Company blog', at: at(nextWeek.from, 2, 8) }] });
  // Within this month but after this week, when the month has such days.
  const lateDay = at(month.to, -2, 11);
  if (lateDay >= week.to) laterInMonth = await seedPlan({ status: 'scheduled', topic: 'Late month topic', times: [{ key: 'newsletter', name: 'Newsletter', at: lateDay }] });
});
afterAll(async () => t?.close());

describe('/content calendar', () => {
  test('week: scheduled and published items by day and destination, titled, stated and linked to their threads', async () => {
    const reply = await calendar(AVERY, 'calendar');
    const json = JSON.stringify(reply);
    expect(numbersIn(reply)).toEqual([scheduledPublic.number, publishedPlan.number, privatePlan.number].sort());
    expect(findBlockKitViolations(reply.blocks, 'message')).toEqual([]);
    // By day, in order: Monday's publication, then Tuesday's, Wednesday's, Thursday's times.
    const dayNames = ['Monday', 'Tuesday', 'Wednesday', 'Thursday'].map((day) => json.indexOf(`*${day} `));
    expect(dayNames.every((index) => index > 0)).toBe(true);
    expect([...dayNames].sort((a, b) => a - b)).toEqual(dayNames);
    expect(json).toContain('10:00 · X account · published · <https://x.example/status/1|view>');
    expect(json).toContain('09:00 · Company blog · scheduled');
    expect(json).toContain('14:00 · LinkedIn page · scheduled');
    expect(json).toContain(`<https://fake.slack.test/archives/${PLAN_CHANNEL}/p${publishedPlan.number}|The article title wins> · Published`);
    expect(json).not.toContain('Old topic words');
    expect(json).toContain(`|Spring launch topic> · Scheduled`);
    expect(json).not.toContain('Next week topic');
    expect(json).toContain('UTC');
  });

  test('month: the whole month, this week and the weeks after it', async () => {
    const reply = await calendar(AVERY, 'calendar month');
    const expected = [scheduledPublic, privatePlan, ...(laterInMonth ? [laterInMonth] : [])];
    if (nextWeek.from < month.to) expected.push(nextWeekPlan);
    if (week.from >= month.from) expected.push(publishedPlan);
    const shown = numbersIn(reply);
    for (const plan of expected) expect(shown).toContain(plan.number);
    if (laterInMonth) expect(JSON.stringify(reply)).toContain('11:00 · Newsletter · scheduled');
    expect(findBlockKitViolations(reply.blocks, 'message')).toEqual([]);
  });

  test('visibility: a private-channel plan is hidden from a stranger, who also gets no Reschedule', async () => {
    const reply = await calendar(STRANGER, 'calendar week');
    expect(numbersIn(reply)).toEqual([scheduledPublic.number, publishedPlan.number].sort());
    expect(JSON.stringify(reply)).not.toContain('Private roadmap');
    expect(rescheduleValues(reply)).toEqual([]);
    // The marketer who wrote the plans sees them, but only approvers may reschedule.
    const marketer = await calendar(AUTHOR, 'calendar');
    expect(numbersIn(marketer)).toContain(privatePlan.number);
    expect(rescheduleValues(marketer)).toEqual([]);
    const approver = await calendar(AVERY, 'calendar');
    // A plan whose destinations publish on two days has Reschedule on each of those days.
    expect(rescheduleValues(approver).filter((value) => value === decisionButtonValue(scheduledPublic))).toHaveLength(2);
    expect([...new Set(rescheduleValues(approver))].sort()).toEqual([decisionButtonValue(scheduledPublic), decisionButtonValue(privatePlan)].sort());
  });

  test('Reschedule on the calendar opens the schedule modal for that plan', async () => {
    const reply = await calendar(AVERY, 'calendar');
    const value = rescheduleValues(reply).find((candidate) => candidate === decisionButtonValue(scheduledPublic))!;
    const before = t.slack.callsTo('views.open').length;
    const response = await t.send(
      blockActionsBody({
        teamId: TEAM,
        userId: AVERY,
        channelId: PLAN_CHANNEL,
        actions: [{ action_id: ACTIONS.schedule, block_id: 'calendar', value }],
        triggerId: t.slack.issueTriggerId(),
        responseUrl: t.slack.issueResponseUrl(),
      }),
    );
    expect(response.status).toBe(200);
    const [opened] = await t.slack.waitFor((call) => call.method === 'views.open', 10_000, before + 1).then((calls) => calls.slice(before));
    const view = opened!.args['view'] as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(DECISION_MODALS.schedule.callbackId);
    expect(JSON.parse(view.private_metadata)).toMatchObject({ planId: scheduledPublic.id, revision: scheduledPublic.revision });
  });

  test('paging: Next week replaces the answer with next week, This week goes back', async () => {
    const reply = await calendar(STRANGER, 'calendar');
    const next = pagerButton(reply, `${CALENDAR_ACTIONS.page}_next`);
    const responseUrl = t.slack.issueResponseUrl();
    await t.send(blockActionsBody({ teamId: TEAM, userId: STRANGER, channelId: PLAN_CHANNEL, actions: [{ action_id: next.action_id, block_id: 'pager', value: next.value }], triggerId: 'x', responseUrl }));
    const answer = async () => {
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 25))) {
        const posted = t.slack.responses.find((candidate) => candidate.url === responseUrl);
        if (posted) return posted.body as unknown as Reply & { replace_original: boolean };
      }
      throw new Error('no answer');
    };
    const second = await answer();
    expect(second.replace_original).toBe(true);
    expect(numbersIn(second)).toEqual([nextWeekPlan.number]);
    expect(pagerButton(second, `${CALENDAR_ACTIONS.page}_current`).value).toBe('week:0');
    expect(pagerButton(second, `${CALENDAR_ACTIONS.page}_previous`).value).toBe('week:0');
    expect(pagerButton(second, `${CALENDAR_ACTIONS.page}_next`).value).toBe('week:2');
  });

  test('bad arguments get the usage', async () => {
    for (const text of ['calendar year', 'calendar week month', 'calendar 3']) {
      const reply = await calendar(AVERY, text);
      expect(reply.text).toContain('Usage: `/content calendar [week|month]`');
    }
  });
});

describe('the Home calendar', () => {
  test('shows this week as the person may see it, and pages with its place kept in private_metadata', async () => {
    const home = await openHome(STRANGER);
    const json = JSON.stringify(home.blocks);
    expect(json).toContain('Calendar: week of');
    expect(json).toContain('Spring launch topic');
    expect(json).not.toContain('Private roadmap');
    expect(JSON.parse(home.private_metadata)).toMatchObject({ calendar: { period: 'week', offset: 0 } });
    const next = pagerButton({ blocks: home.blocks.filter((block) => JSON.stringify(block).includes(CALENDAR_ACTIONS.homePage)) }, `${CALENDAR_ACTIONS.homePage}_next`);
    const before = t.slack.callsTo('views.publish').filter((call) => call.args['user_id'] === STRANGER).length;
    await t.send(
      blockActionsBody({
        teamId: TEAM,
        userId: STRANGER,
        actions: [{ action_id: next.action_id, block_id: 'pager', value: next.value }],
        triggerId: 'x',
        view: { id: 'V0HOME', type: 'home', private_metadata: JSON.stringify({ myPlans: 1, waiting: 1, calendar: { period: 'week', offset: 0 } }) },
      }),
    );
    const calls = await t.slack.waitFor((call) => call.method === 'views.publish' && call.args['user_id'] === STRANGER, 10_000, before + 1);
    const paged = calls.at(-1)!.args['view'] as { blocks: unknown[]; private_metadata: string };
    expect(JSON.stringify(paged.blocks)).toContain('Next week topic');
    expect(JSON.stringify(paged.blocks)).not.toContain('Spring launch topic');
    expect(JSON.parse(paged.private_metadata)).toMatchObject({ calendar: { period: 'week', offset: 1 } });
  });
});

describe('Block Kit limits', () => {
  test('100 scheduled plans in one week stay within a message and a Home, saying how many are not shown', async () => {
    for (let index = 0; index < 100; index += 1) {
      await seedPlan({
        status: 'scheduled',
        topic: `Busy week plan ${index} ${'long words '.repeat(20)}`,
        times: [
          { key: 'blog', name: `Blog ${'n'.repeat(70)}`, at: at(laterWeek.from, index % 7, 8 + (index % 10)) },
          { key: 'x', name: 'X account', at: at(laterWeek.from, index % 7, 9 + (index % 10)) },
        ],
      });
    }
    const responseUrl = t.slack.issueResponseUrl();
    await t.send(
      blockActionsBody({ teamId: TEAM, userId: AVERY, channelId: PLAN_CHANNEL, actions: [{ action_id: `${CALENDAR_ACTIONS.page}_next`, block_id: 'pager', value: 'week:8' }], triggerId: 'x', responseUrl }),
    );
    let reply: Reply | undefined;
    for (const deadline = Date.now() + 15_000; !reply && Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 25))) {
      reply = t.slack.responses.find((candidate) => candidate.url === responseUrl)?.body as Reply | undefined;
    }
    expect(reply).toBeDefined();
    expect(reply!.blocks.length).toBeLessThanOrEqual(50);
    expect(findBlockKitViolations(reply!.blocks, 'message')).toEqual([]);
    expect(JSON.stringify(reply)).toMatch(/\d+ more items not shown/);
    expect(numbersIn(reply).length).toBeGreaterThan(20);

    const before = t.slack.callsTo('views.publish').filter((call) => call.args['user_id'] === AVERY).length;
    await t.send(
      blockActionsBody({
        teamId: TEAM,
        userId: AVERY,
        actions: [{ action_id: `${CALENDAR_ACTIONS.homePage}_next`, block_id: 'pager', value: 'week:8' }],
        triggerId: 'x',
        view: { id: 'V0HOME', type: 'home', private_metadata: '{}' },
      }),
    );
    const calls = await t.slack.waitFor((call) => call.method === 'views.publish' && call.args['user_id'] === AVERY, 15_000, before + 1);
    const home = calls.at(-1)!.args['view'] as { blocks: unknown[] };
    expect(home.blocks.length).toBeLessThanOrEqual(100);
    expect(findBlockKitViolations(home.blocks, 'home')).toEqual([]);
    expect(JSON.stringify(home.blocks)).toMatch(/\d+ more items not shown/);
  }, 60_000);
});
