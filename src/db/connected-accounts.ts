import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, lt, sql } from 'drizzle-orm';
import { decryptSecret, encryptSecret, type EncryptionKeys, type SecretContext } from '../crypto.ts';
import type { Executor } from './client.ts';
import { connectedAccounts, oauthStates, publishDestinations, xThreadPosts, type ConnectedProvider } from './schema.ts';

export type ConnectedAccountRow = typeof connectedAccounts.$inferSelect;
export type OAuthStateRow = typeof oauthStates.$inferSelect;

/** What an account's tokens are bound to: its workspace, its row and which token it is. */
export function accountTokenContext(row: { teamId: string; id: string }, token: 'access' | 'refresh'): SecretContext {
  return { teamId: row.teamId, row: `connected_accounts:${row.id}:${token}` };
}

export type AccountTokens = { accessToken: string; refreshToken: string | null };

export function readAccountTokens(keys: EncryptionKeys, row: ConnectedAccountRow): AccountTokens {
  return {
    accessToken: decryptSecret(keys, row.accessTokenEncrypted, accountTokenContext(row, 'access')),
    refreshToken: row.refreshTokenEncrypted === null ? null : decryptSecret(keys, row.refreshTokenEncrypted, accountTokenContext(row, 'refresh')),
  };
}

function encryptTokens(keys: EncryptionKeys, row: { teamId: string; id: string }, tokens: AccountTokens) {
  return {
    accessTokenEncrypted: encryptSecret(keys, tokens.accessToken, accountTokenContext(row, 'access')),
    refreshTokenEncrypted: tokens.refreshToken === null ? null : encryptSecret(keys, tokens.refreshToken, accountTokenContext(row, 'refresh')),
  };
}

export type NewConnectedAccount = {
  teamId: string;
  provider: ConnectedProvider;
  externalAccountId: string;
  displayName: string;
  authorUrn: string | null;
  tokens: AccountTokens;
  accessExpiresAt: Date | null;
  scopes: string[];
  connectedBy: string;
};

/** Saves a newly connected account, or replaces the tokens of the same account connected again (Reconnect). */
export async function saveConnectedAccount(db: Executor, keys: EncryptionKeys, account: NewConnectedAccount): Promise<ConnectedAccountRow> {
  const [existing] = await db
    .select({ id: connectedAccounts.id })
    .from(connectedAccounts)
    .where(
      and(
        eq(connectedAccounts.teamId, account.teamId),
        eq(connectedAccounts.provider, account.provider),
        eq(connectedAccounts.externalAccountId, account.externalAccountId),
      ),
    );
  const id = existing?.id ?? randomUUID();
  const fields = {
    displayName: account.displayName,
    authorUrn: account.authorUrn,
    ...encryptTokens(keys, { teamId: account.teamId, id }, account.tokens),
    accessExpiresAt: account.accessExpiresAt,
    scopes: account.scopes,
    status: 'active' as const,
    statusReason: null,
    connectedBy: account.connectedBy,
    updatedAt: new Date(),
  };
  const [row] = await db
    .insert(connectedAccounts)
    .values({ id, teamId: account.teamId, provider: account.provider, externalAccountId: account.externalAccountId, ...fields })
    .onConflictDoUpdate({ target: [connectedAccounts.teamId, connectedAccounts.provider, connectedAccounts.externalAccountId], set: fields })
    .returning();
  if (!row) throw new Error('could not save the connected account');
  return row;
}

export async function listConnectedAccounts(db: Executor, teamId: string): Promise<ConnectedAccountRow[]> {
  return db.select().from(connectedAccounts).where(eq(connectedAccounts.teamId, teamId)).orderBy(asc(connectedAccounts.createdAt));
}

export async function findConnectedAccount(db: Executor, teamId: string, id: string): Promise<ConnectedAccountRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await db
    .select()
    .from(connectedAccounts)
    .where(and(eq(connectedAccounts.teamId, teamId), eq(connectedAccounts.id, id)));
  return row;
}

/** The account row locked until the transaction ends: one refresh at a time per token. */
export async function lockConnectedAccount(tx: Executor, teamId: string, id: string): Promise<ConnectedAccountRow | undefined> {
  const [row] = await tx
    .select()
    .from(connectedAccounts)
    .where(and(eq(connectedAccounts.teamId, teamId), eq(connectedAccounts.id, id)))
    .for('update');
  return row;
}

/** Stores a refreshed pair of tokens in one update (X refresh tokens are single use: the old one is dead now). */
export async function storeRefreshedTokens(
  tx: Executor,
  keys: EncryptionKeys,
  row: { teamId: string; id: string },
  tokens: AccountTokens,
  accessExpiresAt: Date | null,
): Promise<void> {
  await tx
    .update(connectedAccounts)
    .set({ ...encryptTokens(keys, row, tokens), accessExpiresAt, refreshCount: sql`${connectedAccounts.refreshCount} + 1`, updatedAt: new Date() })
    .where(and(eq(connectedAccounts.teamId, row.teamId), eq(connectedAccounts.id, row.id)));
}

/** Marks an account "needs reconnect"; true only for the call that changed it, so admins are told once. */
export async function markNeedsReconnect(db: Executor, { teamId, id, reason }: { teamId: string; id: string; reason: string }): Promise<boolean> {
  const rows = await db
    .update(connectedAccounts)
    .set({ status: 'needs_reconnect', statusReason: reason, updatedAt: new Date() })
    .where(and(eq(connectedAccounts.teamId, teamId), eq(connectedAccounts.id, id), eq(connectedAccounts.status, 'active')))
    .returning({ id: connectedAccounts.id });
  return rows.length > 0;
}

/** Disconnect: deletes the account with its tokens and the destinations that post as it; returns its name, or null. */
export async function deleteConnectedAccount(db: Executor, { teamId, id }: { teamId: string; id: string }): Promise<string | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  await db
    .delete(publishDestinations)
    .where(and(eq(publishDestinations.teamId, teamId), sql`${publishDestinations.config}->>'accountId' = ${id}`));
  const rows = await db
    .delete(connectedAccounts)
    .where(and(eq(connectedAccounts.teamId, teamId), eq(connectedAccounts.id, id)))
    .returning({ name: connectedAccounts.displayName });
  return rows[0]?.name ?? null;
}

/** The destination that posts as this account, created once when the account is first connected. */
export async function ensureAccountDestination(
  db: Executor,
  { teamId, kind, accountId, name }: { teamId: string; kind: string; accountId: string; name: string },
): Promise<void> {
  const [existing] = await db
    .select({ id: publishDestinations.id })
    .from(publishDestinations)
    .where(and(eq(publishDestinations.teamId, teamId), eq(publishDestinations.kind, kind), sql`${publishDestinations.config}->>'accountId' = ${accountId}`));
  if (existing) return;
  await db.insert(publishDestinations).values({ teamId, kind, name, config: { kind, accountId } });
}

// OAuth flows under way.

export async function insertOAuthState(db: Executor, state: typeof oauthStates.$inferInsert): Promise<void> {
  await db.delete(oauthStates).where(lt(oauthStates.expiresAt, new Date()));
  await db.insert(oauthStates).values(state);
}

/** Takes a state once: deleted as it is read, and only while it has not expired. */
export async function consumeOAuthState(
  db: Executor,
  { stateHash, provider, now }: { stateHash: string; provider: ConnectedProvider; now: Date },
): Promise<OAuthStateRow | undefined> {
  const [row] = await db
    .delete(oauthStates)
    .where(and(eq(oauthStates.stateHash, stateHash), eq(oauthStates.provider, provider), gt(oauthStates.expiresAt, now)))
    .returning();
  return row;
}

// The posts of an X thread, per publish attempt.

export async function listThreadPosts(db: Executor, { teamId, idempotencyKey }: { teamId: string; idempotencyKey: string }): Promise<string[]> {
  const rows = await db
    .select()
    .from(xThreadPosts)
    .where(and(eq(xThreadPosts.teamId, teamId), eq(xThreadPosts.idempotencyKey, idempotencyKey)))
    .orderBy(asc(xThreadPosts.position));
  const ids: string[] = [];
  // Only an unbroken run from the first post counts: each post replies to the one before it.
  for (const row of rows) {
    if (row.position !== ids.length) break;
    ids.push(row.tweetId);
  }
  return ids;
}

export async function recordThreadPost(
  db: Executor,
  post: { teamId: string; idempotencyKey: string; position: number; tweetId: string },
): Promise<void> {
  await db.insert(xThreadPosts).values(post).onConflictDoNothing();
}

/**
 * An account by id alone, for adapters: a destination's `accountId` is written by the connect flow,
 * never typed by a person, and the row's own workspace binds its tokens.
 */
export async function findConnectedAccountById(db: Executor, id: string): Promise<ConnectedAccountRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await db.select().from(connectedAccounts).where(eq(connectedAccounts.id, id));
  return row;
}
