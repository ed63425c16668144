import type { Plan } from '../db/plans.ts';
import { isVariantChannel, type VariantChannelId } from '../domain/channels.ts';
import { parsePlanSettings } from '../domain/settings.ts';
import type { PlanBrief } from '../orchestrator/types.ts';

export function variantChannelsOf(plan: Pick<Plan, 'channels'>): VariantChannelId[] {
  return plan.channels.filter(isVariantChannel);
}

export function toPlanBrief(plan: Plan): PlanBrief {
  const settings = parsePlanSettings(plan.settings);
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
