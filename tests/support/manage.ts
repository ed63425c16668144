import { expect } from 'vitest';
import { ACTIONS, DELETE_PLAN_MODAL, PLAN_MODAL, type ManageOption } from '../../src/bot/ids.ts';
import { TEAM } from './pipeline.ts';
import { planModalValues, type PlanFormAnswers } from './plan-modal-values.ts';
import { blockActionsBody, viewSubmissionBody } from './slack-requests.ts';
import type { TestApp } from './test-app.ts';

/** Chooses an option of the plan message's overflow menu as `userId`; returns the ephemeral answer, if any. */
export async function chooseFromMenu(t: TestApp, { userId, option, planId }: { userId: string; option: ManageOption; planId: string }): Promise<string | undefined> {
  const [plan] = await t.database.sql<{ message_channel_id: string; message_ts: string }[]>`
    select message_channel_id, message_ts from content_plans where id = ${planId}`;
  const responseUrl = t.slack.issueResponseUrl();
  const response = await t.send(
    blockActionsBody({
      teamId: TEAM,
      userId,
      channelId: plan?.message_channel_id ?? 'C0MARKETING',
      message: { ts: plan?.message_ts ?? '1.1' },
      actions: [{ action_id: ACTIONS.managePlan, block_id: 'plan_title', type: 'overflow', selected_option: { value: `${option}:${planId}`, text: { type: 'plain_text', text: option } } }],
      triggerId: t.slack.issueTriggerId(),
      responseUrl,
    }),
  );
  expect(response.status).toBe(200);
  const answer = () => t.slack.responses.find((posted) => posted.url === responseUrl)?.body['text'] as string | undefined;
  for (const deadline = Date.now() + 3_000; !answer() && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 25));
  return answer();
}

let editCounter = 0;

/** Submits the Edit brief form of a plan with these answers; returns Slack's parsed response body, if any. */
export async function submitBriefEdit(t: TestApp, { userId, planId, answers }: { userId: string; planId: string; answers: PlanFormAnswers }) {
  editCounter += 1;
  const response = await t.send(
    viewSubmissionBody({
      teamId: TEAM,
      userId,
      view: {
        id: `V0EDIT${editCounter}`,
        callback_id: PLAN_MODAL.editCallbackId,
        private_metadata: JSON.stringify({ originChannelId: null, planId }),
        state: { values: planModalValues(answers) },
      },
    }),
  );
  expect(response.status).toBe(200);
  const text = await response.text();
  return text ? (JSON.parse(text) as { errors?: Record<string, string> }) : undefined;
}

/** Confirms the Delete dialog of a plan. */
export async function confirmDelete(t: TestApp, { userId, planId }: { userId: string; planId: string }) {
  const response = await t.send(
    viewSubmissionBody({
      teamId: TEAM,
      userId,
      view: { id: `V0DEL${Math.random().toString(36).slice(2, 8)}`, callback_id: DELETE_PLAN_MODAL.callbackId, private_metadata: JSON.stringify({ planId }), state: { values: {} } },
    }),
  );
  expect(response.status).toBe(200);
  const text = await response.text();
  return text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
}
