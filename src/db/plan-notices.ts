import { and, eq } from 'drizzle-orm';
import type { Executor } from './client.ts';
import { planNotices } from './schema.ts';

type NoticeRef = { teamId: string; planId: string; key: string };

/** Claims a notice before it is sent; false when it was claimed already, so it is sent at most once per key. */
export async function claimNotice(db: Executor, ref: NoticeRef): Promise<boolean> {
  const claimed = await db.insert(planNotices).values(ref).onConflictDoNothing().returning({ key: planNotices.key });
  return claimed.length > 0;
}

/** Gives a claim back when sending failed, so the job's retry sends it. */
export async function releaseNotice(db: Executor, { teamId, planId, key }: NoticeRef): Promise<void> {
  await db.delete(planNotices).where(and(eq(planNotices.teamId, teamId), eq(planNotices.planId, planId), eq(planNotices.key, key)));
}

export async function recordNoticeSent(db: Executor, { teamId, planId, key, channelId, ts }: NoticeRef & { channelId: string; ts: string | undefined }): Promise<void> {
  await db
    .update(planNotices)
    .set({ channelId, ts: ts ?? null })
    .where(and(eq(planNotices.teamId, teamId), eq(planNotices.planId, planId), eq(planNotices.key, key)));
}

export async function listNoticeKeys(db: Executor, { teamId, planId }: { teamId: string; planId: string }): Promise<Set<string>> {
  const rows = await db
    .select({ key: planNotices.key })
    .from(planNotices)
    .where(and(eq(planNotices.teamId, teamId), eq(planNotices.planId, planId)));
  return new Set(rows.map((row) => row.key));
}

/**
 * Sends a notice at most once per key: claimed first, given back if sending throws (so the job's
 * retry sends it), and recorded with where it went. Returns false when it had been sent already.
 */
export async function sendNoticeOnce(
  db: Executor,
  ref: NoticeRef,
  send: () => Promise<{ channelId: string; ts: string | undefined }>,
): Promise<boolean> {
  if (!(await claimNotice(db, ref))) return false;
  let sent: { channelId: string; ts: string | undefined };
  try {
    sent = await send();
  } catch (error) {
    await releaseNotice(db, ref);
    throw error;
  }
  await recordNoticeSent(db, { ...ref, ...sent });
  return true;
}
