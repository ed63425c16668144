import { performance } from 'node:perf_hooks';
import { Agent, fetch } from 'undici';
import { ACTIONS } from '../../src/bot/ids.ts';
import { planModalSubmissionView, type PlanFormAnswers } from '../../tests/support/plan-modal-values.ts';
import { KEYPHRASE } from '../../tests/support/scripted-author.ts';
import { blockActionsBody, signSlackRequest, slashCommandBody, viewSubmissionBody, type SlackRequestBody } from '../../tests/support/slack-requests.ts';
import { AUTHOR, ORIGIN_CHANNEL, PLAN_CHANNEL, SIGNING_SECRET, TEAM } from './constants.ts';

/** `startedAt`: performance.now() in the load client when the request left; `sentAtEpochMs` the same on the wall clock. */
export type Timed = { ms: number; startedAt: number; sentAtEpochMs: number; status: number; body: string; error?: string };

/** The most requests the benchmarks keep in flight to one server (the ack benchmark's 50). */
const MAX_CONCURRENCY = 50;

// One connection per request in flight, at most: with no limit, a request sent the moment another
// finished often found that connection not yet released and opened a new one, so bursts opened
// between 0 and 80 connections, at random.
const dispatcher = new Agent({ connections: MAX_CONCURRENCY });

/** Opens (or keeps open) `connections` connections to the server, each with one GET it answers 404. */
export async function primeConnections(baseUrl: string, connections: number): Promise<void> {
  await Promise.all(
    Array.from({ length: connections }, () => fetch(`${baseUrl}/bench-keepalive`, { dispatcher }).then((response) => response.arrayBuffer())),
  );
}

/**
 * POSTs a signed Slack request and times it from just before the request leaves until the whole
 * response body has arrived. Signing happens before the clock starts.
 */
export async function timedSend(baseUrl: string, request: SlackRequestBody): Promise<Timed> {
  const headers = { 'Content-Type': request.contentType, ...signSlackRequest({ signingSecret: SIGNING_SECRET, body: request.body }) };
  const started = performance.now();
  const sentAtEpochMs = performance.timeOrigin + started;
  try {
    const response = await fetch(`${baseUrl}/slack/events`, { method: 'POST', headers, body: request.body, dispatcher });
    const body = await response.text();
    return { ms: performance.now() - started, startedAt: started, sentAtEpochMs, status: response.status, body };
  } catch (error) {
    return { ms: performance.now() - started, startedAt: started, sentAtEpochMs, status: 0, body: '', error: error instanceof Error ? error.message : String(error) };
  }
}

/** Sends `count` requests with at most `concurrency` in flight; `make(i)` builds the i-th. */
export async function runConcurrent(
  baseUrl: string,
  count: number,
  concurrency: number,
  make: (index: number) => SlackRequestBody,
): Promise<Timed[]> {
  const results: Timed[] = new Array(count);
  let nextIndex = 0;
  const lane = async () => {
    for (let index = nextIndex++; index < count; index = nextIndex++) results[index] = await timedSend(baseUrl, make(index));
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return results;
}

/** `/content` with no text: acks, then opens the plan modal with views.open. */
export function contentCommand(triggerId: string): SlackRequestBody {
  return slashCommandBody({ teamId: TEAM, userId: AUTHOR, channelId: ORIGIN_CHANNEL, text: '', triggerId });
}

/** The App Home's "New plan" button: acks, then opens the plan modal. */
export function newPlanButton(triggerId: string): SlackRequestBody {
  return blockActionsBody({
    teamId: TEAM,
    userId: AUTHOR,
    triggerId,
    actions: [{ action_id: ACTIONS.newPlan, block_id: 'home_actions', value: 'new' }],
    view: { id: 'V0HOMETAB01', type: 'home', callback_id: '', private_metadata: '', state: { values: {} } },
  });
}

/** A valid plan-modal submission; each distinct `viewId` creates one plan. */
export function planSubmission(viewId: string, answers: PlanFormAnswers = {}): SlackRequestBody {
  return viewSubmissionBody({
    teamId: TEAM,
    userId: AUTHOR,
    view: planModalSubmissionView(
      {
        topic: 'Remote onboarding for small teams',
        keyphrase: KEYPHRASE,
        keywords: 'new hire checklist',
        postChannel: PLAN_CHANNEL,
        ...answers,
      },
      { viewId, originChannelId: ORIGIN_CHANNEL },
    ),
  });
}
