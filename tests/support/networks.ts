import { WebClient } from '@slack/web-api';
import { ensureAccountDestination, saveConnectedAccount } from '../../src/db/connected-accounts.ts';
import type { NetworkDeps } from '../../src/publish/networks/accounts.ts';
import { BOT_TOKEN } from './app-env.ts';
import type { FakeLinkedin } from './fake-linkedin.ts';
import type { FakeX } from './fake-x.ts';
import { TEAM } from './pipeline.ts';
import type { TestApp } from './test-app.ts';

export const CONNECTING_ADMIN = 'U0ADMIN';

/** The env that points the app's X and LinkedIn clients at the fakes. */
export function networksEnv(x: FakeX, linkedin: FakeLinkedin, publicUrl = 'http://127.0.0.1:1'): Record<string, string> {
  return {
    PUBLIC_URL: publicUrl,
    X_CLIENT_ID: x.clientId,
    X_CLIENT_SECRET: x.clientSecret,
    X_API_URL: x.url,
    X_OAUTH_URL: `${x.url}/i/oauth2/authorize`,
    LINKEDIN_CLIENT_ID: linkedin.clientId,
    LINKEDIN_CLIENT_SECRET: linkedin.clientSecret,
    LINKEDIN_API_URL: linkedin.url,
    LINKEDIN_OAUTH_URL: linkedin.oauthUrl,
    LINKEDIN_VERSION: linkedin.version,
  };
}

/** The running app's dependencies of the X and LinkedIn adapters, for calling an adapter directly. */
export function networkDepsOf(t: TestApp, now: () => Date = () => new Date()): NetworkDeps {
  return { db: t.database.db, encryptionKey: t.app.config.encryptionKey, networks: t.app.config.networks, logger: t.app.logger, now };
}

export function slackClientOf(t: TestApp): WebClient {
  return new WebClient(BOT_TOKEN, { slackApiUrl: `${t.slack.url.replace(/\/$/, '')}/`, retryConfig: { retries: 0 } });
}

/** An X account as a finished connect flow leaves it: tokens from the fake, stored encrypted, with its destination. */
export async function connectXAccount(t: TestApp, x: FakeX, { expiresInSeconds = 7200 } = {}): Promise<{ accountId: string; destinationId: string }> {
  const tokens = x.issueTokens(expiresInSeconds);
  const row = await saveConnectedAccount(t.database.db, t.app.config.encryptionKey!, {
    teamId: TEAM,
    provider: 'x',
    externalAccountId: x.account.id,
    displayName: x.account.username,
    authorUrn: null,
    tokens,
    accessExpiresAt: new Date(Date.now() + expiresInSeconds * 1000),
    scopes: ['tweet.read', 'tweet.write', 'users.read', 'offline.access'],
    connectedBy: CONNECTING_ADMIN,
  });
  return { accountId: row.id, destinationId: await destinationOf(t, 'x_thread', row.id, `@${x.account.username}`) };
}

export async function connectLinkedinAccount(t: TestApp, linkedin: FakeLinkedin, { expiresInSeconds = 5_184_000 } = {}): Promise<{ accountId: string; destinationId: string }> {
  const accessToken = linkedin.issueToken(expiresInSeconds);
  const row = await saveConnectedAccount(t.database.db, t.app.config.encryptionKey!, {
    teamId: TEAM,
    provider: 'linkedin',
    externalAccountId: linkedin.member.sub,
    displayName: linkedin.member.name,
    authorUrn: `urn:li:person:${linkedin.member.sub}`,
    tokens: { accessToken, refreshToken: null },
    accessExpiresAt: new Date(Date.now() + expiresInSeconds * 1000),
    scopes: ['openid', 'profile', 'w_member_social'],
    connectedBy: CONNECTING_ADMIN,
  });
  return { accountId: row.id, destinationId: await destinationOf(t, 'linkedin', row.id, linkedin.member.name) };
}

async function destinationOf(t: TestApp, kind: string, accountId: string, name: string): Promise<string> {
  await ensureAccountDestination(t.database.db, { teamId: TEAM, kind, accountId, name });
  const [row] = await t.database.sql<{ id: string }[]>`select id from publish_destinations where team_id = ${TEAM} and config->>'accountId' = ${accountId}`;
  return row!.id;
}

/** An approved plan with a draft and these variants, publishing to `destinations`; returns its id. */
export async function insertPublishingPlan(t: TestApp, { number, variants, destinations }: { number: number; variants: Record<string, unknown>; destinations: string[] }): Promise<string> {
  const [plan] = await t.database.sql<{ id: string }[]>`
    insert into content_plans (team_id, number, source_key, author_id, topic, keyphrase, channels, post_channel_id, status, approved_at, publish_destinations)
    values (${TEAM}, ${number}, ${`networks-${number}`}, 'U0MIA', 'Green tea and focus', 'green tea', '{blog,x_thread,linkedin}', 'C0MARKETING', 'publishing', now(), ${destinations})
    returning id`;
  await t.database.sql`
    insert into content_items (team_id, plan_id, revision, version, origin, title, slug, meta_description, markdown, is_current)
    values (${TEAM}, ${plan!.id}, 0, 1, 'draft', 'Green tea for focus', 'green-tea-for-focus', 'How green tea helps you focus.', '# Green tea for focus\n\nLess caffeine than coffee.', true)`;
  for (const [channel, content] of Object.entries(variants)) {
    await t.database.sql`insert into content_variants (team_id, plan_id, revision, channel, content) values (${TEAM}, ${plan!.id}, 0, ${channel}, ${JSON.stringify(content)}::jsonb)`;
  }
  return plan!.id;
}

export async function enqueuePublish(t: TestApp, planId: string, maxAttempts = 4): Promise<void> {
  await t.database.sql`select graphile_worker.add_job('publish_plan', json_build_object('teamId', ${TEAM}::text, 'planId', ${planId}::text, 'revision', 0), max_attempts => ${maxAttempts})`;
}

/** Direct messages the fake Slack received for `userId`. */
export function directMessagesTo(t: TestApp, userId: string): string[] {
  return t.slack
    .callsTo('chat.postMessage')
    .filter((call) => call.args['channel'] === userId)
    .map((call) => String(call.args['text'] ?? ''));
}
