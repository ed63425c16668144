import type { WebClient } from '@slack/web-api';
import { randomUUID } from 'node:crypto';
import { encryptSecret, type EncryptionKeys } from '../../crypto.ts';
import { recordAudit } from '../../db/audit.ts';
import { deleteConnectedAccount } from '../../db/connected-accounts.ts';
import type { Database } from '../../db/client.ts';
import {
  deleteDestination,
  destinationSecretContext,
  findDestination,
  insertDestination,
  listDestinations,
  updateDestination,
  type DestinationRow,
} from '../../db/destinations.ts';
import { AppError } from '../../errors.ts';
import type { DestinationNetworkPolicy } from '../../publish/network-guard.ts';
import type { DestinationRegistry } from '../../publish/registry.ts';
import { openStoredDestination } from '../../publish/stored-destination.ts';
import type { DestinationListItem } from '../views/settings/destinations-modal.ts';
import type { DestinationSubmission } from '../views/settings/destination-form-modal.ts';

export function toListItem(row: DestinationRow, registry: DestinationRegistry): DestinationListItem {
  const opened = openStoredDestination(registry, row, undefined);
  const summary = opened.ok ? opened.adapter.summary(opened.config) : opened.reason;
  return { id: row.id, kind: row.kind, name: row.name, summary };
}

export async function listDestinationItems(db: Database, teamId: string, registry: DestinationRegistry): Promise<DestinationListItem[]> {
  return (await listDestinations(db, teamId)).map((row) => toListItem(row, registry));
}

/**
 * Saves a new or edited destination; a secret is encrypted, and an empty one on edit keeps the stored
 * one, unless the edit moves the destination (another origin or user name): then the secret must be
 * typed again, and the AppError's `details.blockId` names its field.
 */
export async function saveDestination(
  db: Database,
  {
    teamId,
    actorId,
    submission,
    encryptionKey,
    registry,
  }: { teamId: string; actorId: string; submission: DestinationSubmission; encryptionKey: EncryptionKeys | undefined; registry: DestinationRegistry },
): Promise<void> {
  if (submission.secret && !encryptionKey) {
    throw new AppError('CONFIG', 'ENCRYPTION_KEY is not set, so secrets cannot be stored. Ask whoever runs the app to set it.');
  }
  // A new row's id is chosen here, so its secret can be bound to it before the insert.
  const id = submission.id ?? randomUUID();
  const secretEncrypted = submission.secret && encryptionKey ? encryptSecret(encryptionKey, submission.secret, destinationSecretContext({ teamId, id })) : undefined;
  const config = { ...submission.config } as Record<string, unknown>;
  if (submission.id) {
    const existing = await findDestination(db, teamId, submission.id);
    if (!existing) throw new AppError('NOT_FOUND', 'That destination was removed.');
    const secretField = registry.find(existing.kind)?.secret;
    if (secretField && submission.secret === null && secretField.scope(existing.config) !== secretField.scope(submission.config)) {
      throw new AppError(
        'INVALID_INPUT',
        `The address or user name changed, so enter the ${secretField.label.toLowerCase()} again: the stored one is never sent to a new destination.`,
        { details: { blockId: secretField.blockId } },
      );
    }
    await updateDestination(db, { teamId, id: submission.id, name: submission.name, config, ...(secretEncrypted ? { secretEncrypted } : {}) });
  } else {
    await insertDestination(db, { id, teamId, kind: submission.kind, name: submission.name, config, secretEncrypted: secretEncrypted ?? null });
  }
  await recordAudit(db, { teamId, planId: null, actorId, action: 'destination_saved', details: { kind: submission.kind, name: submission.name } });
}

export async function removeDestination(db: Database, { teamId, actorId, id }: { teamId: string; actorId: string; id: string }): Promise<string | null> {
  const name = await deleteDestination(db, { teamId, id });
  if (name) await recordAudit(db, { teamId, planId: null, actorId, action: 'destination_removed', details: { name } });
  return name;
}

/** "Test": whatever the kind's adapter checks (a signed ping, a WordPress sign-in, a note in a channel), as one line. */
export async function testDestination({
  row,
  client,
  encryptionKey,
  timeoutMs,
  registry,
  network,
}: {
  row: DestinationRow;
  client: WebClient;
  encryptionKey: EncryptionKeys | undefined;
  timeoutMs: number;
  registry: DestinationRegistry;
  network: DestinationNetworkPolicy;
}): Promise<string> {
  const opened = openStoredDestination(registry, row, encryptionKey);
  if (!opened.ok) return `❌ ${row.name}: ${opened.reason}`;
  try {
    const check = await opened.adapter.test({ config: opened.config, secret: opened.readSecret(), slack: client, timeoutMs, network });
    return `${check.ok ? '✅' : '❌'} ${row.name}: ${check.message}`;
  } catch (error) {
    const reason = (error as { data?: { error?: string } }).data?.error ?? (error instanceof Error ? error.message : String(error));
    return `❌ ${row.name}: ${reason}`;
  }
}

/** Disconnect: deletes the account's tokens and the destination that posts as it, and records who did it. */
export async function disconnectAccount(db: Database, { teamId, actorId, id }: { teamId: string; actorId: string; id: string }): Promise<string | null> {
  return db.transaction(async (tx) => {
    const name = await deleteConnectedAccount(tx, { teamId, id });
    if (name !== null) await recordAudit(tx, { teamId, planId: null, actorId, action: 'account_disconnected', details: { account: name } });
    return name;
  });
}
