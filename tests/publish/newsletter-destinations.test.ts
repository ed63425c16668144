import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ACTIONS, DECISION_MODALS, SETTINGS_MODALS } from '../../src/bot/ids.ts';
import { roundUpToQuarterHour } from '../../src/publish/mailchimp.ts';
import { type FakeGhost, startFakeGhost } from '../support/fake-ghost.ts';
import { type FakeMailchimp, startFakeMailchimp } from '../support/fake-mailchimp.ts';
import { rootMessage, seedCompetitors, submitPlan, TEAM, waitForQuiet, waitForStatus } from '../support/pipeline.ts';
import { ENCRYPTION_KEY_HEX, planStatus, press, scheduleValues, setReviewSettings, submitDecision } from '../support/review.ts';
import { GOOD_DRAFT, scriptAuthor } from '../support/scripted-author.ts';
import { blockActionsBody, viewSubmissionBody } from '../support/slack-requests.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const ADMIN = 'U0ADMIN';
const AVERY = 'U0AVERY';
const API_KEY = '0123456789abcdef0123456789abcdef-us21';
const LIST_ID = 'a1b2c3d4e5';

let t: TestApp;
let mailchimp: FakeMailchimp;
let ghost: FakeGhost;

beforeAll(async () => {
  mailchimp = await startFakeMailchimp({ apiKey: API_KEY, listIds: [LIST_ID] });
  ghost = await startFakeGhost({ newsletters: ['weekly'] });
  t = await startTestApp({ env: { ENCRYPTION_KEY: ENCRYPTION_KEY_HEX, JOB_MAX_ATTEMPTS: '4', PUBLISH_TIMEOUT_MS: '1500', MAILCHIMP_API_URL: mailchimp.url } });
  seedCompetitors(t.firecrawl);
  scriptAuthor(t.openai, { drafts: [GOOD_DRAFT] });
  t.slack.users.set(ADMIN, { is_admin: true });
  await setReviewSettings(t, { approvers: [AVERY] });
});
afterAll(async () => {
  await t?.close();
  await mailchimp?.close();
  await ghost?.close();
});

type FormValue = string | { option: string };
const form = (kind: string, values: Record<string, FormValue>) =>
  t.send(
    viewSubmissionBody({
      teamId: TEAM,
      userId: ADMIN,
      view: {
        id: `V0${kind.toUpperCase()}`,
        callback_id: SETTINGS_MODALS.destinationForm.callbackId,
        private_metadata: JSON.stringify({ kind, id: null }),
        state: {
          values: Object.fromEntries(
            Object.entries(values).map(([block, value]) => [
              block,
              { value: typeof value === 'string' ? { type: 'plain_text_input', value } : { type: 'radio_buttons', selected_option: { value: value.option } } },
            ]),
          ),
        },
      },
    }),
  );

async function destinationId(kind: string): Promise<string> {
  const [row] = await t.database.sql<{ id: string }[]>`select id from publish_destinations where team_id = ${TEAM} and kind = ${kind}`;
  return row!.id;
}

describe('Mailchimp and Ghost in the app', () => {
  test('the Destinations modal offers both; a bad server prefix is refused inline; Test sends a test email', async () => {
    const trigger = t.slack.issueTriggerId();
    await t.send(
      blockActionsBody({ teamId: TEAM, userId: ADMIN, actions: [{ action_id: 'home_open_settings', block_id: 'settings', value: 'destinations' }], triggerId: trigger, view: { id: 'V0HOME', type: 'home' } }),
    );
    const [open] = await t.slack.waitFor((call) => call.method === 'views.open' && call.args['trigger_id'] === trigger);
    const shown = JSON.stringify(open?.args['view']);
    expect(shown).toContain('"action_id":"destination_add_mailchimp","value":"mailchimp"');
    expect(shown).toContain('"action_id":"destination_add_ghost","value":"ghost"');

    const audience = {
      [SETTINGS_MODALS.destinationForm.blocks.name]: 'Newsletter',
      destination_mailchimp_server: 'us21.attacker.example',
      destination_mailchimp_audience: LIST_ID,
      destination_mailchimp_from_name: 'Acme',
      destination_mailchimp_reply_to: 'news@example.com',
      destination_mailchimp_test_email: 'editor@example.com',
      destination_mailchimp_api_key: API_KEY,
      destination_mailchimp_delivery: { option: 'schedule' },
    };
    const bad = await form('mailchimp', audience);
    expect(await bad.json()).toEqual({
      response_action: 'errors',
      errors: { destination_mailchimp_server: 'Enter the server prefix: the letters and digits after the dash at the end of the API key, such as us21.' },
    });
    expect((await form('mailchimp', { ...audience, destination_mailchimp_server: 'us21' })).status).toBe(200);
    expect(
      (
        await form('ghost', {
          [SETTINGS_MODALS.destinationForm.blocks.name]: 'Ghost blog',
          destination_ghost_url: ghost.url,
          destination_ghost_newsletter: 'weekly',
          destination_ghost_key: ghost.adminKey,
          destination_ghost_mode: { option: 'publish_and_email' },
        })
      ).status,
    ).toBe(200);

    const id = await destinationId('mailchimp');
    await t.send(
      blockActionsBody({
        teamId: TEAM,
        userId: ADMIN,
        actions: [{ action_id: SETTINGS_MODALS.destinations.actions.test, block_id: 'destination', value: id }],
        triggerId: t.slack.issueTriggerId(),
        view: { id: 'V0DESTINATIONS', type: 'modal', callback_id: SETTINGS_MODALS.destinations.callbackId },
      }),
    );
    await t.slack.waitFor((call) => JSON.stringify(call.args).includes('Mailchimp sent a test email to editor@example.com'));
    expect(mailchimp.tests).toEqual([{ campaignId: expect.any(String), emails: ['editor@example.com'] }]);
    expect(mailchimp.campaigns).toHaveLength(0);
  }, 30_000);

  test('a plan goes to Ghost (emailed once) and then to Mailchimp; a lost create answer is reconciled by title, with one campaign scheduled on the quarter hour', async () => {
    const ghostKey = `dest:${await destinationId('ghost')}`;
    const mailchimpKey = `dest:${await destinationId('mailchimp')}`;
    mailchimp.hangNext(1, { method: 'POST', path: /^\/3\.0\/campaigns$/ });
    const earlierRequests = mailchimp.requests.length;

    const plan = await submitPlan(t, { channels: ['blog', 'newsletter'] });
    await waitForStatus(t, plan.id, 'in_review');
    await press(t, { userId: AVERY, actionId: ACTIONS.approve, planId: plan.id });
    expect(await planStatus(t, plan.id)).toBe('approved');
    const answer = await submitDecision(t, {
      userId: AVERY,
      callbackId: DECISION_MODALS.schedule.callbackId,
      planId: plan.id,
      values: scheduleValues(new Date(Date.now() + 1_500), [ghostKey, mailchimpKey]),
    });
    expect(answer).toBeUndefined();
    const startedAt = Date.now();
    await waitForStatus(t, plan.id, 'published', 60_000);
    await waitForQuiet(t, plan.id);

    expect(ghost.posts).toHaveLength(1);
    const [post] = ghost.posts;
    expect(ghost.emails).toEqual([{ postId: post?.id, newsletter: 'weekly', segment: 'all' }]);

    expect(mailchimp.campaigns).toHaveLength(1);
    const [campaign] = mailchimp.campaigns;
    expect(mailchimp.requests.slice(earlierRequests).filter((r) => r.method === 'POST' && r.path === '/3.0/campaigns')).toEqual([
      expect.objectContaining({ status: 'hang' }),
    ]);
    expect(campaign?.status).toBe('schedule');
    expect(campaign?.html).toContain(`${ghost.url}/${post?.slug}/`);
    const at = new Date(campaign!.schedule_time!);
    expect(at.getUTCMinutes() % 15).toBe(0);
    expect(at.getTime()).toBeGreaterThanOrEqual(roundUpToQuarterHour(new Date(startedAt + 60_000)).getTime());

    const attempts = await t.database.sql<{ destination_kind: string; state: string; tries: number; idempotency_key: string; external_id: string; reason: string | null }[]>`
      select destination_kind, state, tries, idempotency_key, external_id, reason from publish_attempts where plan_id = ${plan.id} order by destination_kind`;
    expect(attempts.map(({ destination_kind, state, tries }) => ({ destination_kind, state, tries }))).toEqual([
      { destination_kind: 'ghost', state: 'delivered', tries: 1 },
      { destination_kind: 'mailchimp', state: 'delivered', tries: 2 },
    ]);
    expect(campaign?.settings.title).toContain(attempts[1]!.idempotency_key);
    expect(attempts[1]?.external_id).toBe(campaign?.id);
    const shownAt = at.toISOString().slice(0, 16).replace('T', ' ');
    expect(attempts[1]?.reason).toBe(`Scheduled in Mailchimp for ${shownAt} UTC (rounded up to the quarter hour).`);
    expect(JSON.stringify((await rootMessage(t, plan.id)).message.blocks)).toContain(`Scheduled in Mailchimp for ${shownAt} UTC`);
  }, 120_000);
});
