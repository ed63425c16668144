import { and, eq, inArray, sql } from 'drizzle-orm';
import { planEventEffects, planTransitionsFor, RUNNING_STATUSES, STATUS_LABELS, type PlanEvent, type PlanStatus } from '../domain/plan-states.ts';
import type { Executor } from './client.ts';
import type { Plan } from './plans.ts';
import { contentPlans } from './schema.ts';

/** Fields an event may change besides those the kernel sets; the status is never one of them. */
export type PlanEventPatch = Partial<
  Omit<typeof contentPlans.$inferInsert, 'id' | 'teamId' | 'number' | 'sourceKey' | 'status' | 'failedStage' | 'error' | 'createdAt' | 'updatedAt'>
>;

export type PlanRef = { teamId: string; planId: string };

export type PlanEventResult =
  | { isApplied: true; plan: Plan }
  /** `from` is the status that refused the event, or null when the plan does not exist. */
  | { isApplied: false; from: PlanStatus | null; message: string };

/**
 * The one way a plan's status changes: the kernel computes the target for each status the event is
 * allowed from, and the update applies only if the row is still in one of them, so racing workers,
 * double clicks and Slack retries apply an event once. A refused event says from which status.
 */
export async function applyPlanEvent(db: Executor, ref: PlanRef, event: PlanEvent, patch: PlanEventPatch = {}): Promise<PlanEventResult> {
  const transitions = planTransitionsFor(event);
  if (transitions.length > 0) {
    const target = sql`case ${contentPlans.status} ${sql.join(
      transitions.map(({ from, to }) => sql`when ${from} then ${to}`),
      sql` `,
    )} end`;
    const [plan] = await db
      .update(contentPlans)
      .set({ ...patch, ...planEventEffects(event), status: sql<PlanStatus>`${target}`, updatedAt: new Date() })
      .where(
        and(
          eq(contentPlans.teamId, ref.teamId),
          eq(contentPlans.id, ref.planId),
          inArray(
            contentPlans.status,
            transitions.map(({ from }) => from),
          ),
        ),
      )
      .returning();
    if (plan) return { isApplied: true, plan };
  }
  const [current] = await db
    .select({ status: contentPlans.status, number: contentPlans.number })
    .from(contentPlans)
    .where(and(eq(contentPlans.teamId, ref.teamId), eq(contentPlans.id, ref.planId)));
  if (!current) return { isApplied: false, from: null, message: 'That plan no longer exists in this workspace.' };
  return { isApplied: false, from: current.status, message: refusal(current.number, current.status, event) };
}

function refusal(number: number, status: PlanStatus, event: PlanEvent): string {
  return `Plan #${number} is ${STATUS_LABELS[status].toLowerCase()}, so that is no longer possible (${event.type.replaceAll('_', ' ')}).`;
}

/** On uninstall: every plan of the workspace still in the pipeline is cancelled, through the kernel. */
export async function cancelRunningPlans(tx: Executor, teamId: string): Promise<number> {
  const running = await tx
    .select({ id: contentPlans.id })
    .from(contentPlans)
    .where(and(eq(contentPlans.teamId, teamId), inArray(contentPlans.status, [...RUNNING_STATUSES])));
  let cancelled = 0;
  for (const { id } of running) {
    const result = await applyPlanEvent(tx, { teamId, planId: id }, { type: 'cancelled' });
    if (result.isApplied) cancelled += 1;
  }
  return cancelled;
}
