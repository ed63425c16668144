import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from './client.ts';
import { approvals } from './schema.ts';

export type Approval = typeof approvals.$inferSelect;

/** Records one person's approval of a revision; pressing again changes nothing. */
export async function addApproval(db: Executor, values: { teamId: string; planId: string; revision: number; approverId: string }): Promise<boolean> {
  const rows = await db.insert(approvals).values(values).onConflictDoNothing().returning({ id: approvals.id });
  return rows.length === 1;
}

export async function listApprovals(db: Executor, { teamId, planId, revision }: { teamId: string; planId: string; revision: number }): Promise<Approval[]> {
  return db
    .select()
    .from(approvals)
    .where(and(eq(approvals.teamId, teamId), eq(approvals.planId, planId), eq(approvals.revision, revision)))
    .orderBy(asc(approvals.id));
}
