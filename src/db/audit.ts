import { and, asc, eq, inArray } from 'drizzle-orm';
import { parseChangeScope, type ChangeScope } from '../domain/plan-states.ts';
import type { Executor } from './client.ts';
import { auditLog } from './schema.ts';

export type AuditEntry = typeof auditLog.$inferSelect;

/** The decisions shown in a plan's thread, in the order they were made. */
export const DECISION_ACTIONS = [
  'plan_created',
  'approved',
  'changes_requested',
  'rejected',
  'scheduled',
  'unscheduled',
  'publish_requested',
  'plan_retried',
  'expired',
  'brief_edited',
  'plan_cancelled',
] as const;

export async function recordAudit(
  db: Executor,
  entry: { teamId: string; planId: string | null; actorId: string; action: string; details?: Record<string, unknown> },
): Promise<void> {
  await db.insert(auditLog).values({ ...entry, details: entry.details ?? {} });
}

export async function listPlanAudit(db: Executor, teamId: string, planId: string, actions: readonly string[] = DECISION_ACTIONS): Promise<AuditEntry[]> {
  return db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.teamId, teamId), eq(auditLog.planId, planId), inArray(auditLog.action, [...actions])))
    .orderBy(asc(auditLog.id));
}

export type ChangeRequest = { feedback: string; scope: ChangeScope; revision: number };

/** Every "Request changes" on a plan, oldest first, with its scope (the whole plan for those made before scopes). */
export async function listChangeRequests(db: Executor, teamId: string, planId: string): Promise<ChangeRequest[]> {
  const entries = await listPlanAudit(db, teamId, planId, ['changes_requested']);
  return entries
    .map((entry) => ({
      feedback: String(entry.details['feedback'] ?? ''),
      scope: parseChangeScope(entry.details['scope']),
      revision: Number(entry.details['revision'] ?? 0),
    }))
    .filter((request) => request.feedback !== '');
}
