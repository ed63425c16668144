import { and, eq, isNotNull } from 'drizzle-orm';
import { decryptSecret, encryptSecret, isEncryptedWithCurrentKey, type Keyring, type SecretContext } from '../crypto.ts';
import { isAppError } from '../errors.ts';
import type { Database } from './client.ts';
import { destinationSecretContext } from './destinations.ts';
import { accountTokenContext } from './connected-accounts.ts';
import { installationSecretContext } from './installations.ts';
import { connectedAccounts, installations, publishDestinations } from './schema.ts';

export type ReencryptReport = { reencrypted: number; current: number; unreadable: { table: string; id: string; reason: string }[] };

/**
 * Re-encrypts every stored secret that is in the old format or under an old key with the current
 * key, bound to its workspace and row. Each update is conditional on the value read, so it is safe
 * while the app runs; a value that no key can read is reported and left as it is.
 */
export async function reencryptSecrets(db: Database, keys: Keyring): Promise<ReencryptReport> {
  const report: ReencryptReport = { reencrypted: 0, current: 0, unreadable: [] };
  const visit = async (
    table: string,
    row: { id: string; encrypted: string; context: SecretContext },
    save: (next: string) => Promise<unknown>,
  ) => {
    if (isEncryptedWithCurrentKey(keys, row.encrypted)) return void (report.current += 1);
    try {
      await save(encryptSecret(keys, decryptSecret(keys, row.encrypted, row.context), row.context));
      report.reencrypted += 1;
    } catch (error) {
      if (!isAppError(error)) throw error;
      report.unreadable.push({ table, id: row.id, reason: error.message });
    }
  };

  for (const row of await db.select().from(installations)) {
    await visit('installations', { id: row.id, encrypted: row.installationEncrypted, context: installationSecretContext(row) }, (next) =>
      db
        .update(installations)
        .set({ installationEncrypted: next })
        .where(and(eq(installations.id, row.id), eq(installations.installationEncrypted, row.installationEncrypted))),
    );
  }
  for (const row of await db.select().from(publishDestinations).where(isNotNull(publishDestinations.secretEncrypted))) {
    const encrypted = row.secretEncrypted ?? '';
    await visit('publish_destinations', { id: row.id, encrypted, context: destinationSecretContext(row) }, (next) =>
      db
        .update(publishDestinations)
        .set({ secretEncrypted: next })
        .where(and(eq(publishDestinations.id, row.id), eq(publishDestinations.secretEncrypted, encrypted))),
    );
  }
  for (const row of await db.select().from(connectedAccounts)) {
    await visit('connected_accounts', { id: row.id, encrypted: row.accessTokenEncrypted, context: accountTokenContext(row, 'access') }, (next) =>
      db
        .update(connectedAccounts)
        .set({ accessTokenEncrypted: next })
        .where(and(eq(connectedAccounts.id, row.id), eq(connectedAccounts.accessTokenEncrypted, row.accessTokenEncrypted))),
    );
    const refresh = row.refreshTokenEncrypted;
    if (refresh === null) continue;
    await visit('connected_accounts', { id: row.id, encrypted: refresh, context: accountTokenContext(row, 'refresh') }, (next) =>
      db
        .update(connectedAccounts)
        .set({ refreshTokenEncrypted: next })
        .where(and(eq(connectedAccounts.id, row.id), eq(connectedAccounts.refreshTokenEncrypted, refresh))),
    );
  }
  return report;
}
