import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { buildConnectedAccountsBlocks, describeExpiry } from '../../src/bot/blocks/connected-accounts.ts';
import { HOME_ACTIONS } from '../../src/bot/ids.ts';
import { buildDestinationsModal } from '../../src/bot/views/settings/destinations-modal.ts';
import { BUILT_IN_DESTINATION_ADAPTERS, makeDestinationRegistry, makeNetworkDestinationAdapters } from '../../src/publish/registry.ts';
import { findBlockKitViolations } from '../support/block-kit-limits.ts';
import { startFakeLinkedin, type FakeLinkedin } from '../support/fake-linkedin.ts';
import { startFakeX, type FakeX } from '../support/fake-x.ts';
import { connectLinkedinAccount, connectXAccount, networkDepsOf, networksEnv } from '../support/networks.ts';
import { TEAM } from '../support/pipeline.ts';
import { ENCRYPTION_KEY_HEX } from '../support/review.ts';
import { blockActionsBody, eventBody } from '../support/slack-requests.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const ADMIN = 'U0ADMIN';
const MEMBER = 'U0MEMBER';
const PUBLIC_URL = 'https://broadcaster.example';
let t: TestApp;
let x: FakeX;
let linkedin: FakeLinkedin;

type Block = { type: string; text?: { text: string }; accessory?: Button; elements?: Button[] };
type Button = { action_id?: string; url?: string; value?: string; style?: string; text?: { text: string } };

beforeAll(async () => {
  [x, linkedin] = await Promise.all([startFakeX(), startFakeLinkedin()]);
  t = await startTestApp({ env: { ENCRYPTION_KEY: ENCRYPTION_KEY_HEX, ...networksEnv(x, linkedin, PUBLIC_URL) } });
  t.slack.users.set(ADMIN, { is_admin: true });
  t.slack.users.set(MEMBER, { is_admin: false });
});
afterAll(async () => {
  await t?.close();
  await Promise.all([x?.close(), linkedin?.close()]);
});
beforeEach(async () => {
  await t.database.sql`delete from connected_accounts`;
  await t.database.sql`delete from publish_destinations`;
});

async function openHome(userId: string): Promise<Block[]> {
  const before = t.slack.callsTo('views.publish').filter((call) => call.args['user_id'] === userId).length;
  await t.send(eventBody({ teamId: TEAM, event: { type: 'app_home_opened', user: userId, tab: 'home', channel: 'D0HOME' } }));
  const calls = await t.slack.waitFor((call) => call.method === 'views.publish' && call.args['user_id'] === userId, 5_000, before + 1);
  const view = calls.at(-1)!.args['view'] as { blocks: Block[] };
  expect(findBlockKitViolations(view.blocks, 'home')).toEqual([]);
  return view.blocks;
}

const buttonsOf = (blocks: Block[]) => blocks.flatMap((block) => [...(block.accessory ? [block.accessory] : []), ...(block.elements ?? [])]).filter((element) => element.action_id);

describe('connected accounts in the App Home', () => {
  test('an admin sees Connect buttons that link to the connect flow for them; others see no accounts at all', async () => {
    const blocks = await openHome(ADMIN);
    const connect = buttonsOf(blocks).filter((button) => button.action_id === HOME_ACTIONS.connectAccount);
    expect(connect.map((button) => button.text?.text)).toEqual(['Connect X', 'Connect LinkedIn']);
    expect(connect[0]!.url).toMatch(new RegExp(`^${PUBLIC_URL}/connect/x\\?ticket=`));
    // The link works for this admin: it starts the flow.
    const start = await fetch(connect[0]!.url!.replace(PUBLIC_URL, t.app.url), { redirect: 'manual' });
    expect(start.status).toBe(302);
    expect(start.headers.get('location')).toContain(`${x.url}/i/oauth2/authorize?`);

    const memberHome = JSON.stringify(await openHome(MEMBER));
    expect(memberHome).not.toContain('Connected accounts');
    expect(memberHome).not.toContain('/connect/');
  });

  test('connected accounts show who connected them, LinkedIn\'s expiry ahead of time, Reconnect and Disconnect', async () => {
    await connectXAccount(t, x);
    await connectLinkedinAccount(t, linkedin, { expiresInSeconds: 10 * 86_400 });
    const blocks = await openHome(ADMIN);
    const text = JSON.stringify(blocks);
    expect(text).toContain('*X* · @acme · connected by <@U0ADMIN>');
    expect(text).toMatch(/\*LinkedIn\* · Jane Doe · connected by <@U0ADMIN> · :warning: expires \d+ \w+ \d{4} \(in 10 days\): reconnect before then/);
    const reconnect = buttonsOf(blocks).filter((button) => button.text?.text === 'Reconnect');
    expect(reconnect).toHaveLength(2);
    expect(reconnect[1]!.style).toBe('primary');
  });

  test('Disconnect deletes the tokens and the destination that posted as the account', async () => {
    const { accountId } = await connectXAccount(t, x);
    const blocks = await openHome(ADMIN);
    const disconnect = buttonsOf(blocks).find((button) => button.action_id === HOME_ACTIONS.disconnectAccount)!;
    expect(disconnect.value).toBe(accountId);
    // A non-admin's press changes nothing.
    await t.send(blockActionsBody({ teamId: TEAM, userId: MEMBER, triggerId: 'T1', view: { id: 'VHOME', type: 'home' }, actions: [{ block_id: 'accounts', action_id: HOME_ACTIONS.disconnectAccount, value: accountId, type: 'button' }] }));
    await t.slack.waitFor((call) => call.method === 'chat.postMessage' && call.args['channel'] === MEMBER && String(call.args['text']).startsWith('Only admins'), 5_000);
    expect(await t.database.sql`select id from connected_accounts`).toHaveLength(1);
    const response = await t.send(blockActionsBody({ teamId: TEAM, userId: ADMIN, triggerId: 'T2', view: { id: 'VHOME', type: 'home' }, actions: [{ block_id: 'accounts', action_id: HOME_ACTIONS.disconnectAccount, value: accountId, type: 'button' }] }));
    expect(response.status).toBe(200);
    await expect.poll(async () => (await t.database.sql`select id from connected_accounts`).length, { timeout: 5_000 }).toBe(0);
    expect(await t.database.sql`select id from publish_destinations`).toHaveLength(0);
    const [audit] = await t.database.sql`select actor_id, action from audit_log where action = 'account_disconnected'`;
    expect(audit).toEqual({ actor_id: ADMIN, action: 'account_disconnected' });
  });
});

test('without the settings, each network says what is missing instead of a Connect button', () => {
  const blocks = buildConnectedAccountsBlocks({
    now: new Date('2026-12-01T00:00:00Z'),
    providers: [
      { provider: 'x', accounts: [], connectUrl: null, missing: 'To connect X, set PUBLIC_URL, X_CLIENT_ID and X_CLIENT_SECRET (see the README, "Configuration") and restart the app.' },
      { provider: 'linkedin', accounts: [], connectUrl: null, missing: 'To connect LinkedIn, set LINKEDIN_CLIENT_ID and LINKEDIN_CLIENT_SECRET (see the README, "Configuration") and restart the app.' },
    ],
  });
  const text = JSON.stringify(blocks);
  expect(text).toContain('To connect X, set PUBLIC_URL, X_CLIENT_ID and X_CLIENT_SECRET');
  expect(text).toContain('To connect LinkedIn, set LINKEDIN_CLIENT_ID and LINKEDIN_CLIENT_SECRET');
  expect(text).not.toContain(HOME_ACTIONS.connectAccount);
});

test('LinkedIn expiry: plain a month ahead, flagged within 14 days, expired after', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  const at = (days: number) => ({ provider: 'linkedin' as const, accessExpiresAt: new Date(now.getTime() + days * 86_400_000) });
  expect(describeExpiry(at(40), now)).toEqual({ text: 'expires 10 Jan 2027 (in 40 days)', isSoon: false });
  expect(describeExpiry(at(14), now)?.isSoon).toBe(true);
  expect(describeExpiry(at(-1), now)).toEqual({ text: 'expired on 30 Nov 2026', isSoon: true });
  expect(describeExpiry({ provider: 'x', accessExpiresAt: now }, now)).toBeNull();
});

test('the Destinations modal lists an account\'s destination without Edit and offers no Add button for accounts', () => {
  const registry = makeDestinationRegistry([...BUILT_IN_DESTINATION_ADAPTERS, ...makeNetworkDestinationAdapters(networkDepsOf(t))]);
  const modal = buildDestinationsModal([{ id: 'd1', kind: 'x_thread', name: '@acme on X', summary: 'Posts the X thread variant as a thread.' }], { registry });
  const actionIds = JSON.stringify(modal.blocks).match(/"action_id":"[a-z_]+"/g) ?? [];
  expect(actionIds).not.toContain('"action_id":"destination_edit"');
  expect(actionIds).toContain('"action_id":"destination_test"');
  expect(actionIds.filter((id) => id.startsWith('"action_id":"destination_add_'))).toEqual([
    '"action_id":"destination_add_slack_channel"',
    '"action_id":"destination_add_webhook"',
    '"action_id":"destination_add_wordpress"',
    '"action_id":"destination_add_ghost"',
    '"action_id":"destination_add_mailchimp"',
  ]);
});
