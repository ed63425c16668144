import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { WorkspaceSettings } from '../db/settings.ts';

/** Workspace admins and owners (from Slack) and anyone listed as an admin in the settings. */
export async function isWorkspaceAdmin({
  client,
  settings,
  userId,
  logger,
}: {
  client: WebClient;
  settings: Pick<WorkspaceSettings, 'admins'>;
  userId: string;
  logger: Logger;
}): Promise<boolean> {
  if (settings.admins.includes(userId)) return true;
  try {
    const { user } = await client.users.info({ user: userId });
    return Boolean(user?.is_admin || user?.is_owner || user?.is_primary_owner);
  } catch (error) {
    logger.warn({ err: error, userId }, 'could not look up whether a user is an admin');
    return false;
  }
}
