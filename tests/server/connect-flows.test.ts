import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { decryptSecret } from '../../src/crypto.ts';
import { accountTokenContext } from '../../src/db/connected-accounts.ts';
import { updateWorkspaceSettings } from '../../src/db/settings.ts';
import { connectLink, missingConnectSetup, signConnectTicket } from '../../src/server/connect.ts';
import { fakeServicesEnv } from '../support/app-env.ts';
import { startFakeLinkedin, type FakeLinkedin } from '../support/fake-linkedin.ts';
import { startFakeX, type FakeX } from '../support/fake-x.ts';
import { networksEnv } from '../support/networks.ts';
import { TEAM } from '../support/pipeline.ts';
import { ENCRYPTION_KEY_HEX } from '../support/review.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const PUBLIC_URL = 'https://broadcaster.example';
const ADMIN = 'U0ADMIN';
let t: TestApp;
let x: FakeX;
let linkedin: FakeLinkedin;

beforeAll(async () => {
  [x, linkedin] = await Promise.all([startFakeX(), startFakeLinkedin()]);
  t = await startTestApp({ env: { ENCRYPTION_KEY: ENCRYPTION_KEY_HEX, ...networksEnv(x, linkedin, PUBLIC_URL) } });
  await updateWorkspaceSettings(t.database.db, { teamId: TEAM, actorId: 'U0OWNER', group: 'approvers', patch: { admins: [ADMIN] } });
});
afterAll(async () => {
  await t?.close();
  await Promise.all([x?.close(), linkedin?.close()]);
});
beforeEach(async () => {
  await t.database.sql`delete from connected_accounts`;
  await t.database.sql`delete from publish_destinations`;
  await t.database.sql`delete from oauth_states`;
});

/** PUBLIC_URL is where the app would be reached; in the test it is the app's own loopback address. */
const local = (url: string) => url.replace(PUBLIC_URL, t.app.url);
const linkFor = (provider: 'x' | 'linkedin', userId = ADMIN, now = new Date()) =>
  local(connectLink({ networks: t.app.config.networks, encryptionKey: t.app.config.encryptionKey, now: () => now }, provider, TEAM, userId)!);
const accounts = () => t.database.sql`select * from connected_accounts`;

/** Starts a flow as the admin's browser would: our redirect (with its cookie), then the network's consent. */
async function startFlow(provider: 'x' | 'linkedin', link = linkFor(provider)) {
  const start = await fetch(link, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0]!;
  const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const callback = new URL(consent.headers.get('location')!);
  expect(callback.origin + callback.pathname).toBe(`${PUBLIC_URL}/connect/${provider}/callback`);
  return { authorizeUrl: new URL(start.headers.get('location')!), cookie, callback: local(callback.toString()) };
}

describe('connecting X', () => {
  test('the flow stores the account with its tokens encrypted, and its destination', async () => {
    const { authorizeUrl, cookie, callback } = await startFlow('x');
    expect(authorizeUrl.origin).toBe(x.url);
    expect(authorizeUrl.searchParams.get('scope')).toBe('tweet.read tweet.write users.read offline.access');
    expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('s256');
    const done = await fetch(callback, { headers: { cookie } });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Connected @acme on X');

    const [row] = await accounts();
    expect(row).toMatchObject({ team_id: TEAM, provider: 'x', external_account_id: x.account.id, display_name: 'acme', status: 'active', connected_by: ADMIN });
    const accessToken = String(x.requests.find((request) => request.path === '/2/users/me')!.headers.authorization).replace('Bearer ', '');
    expect(JSON.stringify(row)).not.toContain(accessToken);
    expect(decryptSecret(t.app.config.encryptionKey!, row!['access_token_encrypted'] as string, accountTokenContext({ teamId: TEAM, id: row!['id'] as string }, 'access'))).toBe(accessToken);
    expect(row!['refresh_token_encrypted']).toMatch(/^v2\./);
    const destinations = await t.database.sql`select kind, name, config from publish_destinations`;
    expect(destinations).toEqual([{ kind: 'x_thread', name: '@acme on X', config: { kind: 'x_thread', accountId: row!['id'] } }]);

    // The state is single use: the same callback again stores nothing more.
    const replay = await fetch(callback, { headers: { cookie } });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('already used or has expired');
    expect(await accounts()).toHaveLength(1);
  });

  test('a state that was never issued: 400 and nothing stored', async () => {
    const { cookie, callback } = await startFlow('x');
    const forged = new URL(callback);
    forged.searchParams.set('state', 'not-a-state-we-issued');
    const answer = await fetch(forged, { headers: { cookie } });
    expect(answer.status).toBe(400);
    expect(await accounts()).toHaveLength(0);
  });

  test('the callback from another browser (no cookie): 400, nothing stored, and the state is spent', async () => {
    const { cookie, callback } = await startFlow('x');
    const elsewhere = await fetch(callback);
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.text()).toContain('another browser');
    expect((await fetch(callback, { headers: { cookie } })).status).toBe(400);
    expect(await accounts()).toHaveLength(0);
  });

  test('an expired state: 400 and nothing stored', async () => {
    const { cookie, callback } = await startFlow('x');
    await t.database.sql`update oauth_states set expires_at = now() - interval '1 second'`;
    expect((await fetch(callback, { headers: { cookie } })).status).toBe(400);
    expect(await accounts()).toHaveLength(0);
  });

  test('the state is bound to its provider: an X state at the LinkedIn callback is refused', async () => {
    const { cookie, callback } = await startFlow('x');
    const wrong = callback.replace('/connect/x/callback', '/connect/linkedin/callback');
    expect((await fetch(wrong, { headers: { cookie: cookie.replace('cb_connect_x', 'cb_connect_linkedin') } })).status).toBe(400);
    expect(await accounts()).toHaveLength(0);
  });

  test('links that are expired, forged, for another provider or for a non-admin start nothing', async () => {
    const stale = linkFor('x', ADMIN, new Date(Date.now() - 2 * 60 * 60_000));
    const forged = linkFor('x').replace(/ticket=([^.]+)\.[^&]+/, 'ticket=$1.AAAA');
    const otherProvider = `${t.app.url}/connect/x?ticket=${signConnectTicket(t.app.config.encryptionKey!, { provider: 'linkedin', teamId: TEAM, userId: ADMIN, expiresAt: Date.now() + 60_000 })}`;
    for (const link of [stale, forged, otherProvider]) {
      const answer = await fetch(link, { redirect: 'manual' });
      expect(answer.status, link).toBe(400);
    }
    const notAdmin = await fetch(linkFor('x', 'U0SOMEONE'), { redirect: 'manual' });
    expect(notAdmin.status).toBe(403);
    const [{ count }] = (await t.database.sql`select count(*)::int as count from oauth_states`) as unknown as [{ count: number }];
    expect(count).toBe(0);
  });
});

describe('connecting LinkedIn', () => {
  test('the flow stores the member, their author URN from /v2/userinfo and the 60-day expiry', async () => {
    const { authorizeUrl, cookie, callback } = await startFlow('linkedin');
    expect(authorizeUrl.toString().startsWith(`${linkedin.oauthUrl}/authorization?`)).toBe(true);
    expect(authorizeUrl.searchParams.get('scope')).toBe('openid profile w_member_social');
    const done = await fetch(callback, { headers: { cookie } });
    expect(done.status).toBe(200);
    const [row] = await accounts();
    expect(row).toMatchObject({ provider: 'linkedin', external_account_id: 'aBcD123', display_name: 'Jane Doe', author_urn: 'urn:li:person:aBcD123', refresh_token_encrypted: null });
    const days = (new Date(row!['access_expires_at'] as string).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(59.9);
    expect(days).toBeLessThan(60.1);
  });

  test('a bad state stores nothing', async () => {
    const { cookie, callback } = await startFlow('linkedin');
    const forged = new URL(callback);
    forged.searchParams.set('state', 'x'.repeat(43));
    expect((await fetch(forged, { headers: { cookie } })).status).toBe(400);
    expect(await accounts()).toHaveLength(0);
  });
});

test('without the settings, the Connect place says what is missing', () => {
  const config = loadConfig({ ...fakeServicesEnv({ databaseUrl: 'postgres://localhost/x', slackUrl: 'http://127.0.0.1:1/', openaiUrl: 'http://127.0.0.1:2/' }), ENCRYPTION_KEY: ENCRYPTION_KEY_HEX });
  expect(missingConnectSetup(config.networks, config.encryptionKey, 'x')).toBe(
    'To connect X, set PUBLIC_URL, X_CLIENT_ID and X_CLIENT_SECRET (see the README, "Configuration") and restart the app.',
  );
  const withUrl = loadConfig({ ...fakeServicesEnv({ databaseUrl: 'postgres://localhost/x', slackUrl: 'http://127.0.0.1:1/', openaiUrl: 'http://127.0.0.1:2/' }), PUBLIC_URL: PUBLIC_URL, LINKEDIN_CLIENT_ID: 'id' });
  expect(missingConnectSetup(withUrl.networks, withUrl.encryptionKey, 'linkedin')).toBe(
    'To connect LinkedIn, set LINKEDIN_CLIENT_ID and LINKEDIN_CLIENT_SECRET, ENCRYPTION_KEY (see the README, "Configuration") and restart the app.',
  );
});
