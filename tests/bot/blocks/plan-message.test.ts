import { describe, expect, test } from 'vitest';
import {
  buildPlanMessage,
  describeSeoTask,
  pendingStages,
  type PlanMessageModel,
  type ReviewView,
  type StageView,
} from '../../../src/bot/blocks/plan-message.ts';
import { ACTIONS } from '../../../src/bot/ids.ts';
import { CHANNELS } from '../../../src/domain/channels.ts';
import { findBlockKitViolations, isMessageBlocksTooLong } from '../../support/block-kit-limits.ts';
import { expectPlanBlockMatchesText, planBlockOf } from '../../support/plan-block.ts';

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

const review: ReviewView = {
  revision: 0,
  requiredApprovals: 1,
  approverIds: ['U0AVERY', 'U0SAM'],
  approvals: [],
  isApproved: false,
  scheduledAt: null,
  feedback: [],
  rejection: null,
  publications: [],
};

const inReview: PlanMessageModel = {
  ...base,
  status: 'in_review',
  stages: [
    { stage: 'research', state: 'done', detail: '8 sources, 31 quotes', durationMs: 41_000 },
    { stage: 'draft', state: 'done', detail: '1,240 words', durationMs: 38_000 },
    { stage: 'optimize', state: 'done', detail: '57 → 84 · 2 passes', durationMs: 61_000 },
    { stage: 'variants', state: 'done', detail: 'LinkedIn, X thread ready', durationMs: 12_000 },
  ],
  seo: { initial: { seo: 57, readability: 60 }, best: { seo: 84, readability: 72 }, passes: 2, passBudget: 3 },
  article: {
    title: 'Hybrid Work for Small Teams: A 30-Day Playbook',
    metaDescription: 'Learn how hybrid work succeeds in small teams: a 30-day rollout with checklists, meeting rules and the tools that keep everyone in step.',
    takeaway: 'Weekly written plans replace status meetings. A 30-day checklist closes the post.',
    words: 1240,
    sources: 8,
  },
  quality: '*Claims:* 12 claims supported · ⚠️ 1 unsupported (“…report 73% fewer meetings…”) · 1 link removed (not a source)',
  channelViews: [
    { channel: 'blog', label: 'Blog' },
    { channel: 'linkedin', label: 'LinkedIn 1,412/3,000' },
    { channel: 'x_thread', label: 'X thread 5 posts' },
  ],
  draftLink: { url: 'https://acme.slack.com/archives/C0MARKETING/p1764583200000100?thread_ts=1764583200.000001&cid=C0MARKETING', kind: 'reply' },
  review,
};

const actionIds = (blocks: unknown[]) => JSON.stringify(blocks).match(/"action_id":"[a-z_]+"/g) ?? [];

/** Every task of the plan block is said in the text fallback, and the message is within Block Kit limits. */
function expectTextMatchesPlan(model: PlanMessageModel): void {
  const { text, blocks } = buildPlanMessage(model);
  expectPlanBlockMatchesText(blocks, text);
  expect(findBlockKitViolations(blocks, 'message')).toEqual([]);
}

describe('buildPlanMessage while the pipeline runs', () => {
  test('a new plan shows one plan block with a pending task per stage, and no buttons', () => {
    const { text, blocks } = buildPlanMessage(base);
    const plan = planBlockOf(blocks);
    expect((plan.tasks).map((task) => [task.task_id, task.title, task.status])).toEqual([
      ['research', 'Research', 'pending'],
      ['draft', 'Draft', 'pending'],
      ['optimize', 'SEO', 'pending'],
      ['variants', 'Variants', 'pending'],
    ]);
    expect(text).toBe('#42 Hybrid work playbook for small teams · Queued. Research: waiting; Draft: waiting; SEO: waiting; Variants: waiting');
    const shown = JSON.stringify(blocks);
    for (const fact of ['#42 Hybrid work playbook', '<@U0MIA>', 'hybrid work', 'Blog, LinkedIn, X thread']) expect(shown).toContain(fact);
    expect(actionIds(blocks)).toEqual([]);
    expectTextMatchesPlan(base);
  });

  test('the plan block and the text fallback say the same at every stage', () => {
    const seo = { initial: { seo: 57, readability: 60 }, best: { seo: 68, readability: 64 }, passes: 1, passBudget: 3 };
    const steps: { status: PlanMessageModel['status']; stages: StageView[] }[] = [
      { status: 'researching', stages: [{ stage: 'research', state: 'running' }, ...pendingStages().slice(1)] },
      {
        status: 'drafting',
        stages: [
          { stage: 'research', state: 'done', detail: '8 sources, 31 quotes', durationMs: 41_000, sources: [{ url: 'https://alpha.example.com/a', title: 'Alpha' }] },
          { stage: 'draft', state: 'running' },
          ...pendingStages().slice(2),
        ],
      },
      {
        status: 'optimizing',
        stages: [
          { stage: 'research', state: 'skipped', detail: 'the plan asked to skip research' },
          { stage: 'draft', state: 'done', detail: '1,240 words', durationMs: 38_000 },
          { stage: 'optimize', state: 'running', detail: describeSeoTask(seo, 'running') },
          { stage: 'variants', state: 'pending', detail: 'LinkedIn, X thread' },
        ],
      },
      {
        status: 'generating_variants',
        stages: [
          { stage: 'research', state: 'done', detail: '8 sources, 31 quotes' },
          { stage: 'draft', state: 'done', detail: '1,240 words' },
          { stage: 'optimize', state: 'done', detail: describeSeoTask({ ...seo, passes: 3 }, 'done'), durationMs: 61_000 },
          { stage: 'variants', state: 'running', detail: '1 of 2: LinkedIn ✓, X thread …' },
        ],
      },
      {
        status: 'failed',
        stages: [
          { stage: 'research', state: 'done', detail: '8 sources, 31 quotes' },
          { stage: 'draft', state: 'failed' },
          ...pendingStages().slice(2),
        ],
      },
    ];
    for (const step of steps) expectTextMatchesPlan({ ...base, ...step, ...(step.status === 'failed' ? { failure: { stage: 'draft', message: 'The model returned an empty draft.' } } : {}) });
    const optimizing = buildPlanMessage({ ...base, ...steps[2]! });
    expect(optimizing.text).toContain('SEO: running, pass 2 of 3 · 57 → 68 so far');
    expect(optimizing.text).toContain('Research: skipped, the plan asked to skip research');
    const drafting = planBlockOf(buildPlanMessage({ ...base, ...steps[1]! }).blocks);
    expect((drafting.tasks)[0]?.sources).toEqual([{ type: 'url', url: 'https://alpha.example.com/a', text: 'Alpha' }]);
  });

  test('a failed plan says what failed in one sentence and offers Retry', () => {
    const { blocks, text } = buildPlanMessage({
      ...base,
      status: 'failed',
      stages: [{ stage: 'research', state: 'failed' }, ...pendingStages().slice(1)],
      failure: { stage: 'research', message: 'Firecrawl did not answer after 3 tries.' },
    });
    expect(JSON.stringify(blocks)).toContain('Research failed: Firecrawl did not answer after 3 tries.');
    expect(text).toContain('Research: failed; Draft: waiting');
    expect(text.endsWith('Variants: waiting. Firecrawl did not answer after 3 tries.')).toBe(true);
    expect((planBlockOf(blocks).tasks)[0]?.status).toBe('error');
    expect(actionIds(blocks)).toEqual([`"action_id":"${ACTIONS.retryPlan}"`]);
  });

  test('a hostile topic cannot break out of the message or mention everyone', () => {
    const { blocks } = buildPlanMessage({ ...base, topic: `<!channel> ${'x'.repeat(5000)}` });
    expect(JSON.stringify(blocks)).not.toContain('<!channel>');
    expect(findBlockKitViolations(blocks, 'message')).toEqual([]);
  });
});

describe('buildPlanMessage in review', () => {
  test('it is written for the approver: title, meta, takeaway, scores before → after, quality, link, who decides, the buttons', () => {
    const { blocks, text } = buildPlanMessage(inReview);
    const shown = JSON.stringify(blocks);
    expect(text).toBe('#42 Hybrid Work for Small Teams: A 30-Day Playbook: In review');
    expect(shown).toContain('📝 #42 Hybrid Work for Small Teams: A 30-Day Playbook');
    expect(shown).not.toContain('Hybrid work playbook for small teams');
    expect(shown).toContain('_“Learn how hybrid work succeeds in small teams');
    expect(shown).toContain('(meta description, 136 characters)');
    expect(shown).toContain('*Takeaway:* Weekly written plans replace status meetings. A 30-day checklist closes the post.');
    expect(shown).toContain('*SEO 57 → 84* · Readability 60 → 72 · 2 SEO passes · 1,240 words · 8 sources');
    expect(shown).toContain('1 unsupported');
    expect(shown).toContain('Blog, LinkedIn 1,412/3,000, X thread 5 posts · <https://acme.slack.com/archives/C0MARKETING/p1764583200000100?thread_ts=1764583200.000001&amp;cid=C0MARKETING|📖 Read the draft>');
    expect(shown).toContain('*Needs 1 approval* from <@U0AVERY> or <@U0SAM>');
    // Progress collapses to one line; no plan block.
    expect(blocks.some((block) => block.type === 'plan')).toBe(false);
    expect(shown).toContain('Progress: Research ✓ 8 sources, 31 quotes · 41 s · Draft ✓ 1,240 words · 38 s · SEO ✓ 57 → 84 · 2 passes · 1 min 1 s');
    expect(shown).not.toMatch(/revision/i);
    expect(actionIds(blocks)).toEqual([
      `"action_id":"${ACTIONS.approve}"`,
      `"action_id":"${ACTIONS.requestChanges}"`,
      `"action_id":"${ACTIONS.reject}"`,
      `"action_id":"${ACTIONS.schedule}"`,
    ]);
    expect(findBlockKitViolations(blocks, 'message')).toEqual([]);
  });

  test('a draft made before takeaways renders without one; a canvas is linked as such', () => {
    const { blocks } = buildPlanMessage({
      ...inReview,
      article: { ...inReview.article!, takeaway: null },
      draftLink: { url: 'https://acme.slack.com/docs/T0FAKE0001/F0CANVAS', kind: 'canvas' },
    });
    const shown = JSON.stringify(blocks);
    expect(shown).not.toContain('Takeaway');
    expect(shown).toContain('<https://acme.slack.com/docs/T0FAKE0001/F0CANVAS|📖 Read the draft (canvas)>');
  });

  test('a second review round says "revision 2"; SEO rewrites are passes', () => {
    const { blocks, text } = buildPlanMessage({ ...inReview, review: { ...review, revision: 1 } });
    expect(text).toContain('In review · revision 2');
    expect(JSON.stringify(blocks).match(/revision \d/g)).toEqual(['revision 2']);
    expect(JSON.stringify(blocks)).toContain('2 SEO passes');
  });

  test('Block Kit limits hold for all 5 channels, 3 revisions and 20 warnings, with hostile long text everywhere', () => {
    const long = (label: string) => `${label} <!channel> ${'w'.repeat(4000)}`;
    const model: PlanMessageModel = {
      ...inReview,
      topic: long('topic'),
      keyphrase: long('keyphrase'),
      channels: CHANNELS,
      channelViews: CHANNELS.map((channel) => ({ channel, label: long(channel) })),
      article: { ...inReview.article!, title: long('title'), metaDescription: long('meta'), takeaway: long('takeaway') },
      quality: `*Claims:* ${'q'.repeat(4000)}`,
      warnings: Array.from({ length: 20 }, (_, i) => long(`warning ${i + 1}`)),
      stages: inReview.stages.map((stage) => ({ ...stage, detail: long(stage.stage) })),
      review: {
        ...review,
        revision: 3,
        approverIds: Array.from({ length: 30 }, (_, i) => `U0APPROVER${i}`),
        feedback: Array.from({ length: 3 }, (_, i) => ({ userId: 'U0AVERY', at: new Date(Date.UTC(2026, 11, 1, i)), text: long(`feedback ${i}`) })),
      },
    };
    for (const status of ['in_review', 'optimizing', 'scheduled', 'published', 'failed'] as const) {
      const { blocks, text } = buildPlanMessage({ ...model, status, failure: { stage: 'optimize', message: long('failure') } });
      expect(findBlockKitViolations(blocks, 'message'), status).toEqual([]);
      expect(isMessageBlocksTooLong(blocks), status).toBe(false);
      expect(text.length).toBeLessThan(4000);
      // Rich text elements in the plan block are literal text; mrkdwn and the text fallback are parsed for mentions.
      expect(JSON.stringify(blocks.filter((block) => block.type !== 'plan'))).not.toContain('<!channel>');
      expect(text).not.toContain('<!channel>');
    }
    const shown = JSON.stringify(buildPlanMessage(model).blocks);
    expect(shown).toContain('…and 12 more warnings in the thread');
    expect(shown).toContain('(or 20 other approvers)');
  });
});

describe('describeSeoTask', () => {
  test('says the pass and the scores so far while running, and before → after once done', () => {
    const seo = { initial: { seo: 57, readability: 60 }, best: { seo: 57, readability: 60 }, passes: 0, passBudget: 3 };
    expect(describeSeoTask({ ...seo, initial: null, best: null }, 'running')).toBe('analysing the draft');
    expect(describeSeoTask(seo, 'running')).toBe('pass 1 of 3 · 57');
    expect(describeSeoTask({ ...seo, best: { seo: 68, readability: 64 }, passes: 1 }, 'running')).toBe('pass 2 of 3 · 57 → 68 so far');
    expect(describeSeoTask({ ...seo, best: { seo: 84, readability: 72 }, passes: 2 }, 'done')).toBe('57 → 84 · 2 passes');
    expect(describeSeoTask(seo, 'done')).toBe('57 · no pass needed');
  });
});
