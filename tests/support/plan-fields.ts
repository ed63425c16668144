import type { NewPlanFields } from '../../src/db/plans.ts';

/** What a submitted plan form gives `createPlan`, for tests that save plans without Slack. */
export function newPlanFields(overrides: Partial<NewPlanFields> = {}): NewPlanFields {
  return {
    authorId: 'U_AUTHOR',
    topic: 'Saved topic',
    keyphrase: 'saved',
    keywords: [],
    audience: null,
    tone: null,
    channels: ['blog'],
    competitorUrls: [],
    brief: null,
    skipResearch: false,
    postChannelId: 'C_PLANS',
    settings: {},
    ...overrides,
  };
}
