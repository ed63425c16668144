import { ErrorCode as SlackErrorCode, WebAPIRateLimitedError, WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Database } from '../../db/client.ts';
import { findInstallerUserId } from '../../db/installations.ts';
import { getWorkspaceSettings, type WorkspaceSettings } from '../../db/settings.ts';
import { AppError } from '../../errors.ts';

/** At most this long a process trusts what it learnt, so a change in Slack reaches every process in time. */
export const ADMIN_CACHE_MS = 60_000;
// users.info often runs before an ack (3 s): one short try, never Slack's minutes of retries.
const ACK_PATH_TIMEOUT_MS = 2_000;

export type SlackAdminCache = {
  /** Whether Slack says the user is an admin or owner; throws RATE_LIMITED or UPSTREAM with a sentence to show. */
  isSlackAdmin(client: WebClient, userId: string): Promise<boolean>;
};

/** Remembers users.info answers per workspace and user for `ttlMs`, in this process only. */
export function makeSlackAdminCache({ ttlMs = ADMIN_CACHE_MS, now = Date.now, timeoutMs = ACK_PATH_TIMEOUT_MS } = {}): SlackAdminCache {
  const entries = new Map<string, { isAdmin: boolean; until: number }>();
  const fastClients = new Map<string, WebClient>();
  const fastClientFor = (client: WebClient) => {
    const key = `${client.slackApiUrl}\n${client.token ?? ''}`;
    let fast = fastClients.get(key);
    if (!fast) {
      fast = new WebClient(client.token, { slackApiUrl: client.slackApiUrl, timeout: timeoutMs, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
      fastClients.set(key, fast);
    }
    return fast;
  };
  return {
    async isSlackAdmin(client, userId) {
      const key = `${client.token ?? ''}\n${userId}`;
      const cached = entries.get(key);
      if (cached && cached.until > now()) return cached.isAdmin;
      try {
        const { user } = await fastClientFor(client).users.info({ user: userId });
        const isAdmin = Boolean(user?.is_admin || user?.is_owner || user?.is_primary_owner);
        entries.set(key, { isAdmin, until: now() + ttlMs });
        return isAdmin;
      } catch (error) {
        // Slack answered, with an error about this user (user_not_found...): not an admin.
        if ((error as { code?: unknown }).code === SlackErrorCode.PlatformError) return false;
        if (error instanceof WebAPIRateLimitedError) {
          throw new AppError('RATE_LIMITED', `Slack is limiting how fast I can check who is an admin. Try again in ${error.retryAfter} seconds.`, {
            cause: error,
            details: { retryAfterSeconds: error.retryAfter },
          });
        }
        throw new AppError('UPSTREAM', 'Slack did not tell me in time whether you are an admin. Try again in a few seconds.', { cause: error });
      }
    },
  };
}

const processAdminCache = makeSlackAdminCache();

/**
 * Admins of the app: the workspace's Slack admins and owners (users.info), the person who
 * installed the app, and anyone listed as an admin in its settings. When Slack cannot answer,
 * throws an AppError (RATE_LIMITED or UPSTREAM) whose message the caller shows where the person is.
 */
export async function isAppAdmin({
  db,
  client,
  teamId,
  userId,
  logger,
  settings,
  adminCache = processAdminCache,
}: {
  db: Database;
  client: WebClient;
  teamId: string;
  userId: string;
  logger: Logger;
  settings?: Pick<WorkspaceSettings, 'admins'>;
  adminCache?: SlackAdminCache;
}): Promise<boolean> {
  const { admins } = settings ?? (await getWorkspaceSettings(db, teamId));
  if (admins.includes(userId)) return true;
  if ((await findInstallerUserId(db, teamId)) === userId) return true;
  try {
    return await adminCache.isSlackAdmin(client, userId);
  } catch (error) {
    logger.warn({ err: error, userId }, 'could not look up whether a user is an admin');
    throw error;
  }
}

/**
 * Retry, Edit brief, Cancel and Delete are for the plan's author or an app admin. Returns null when
 * allowed, else the sentence to show; throws like isAppAdmin when Slack cannot say.
 */
export async function refusalToManage(
  { db, client, logger }: { db: Database; client: WebClient; logger: Logger },
  plan: { teamId: string; authorId: string; number: number },
  userId: string,
  verb: string,
): Promise<string | null> {
  if (plan.authorId === userId || (await isAppAdmin({ db, client, teamId: plan.teamId, userId, logger }))) return null;
  return `Only <@${plan.authorId}>, who made plan #${plan.number}, or a workspace admin can ${verb} it.`;
}

/** For views that only decide what to show (the Home): when Slack cannot say, show the non-admin view. */
export async function isAppAdminOrNot(args: Parameters<typeof isAppAdmin>[0]): Promise<boolean> {
  return isAppAdmin(args).catch(() => false);
}

/** Errors of the admin check that are answered to the person instead of failing the request. */
export function isAdminCheckUnavailable(error: unknown): error is AppError {
  return error instanceof AppError && (error.code === 'RATE_LIMITED' || error.code === 'UPSTREAM');
}
