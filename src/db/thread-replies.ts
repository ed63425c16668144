import { and, eq } from 'drizzle-orm';
import type { Executor } from './client.ts';
import { threadReplies } from './schema.ts';

export type ThreadReply = typeof threadReplies.$inferSelect;

export async function saveThreadReply(
  db: Executor,
  { teamId, planId, key, ts, contentHash }: { teamId: string; planId: string; key: string; ts: string; contentHash: string },
): Promise<void> {
  await db
    .insert(threadReplies)
    .values({ teamId, planId, key, ts, contentHash })
    .onConflictDoUpdate({
      target: [threadReplies.teamId, threadReplies.planId, threadReplies.key],
      set: { ts, contentHash, updatedAt: new Date() },
    });
}

/** Forgets where the plan's replies were, so the next render posts them again (in the plan's new thread). */
export async function forgetThreadReplies(db: Executor, { teamId, planId }: { teamId: string; planId: string }): Promise<void> {
  await db.delete(threadReplies).where(and(eq(threadReplies.teamId, teamId), eq(threadReplies.planId, planId)));
}
