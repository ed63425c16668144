import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { auditLog } from './schema.ts';

/**
 * Records an audit entry unless the workspace already has `limit` entries of that action within
 * `windowMs`; then answers the seconds until the oldest of them leaves the window. The count and the
 * insert run under a per-workspace, per-action lock, so concurrent presses cannot both slip through.
 */
export async function recordWithinLimit(
  db: Database,
  {
    entry,
    limit,
    windowMs,
    now,
  }: {
    entry: { teamId: string; actorId: string; action: string; details?: Record<string, unknown> };
    limit: number;
    windowMs: number;
    now: Date;
  },
): Promise<{ isAllowed: true } | { isAllowed: false; retryAfterSeconds: number }> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`${entry.action}:${entry.teamId}`}))`);
    const since = new Date(now.getTime() - windowMs);
    const recent = await tx
      .select({ createdAt: auditLog.createdAt })
      .from(auditLog)
      .where(and(eq(auditLog.teamId, entry.teamId), eq(auditLog.action, entry.action), gt(auditLog.createdAt, since)))
      .orderBy(asc(auditLog.createdAt));
    const blocking = recent.at(-limit);
    if (recent.length >= limit && blocking) {
      return { isAllowed: false, retryAfterSeconds: Math.max(1, Math.ceil((blocking.createdAt.getTime() + windowMs - now.getTime()) / 1000)) };
    }
    await tx.insert(auditLog).values({ ...entry, planId: null, details: entry.details ?? {}, createdAt: now });
    return { isAllowed: true };
  });
}
