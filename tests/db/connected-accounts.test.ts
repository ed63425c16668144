import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeKeyring } from '../../src/crypto.ts';
import { findConnectedAccount, readAccountTokens, saveConnectedAccount } from '../../src/db/connected-accounts.ts';
import { reencryptSecrets } from '../../src/db/reencrypt-secrets.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const OLD = randomBytes(32);
const NEW = randomBytes(32);
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.drop());

const account = (teamId: string) => ({
  teamId,
  provider: 'x' as const,
  externalAccountId: '42',
  displayName: 'acme',
  authorUrn: null,
  tokens: { accessToken: 'access-1', refreshToken: 'refresh-1' },
  accessExpiresAt: new Date(Date.now() + 7_200_000),
  scopes: ['tweet.write'],
  connectedBy: 'U0ADMIN',
});

test('account tokens are bound to their row: copied to another account, they do not decrypt', async () => {
  const keys = makeKeyring(NEW);
  const first = await saveConnectedAccount(database.db, keys, account('T0ONE'));
  const second = await saveConnectedAccount(database.db, keys, { ...account('T0TWO'), tokens: { accessToken: 'access-2', refreshToken: null } });
  expect(readAccountTokens(keys, first)).toEqual({ accessToken: 'access-1', refreshToken: 'refresh-1' });
  expect(() => readAccountTokens(keys, { ...second, accessTokenEncrypted: first.accessTokenEncrypted })).toThrow(/could not be decrypted/);
  // Connecting the same account again replaces its tokens in the same row.
  const again = await saveConnectedAccount(database.db, keys, { ...account('T0ONE'), tokens: { accessToken: 'access-3', refreshToken: 'refresh-3' } });
  expect(again.id).toBe(first.id);
  expect(readAccountTokens(keys, again).accessToken).toBe('access-3');
});

test('secrets:reencrypt moves connected-account tokens to the new key', async () => {
  const saved = await saveConnectedAccount(database.db, makeKeyring(OLD), account('T0ROTATE'));
  const report = await reencryptSecrets(database.db, makeKeyring(NEW, [OLD]));
  expect(report.unreadable).toEqual([]);
  const row = (await findConnectedAccount(database.db, 'T0ROTATE', saved.id))!;
  expect(readAccountTokens(makeKeyring(NEW), row)).toEqual({ accessToken: 'access-1', refreshToken: 'refresh-1' });
});
