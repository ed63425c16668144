import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DELETE_PLAN_MODAL } from '../../src/bot/ids.ts';
import type { PlanStatus } from '../../src/domain/plan-states.ts';
import { findBlockKitViolations } from '../support/block-kit-limits.ts';
import { chooseFromMenu, confirmDelete } from '../support/manage.ts';
import { AUTHOR, PLAN_CHANNEL, rootMessage, seedCompetitors, submitPlan, TEAM, waitForQuiet, waitForStatus } from '../support/pipeline.ts';
import { setReviewSettings } from '../support/review.ts';
import { GOOD_DRAFT, scriptAuthor } from '../support/scripted-author.ts';
import { eventBody, slashCommandBody } from '../support/slack-requests.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const OTHER = 'U0OTHER';
const AVERY = 'U0AVERY';
const ADMIN = 'U0ADMIN';
const STRANGER = 'U0STRANGER';

let t: TestApp;
let seeded = 0;

/** Adds a plan row directly, numbered from 1001 so it never meets the pipeline's numbers; newer plans later. */
async function seedPlan({ status, authorId = OTHER, isPrivate = false, approved = false }: { status: PlanStatus; authorId?: string; isPrivate?: boolean; approved?: boolean }) {
  seeded += 1;
  const number = 1000 + seeded;
  const createdAt = new Date(Date.now() - 24 * 60 * 60 * 1000 + seeded * 1000).toISOString();
  await t.database.sql`
    insert into content_plans (team_id, number, source_key, author_id, topic, keyphrase, channels, post_channel_id, channel_is_private, status, settings, created_at, approved_at, scheduled_at)
    values (${TEAM}, ${number}, ${`seed:${number}`}, ${authorId}, ${`Seeded plan ${number}`}, 'seeded', ${['blog']}, ${PLAN_CHANNEL}, ${isPrivate}, ${status},
      ${JSON.stringify({ approvers: [AVERY] })}::jsonb, ${createdAt}, ${approved ? createdAt : null},
      ${status === 'scheduled' ? new Date(Date.now() + 2 * 24 * 60 * 60 * 1000).toISOString() : null})`;
  return number;
}

async function command(userId: string, text: string): Promise<string> {
  const response = await t.send(slashCommandBody({ teamId: TEAM, userId, channelId: PLAN_CHANNEL, text, triggerId: 'x' }));
  expect(response.status).toBe(200);
  return JSON.stringify(await response.json());
}

const numbersIn = (answer: string) => [...answer.matchAll(/\*#(\d+)\*/g)].map((match) => Number(match[1]));

async function openHome(userId: string) {
  const before = t.slack.callsTo('views.publish').filter((call) => call.args['user_id'] === userId).length;
  await t.send(eventBody({ teamId: TEAM, event: { type: 'app_home_opened', user: userId, tab: 'home', channel: 'D0HOME' } }));
  const calls = await t.slack.waitFor((call) => call.method === 'views.publish' && call.args['user_id'] === userId, 10_000, before + 1);
  return calls.at(-1)!.args['view'] as { blocks: unknown[] };
}

const published: number[] = [];
const mineScheduled: number[] = [];
const review: number[] = [];
const failedPublic: number[] = [];
let failedPrivate = 0;

beforeAll(async () => {
  t = await startTestApp({ env: { LOG_LEVEL: 'warn' } });
  seedCompetitors(t.firecrawl);
  scriptAuthor(t.openai, { drafts: [GOOD_DRAFT] });
  for (const userId of [AUTHOR, OTHER, AVERY, STRANGER]) t.slack.users.set(userId, { is_admin: false });
  t.slack.users.set(ADMIN, { is_admin: true });
  await setReviewSettings(t, { approvers: [AVERY] });
  for (let index = 0; index < 12; index += 1) published.push(await seedPlan({ status: 'published', authorId: AUTHOR, approved: true }));
  review.push(await seedPlan({ status: 'in_review' }), await seedPlan({ status: 'in_review' }), await seedPlan({ status: 'scheduled' }));
  for (let index = 0; index < 2; index += 1) mineScheduled.push(await seedPlan({ status: 'scheduled', authorId: AUTHOR, approved: true }));
  for (let index = 0; index < 3; index += 1) failedPublic.push(await seedPlan({ status: 'failed' }));
  failedPrivate = await seedPlan({ status: 'failed', isPrivate: true });
});
afterAll(async () => t?.close());

const newestFirst = (numbers: number[]) => [...numbers].sort((a, b) => b - a);

describe('/content list filters and pages', () => {
  test('mine, in pages of 10', async () => {
    const mine = newestFirst([...published, ...mineScheduled]);
    const first = await command(AUTHOR, 'list mine');
    expect(numbersIn(first)).toEqual(mine.slice(0, 10));
    expect(first).toContain('/content list mine 2');
    const second = await command(AUTHOR, 'list mine 2');
    expect(numbersIn(second)).toEqual(mine.slice(10));
    expect(second).not.toContain('/content list mine 3');
  });

  test('review, scheduled, published and failed', async () => {
    expect(numbersIn(await command(STRANGER, 'list review'))).toEqual(newestFirst(review));
    expect(numbersIn(await command(STRANGER, 'list scheduled'))).toEqual(newestFirst([review[2]!, ...mineScheduled]));
    expect(numbersIn(await command(STRANGER, 'LIST published 2'))).toEqual(newestFirst(published).slice(10));
    expect(numbersIn(await command(STRANGER, 'list 2 published'))).toEqual(newestFirst(published).slice(10));
  });

  test('the visibility rule: a private channel’s plan only for its author, approvers and admins', async () => {
    expect(numbersIn(await command(STRANGER, 'list failed'))).toEqual(newestFirst(failedPublic));
    expect(numbersIn(await command(AVERY, 'list failed'))).toEqual(newestFirst([...failedPublic, failedPrivate]));
    expect(numbersIn(await command(ADMIN, 'list failed'))).toEqual(newestFirst([...failedPublic, failedPrivate]));
    expect(await command(STRANGER, `status ${failedPrivate}`)).toContain(`There is no plan #${failedPrivate}`);
    expect(numbersIn(await command(AVERY, `status ${failedPrivate}`))).toEqual([failedPrivate]);
  });

  test('bad arguments get a usage answer', async () => {
    for (const text of ['list bogus', 'list review failed', 'list 0', 'list 2 3']) {
      const answer = await command(AUTHOR, text);
      expect(answer, text).toContain('Usage: `/content list [mine|review|scheduled|published|failed] [page]`');
      expect(answer, text).toContain('"response_type":"ephemeral"');
    }
    for (const text of ['status', 'status abc', 'status -1']) expect(await command(AUTHOR, text), text).toContain('Usage: `/content status N`');
    expect(await command(AUTHOR, 'list failed 9')).toContain('No more plans on page 9');
  });
});

test('delete hides the plan from lists, status, the Home, the dashboard and the team view; its audit rows stay; its message becomes a tombstone', async () => {
  const plan = await submitPlan(t, { channels: ['blog'] });
  await waitForStatus(t, plan.id, 'in_review');
  await waitForQuiet(t, plan.id);
  expect(numbersIn(await command(AUTHOR, 'list mine'))).toContain(plan.number);
  expect(JSON.stringify((await openHome(AUTHOR)).blocks)).toContain(`*#${plan.number}*`);

  expect(await chooseFromMenu(t, { userId: STRANGER, option: 'delete', planId: plan.id })).toContain('or a workspace admin can delete it');
  await chooseFromMenu(t, { userId: AUTHOR, option: 'delete', planId: plan.id });
  const dialog = t.slack.callsTo('views.open').at(-1)?.args['view'] as { callback_id: string; private_metadata: string };
  expect(dialog).toMatchObject({ callback_id: DELETE_PLAN_MODAL.callbackId, private_metadata: JSON.stringify({ planId: plan.id }) });
  expect(await confirmDelete(t, { userId: AUTHOR, planId: plan.id })).toBeUndefined();
  await waitForQuiet(t, plan.id);

  for (const text of ['list', 'list mine', 'list review']) expect(numbersIn(await command(AUTHOR, text)), text).not.toContain(plan.number);
  expect(await command(AUTHOR, `status ${plan.number}`)).toContain(`There is no plan #${plan.number}`);
  expect(JSON.stringify((await openHome(AUTHOR)).blocks)).not.toContain(`#${plan.number}*`);
  const adminHome = JSON.stringify((await openHome(ADMIN)).blocks);
  expect(adminHome).toContain('Team · last 30 days');
  // The dashboard counts the seeded plans only: 12 published, 3 + 1 failed, 2 in review, 3 scheduled.
  expect(adminHome).toContain('21 in all');
  // Reached review: the 12 published, 2 in review and 3 scheduled seeded plans, not the deleted one.
  expect(adminHome).toContain('over 17 plans that reached review');

  const audit = await t.database.sql`select action, actor_id from audit_log where plan_id = ${plan.id} order by id`;
  expect(audit.map((entry) => `${entry['action']}:${entry['actor_id']}`)).toEqual(['plan_created:U0MIA', `plan_deleted:${AUTHOR}`]);
  const [row] = await t.database.sql`select status, deleted_at from content_plans where id = ${plan.id}`;
  expect(row?.['status']).toBe('cancelled');
  expect(row?.['deleted_at']).not.toBeNull();
  const { message } = await rootMessage(t, plan.id);
  expect(message.text).toContain(`Plan #${plan.number} was deleted by <@${AUTHOR}>`);
  expect(message.blocks).toHaveLength(1);
  expect(await chooseFromMenu(t, { userId: AUTHOR, option: 'cancel', planId: plan.id })).toContain('no longer exists');
});

test('the team view is for approvers and admins; admins keep the system view; an admin’s Home with 100 plans stays within Block Kit limits', async () => {
  const stranger = JSON.stringify((await openHome(STRANGER)).blocks);
  expect(stranger).not.toContain('Team · last 30 days');
  const approver = JSON.stringify((await openHome(AVERY)).blocks);
  expect(approver).toContain('Team · last 30 days');
  expect(approver).toContain('*First-pass approval*');
  expect(approver).not.toContain('*Tokens*');

  await setReviewSettings(t, { approvers: [] });
  const statuses: PlanStatus[] = ['in_review', 'failed', 'scheduled', 'published', 'drafting'];
  for (let index = 0; index < 100; index += 1) await seedPlan({ status: statuses[index % statuses.length]!, authorId: ADMIN, approved: index % 5 === 3 });
  const view = await openHome(ADMIN);
  expect(findBlockKitViolations(view.blocks, 'home')).toEqual([]);
  expect(view.blocks.length).toBeLessThanOrEqual(100);
  const shown = JSON.stringify(view.blocks);
  for (const heading of ['Your plans', 'Waiting for you', 'Team · last 30 days', 'Settings', 'Last 30 days', '*Tokens*', '*Next 7 days*']) expect(shown).toContain(heading);
});
