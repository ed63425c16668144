import { expect } from 'vitest';
import { randomUUID } from 'node:crypto';
import { ACTIONS, BLOCKS, decisionButtonValue, DECISION_MODALS, UNKNOWN_REVISION } from '../../src/bot/ids.ts';
import { encryptSecret } from '../../src/crypto.ts';
import { destinationSecretContext } from '../../src/db/destinations.ts';
import { destinationTimeBlock } from '../../src/bot/views/decision-modals.ts';
import { blockActionsBody, viewSubmissionBody } from './slack-requests.ts';
import { TEAM } from './pipeline.ts';
import type { TestApp } from './test-app.ts';

export const ENCRYPTION_KEY_HEX = '7f'.repeat(32);
export const ENCRYPTION_KEY = Buffer.from(ENCRYPTION_KEY_HEX, 'hex');

/** How long a press waits for an ephemeral answer; a press that should get none waits this long too. */
const ANSWER_WAIT_MS = 1_500;

const DECISION_ACTIONS: readonly string[] = [ACTIONS.approve, ACTIONS.requestChanges, ACTIONS.reject, ACTIONS.schedule, ACTIONS.publishNow, ACTIONS.unschedule];

/** The value the plan's message gives a button: decision buttons carry the revision, the others the plan id. */
function buttonValue(actionId: string, planId: string, revision: number): string {
  if (!DECISION_ACTIONS.includes(actionId) || revision === UNKNOWN_REVISION) return planId;
  return decisionButtonValue({ id: planId, revision });
}

/**
 * Presses a button on the plan's message as `userId`; returns the ephemeral answer, if any. The button
 * carries the plan's current revision unless `revision` names the one it was shown for
 * (UNKNOWN_REVISION: a button from before values carried one, whose value is the plan id alone).
 */
export async function press(
  t: TestApp,
  { userId, actionId, planId, revision }: { userId: string; actionId: string; planId: string; revision?: number },
): Promise<string | undefined> {
  const [plan] = await t.database.sql<{ message_channel_id: string; message_ts: string; revision: number }[]>`
    select message_channel_id, message_ts, revision from content_plans where id = ${planId}`;
  const responseUrl = t.slack.issueResponseUrl();
  const response = await t.send(
    blockActionsBody({
      teamId: TEAM,
      userId,
      channelId: plan?.message_channel_id ?? 'C0MARKETING',
      message: { ts: plan?.message_ts ?? '1.1' },
      actions: [{ action_id: actionId, block_id: BLOCKS.planReviewActions, value: buttonValue(actionId, planId, revision ?? plan?.revision ?? 0) }],
      triggerId: t.slack.issueTriggerId(),
      responseUrl,
    }),
  );
  expect(response.status).toBe(200);
  // The button is acknowledged before it is handled; on a busy machine the answer can take a while.
  const answer = () => t.slack.responses.find((posted) => posted.url === responseUrl)?.body['text'] as string | undefined;
  for (const deadline = Date.now() + ANSWER_WAIT_MS; !answer() && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 25));
  return answer();
}

export type ModalAnswer = { errors?: Record<string, string> } | undefined;

/** Submits a decision modal as `userId` (opened on the current revision unless `revision` says); returns Slack's parsed response body, if any. */
export async function submitDecision(
  t: TestApp,
  {
    userId,
    callbackId,
    planId,
    values,
    revision,
  }: { userId: string; callbackId: string; planId: string; values: Record<string, Record<string, unknown>>; revision?: number },
): Promise<ModalAnswer> {
  const [plan] = await t.database.sql<{ revision: number }[]>`select revision from content_plans where id = ${planId}`;
  const metadata = { planId, channelId: null, revision: revision ?? plan?.revision ?? 0 };
  const response = await t.send(
    viewSubmissionBody({
      teamId: TEAM,
      userId,
      view: { id: `V0DEC${Math.random().toString(36).slice(2, 8)}`, callback_id: callbackId, private_metadata: JSON.stringify(metadata), state: { values } },
    }),
  );
  expect(response.status).toBe(200);
  const text = await response.text();
  return text ? (JSON.parse(text) as ModalAnswer) : undefined;
}

/** The Request changes modal's answers; without a scope Slack sends the initial option, the whole plan. */
export const feedbackValues = (text: string, scope = 'plan') => ({
  [DECISION_MODALS.requestChanges.block]: { value: { type: 'plain_text_input', value: text } },
  [DECISION_MODALS.requestChanges.scopeBlock]: { value: { type: 'radio_buttons', selected_option: { value: scope } } },
});
export const reasonValues = (text: string) => ({ [DECISION_MODALS.reject.block]: { value: { type: 'plain_text_input', value: text } } });
export const scheduleValues = (at: Date, destinations: string[]) => ({
  [DECISION_MODALS.schedule.timeBlock]: { value: { type: 'datetimepicker', selected_date_time: Math.floor(at.getTime() / 1000) } },
  [DECISION_MODALS.schedule.destinationsBlock]: { value: { type: 'checkboxes', selected_options: destinations.map((value) => ({ value })) } },
});

/** The schedule modal with "A time for each destination": `times` in the order chosen, `at` the modal's main time. */
export const scheduleEachValues = (at: Date, times: Record<string, Date>) => ({
  ...scheduleValues(at, Object.keys(times)),
  [DECISION_MODALS.schedule.timeModeBlock]: { value: { type: 'radio_buttons', selected_option: { value: 'each' } } },
  ...Object.fromEntries(
    Object.entries(times).map(([key, time]) => [
      destinationTimeBlock(key),
      { value: { type: 'datetimepicker', selected_date_time: Math.floor(time.getTime() / 1000) } },
    ]),
  ),
});

export async function setReviewSettings(
  t: TestApp,
  { approvers, requiredApprovals = 1, allowSelfApproval = false }: { approvers: string[]; requiredApprovals?: number; allowSelfApproval?: boolean },
): Promise<void> {
  await t.database.sql`
    insert into workspace_settings (team_id, approvers, required_approvals, allow_self_approval)
    values (${TEAM}, ${approvers}, ${requiredApprovals}, ${allowSelfApproval})
    on conflict (team_id) do update set approvers = excluded.approvers, required_approvals = excluded.required_approvals,
      allow_self_approval = excluded.allow_self_approval`;
}

export async function addWebhookDestination(t: TestApp, { url, secret }: { url: string; secret: string }): Promise<string> {
  const id = randomUUID();
  const [row] = await t.database.sql<{ id: string }[]>`
    insert into publish_destinations (id, team_id, kind, name, config, secret_encrypted)
    values (${id}, ${TEAM}, 'webhook', 'Site webhook', ${JSON.stringify({ url })}::jsonb, ${encryptSecret(ENCRYPTION_KEY, secret, destinationSecretContext({ teamId: TEAM, id }))})
    returning id`;
  return `dest:${row?.id}`;
}

export async function addWordpressDestination(
  t: TestApp,
  { siteUrl, username, applicationPassword }: { siteUrl: string; username: string; applicationPassword: string },
): Promise<string> {
  const id = randomUUID();
  const [row] = await t.database.sql<{ id: string }[]>`
    insert into publish_destinations (id, team_id, kind, name, config, secret_encrypted)
    values (${id}, ${TEAM}, 'wordpress', 'Company blog', ${JSON.stringify({ siteUrl, username, status: 'publish' })}::jsonb,
      ${encryptSecret(ENCRYPTION_KEY, applicationPassword, destinationSecretContext({ teamId: TEAM, id }))})
    returning id`;
  return `dest:${row?.id}`;
}

export async function planStatus(t: TestApp, planId: string): Promise<string | undefined> {
  return (await t.database.sql`select status from content_plans where id = ${planId}`)[0]?.['status'];
}
