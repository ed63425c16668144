import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Database } from '../../db/client.ts';
import { findInstallerUserId } from '../../db/installations.ts';
import { getWorkspaceSettings, type WorkspaceSettings } from '../../db/settings.ts';

/**
 * Admins of the app: the workspace's Slack admins and owners (users.info), the person who
 * installed the app, and anyone listed as an admin in its settings.
 */
export async function isAppAdmin({
  db,
  client,
  teamId,
  userId,
  logger,
  settings,
}: {
  db: Database;
  client: WebClient;
  teamId: string;
  userId: string;
  logger: Logger;
  settings?: Pick<WorkspaceSettings, 'admins'>;
}): Promise<boolean> {
  const { admins } = settings ?? (await getWorkspaceSettings(db, teamId));
  if (admins.includes(userId)) return true;
  if ((await findInstallerUserId(db, teamId)) === userId) return true;
  try {
    const { user } = await client.users.info({ user: userId });
    return Boolean(user?.is_admin || user?.is_owner || user?.is_primary_owner);
  } catch (error) {
    logger.warn({ err: error, userId }, 'could not look up whether a user is an admin');
    return false;
  }
}
