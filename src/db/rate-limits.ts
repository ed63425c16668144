import { and, asc, count, eq, lte, min, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { rateLimitHits } from './schema.ts';

// Namespace of the advisory locks taken here, so they never collide with other users of advisory locks.
const LOCK_NAMESPACE = 0x7a7e;

export type RateLimitOutcome = { isAllowed: true } | { isAllowed: false; retryAfterMs: number };

/**
 * Counts one action against `key`: allowed when fewer than `limit` were counted in the last
 * `windowMs` (a sliding window). Every process shares the count through Postgres; an advisory
 * lock per key makes simultaneous calls count one at a time. A refused action is not counted.
 */
export async function takeRateLimit(
  db: Database,
  { key, limit, windowMs, now }: { key: string; limit: number; windowMs: number; now: Date },
): Promise<RateLimitOutcome> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_NAMESPACE}, hashtext(${key}))`);
    const windowStart = new Date(now.getTime() - windowMs);
    await tx.delete(rateLimitHits).where(and(eq(rateLimitHits.key, key), lte(rateLimitHits.at, windowStart)));
    const [counted] = await tx.select({ hits: count(), oldest: min(rateLimitHits.at) }).from(rateLimitHits).where(eq(rateLimitHits.key, key));
    const hits = counted?.hits ?? 0;
    if (hits >= limit) {
      // The oldest hits leave the window first; once enough have left, there is room again.
      const [freeing] = await tx
        .select({ at: rateLimitHits.at })
        .from(rateLimitHits)
        .where(eq(rateLimitHits.key, key))
        .orderBy(asc(rateLimitHits.at))
        .offset(hits - limit)
        .limit(1);
      const leavesAt = (freeing?.at ?? counted?.oldest ?? now).getTime() + windowMs;
      return { isAllowed: false, retryAfterMs: Math.max(1_000, leavesAt - now.getTime()) };
    }
    await tx.insert(rateLimitHits).values({ key, at: now });
    return { isAllowed: true };
  });
}
