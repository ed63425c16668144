import { and, eq } from 'drizzle-orm';
import type { Executor } from './client.ts';
import { threadReplies } from './schema.ts';

export type ThreadReply = typeof threadReplies.$inferSelect;

export type SavedThreadReply = { teamId: string; planId: string; key: string; ts: string; contentHash: string; permalink?: string | null };

/** Records where a reply (or the draft's canvas) is and what it shows; returns the row as saved. */
export async function saveThreadReply(db: Executor, { teamId, planId, key, ts, contentHash, permalink = null }: SavedThreadReply): Promise<ThreadReply> {
  const updatedAt = new Date();
  await db
    .insert(threadReplies)
    .values({ teamId, planId, key, ts, contentHash, permalink, updatedAt })
    .onConflictDoUpdate({
      target: [threadReplies.teamId, threadReplies.planId, threadReplies.key],
      set: { ts, contentHash, permalink, updatedAt },
    });
  return { teamId, planId, key, ts, contentHash, permalink, updatedAt };
}

/**
 * Records that a reply is about to be posted: a row without ts or content, which the save after the
 * post fills in. A row still without ts tells a later render the post may have reached Slack.
 */
export async function markReplyPosting(db: Executor, { teamId, planId, key }: { teamId: string; planId: string; key: string }): Promise<ThreadReply> {
  const updatedAt = new Date();
  await db.insert(threadReplies).values({ teamId, planId, key, ts: null, contentHash: null, permalink: null, updatedAt }).onConflictDoNothing();
  return { teamId, planId, key, ts: null, contentHash: null, permalink: null, updatedAt };
}

/** Forgets where the plan's replies were, so the next render posts them again (in the plan's new thread). */
export async function forgetThreadReplies(db: Executor, { teamId, planId }: { teamId: string; planId: string }): Promise<void> {
  await db.delete(threadReplies).where(and(eq(threadReplies.teamId, teamId), eq(threadReplies.planId, planId)));
}

export async function findThreadReply(db: Executor, { teamId, planId, key }: { teamId: string; planId: string; key: string }): Promise<ThreadReply | undefined> {
  const [row] = await db
    .select()
    .from(threadReplies)
    .where(and(eq(threadReplies.teamId, teamId), eq(threadReplies.planId, planId), eq(threadReplies.key, key)));
  return row;
}
