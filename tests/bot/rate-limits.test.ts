import { afterAll, beforeAll, expect, test } from 'vitest';
import { ACTIONS, DECISION_MODALS, SETTINGS_MODALS } from '../../src/bot/ids.ts';
import { TEAM } from '../support/pipeline.ts';
import { feedbackValues, planStatus, press, setReviewSettings, submitDecision } from '../support/review.ts';
import { blockActionsBody } from '../support/slack-requests.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const AUTHOR = 'U0AUTHOR';
const AVERY = 'U0AVERY';
const ADMIN = 'U0ADMIN';

let t: TestApp;
let nextNumber = 1;

beforeAll(async () => {
  // The web role only: jobs stay queued, so each plan stays where the test put it.
  t = await startTestApp({
    role: 'web',
    env: { LOG_LEVEL: 'warn', RETRY_RATE_LIMIT_PER_HOUR: '2', REQUEST_CHANGES_RATE_LIMIT_PER_HOUR: '2', DESTINATION_TEST_RATE_LIMIT_PER_MINUTE: '2' },
  });
  t.slack.users.set(ADMIN, { is_admin: true });
  await setReviewSettings(t, { approvers: [AVERY] });
});
afterAll(async () => t?.close());

async function insertPlan(status: 'failed' | 'in_review'): Promise<{ id: string; number: number }> {
  const number = nextNumber++;
  const [row] = await t.database.sql<{ id: string; number: number }[]>`
    insert into content_plans (team_id, number, source_key, author_id, topic, keyphrase, channels, post_channel_id, status, failed_stage, revision, settings, message_channel_id, message_ts)
    values (${TEAM}, ${number}, ${`test:${number}`}, ${AUTHOR}, 'Rate limits', 'rate limits', '{blog}', 'C0MARKETING', ${status},
      ${status === 'failed' ? 'research' : null}, 1, ${JSON.stringify({ approvers: [AVERY], envApprovers: [] })}::jsonb, 'C0MARKETING', ${`1700000000.${number}`})
    returning id, number`;
  return row!;
}

test('Retry: the limit per plan is answered with when to try again, and the plan stays failed', async () => {
  const plan = await insertPlan('failed');
  for (let i = 0; i < 2; i += 1) {
    expect(await press(t, { userId: AUTHOR, actionId: ACTIONS.retryPlan, planId: plan.id })).toBe(`Retrying plan #${plan.number} from the research stage.`);
    await t.database.sql`update content_plans set status = 'failed', failed_stage = 'research' where id = ${plan.id}`;
  }
  expect(await press(t, { userId: AUTHOR, actionId: ACTIONS.retryPlan, planId: plan.id })).toBe(
    `Plan #${plan.number} was retried 2 times in the last hour, the most allowed. Try again in 60 minutes.`,
  );
  expect(await planStatus(t, plan.id)).toBe('failed');
  // The limit is per plan: another failed plan can still be retried.
  const other = await insertPlan('failed');
  expect(await press(t, { userId: AUTHOR, actionId: ACTIONS.retryPlan, planId: other.id })).toBe(`Retrying plan #${other.number} from the research stage.`);
});

test('Request changes: the limit per workspace is shown under the feedback, which stays in the form', async () => {
  const plans = [await insertPlan('in_review'), await insertPlan('in_review'), await insertPlan('in_review')];
  const submit = (planId: string) =>
    submitDecision(t, { userId: AVERY, callbackId: DECISION_MODALS.requestChanges.callbackId, planId, values: feedbackValues('Add a checklist.') });
  expect(await submit(plans[0]!.id)).toBeUndefined();
  expect(await submit(plans[1]!.id)).toBeUndefined();
  const refused = await submit(plans[2]!.id);
  expect(refused?.errors?.[DECISION_MODALS.requestChanges.block]).toBe(
    'Changes were requested 2 times in this workspace in the last hour, the most allowed. Try again in 60 minutes.',
  );
  expect(await planStatus(t, plans[2]!.id)).toBe('in_review');
  expect(await planStatus(t, plans[0]!.id)).toBe('changes_requested');
});

test('Test on a destination: the limit per workspace and minute is shown in the Destinations modal', async () => {
  const [destination] = await t.database.sql<{ id: string }[]>`
    insert into publish_destinations (team_id, kind, name, config) values (${TEAM}, 'slack_channel', 'Announcements', ${JSON.stringify({ channelId: 'C0MARKETING' })}::jsonb)
    returning id`;
  const pressTest = async () => {
    const before = t.slack.callsTo('views.update').length;
    await t.send(
      blockActionsBody({
        teamId: TEAM,
        userId: ADMIN,
        actions: [{ action_id: SETTINGS_MODALS.destinations.actions.test, block_id: `destination_${destination!.id}`, value: destination!.id }],
        triggerId: t.slack.issueTriggerId(),
        view: { id: 'V0DESTINATIONS', type: 'modal', callback_id: SETTINGS_MODALS.destinations.callbackId },
      }),
    );
    const updates = await t.slack.waitFor('views.update', 10_000, before + 1);
    return JSON.stringify(updates.at(-1)?.args['view']);
  };
  expect(await pressTest()).not.toContain('the most allowed');
  expect(await pressTest()).not.toContain('the most allowed');
  expect(await pressTest()).toMatch(/Destinations were tested 2 times in this workspace in the last minute, the most allowed\. Try again in (\d|[1-5]\d|60) seconds\./);
});
