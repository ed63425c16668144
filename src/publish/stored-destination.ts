import { decryptSecret, type EncryptionKeys } from '../crypto.ts';
import { destinationSecretContext } from '../db/destinations.ts';
import { AppError } from '../errors.ts';
import type { DestinationAdapter } from './destinations/adapter.ts';
import type { DestinationRegistry } from './registry.ts';

/** A destination row as stored: its workspace and id, its kind, its non-secret config, and its encrypted secret. */
export type StoredDestination = { teamId: string; id: string; kind: string; config: unknown; secretEncrypted: string | null };

export type OpenedDestination =
  | { ok: true; adapter: DestinationAdapter; config: { kind: string }; readSecret: () => string }
  | { ok: false; reason: string };

/**
 * A stored destination parsed with its adapter's schema, or a sentence saying why it cannot be used.
 * The secret is decrypted only when asked for.
 */
export function openStoredDestination(registry: DestinationRegistry, row: StoredDestination, encryptionKey: EncryptionKeys | undefined): OpenedDestination {
  const adapter = registry.find(row.kind);
  if (!adapter) return { ok: false, reason: `This app no longer knows destinations of kind "${row.kind}"; remove it in the App Home.` };
  // The row's kind column is the truth; older rows' config may not repeat it.
  const stored = typeof row.config === 'object' && row.config !== null ? row.config : {};
  const parsed = adapter.configSchema.safeParse({ ...stored, kind: row.kind });
  if (!parsed.success) {
    const problem = parsed.error.issues[0]?.message ?? 'its settings are not valid';
    return { ok: false, reason: `Its settings are no longer valid (${problem.replace(/\.$/, '')}); edit it in the App Home.` };
  }
  const readSecret = () => {
    if (!row.secretEncrypted) return '';
    if (!encryptionKey) throw new AppError('CONFIG', 'ENCRYPTION_KEY is not set, so stored destination secrets cannot be read.');
    return decryptSecret(encryptionKey, row.secretEncrypted, destinationSecretContext(row));
  };
  return { ok: true, adapter, config: parsed.data, readSecret };
}
