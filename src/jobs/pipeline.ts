import type { Executor } from '../db/client.ts';
import { addJobSql } from '../db/jobs-sql.ts';
import type { Plan } from '../db/plans.ts';
import type { BrandVoice } from '../db/schema.ts';
import { isVariantChannel, type VariantChannelId } from '../orchestrator/channels.ts';
import type { PlanBrief } from '../orchestrator/types.ts';

/** The pipeline's tasks and how each is enqueued; keys make a repeated enqueue harmless. */
export const TASKS = {
  research: 'research_plan',
  draft: 'draft_plan',
  optimize: 'optimize_plan',
  variant: 'generate_variant',
  render: 'render_plan_message',
} as const;

type PlanRef = Pick<Plan, 'id' | 'teamId' | 'revision'>;

export function enqueueResearch(tx: Executor, plan: PlanRef, maxAttempts: number, retry = 0) {
  return tx.execute(
    addJobSql(TASKS.research, { teamId: plan.teamId, planId: plan.id }, { jobKey: `plan:${plan.id}:research:${retry}`, maxAttempts }),
  );
}

export function enqueueDraft(tx: Executor, plan: PlanRef, maxAttempts: number, retry = 0) {
  return tx.execute(
    addJobSql(
      TASKS.draft,
      { teamId: plan.teamId, planId: plan.id, revision: plan.revision },
      { jobKey: `plan:${plan.id}:draft:${plan.revision}:${retry}`, maxAttempts },
    ),
  );
}

export function enqueueOptimize(tx: Executor, plan: PlanRef, iteration: number, maxAttempts: number, retry = 0) {
  return tx.execute(
    addJobSql(
      TASKS.optimize,
      { teamId: plan.teamId, planId: plan.id, revision: plan.revision, iteration },
      { jobKey: `plan:${plan.id}:optimize:${plan.revision}:${iteration}:${retry}`, maxAttempts },
    ),
  );
}

export async function enqueueVariants(tx: Executor, plan: PlanRef, channels: readonly VariantChannelId[], maxAttempts: number, retry = 0) {
  for (const channel of channels) {
    await tx.execute(
      addJobSql(
        TASKS.variant,
        { teamId: plan.teamId, planId: plan.id, revision: plan.revision, channel },
        { jobKey: `plan:${plan.id}:variant:${plan.revision}:${channel}:${retry}`, maxAttempts },
      ),
    );
  }
}

export function variantChannelsOf(plan: Pick<Plan, 'channels'>): VariantChannelId[] {
  return plan.channels.filter(isVariantChannel);
}

type PlanSettingsSnapshot = {
  targetWords?: number;
  brandVoice?: BrandVoice | null;
  promptOverrides?: Record<string, string>;
  seoThreshold?: number;
  maxRefinements?: number;
  approvers?: string[];
  envApprovers?: string[];
  admins?: string[];
  requiredApprovals?: number;
  allowSelfApproval?: boolean;
};

/** The settings a plan was made with; later changes in the App Home do not reach plans in flight. */
export function planSettings(plan: Pick<Plan, 'settings'>): Required<PlanSettingsSnapshot> {
  const settings = plan.settings as PlanSettingsSnapshot;
  return {
    targetWords: settings.targetWords ?? 1200,
    brandVoice: settings.brandVoice ?? null,
    promptOverrides: settings.promptOverrides ?? {},
    seoThreshold: settings.seoThreshold ?? 75,
    maxRefinements: settings.maxRefinements ?? 3,
    approvers: settings.approvers ?? [],
    envApprovers: settings.envApprovers ?? [],
    admins: settings.admins ?? [],
    requiredApprovals: settings.requiredApprovals ?? 1,
    allowSelfApproval: settings.allowSelfApproval ?? false,
  };
}

export function toPlanBrief(plan: Plan): PlanBrief {
  const settings = planSettings(plan);
  return {
    topic: plan.topic,
    keyphrase: plan.keyphrase,
    keywords: plan.keywords,
    audience: plan.audience,
    tone: plan.tone,
    brief: plan.brief,
    channels: plan.channels,
    competitorUrls: plan.competitorUrls,
    skipResearch: plan.skipResearch,
    targetWords: settings.targetWords,
    brandVoice: settings.brandVoice,
    promptOverrides: settings.promptOverrides,
  };
}
