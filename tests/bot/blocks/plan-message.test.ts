import { describe, expect, test } from 'vitest';
import { buildPlanMessage, pendingStages, type PlanMessageModel } from '../../../src/bot/blocks/plan-message.ts';
import { ACTIONS } from '../../../src/bot/ids.ts';
import { findBlockKitViolations } from '../../support/block-kit-limits.ts';

const base: PlanMessageModel = {
  planId: '4b8f1f9e-4a0c-4d8e-9d0e-2f3a3b1c5d6e',
  number: 42,
  topic: 'Hybrid work playbook for small teams',
  authorId: 'U0MIA',
  keyphrase: 'hybrid work',
  channels: ['blog', 'linkedin', 'x_thread'],
  status: 'queued',
  stages: pendingStages(),
};

const actionIds = (blocks: unknown[]) => JSON.stringify(blocks).match(/"action_id":"[a-z_]+"/g) ?? [];

describe('buildPlanMessage', () => {
  test('a new plan shows its facts and every stage as pending, with no buttons', () => {
    const { text, blocks } = buildPlanMessage(base);
    const shown = JSON.stringify(blocks);
    expect(text).toBe('#42 Hybrid work playbook for small teams: Queued');
    for (const fact of ['#42 Hybrid work playbook', '<@U0MIA>', 'hybrid work', 'Blog, LinkedIn, X thread']) expect(shown).toContain(fact);
    expect(shown.match(/⬜/g)).toHaveLength(4);
    expect(actionIds(blocks)).toEqual([]);
    expect(findBlockKitViolations(blocks, 'message')).toEqual([]);
  });

  test('in review it shows the scores with the gain and the four decision buttons', () => {
    const { blocks } = buildPlanMessage({
      ...base,
      status: 'in_review',
      stages: base.stages.map((stage) => ({ ...stage, state: 'done' as const })),
      scores: { seo: 84, initialSeo: 57, readability: 72, revisions: 2, words: 1240, sources: 8 },
      review: {
        revision: 0,
        requiredApprovals: 1,
        approverIds: ['U0AVERY', 'U0SAM'],
        approvals: [],
        isApproved: false,
        scheduledAt: null,
        feedback: [],
        rejection: null,
        publications: [],
      },
    });
    const shown = JSON.stringify(blocks);
    expect(shown).toContain('*SEO 84* (+27 after 2 revisions) · Readability 72 · 1,240 words · 8 sources');
    expect(shown).toContain('Needs 1 approval from <@U0AVERY> or <@U0SAM>');
    expect(actionIds(blocks)).toEqual([
      `"action_id":"${ACTIONS.approve}"`,
      `"action_id":"${ACTIONS.requestChanges}"`,
      `"action_id":"${ACTIONS.reject}"`,
      `"action_id":"${ACTIONS.schedule}"`,
    ]);
  });

  test('a failed plan says what failed in one sentence and offers Retry', () => {
    const { blocks } = buildPlanMessage({
      ...base,
      status: 'failed',
      failure: { stage: 'research', message: 'Firecrawl did not answer after 3 tries.' },
    });
    expect(JSON.stringify(blocks)).toContain('Research failed: Firecrawl did not answer after 3 tries.');
    expect(actionIds(blocks)).toEqual([`"action_id":"${ACTIONS.retryPlan}"`]);
  });

  test('a hostile topic cannot break out of the message or mention everyone', () => {
    const { blocks } = buildPlanMessage({ ...base, topic: `<!channel> ${'x'.repeat(5000)}` });
    expect(JSON.stringify(blocks)).not.toContain('<!channel>');
    expect(findBlockKitViolations(blocks, 'message')).toEqual([]);
  });
});
