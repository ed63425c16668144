import { afterAll, beforeAll, expect, test } from 'vitest';
import { ACTIONS, COMMAND, DECISION_MODALS } from '../../src/bot/ids.ts';
import { parsePlanSubmission } from '../../src/bot/views/plan-modal.ts';
import { MAX_BODY_BYTES } from '../../src/server/http-app.ts';
import { chunkedBody } from '../support/chunked-body.ts';
import { planModalSubmissionView } from '../support/plan-modal-values.ts';
import { blockActionsBody, eventBody, sendSlackRequest, slashCommandBody, urlVerificationBody, viewSubmissionBody, type SlackRequestBody } from '../support/slack-requests.ts';
import { SIGNING_SECRET, startTestApp, type TestApp } from '../support/test-app.ts';

const SEED = 20261127;
const REQUESTS = 2_000;
const CONCURRENCY = 8;
const TEAM = 'T0FAKE0001';

/** mulberry32: a small seeded generator, so every run sends the same requests. */
function makeRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const text = (max: number) => {
    const alphabet = ['a', 'Z', ' ', '0', '<', '>', '&', '"', "'", '\\', '\n', 'é', '🙂', '{', '}', '%', '\u0000', '|', '#'];
    return Array.from({ length: Math.floor(next() * max) }, () => pick(alphabet)).join('');
  };
  return { next, pick, text, chance: (p: number) => next() < p };
}

type Generated = {
  request: SlackRequestBody;
  signing: 'valid' | 'unsigned' | 'bad' | 'stale';
  createsPlan: boolean;
  /** Sent chunked (no Content-Length) with this many bytes instead of request.body. */
  chunkedBytes?: number;
};

function generate(random: ReturnType<typeof makeRandom>, index: number, knownPlanIds: string[]): Generated {
  const signing = random.chance(0.8) ? 'valid' : random.pick(['unsigned', 'bad', 'stale'] as const);
  const user = random.pick(['U0MIA', 'U0AVERY', 'U0X', '']);
  const kind = random.pick(['command', 'action', 'plan', 'decision', 'event', 'malformed', 'verification'] as const);
  const planId = random.chance(0.5) && knownPlanIds.length > 0 ? random.pick(knownPlanIds) : random.pick(['', 'not-a-uuid', '00000000-0000-4000-8000-000000000000', random.text(40)]);
  switch (kind) {
    case 'command':
      return {
        signing,
        createsPlan: false,
        request: slashCommandBody({
          teamId: TEAM,
          userId: user,
          channelId: 'C0FUZZ',
          command: random.chance(0.9) ? COMMAND : '/other',
          text: random.pick(['', 'help', 'list', `status ${random.text(5)}`, 'status 1', `new ${random.text(300)}`, random.text(50)]),
          triggerId: random.text(10),
        }),
      };
    case 'action':
      return {
        signing,
        createsPlan: false,
        request: blockActionsBody({
          teamId: TEAM,
          userId: user || 'U0NONE',
          channelId: 'C0FUZZ',
          message: { ts: '1.000001' },
          actions: [{ action_id: random.pick([...Object.values(ACTIONS), 'unknown_action', random.text(300)]), block_id: random.text(20), value: planId }],
          triggerId: random.text(10),
        }),
      };
    case 'plan': {
      const answers = random.chance(0.5)
        ? { topic: `Fuzz topic ${index}` }
        : { topic: random.text(250), keyphrase: random.text(120), keywords: random.text(200), competitorUrls: random.text(100), channels: random.chance(0.5) ? [] : ['blog', random.text(8)] };
      const view = planModalSubmissionView(answers, { viewId: `V0FUZZ${index}` });
      if (random.chance(0.1)) view.private_metadata = random.text(50);
      // Exactly the submissions the validator admits may become plans.
      const isAdmitted = parsePlanSubmission(view).ok;
      return { signing, createsPlan: isAdmitted && signing === 'valid', request: viewSubmissionBody({ teamId: TEAM, userId: user || 'U0NONE', view }) };
    }
    case 'decision': {
      const modal = random.pick(Object.values(DECISION_MODALS));
      return {
        signing,
        createsPlan: false,
        request: viewSubmissionBody({
          teamId: TEAM,
          userId: user || 'U0NONE',
          view: {
            callback_id: random.chance(0.9) ? modal.callbackId : random.text(30),
            private_metadata: random.chance(0.8) ? JSON.stringify({ planId, channelId: null }) : random.text(40),
            state: { values: { [random.pick(['feedback', 'reason', 'publish_at', 'destinations', random.text(5)])]: { value: { value: random.text(30), selected_date_time: random.next() * 4e9 } } } },
          },
        }),
      };
    }
    case 'event':
      return {
        signing,
        createsPlan: false,
        request: eventBody({
          teamId: TEAM,
          event: random.pick([
            { type: 'app_home_opened', user: user || 'U0NONE', tab: random.pick(['home', 'messages']), channel: 'D0FUZZ' },
            { type: 'app_mention', user, text: random.text(40), channel: 'C0FUZZ', ts: '1.1' },
            { type: random.text(20) },
          ]),
        }),
      };
    case 'verification':
      return { signing, createsPlan: false, request: urlVerificationBody(random.text(30)) };
    case 'malformed':
      if (random.chance(0.1)) {
        const chunkedBytes = random.pick([MAX_BODY_BYTES + 1, MAX_BODY_BYTES + 300_000, 3 * MAX_BODY_BYTES, Math.floor(random.next() * 5_000)]);
        return { signing, createsPlan: false, chunkedBytes, request: { body: '', contentType: random.pick(['application/json', 'application/x-www-form-urlencoded']) } };
      }
      return {
        signing,
        createsPlan: false,
        request: random.pick([
          { body: `payload=${encodeURIComponent(random.text(100))}`, contentType: 'application/x-www-form-urlencoded' },
          { body: random.text(200), contentType: 'application/json' },
          { body: JSON.stringify({ type: random.pick(['block_actions', 'view_submission', 'shortcut', 'event_callback', 'interactive_message']) }), contentType: 'application/json' },
          { body: `payload=${encodeURIComponent(JSON.stringify({ type: 'view_submission', team: { id: TEAM } }))}`, contentType: 'application/x-www-form-urlencoded' },
          { body: random.text(100), contentType: random.pick(['text/plain', 'application/xml', '', 'multipart/form-data; boundary=x']) },
          { body: 'x'.repeat(1_100_000), contentType: 'application/json' },
        ]),
      };
  }
}

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ role: 'web', env: { PLAN_RATE_LIMIT_PER_HOUR: '100000', LOG_LEVEL: 'warn' } });
});
afterAll(async () => t?.close());

test(`${REQUESTS} seeded requests of every kind give no 5xx, no crash and only the expected rows`, async () => {
  const random = makeRandom(SEED);
  const requests = Array.from({ length: REQUESTS }, (_, index) => generate(random, index, []));
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const { request, signing, chunkedBytes } = requests[next++]!;
      const timestamp = signing === 'stale' ? Math.floor(Date.now() / 1000) - 600 : undefined;
      const response =
        chunkedBytes !== undefined
          ? await fetch(`${t.app.url}/slack/events`, { method: 'POST', headers: { 'content-type': request.contentType }, body: chunkedBody(chunkedBytes), duplex: 'half' } as RequestInit)
          : signing === 'unsigned'
          ? await fetch(`${t.app.url}/slack/events`, { method: 'POST', headers: { 'content-type': request.contentType }, body: request.body })
          : await sendSlackRequest(t.app.url, request, { signingSecret: SIGNING_SECRET, badSignature: signing === 'bad', ...(timestamp ? { timestamp } : {}) });
      await response.arrayBuffer();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));

  const serverErrors = [...statuses].filter(([status]) => status >= 500);
  console.log('fuzz statuses', Object.fromEntries(statuses));
  expect(serverErrors).toEqual([]);
  expect((await fetch(`${t.app.url}/healthz`)).status).toBe(200);

  const expectedPlans = requests.filter((generated) => generated.createsPlan).length;
  const counts = await t.database.sql`
    select (select count(*)::int from content_plans) as plans,
           (select count(*)::int from audit_log where action <> 'plan_created') as other_audit,
           (select count(*)::int from approvals) as approvals,
           (select count(*)::int from publish_attempts) as publications,
           (select count(*)::int from workspace_settings) as settings`;
  expect(counts[0]).toEqual({ plans: expectedPlans, other_audit: 0, approvals: 0, publications: 0, settings: 0 });
  expect(expectedPlans).toBeGreaterThan(50);
  expect(statuses.get(401)).toBeGreaterThan(100);
  const chunkedOversized = requests.filter((generated) => (generated.chunkedBytes ?? 0) > MAX_BODY_BYTES).length;
  expect(chunkedOversized).toBeGreaterThan(5);
  expect(statuses.get(413)).toBeGreaterThan(chunkedOversized);
}, 240_000);
