import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ACTIONS, HOME_ACTIONS, PLAN_MODAL, SETTINGS_MODALS } from '../../src/bot/ids.ts';
import { findBlockKitViolations } from '../support/block-kit-limits.ts';
import { startFakeWebhook, type FakeWebhook } from '../support/fake-webhook.ts';
import { startFakeWordpress, type FakeWordpress } from '../support/fake-wordpress.ts';
import { AUTHOR, seedCompetitors, submitPlan, TEAM, waitForQuiet, waitForStatus } from '../support/pipeline.ts';
import { ENCRYPTION_KEY_HEX, setReviewSettings } from '../support/review.ts';
import { GOOD_DRAFT, promptText, schemaNameOf, scriptAuthor } from '../support/scripted-author.ts';
import { blockActionsBody, eventBody, slashCommandBody, viewSubmissionBody } from '../support/slack-requests.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const ADMIN = 'U0ADMIN';
const AVERY = 'U0AVERY';

let t: TestApp;
let webhook: FakeWebhook;
let wordpress: FakeWordpress;

beforeAll(async () => {
  t = await startTestApp({ env: { ENCRYPTION_KEY: ENCRYPTION_KEY_HEX } });
  seedCompetitors(t.firecrawl);
  scriptAuthor(t.openai, { drafts: [GOOD_DRAFT] });
  t.slack.users.set(ADMIN, { is_admin: true });
  t.slack.users.set(AVERY, { is_admin: false });
  t.slack.users.set(AUTHOR, { is_admin: false });
  await setReviewSettings(t, { approvers: [AVERY] });
  webhook = await startFakeWebhook();
  wordpress = await startFakeWordpress({ username: 'editor', applicationPassword: 'abcd efgh ijkl mnop qrst uvwx' });
});
afterAll(async () => {
  await t?.close();
  await webhook?.close();
  await wordpress?.close();
});

async function openHome(userId: string) {
  const before = t.slack.callsTo('views.publish').filter((call) => call.args['user_id'] === userId).length;
  await t.send(eventBody({ teamId: TEAM, event: { type: 'app_home_opened', user: userId, tab: 'home', channel: 'D0HOME' } }));
  const calls = await t.slack.waitFor((call) => call.method === 'views.publish' && call.args['user_id'] === userId, 5_000, before + 1);
  const call = calls.at(-1)!;
  expect(call.outcome).toBe('ok');
  const view = call.args['view'] as { blocks: unknown[]; private_metadata?: string };
  expect(findBlockKitViolations(view.blocks, 'home')).toEqual([]);
  return JSON.stringify(view.blocks);
}

async function submitSettings(userId: string, callbackId: string, values: Record<string, Record<string, unknown>>, metadata = '') {
  const response = await t.send(
    viewSubmissionBody({ teamId: TEAM, userId, view: { id: `V0SET${Math.random().toString(36).slice(2, 8)}`, callback_id: callbackId, private_metadata: metadata, state: { values } } }),
  );
  expect(response.status).toBe(200);
  const text = await response.text();
  return text ? (JSON.parse(text) as { errors?: Record<string, string> }) : undefined;
}

const Q = SETTINGS_MODALS.quality.blocks;
const qualityValues = (seo: string, readability = '60', revisions = '3') => ({
  [Q.seoThreshold]: { value: { type: 'number_input', value: seo } },
  [Q.readabilityThreshold]: { value: { type: 'number_input', value: readability } },
  [Q.maxRevisions]: { value: { type: 'number_input', value: revisions } },
});
const settingsRow = async () => (await t.database.sql`select seo_threshold, brand_voice from workspace_settings where team_id = ${TEAM}`)[0];

describe('the Home', () => {
  let planId: string;

  test('a marketer sees New plan and their plans, and nothing of settings', async () => {
    const plan = await submitPlan(t, { channels: ['blog'], topic: 'Home topic for the marketer' });
    planId = plan.id;
    await waitForStatus(t, plan.id, 'in_review');
    await waitForQuiet(t, plan.id);
    const shown = await openHome(AUTHOR);
    expect(shown).toContain(ACTIONS.newPlan);
    expect(shown).toContain('Home topic for the marketer');
    expect(shown).not.toContain('home_open_settings');
    expect(shown).not.toContain('Waiting for you');
  });

  test('an approver also sees what waits for them, with Approve', async () => {
    const shown = await openHome(AVERY);
    expect(shown).toContain('Waiting for you');
    expect(shown).toContain(`"action_id":"${ACTIONS.approve}","value":"${planId}"`.slice(0, 40));
    expect(shown).toContain(planId);
    expect(shown).not.toContain('home_open_settings');
  });

  test('an admin also sees every settings group and the last 30 days', async () => {
    const shown = await openHome(ADMIN);
    for (const group of ['approvers', 'defaults', 'brand_voice', 'quality', 'prompts', 'destinations']) expect(shown).toContain(`"value":"${group}"`);
    expect(shown).toContain('30 days');
  });
});

describe('settings', () => {
  test('a non-admin submission is refused and nothing changes', async () => {
    const before = await settingsRow();
    const answer = await submitSettings(AUTHOR, SETTINGS_MODALS.quality.callbackId, qualityValues('10'));
    expect(answer?.errors?.[Q.seoThreshold]).toBe('Only admins can change settings. Nothing was saved.');
    expect(await settingsRow()).toEqual(before);
  });

  test('bad values are answered inline: a threshold outside 0–100, a webhook that is not https, a prompt missing placeholders', async () => {
    const quality = await submitSettings(ADMIN, SETTINGS_MODALS.quality.callbackId, qualityValues('150'));
    expect(quality?.errors?.[Q.seoThreshold]).toBe('Use a number from 0 to 100.');

    const F = SETTINGS_MODALS.destinationForm.blocks;
    const destination = await submitSettings(
      ADMIN,
      SETTINGS_MODALS.destinationForm.callbackId,
      {
        [F.name]: { value: { type: 'plain_text_input', value: 'CMS' } },
        [F.url]: { value: { type: 'plain_text_input', value: 'http://example.com/hook' } },
        [F.secret]: { value: { type: 'plain_text_input', value: 'whsec_0123456789abcdef' } },
      },
      JSON.stringify({ kind: 'webhook', id: null }),
    );
    expect(destination?.errors?.[F.url]).toMatch(/https/);

    const P = SETTINGS_MODALS.prompts.blocks;
    const prompt = await submitSettings(
      ADMIN,
      SETTINGS_MODALS.prompts.callbackId,
      { [`${P.override}_draft`]: { value: { type: 'plain_text_input', value: 'Write something.\n=== user ===\nAbout {{topic}}.' } } },
      JSON.stringify({ name: 'draft' }),
    );
    expect(prompt?.errors?.[`${P.override}_draft`]).toMatch(/\{\{voice\}\}/);
    expect((await settingsRow())?.['seo_threshold']).toBe(75);
  });

  test('a changed brand voice and threshold reach the next plan, and leave a plan in flight unchanged', async () => {
    t.openai.setLatency(400);
    const inFlight = await submitPlan(t, { channels: ['blog'], topic: 'Plan already in flight' });
    const B = SETTINGS_MODALS.brandVoice.blocks;
    expect(await submitSettings(ADMIN, SETTINGS_MODALS.brandVoice.callbackId, { [B.description]: { value: { type: 'plain_text_input', value: 'Bold, witty and brief' } } })).toBeUndefined();
    expect(await submitSettings(ADMIN, SETTINGS_MODALS.quality.callbackId, qualityValues('99', '60', '1'))).toBeUndefined();
    expect((await settingsRow())?.['seo_threshold']).toBe(99);
    const audits = await t.database.sql`select details from audit_log where action = 'settings_changed' and actor_id = ${ADMIN}`;
    expect(audits.map((row) => row['details']['group']).sort()).toEqual(['brand_voice', 'quality']);

    const next = await submitPlan(t, { channels: ['blog'], topic: 'Plan made after the change' });
    await waitForStatus(t, inFlight.id, 'in_review');
    await waitForStatus(t, next.id, 'in_review');
    t.openai.setLatency(0);

    const promptsFor = (topic: string) => t.openai.requests.filter((request) => promptText(request).includes(topic));
    expect(promptsFor('Plan already in flight').some((request) => promptText(request).includes('Bold, witty and brief'))).toBe(false);
    const nextPrompts = promptsFor('Plan made after the change');
    expect(nextPrompts.length).toBeGreaterThan(0);
    for (const request of nextPrompts) expect(promptText(request), schemaNameOf(request)).toContain('Bold, witty and brief');

    // GOOD_DRAFT scores 98 (its citations count as outbound links): enough for the old threshold (75), not for the new one (99).
    const refinements = async (id: string) => (await t.database.sql`select count(*)::int as n from refinements where plan_id = ${id}`)[0]?.['n'];
    expect(await refinements(inFlight.id)).toBe(0);
    expect(await refinements(next.id)).toBe(1);
  });

  // The plan modal prefills from settings kept in memory; a save must reach the next form as soon as its notification arrives.
  test('saved defaults prefill the next plan form, whether saved in the Home or by another process', async () => {
    const openPlanForm = async () => {
      const trigger = t.slack.issueTriggerId();
      expect((await t.send(slashCommandBody({ teamId: TEAM, userId: AUTHOR, channelId: 'C0ORIGIN', triggerId: trigger }))).status).toBe(200);
      const [open] = await t.slack.waitFor((call) => call.method === 'views.open' && call.args['trigger_id'] === trigger);
      const blocks = (open?.args['view'] as { blocks: { block_id: string; element?: { initial_options?: { value: string }[] } }[] }).blocks;
      return (blocks.find((block) => block.block_id === PLAN_MODAL.blocks.channels)?.element?.initial_options ?? []).map((option) => option.value);
    };
    const D = SETTINGS_MODALS.defaults.blocks;
    const channelOptions = (values: string[]) => values.map((value) => ({ text: { type: 'plain_text', text: value }, value }));
    const defaults = (channels: string[]) => ({
      [D.channel]: { value: { type: 'conversations_select', selected_conversation: null } },
      [D.channels]: { value: { type: 'checkboxes', selected_options: channelOptions(channels) } },
      [D.tone]: { value: { type: 'static_select', selected_option: null } },
      [D.targetWords]: { value: { type: 'number_input', value: '1200' } },
    });

    expect(await submitSettings(ADMIN, SETTINGS_MODALS.defaults.callbackId, defaults(['blog']))).toBeUndefined();
    // The save's notification reaches the app's listening connection a moment after the commit.
    const nextForms = () => expect.poll(openPlanForm, { timeout: 3_000, interval: 50 });
    await nextForms().toEqual(['blog']);
    expect(await submitSettings(ADMIN, SETTINGS_MODALS.defaults.callbackId, defaults(['linkedin', 'newsletter']))).toBeUndefined();
    await nextForms().toEqual(['linkedin', 'newsletter']);

    await t.database.sql`update workspace_settings set default_channels = ${['x_thread']} where team_id = ${TEAM}`;
    await nextForms().toEqual(['x_thread']);
  });
});

describe('destinations', () => {
  async function openDestinations(): Promise<string> {
    const trigger = t.slack.issueTriggerId();
    await t.send(
      blockActionsBody({
        teamId: TEAM,
        userId: ADMIN,
        actions: [{ action_id: HOME_ACTIONS.openSettings, block_id: 'settings', value: 'destinations' }],
        triggerId: trigger,
        view: { id: 'V0HOMEVIEW', type: 'home' },
      }),
    );
    const [open] = await t.slack.waitFor((call) => call.method === 'views.open' && call.args['trigger_id'] === trigger);
    expect(open?.outcome).toBe('ok');
    return String((open?.response?.['view'] as { id: string }).id);
  }

  async function pressTest(viewId: string, destinationId: string, name: string): Promise<string> {
    await t.send(
      blockActionsBody({
        teamId: TEAM,
        userId: ADMIN,
        actions: [{ action_id: SETTINGS_MODALS.destinations.actions.test, block_id: `destination_${destinationId}`, value: destinationId }],
        triggerId: t.slack.issueTriggerId(),
        view: { id: viewId, type: 'modal', callback_id: SETTINGS_MODALS.destinations.callbackId },
      }),
    );
    const isResult = (view: unknown) => new RegExp(`(✅|❌) ${name}:`).test(JSON.stringify(view));
    const [update] = await t.slack.waitFor((call) => call.method === 'views.update' && isResult(call.args['view']), 10_000);
    return JSON.stringify(update?.args['view']);
  }

  test('an admin adds a webhook and a WordPress site, and Test checks each against its server', async () => {
    const listId = await openDestinations();
    const F = SETTINGS_MODALS.destinationForm.blocks;
    const text = (value: string) => ({ value: { type: 'plain_text_input', value } });
    expect(
      await submitSettings(ADMIN, SETTINGS_MODALS.destinationForm.callbackId, { [F.name]: text('CMS hook'), [F.url]: text(webhook.url), [F.secret]: text('whsec_0123456789abcdef') }, JSON.stringify({ kind: 'webhook', id: null })),
    ).toBeUndefined();
    expect(
      await submitSettings(
        ADMIN,
        SETTINGS_MODALS.destinationForm.callbackId,
        {
          [F.name]: text('Blog'),
          [F.siteUrl]: text(wordpress.url),
          [F.username]: text('editor'),
          [F.applicationPassword]: text('abcd efgh ijkl mnop qrst uvwx'),
          [F.status]: { value: { type: 'radio_buttons', selected_option: { value: 'draft' } } },
        },
        JSON.stringify({ kind: 'wordpress', id: null }),
      ),
    ).toBeUndefined();
    const rows = await t.database.sql<{ id: string; kind: string; secret_encrypted: string }[]>`select id, kind, secret_encrypted from publish_destinations where team_id = ${TEAM} order by created_at`;
    expect(rows.map((row) => row.kind)).toEqual(['webhook', 'wordpress']);
    expect(rows.map((row) => row.secret_encrypted).join()).not.toMatch(/whsec_|abcd efgh/);

    const webhookNotice = await pressTest(listId, rows[0]!.id, 'CMS hook');
    expect(webhookNotice).toContain('✅ CMS hook');
    expect(webhook.requests.at(-1)?.body).toMatchObject({ type: 'ping' });
    expect(String(webhook.requests.at(-1)?.headers['x-content-broadcaster-signature'])).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);

    const wordpressNotice = await pressTest(listId, rows[1]!.id, 'Blog');
    expect(wordpressNotice).toContain('✅ Blog');
    expect(wordpress.requests.some((request) => request.path.endsWith('/users/me'))).toBe(true);
  });
});
