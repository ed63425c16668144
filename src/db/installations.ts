import type { Installation, InstallationQuery, InstallationStore } from '@slack/oauth';
import { and, eq } from 'drizzle-orm';
import { decryptSecret, encryptSecret, isEncryptedWithCurrentKey, type EncryptionKeys, type SecretContext } from '../crypto.ts';
import { AppError } from '../errors.ts';
import type { Database, Executor } from './client.ts';
import { auditLog, installations } from './schema.ts';

/** The tenant key of an installation: the workspace, or the enterprise for an org-wide install. */
function tenantOf(query: { teamId?: string | undefined; enterpriseId?: string | undefined; isEnterpriseInstall?: boolean }): {
  teamId: string;
  enterpriseId: string;
} {
  const enterpriseId = query.enterpriseId ?? '';
  const teamId = query.isEnterpriseInstall ? enterpriseId : (query.teamId ?? '');
  return { teamId, enterpriseId };
}

/** What an installation's ciphertext is bound to: its workspace (or enterprise) and its row. */
export function installationSecretContext(row: { teamId: string; enterpriseId: string }): SecretContext {
  return { teamId: row.teamId, row: `installations:${row.enterpriseId}` };
}

/**
 * Bolt's InstallationStore in Postgres, with each installation (and its tokens) encrypted with
 * ENCRYPTION_KEY. A value in an older format or under an old key is re-encrypted when read.
 */
export function makeInstallationStore(db: Database, encryptionKey: EncryptionKeys): InstallationStore {
  return {
    async storeInstallation(installation) {
      const isEnterpriseInstall = Boolean(installation.isEnterpriseInstall);
      const tenant = tenantOf({ teamId: installation.team?.id, enterpriseId: installation.enterprise?.id, isEnterpriseInstall });
      if (!tenant.teamId) throw new AppError('INVALID_INPUT', 'The installation names no workspace or enterprise.');
      const values = {
        ...tenant,
        isEnterpriseInstall,
        installationEncrypted: encryptSecret(encryptionKey, JSON.stringify(installation), installationSecretContext(tenant)),
        botUserId: installation.bot?.userId ?? null,
        botId: installation.bot?.id ?? null,
        installerUserId: installation.user.id,
        scopes: installation.bot?.scopes ?? [],
        updatedAt: new Date(),
      };
      // The installer counts as an app admin, so it is recorded on the first install only: a
      // member who may install apps must not become an admin by reinstalling. Admins change it in settings.
      const { installerUserId: _firstInstallOnly, ...reinstalled } = values;
      await db.insert(installations).values(values).onConflictDoUpdate({ target: [installations.teamId, installations.enterpriseId], set: reinstalled });
    },
    async fetchInstallation(query) {
      const row = await findInstallationRow(db, query);
      if (!row) throw new AppError('NOT_FOUND', `No installation for ${query.teamId ?? query.enterpriseId ?? 'this workspace'}.`);
      const context = installationSecretContext(row);
      const plaintext = decryptSecret(encryptionKey, row.installationEncrypted, context);
      if (!isEncryptedWithCurrentKey(encryptionKey, row.installationEncrypted)) {
        await db
          .update(installations)
          .set({ installationEncrypted: encryptSecret(encryptionKey, plaintext, context) })
          .where(and(eq(installations.id, row.id), eq(installations.installationEncrypted, row.installationEncrypted)));
      }
      return JSON.parse(plaintext) as Installation;
    },
    async deleteInstallation(query) {
      await deleteInstallationsFor(db, tenantOf(query).teamId);
    },
  };
}

async function findInstallationRow(db: Executor, query: InstallationQuery<boolean>) {
  // A workspace inside an org-wide install has no row of its own: fall back to the enterprise's.
  const candidates = [tenantOf(query), ...(query.enterpriseId ? [{ teamId: query.enterpriseId, enterpriseId: query.enterpriseId }] : [])];
  for (const tenant of candidates) {
    const [row] = await db
      .select()
      .from(installations)
      .where(and(eq(installations.teamId, tenant.teamId), eq(installations.enterpriseId, tenant.enterpriseId)));
    if (row) return row;
  }
  return undefined;
}

export async function deleteInstallationsFor(db: Executor, teamId: string): Promise<number> {
  const rows = await db.delete(installations).where(eq(installations.teamId, teamId)).returning({ id: installations.id });
  return rows.length;
}

export async function findInstallerUserId(db: Executor, teamId: string): Promise<string | null> {
  return (await findInstallation(db, teamId))?.installerUserId ?? null;
}

/**
 * Names the person counted as the app's installer (and so an admin), with an audit row.
 * Returns false when the workspace has no installation (single-workspace mode).
 */
export async function changeInstallerUserId(
  db: Database,
  { teamId, actorId, installerUserId }: { teamId: string; actorId: string; installerUserId: string | null },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select({ installerUserId: installations.installerUserId }).from(installations).where(eq(installations.teamId, teamId)).for('update');
    if (!row) return false;
    if (row.installerUserId === installerUserId) return true;
    await tx.update(installations).set({ installerUserId, updatedAt: new Date() }).where(eq(installations.teamId, teamId));
    await tx.insert(auditLog).values({ teamId, planId: null, actorId, action: 'installer_changed', details: { from: row.installerUserId, to: installerUserId } });
    return true;
  });
}

/** The recorded installer; undefined when the workspace has no installation row at all. */
export async function findInstallation(db: Executor, teamId: string): Promise<{ installerUserId: string | null } | undefined> {
  const [row] = await db.select({ installerUserId: installations.installerUserId }).from(installations).where(eq(installations.teamId, teamId));
  return row;
}
