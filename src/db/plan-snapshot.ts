import type { Executor } from './client.ts';
import type { ContentItem, ContentVariant, Refinement, ResearchResult } from './content.ts';
import type { Plan } from './plans.ts';
import { isUuid } from './plans.ts';
import type { ThreadReply } from './thread-replies.ts';
import type { StageRun } from './stage-runs.ts';
import type { AuditEntry } from './audit.ts';
import type { Approval } from './approvals.ts';
import type { PublishAttempt } from './publish-attempts.ts';

/** Everything a plan's message and its thread replies show, read at one moment. */
export type PlanSnapshot = {
  plan: Plan;
  runs: StageRun[];
  /** Without the sources' stored text, which no view shows. */
  research: Omit<ResearchResult, 'texts'> | undefined;
  /** Every revision's versions, oldest first. */
  items: ContentItem[];
  refinements: Refinement[];
  variants: ContentVariant[];
  audit: AuditEntry[];
  approvals: Approval[];
  publishAttempts: PublishAttempt[];
  replies: ThreadReply[];
};

/** Loads a plan's snapshot in one query (the plan row with its related rows aggregated beside it). */
export async function loadPlanSnapshot(db: Executor, { teamId, planId }: { teamId: string; planId: string }): Promise<PlanSnapshot | undefined> {
  if (!isUuid(planId)) return undefined;
  const row = await db.query.contentPlans.findFirst({
    where: (plans, { and, eq }) => and(eq(plans.teamId, teamId), eq(plans.id, planId)),
    with: {
      stageRuns: { orderBy: (runs, { asc }) => [asc(runs.id)] },
      research: { columns: { texts: false } },
      contentItems: { orderBy: (items, { asc }) => [asc(items.revision), asc(items.version)] },
      refinements: { orderBy: (rows, { asc }) => [asc(rows.revision), asc(rows.iteration)] },
      variants: true,
      audit: { orderBy: (entries, { asc }) => [asc(entries.createdAt), asc(entries.id)] },
      approvals: { orderBy: (rows, { asc }) => [asc(rows.createdAt)] },
      publishAttempts: { orderBy: (rows, { asc }) => [asc(rows.createdAt)] },
      threadReplies: true,
    },
  });
  if (!row) return undefined;
  const { stageRuns, research, contentItems, refinements, variants, audit, approvals, publishAttempts, threadReplies, ...plan } = row;
  return {
    plan,
    runs: stageRuns,
    research: research[0],
    items: contentItems,
    refinements,
    variants,
    audit,
    approvals,
    publishAttempts,
    replies: threadReplies,
  };
}

/** The snapshot of a plan that has just been saved: nothing else exists yet. */
export function newPlanSnapshot(plan: Plan): PlanSnapshot {
  return { plan, runs: [], research: undefined, items: [], refinements: [], variants: [], audit: [], approvals: [], publishAttempts: [], replies: [] };
}
