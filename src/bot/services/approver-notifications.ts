import { WebAPIPlatformError, type WebClient } from '@slack/web-api';
import type { Database } from '../../db/client.ts';
import { findInstallerUserId } from '../../db/installations.ts';
import type { Plan } from '../../db/plans.ts';
import { getWorkspaceSettings } from '../../db/settings.ts';
import { eligibleApprovers } from '../../domain/review-notices.ts';
import { reviewPolicyOf } from '../../domain/review-policy.ts';

/** users.list is rate tier 2 (about 20 a minute): a workspace's admins are listed at most once a day per process. */
export const ADMIN_DIRECTORY_TTL_MS = 24 * 60 * 60 * 1000;
const USERS_PAGE_SIZE = 200;
const MEMBERS_PAGE_SIZE = 1000;

export type AdminDirectory = {
  /** The workspace's Slack admins and owners (not bots, not deactivated), from users.list paged by cursor. */
  listSlackAdmins(client: WebClient, teamId: string): Promise<string[]>;
};

export function makeAdminDirectory({ ttlMs = ADMIN_DIRECTORY_TTL_MS, now = Date.now }: { ttlMs?: number; now?: () => number } = {}): AdminDirectory {
  const entries = new Map<string, { admins: string[]; until: number }>();
  return {
    async listSlackAdmins(client, teamId) {
      const cached = entries.get(teamId);
      if (cached && cached.until > now()) return cached.admins;
      const admins: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.users.list({ limit: USERS_PAGE_SIZE, ...(cursor ? { cursor } : {}) });
        for (const member of page.members ?? []) {
          if (!member.id || member.deleted || member.is_bot || member.id === 'USLACKBOT') continue;
          if (member.is_admin || member.is_owner || member.is_primary_owner) admins.push(member.id);
        }
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
      entries.set(teamId, { admins, until: now() + ttlMs });
      return admins;
    },
  };
}

/** The app's admins: admins named in its settings, the installer, and the workspace's admins and owners. */
export async function listAppAdmins({ db, client, teamId, directory }: { db: Database; client: WebClient; teamId: string; directory: AdminDirectory }): Promise<string[]> {
  const [{ admins: named }, installer, slackAdmins] = await Promise.all([
    getWorkspaceSettings(db, teamId),
    findInstallerUserId(db, teamId),
    directory.listSlackAdmins(client, teamId),
  ]);
  return [...new Set([...named, ...(installer ? [installer] : []), ...slackAdmins])];
}

export type Deciders = {
  /** Who can approve the plan now, per its review policy. */
  eligible: string[];
  /** Who can add approvers: the app's admins. */
  admins: string[];
};

/** The review policy's answer to "who can decide", resolved to people; admins are listed only when needed. */
export async function resolveDeciders({
  db,
  client,
  plan,
  directory,
}: {
  db: Database;
  client: WebClient;
  plan: Pick<Plan, 'teamId' | 'authorId' | 'settings'>;
  directory: AdminDirectory;
}): Promise<Deciders> {
  const policy = reviewPolicyOf(plan);
  const named = eligibleApprovers(policy, plan.authorId, []);
  if (policy.approverIds.length > 0 && named.length > 0) return { eligible: named, admins: [] };
  const admins = await listAppAdmins({ db, client, teamId: plan.teamId, directory });
  return { eligible: policy.approverIds.length > 0 ? [] : eligibleApprovers(policy, plan.authorId, admins), admins };
}

/** Members of a channel (conversations.members, paged); undefined when Slack will not say (missing scope, not in it). */
export async function findChannelMembers(client: WebClient, channelId: string): Promise<Set<string> | undefined> {
  const members = new Set<string>();
  let cursor: string | undefined;
  try {
    do {
      const page = await client.conversations.members({ channel: channelId, limit: MEMBERS_PAGE_SIZE, ...(cursor ? { cursor } : {}) });
      for (const id of page.members ?? []) members.add(id);
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
  } catch (error) {
    if (error instanceof WebAPIPlatformError) return undefined;
    throw error;
  }
  return members;
}

/**
 * Opens (or finds) the app's DM with a person and posts there; returns where it went. Slack's
 * refusals (a deactivated user, an install without im:write) throw WebAPIPlatformError.
 */
export async function sendDirectMessage(client: WebClient, userId: string, text: string): Promise<{ channelId: string; ts: string | undefined }> {
  const opened = await client.conversations.open({ users: userId });
  const channelId = opened.channel?.id;
  if (!channelId) throw new Error('conversations.open returned no channel');
  const posted = await client.chat.postMessage({ channel: channelId, text, unfurl_links: false });
  return { channelId, ts: posted.ts };
}

/** A link to the plan's message: the one saved when it was posted, else asked of Slack; undefined when Slack cannot give one. */
export async function findPlanPermalink(client: WebClient, plan: Pick<Plan, 'messageChannelId' | 'messageTs' | 'messagePermalink'>): Promise<string | undefined> {
  if (plan.messagePermalink) return plan.messagePermalink;
  if (!plan.messageChannelId || !plan.messageTs) return undefined;
  const answer = await client.chat.getPermalink({ channel: plan.messageChannelId, message_ts: plan.messageTs }).catch(() => undefined);
  return answer?.permalink;
}

/** Whether Slack refused the call for good (as opposed to a timeout or a 429 worth retrying). */
export function isSlackRefusal(error: unknown): error is WebAPIPlatformError {
  return error instanceof WebAPIPlatformError;
}
