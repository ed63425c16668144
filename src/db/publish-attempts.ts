import { and, eq, gte, sql } from 'drizzle-orm';
import type { Executor } from './client.ts';
import { publishAttempts, type DestinationKind, type PublishState } from './schema.ts';

export type PublishAttempt = typeof publishAttempts.$inferSelect;
type AttemptKey = { teamId: string; planId: string; revision: number; destinationKey: string };

/** The attempt row for a destination, created once with its idempotency key. */
export async function claimPublishAttempt(
  db: Executor,
  key: AttemptKey & { destinationName: string; destinationKind: DestinationKind },
): Promise<PublishAttempt> {
  await db.insert(publishAttempts).values(key).onConflictDoNothing();
  const [row] = await db
    .select()
    .from(publishAttempts)
    .where(
      and(
        eq(publishAttempts.teamId, key.teamId),
        eq(publishAttempts.planId, key.planId),
        eq(publishAttempts.revision, key.revision),
        eq(publishAttempts.destinationKey, key.destinationKey),
      ),
    );
  if (!row) throw new Error('could not record the publish attempt');
  return row;
}

/** Marks an attempt as going out; committed before the call, so a crash leaves it "sending". */
export async function markSending(db: Executor, { teamId, id }: { teamId: string; id: number }): Promise<void> {
  await db
    .update(publishAttempts)
    .set({ state: 'sending', tries: sql`${publishAttempts.tries} + 1`, updatedAt: new Date() })
    .where(and(eq(publishAttempts.teamId, teamId), eq(publishAttempts.id, id)));
}

export async function recordOutcome(
  db: Executor,
  {
    teamId,
    id,
    state,
    url,
    externalId,
    reason,
  }: { teamId: string; id: number; state: PublishState; url?: string | null; externalId?: string | null; reason?: string | null },
): Promise<void> {
  await db
    .update(publishAttempts)
    .set({
      state,
      url: url ?? null,
      externalId: externalId ?? null,
      reason: reason ?? null,
      deliveredAt: state === 'delivered' ? new Date() : null,
      updatedAt: new Date(),
    })
    .where(and(eq(publishAttempts.teamId, teamId), eq(publishAttempts.id, id)));
}

/**
 * Slack posts delivered since `since`, in every workspace: the hourly reaction collector is a
 * system job; each row it then touches is filtered by its own team.
 */
export async function listRecentSlackPublications(db: Executor, since: Date): Promise<PublishAttempt[]> {
  return db
    .select()
    .from(publishAttempts)
    .where(
      and(
        eq(publishAttempts.state, 'delivered'),
        eq(publishAttempts.destinationKind, 'slack_channel'),
        gte(publishAttempts.deliveredAt, since),
      ),
    );
}

export async function saveReactions(
  db: Executor,
  { teamId, id, reactions }: { teamId: string; id: number; reactions: { name: string; count: number }[] },
): Promise<void> {
  await db
    .update(publishAttempts)
    .set({ reactions, reactionsCheckedAt: new Date() })
    .where(and(eq(publishAttempts.teamId, teamId), eq(publishAttempts.id, id)));
}

/** On Retry, failed destinations go again, with the same idempotency keys. */
export async function resetFailedAttempts(db: Executor, { teamId, planId, revision }: { teamId: string; planId: string; revision: number }): Promise<void> {
  await db
    .update(publishAttempts)
    .set({ state: 'pending', reason: null, updatedAt: new Date() })
    .where(
      and(
        eq(publishAttempts.teamId, teamId),
        eq(publishAttempts.planId, planId),
        eq(publishAttempts.revision, revision),
        eq(publishAttempts.state, 'failed'),
      ),
    );
}

/** A plan revision's attempts, one per destination tried so far. */
export async function listPublishAttempts(db: Executor, { teamId, planId, revision }: { teamId: string; planId: string; revision: number }): Promise<PublishAttempt[]> {
  return db
    .select()
    .from(publishAttempts)
    .where(and(eq(publishAttempts.teamId, teamId), eq(publishAttempts.planId, planId), eq(publishAttempts.revision, revision)));
}

/** On a destination's own Retry: it goes again with the same idempotency key; false when it had not failed. */
export async function resetFailedAttempt(db: Executor, key: AttemptKey): Promise<boolean> {
  const reset = await db
    .update(publishAttempts)
    .set({ state: 'pending', reason: null, updatedAt: new Date() })
    .where(
      and(
        eq(publishAttempts.teamId, key.teamId),
        eq(publishAttempts.planId, key.planId),
        eq(publishAttempts.revision, key.revision),
        eq(publishAttempts.destinationKey, key.destinationKey),
        eq(publishAttempts.state, 'failed'),
      ),
    )
    .returning({ id: publishAttempts.id });
  return reset.length > 0;
}
