import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import type { Context, Env, Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { Logger } from 'pino';
import { z } from 'zod';
import { isAppAdmin } from '../bot/services/permissions.ts';
import type { NetworksConfig } from '../config.ts';
import { decryptSecret, encryptSecret, type EncryptionKeys } from '../crypto.ts';
import { recordAudit } from '../db/audit.ts';
import type { Database } from '../db/client.ts';
import { consumeOAuthState, ensureAccountDestination, insertOAuthState, saveConnectedAccount } from '../db/connected-accounts.ts';
import type { ConnectedProvider } from '../db/schema.ts';
import type { EnqueueJob } from '../jobs/queue.ts';
import { requestHomeRefresh } from '../jobs/queue.ts';
import { exchangeLinkedinCode, linkedinAuthorizationLink } from '../publish/networks/linkedin-api.ts';
import { exchangeXCode, xAuthorizationLink } from '../publish/networks/x-api.ts';
import { escapeHtml } from '../publish/html.ts';

/** How long a Connect link in the App Home works; the Home is rebuilt whenever it is opened. */
export const CONNECT_TICKET_TTL_MS = 60 * 60_000;
/** How long the network's consent page may take before the flow must start again. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;
const EXCHANGE_TIMEOUT_MS = 15_000;

const PROVIDERS = ['x', 'linkedin'] as const;
const NAMES: Record<ConnectedProvider, string> = { x: 'X', linkedin: 'LinkedIn' };
const DESTINATION_KINDS: Record<ConnectedProvider, string> = { x: 'x_thread', linkedin: 'linkedin' };

export type ConnectDeps = {
  db: Database;
  logger: Logger;
  networks: NetworksConfig;
  encryptionKey: EncryptionKeys | undefined;
  /** The workspace's Slack client, to check that the person is still an admin. */
  slackFor: (teamId: string) => Promise<WebClient>;
  enqueue: EnqueueJob;
  now: () => Date;
};

/**
 * What is missing to connect accounts of a provider, as a sentence for the Connect button's place in
 * the App Home, or null when everything is set.
 */
export function missingConnectSetup(networks: NetworksConfig, encryptionKey: unknown, provider: ConnectedProvider): string | null {
  const missing: string[] = [];
  if (networks.publicUrl === undefined) missing.push('PUBLIC_URL');
  if (provider === 'x' && networks.x.client === undefined) missing.push('X_CLIENT_ID and X_CLIENT_SECRET');
  if (provider === 'linkedin' && networks.linkedin.client === undefined) missing.push('LINKEDIN_CLIENT_ID and LINKEDIN_CLIENT_SECRET');
  if (encryptionKey === undefined) missing.push('ENCRYPTION_KEY');
  if (missing.length === 0) return null;
  return `To connect ${NAMES[provider]}, set ${missing.join(', ')} (see the README, "Configuration") and restart the app.`;
}

const ticketSchema = z.object({ p: z.enum(PROVIDERS), t: z.string().min(1), u: z.string().min(1), e: z.number().int() });
type Ticket = { provider: ConnectedProvider; teamId: string; userId: string; expiresAt: number };

function ticketKey(keys: EncryptionKeys): Buffer {
  return createHmac('sha256', Buffer.isBuffer(keys) ? keys : keys.current).update('content-broadcaster:connect-ticket:v1').digest();
}

/** A signed, expiring link token naming the admin and the workspace a Connect button was shown to. */
export function signConnectTicket(keys: EncryptionKeys, ticket: Ticket): string {
  const body = Buffer.from(JSON.stringify({ p: ticket.provider, t: ticket.teamId, u: ticket.userId, e: ticket.expiresAt })).toString('base64url');
  return `${body}.${createHmac('sha256', ticketKey(keys)).update(body).digest('base64url')}`;
}

export function verifyConnectTicket(keys: EncryptionKeys, value: string, now: Date): Ticket | null {
  const [body, signature] = value.split('.');
  if (!body || !signature) return null;
  const expected = createHmac('sha256', ticketKey(keys)).update(body).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const parsed = ticketSchema.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    if (!parsed.success || parsed.data.e <= now.getTime()) return null;
    return { provider: parsed.data.p, teamId: parsed.data.t, userId: parsed.data.u, expiresAt: parsed.data.e };
  } catch {
    return null;
  }
}

/** The Connect (or Reconnect) link for one admin, or null when connecting is not configured. */
export function connectLink(deps: Pick<ConnectDeps, 'networks' | 'encryptionKey' | 'now'>, provider: ConnectedProvider, teamId: string, userId: string): string | null {
  if (missingConnectSetup(deps.networks, deps.encryptionKey, provider) !== null) return null;
  const ticket = signConnectTicket(deps.encryptionKey!, { provider, teamId, userId, expiresAt: deps.now().getTime() + CONNECT_TICKET_TTL_MS });
  return `${deps.networks.publicUrl}/connect/${provider}?ticket=${encodeURIComponent(ticket)}`;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const cookieName = (provider: ConnectedProvider) => `cb_connect_${provider}`;
const redirectUri = (networks: NetworksConfig, provider: ConnectedProvider) => `${networks.publicUrl}/connect/${provider}/callback`;
const stateContext = (teamId: string, stateHash: string) => ({ teamId, row: `oauth_states:${stateHash}` });

/**
 * The connect flows: `GET /connect/{x,linkedin}?ticket=…` (from an admin's App Home) starts one, and
 * `GET /connect/{x,linkedin}/callback` finishes it. The state sent to the network is random, stored
 * only as a hash with the admin, the workspace and an expiry, and deleted when it is used; the
 * callback must also come from the browser that started the flow (a cookie). Anything that does
 * not check out stores nothing.
 */
export function addConnectRoutes<E extends Env>(app: Hono<E>, deps: ConnectDeps): void {
  app.get('/connect/:provider', async (c) => {
    const provider = parseProvider(c.req.param('provider'));
    if (!provider) return c.notFound();
    const missing = missingConnectSetup(deps.networks, deps.encryptionKey, provider);
    if (missing) return page(c, 503, 'Connecting is not set up', missing);
    const keys = deps.encryptionKey!;
    const ticket = verifyConnectTicket(keys, c.req.query('ticket') ?? '', deps.now());
    if (!ticket || ticket.provider !== provider) {
      return page(c, 400, 'This link has expired', `Open the app's Home tab in Slack again and press Connect ${NAMES[provider]} there.`);
    }
    const isAdmin = await isAppAdmin({ db: deps.db, client: await deps.slackFor(ticket.teamId), teamId: ticket.teamId, userId: ticket.userId, logger: deps.logger }).catch(() => false);
    if (!isAdmin) return page(c, 403, 'Only admins can connect accounts', 'Ask a workspace admin, or an admin listed in the app settings, to connect it.');

    const state = randomBytes(32).toString('base64url');
    const browser = randomBytes(32).toString('base64url');
    const stateHash = sha256(state);
    let location: string;
    let codeVerifierEncrypted: string | null = null;
    if (provider === 'x') {
      const link = xAuthorizationLink(deps.networks.x.client!, deps.networks.x, redirectUri(deps.networks, 'x'), state);
      codeVerifierEncrypted = encryptSecret(keys, link.codeVerifier, stateContext(ticket.teamId, stateHash));
      location = link.url;
    } else {
      location = linkedinAuthorizationLink(deps.networks.linkedin.client!, deps.networks.linkedin, redirectUri(deps.networks, 'linkedin'), state);
    }
    await insertOAuthState(deps.db, {
      stateHash,
      provider,
      teamId: ticket.teamId,
      userId: ticket.userId,
      codeVerifierEncrypted,
      browserHash: sha256(browser),
      expiresAt: new Date(deps.now().getTime() + OAUTH_STATE_TTL_MS),
    });
    setCookie(c, cookieName(provider), browser, {
      httpOnly: true,
      secure: deps.networks.publicUrl?.startsWith('https:') ?? true,
      sameSite: 'Lax',
      path: `/connect/${provider}`,
      maxAge: OAUTH_STATE_TTL_MS / 1000,
    });
    return c.redirect(location, 302);
  });

  app.get('/connect/:provider/callback', async (c) => {
    const provider = parseProvider(c.req.param('provider'));
    if (!provider) return c.notFound();
    const missing = missingConnectSetup(deps.networks, deps.encryptionKey, provider);
    if (missing) return page(c, 503, 'Connecting is not set up', missing);
    const keys = deps.encryptionKey!;
    const state = c.req.query('state') ?? '';
    const flow = state === '' ? undefined : await consumeOAuthState(deps.db, { stateHash: sha256(state), provider, now: deps.now() });
    const again = `Open the app's Home tab in Slack and press Connect ${NAMES[provider]} again.`;
    if (!flow) return page(c, 400, 'This sign-in was already used or has expired', `Nothing was connected. ${again}`);
    const browser = getCookie(c, cookieName(provider)) ?? '';
    if (!safeEqual(sha256(browser), flow.browserHash)) {
      return page(c, 400, 'This sign-in started in another browser', `Nothing was connected. ${again} Finish it in the same browser.`);
    }
    if (c.req.query('error')) return page(c, 400, `${NAMES[provider]} was not connected`, `The permission was not granted (${c.req.query('error')}). ${again}`);
    const code = c.req.query('code');
    if (!code) return page(c, 400, `${NAMES[provider]} was not connected`, `${NAMES[provider]} sent no authorization code. ${again}`);

    try {
      const now = deps.now();
      const account =
        provider === 'x'
          ? await connectX(deps, { code, codeVerifier: decryptSecret(keys, flow.codeVerifierEncrypted ?? '', stateContext(flow.teamId, flow.stateHash)), now })
          : await connectLinkedin(deps, { code, now });
      const row = await deps.db.transaction(async (tx) => {
        const saved = await saveConnectedAccount(tx, keys, { ...account, teamId: flow.teamId, provider, connectedBy: flow.userId });
        await ensureAccountDestination(tx, { teamId: flow.teamId, kind: DESTINATION_KINDS[provider], accountId: saved.id, name: provider === 'x' ? `@${saved.displayName} on X` : `${saved.displayName} on LinkedIn` });
        await recordAudit(tx, { teamId: flow.teamId, planId: null, actorId: flow.userId, action: 'account_connected', details: { provider, account: saved.displayName } });
        return saved;
      });
      await requestHomeRefresh(deps, flow.teamId, flow.userId).catch(() => undefined);
      const who = provider === 'x' ? `@${row.displayName}` : row.displayName;
      return page(c, 200, `Connected ${who} on ${NAMES[provider]}`, 'You can close this tab and go back to Slack: the account is listed in the Home tab, and plans can now be published there.');
    } catch (error) {
      deps.logger.warn({ err: error, provider }, 'connecting an account failed');
      return page(c, 502, `${NAMES[provider]} was not connected`, `${NAMES[provider]} did not complete the sign-in. ${again}`);
    }
  });
}

async function connectX(deps: ConnectDeps, { code, codeVerifier, now }: { code: string; codeVerifier: string; now: Date }) {
  const result = await exchangeXCode(deps.networks.x.client!, deps.networks.x, { code, codeVerifier, redirectUri: redirectUri(deps.networks, 'x'), now, timeoutMs: EXCHANGE_TIMEOUT_MS });
  return {
    externalAccountId: result.userId,
    displayName: result.username,
    authorUrn: null,
    tokens: { accessToken: result.accessToken, refreshToken: result.refreshToken },
    accessExpiresAt: result.accessExpiresAt,
    scopes: result.scopes,
  };
}

async function connectLinkedin(deps: ConnectDeps, { code, now }: { code: string; now: Date }) {
  const member = await exchangeLinkedinCode(deps.networks.linkedin.client!, deps.networks.linkedin, { code, redirectUri: redirectUri(deps.networks, 'linkedin'), now, timeoutMs: EXCHANGE_TIMEOUT_MS });
  return {
    externalAccountId: member.memberId,
    displayName: member.name,
    authorUrn: member.authorUrn,
    tokens: { accessToken: member.accessToken, refreshToken: null },
    accessExpiresAt: member.accessExpiresAt,
    scopes: member.scopes,
  };
}

function parseProvider(value: string | undefined): ConnectedProvider | null {
  return value === 'x' || value === 'linkedin' ? value : null;
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}


function page<E extends Env>(c: Context<E>, status: 200 | 400 | 403 | 502 | 503, title: string, text: string) {
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
      `<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`,
    status,
    { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
  );
}
