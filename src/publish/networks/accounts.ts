import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { ApiResponseError } from 'twitter-api-v2';
import type { NetworksConfig } from '../../config.ts';
import type { EncryptionKeys } from '../../crypto.ts';
import type { Database } from '../../db/client.ts';
import {
  findConnectedAccountById,
  lockConnectedAccount,
  markNeedsReconnect,
  readAccountTokens,
  storeRefreshedTokens,
  type ConnectedAccountRow,
} from '../../db/connected-accounts.ts';
import { getWorkspaceSettings } from '../../db/settings.ts';
import type { DeliveryResult } from '../types.ts';
import { refreshXToken } from './x-api.ts';

/** What the X and LinkedIn adapters need besides a call's context; built in main.ts. */
export type NetworkDeps = {
  db: Database;
  encryptionKey: EncryptionKeys | undefined;
  networks: NetworksConfig;
  logger: Logger;
  now: () => Date;
};

// An access token this close to its expiry is refreshed first, so it cannot lapse mid-thread.
const REFRESH_MARGIN_MS = 5 * 60_000;

export const PROVIDER_LABELS = { x: 'X', linkedin: 'LinkedIn' } as const;

export function accountLabel(row: Pick<ConnectedAccountRow, 'provider' | 'displayName'>): string {
  return row.provider === 'x' ? `@${row.displayName}` : row.displayName;
}

export type AccountAccess = { ok: true; account: ConnectedAccountRow; accessToken: string } | { ok: false; result: DeliveryResult; needsReconnect?: { account: ConnectedAccountRow; reason: string } };

function needsReconnect(account: ConnectedAccountRow, reason: string): AccountAccess {
  return { ok: false, result: { state: 'failed', retryable: false, reason }, needsReconnect: { account, reason } };
}

/** The account a destination posts as, or why it cannot be used. */
export async function openAccount(deps: NetworkDeps, accountId: string): Promise<{ ok: true; account: ConnectedAccountRow } | { ok: false; result: DeliveryResult }> {
  const account = await findConnectedAccountById(deps.db, accountId);
  if (!account) return { ok: false, result: { state: 'failed', retryable: false, reason: 'The account this destination posted as was disconnected; connect it again in the App Home.' } };
  if (!deps.encryptionKey) return { ok: false, result: { state: 'failed', retryable: false, reason: 'ENCRYPTION_KEY is not set, so the stored account tokens cannot be read.' } };
  if (account.status === 'needs_reconnect') {
    return { ok: false, result: { state: 'failed', retryable: false, reason: `${PROVIDER_LABELS[account.provider]} account ${accountLabel(account)} must be reconnected in the App Home before it can post.` } };
  }
  return { ok: true, account };
}

/**
 * A usable X access token. The account row is locked for the whole check, so of two workers that find
 * the token expiring, one refreshes and stores both new tokens (X refresh tokens are single use) and
 * the other then reads the fresh token: one refresh, never two with the same refresh token.
 */
export async function xAccessToken(deps: NetworkDeps, accountId: string, timeoutMs: number): Promise<AccountAccess> {
  const opened = await openAccount(deps, accountId);
  if (!opened.ok) return opened;
  const keys = deps.encryptionKey!;
  const client = deps.networks.x.client;
  return deps.db.transaction(async (tx) => {
    const account = await lockConnectedAccount(tx, opened.account.teamId, accountId);
    if (!account) return openAccount(deps, accountId) as Promise<AccountAccess>;
    const tokens = readAccountTokens(keys, account);
    const now = deps.now();
    if (account.accessExpiresAt === null || account.accessExpiresAt.getTime() - now.getTime() > REFRESH_MARGIN_MS) {
      return { ok: true, account, accessToken: tokens.accessToken };
    }
    const label = accountLabel(account);
    if (tokens.refreshToken === null) return needsReconnect(account, `X's access for ${label} expired and cannot be renewed; an admin must reconnect it in the App Home.`);
    if (!client) return { ok: false, result: { state: 'failed', retryable: false, reason: 'X_CLIENT_ID and X_CLIENT_SECRET are not set, so the X token cannot be renewed.' } };
    try {
      const refreshed = await refreshXToken(client, deps.networks.x, tokens.refreshToken, now, timeoutMs);
      // X answers without a new refresh token only when offline.access was dropped; keep none rather than a dead one.
      await storeRefreshedTokens(tx, keys, account, { accessToken: refreshed.accessToken, refreshToken: refreshed.refreshToken }, refreshed.accessExpiresAt);
      return { ok: true, account, accessToken: refreshed.accessToken };
    } catch (error) {
      if (error instanceof ApiResponseError && (error.code === 400 || error.code === 401)) {
        return needsReconnect(account, `X no longer accepts the connection to ${label} (it was revoked or expired); an admin must reconnect it in the App Home.`);
      }
      deps.logger.warn({ err: error, accountId }, 'could not refresh an X token');
      return { ok: false, result: { state: 'failed', retryable: true, reason: `X did not renew the access of ${label} just now; it is tried again.` } };
    }
  });
}

/** A LinkedIn member's token (LinkedIn gives members no refresh token: after 60 days they reconnect). */
export async function linkedinAccessToken(deps: NetworkDeps, accountId: string): Promise<AccountAccess> {
  const opened = await openAccount(deps, accountId);
  if (!opened.ok) return opened;
  const { account } = opened;
  if (account.accessExpiresAt !== null && account.accessExpiresAt.getTime() <= deps.now().getTime()) {
    return needsReconnect(account, `LinkedIn's 60-day access for ${accountLabel(account)} expired; an admin must reconnect it in the App Home.`);
  }
  return { ok: true, account, accessToken: readAccountTokens(deps.encryptionKey!, account).accessToken };
}

/**
 * Marks the account "needs reconnect" and tells the admins by DM: whoever connected it and the admins
 * listed in the settings. Only the call that changed the status sends the DMs.
 */
export async function reportNeedsReconnect(
  deps: Pick<NetworkDeps, 'db' | 'logger'>,
  slack: WebClient,
  { account, reason }: { account: ConnectedAccountRow; reason: string },
): Promise<void> {
  const changed = await markNeedsReconnect(deps.db, { teamId: account.teamId, id: account.id, reason });
  if (!changed) return;
  const { admins } = await getWorkspaceSettings(deps.db, account.teamId);
  const recipients = [...new Set([account.connectedBy, ...admins])];
  const text = `:warning: ${PROVIDER_LABELS[account.provider]} account ${accountLabel(account)} needs to be reconnected. ${reason} Until then, plans are not published there. Open the App Home and press Reconnect.`;
  for (const user of recipients) {
    await slack.chat.postMessage({ channel: user, text }).catch((error: unknown) => deps.logger.warn({ err: error, user }, 'could not tell an admin to reconnect an account'));
  }
}
