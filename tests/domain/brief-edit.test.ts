import { describe, expect, test } from 'vitest';
import { canEditBrief, planBriefEdit, restartStageOf, type BriefFields } from '../../src/domain/brief-edit.ts';
import { nextPlanStatus, planEventEffects } from '../../src/domain/plan-states.ts';

const BRIEF: BriefFields = {
  topic: 'Remote onboarding for small teams',
  keyphrase: 'remote onboarding',
  keywords: ['new hire checklist'],
  competitorUrls: [],
  skipResearch: false,
  tone: 'Friendly',
  audience: 'Ops leads',
  brief: 'Practical.',
  channels: ['blog', 'linkedin'],
  postChannelId: 'C0MARKETING',
};

describe('planBriefEdit: the first stage whose inputs changed', () => {
  test.each([
    ['topic', { topic: 'Remote onboarding for agencies' }],
    ['keyphrase', { keyphrase: 'onboarding remote staff' }],
    ['keywords', { keywords: ['buddy system'] }],
    ['competitorUrls', { competitorUrls: ['https://alpha.example.com/a'] }],
    ['skipResearch', { skipResearch: true }],
  ] as const)('%s → research', (field, change) => {
    const edit = planBriefEdit(BRIEF, { ...BRIEF, ...change });
    expect(edit).toMatchObject({ changed: [field], restartAt: 'research', isNewRevision: true, isMoved: false });
  });

  test.each([
    ['tone', { tone: 'Bold' }],
    ['audience', { audience: 'Founders' }],
    ['brief', { brief: null }],
  ] as const)('%s → draft', (field, change) => {
    expect(planBriefEdit(BRIEF, { ...BRIEF, ...change })).toMatchObject({ changed: [field], restartAt: 'draft', isNewRevision: true });
  });

  test('an added channel writes only its variant; a removed one is dropped with nothing run again', () => {
    expect(planBriefEdit(BRIEF, { ...BRIEF, channels: ['blog', 'linkedin', 'x_thread'] })).toMatchObject({
      restartAt: 'variants',
      addedVariants: ['x_thread'],
      removedVariants: [],
      isNewRevision: true,
    });
    expect(planBriefEdit(BRIEF, { ...BRIEF, channels: ['blog'] })).toMatchObject({ restartAt: null, addedVariants: [], removedVariants: ['linkedin'], isNewRevision: true });
    // The blog is the draft itself: adding it runs nothing.
    expect(planBriefEdit({ ...BRIEF, channels: ['linkedin'] }, BRIEF)).toMatchObject({ restartAt: null, addedVariants: [] });
  });

  test('the post-in channel only moves the message; the content and its approvals stand', () => {
    expect(planBriefEdit(BRIEF, { ...BRIEF, postChannelId: 'C0LAUNCH' })).toMatchObject({ changed: ['postChannelId'], restartAt: null, isMoved: true, isNewRevision: false });
  });

  test('the earliest stage wins when fields of several stages change; nothing changed is nothing to do', () => {
    expect(planBriefEdit(BRIEF, { ...BRIEF, tone: 'Bold', channels: ['blog', 'newsletter'], topic: 'Another topic' }).restartAt).toBe('research');
    expect(planBriefEdit(BRIEF, { ...BRIEF, tone: 'Bold', channels: ['blog', 'linkedin', 'newsletter'] }).restartAt).toBe('draft');
    expect(planBriefEdit(BRIEF, { ...BRIEF, keywords: [...BRIEF.keywords] })).toMatchObject({ changed: [], restartAt: null, isNewRevision: false });
  });
});

describe('restartStageOf: a plan not finished restarts no later than its unfinished stage', () => {
  const addChannel = { restartAt: 'variants' as const };
  test('a plan in review runs only what the edit needs', () => {
    expect(restartStageOf(addChannel, { status: 'in_review', failedStage: null })).toBe('variants');
    expect(restartStageOf({ restartAt: null }, { status: 'in_review', failedStage: null })).toBeNull();
  });
  test('a running or failed plan restarts at its unfinished stage when that is earlier; optimising restarts at the draft', () => {
    expect(restartStageOf(addChannel, { status: 'queued', failedStage: null })).toBe('research');
    expect(restartStageOf(addChannel, { status: 'drafting', failedStage: null })).toBe('draft');
    expect(restartStageOf(addChannel, { status: 'optimizing', failedStage: null })).toBe('draft');
    expect(restartStageOf({ restartAt: null }, { status: 'generating_variants', failedStage: null })).toBe('variants');
    expect(restartStageOf({ restartAt: 'draft' }, { status: 'failed', failedStage: 'research' })).toBe('research');
    expect(restartStageOf({ restartAt: 'research' }, { status: 'changes_requested', failedStage: null })).toBe('research');
  });
});

test('the brief can be edited before approval only', () => {
  expect(canEditBrief({ status: 'in_review', approvedAt: null, failedStage: null })).toBe(true);
  expect(canEditBrief({ status: 'drafting', approvedAt: null, failedStage: null })).toBe(true);
  expect(canEditBrief({ status: 'failed', approvedAt: null, failedStage: 'draft' })).toBe(true);
  expect(canEditBrief({ status: 'scheduled', approvedAt: new Date(), failedStage: null })).toBe(false);
  expect(canEditBrief({ status: 'approved', approvedAt: new Date(), failedStage: null })).toBe(false);
  expect(canEditBrief({ status: 'failed', approvedAt: null, failedStage: 'publish' })).toBe(false);
  for (const status of ['published', 'rejected', 'cancelled', 'expired', 'publishing'] as const) {
    expect(canEditBrief({ status, approvedAt: null, failedStage: null }), status).toBe(false);
  }
});

test('the kernel moves an edited plan to its restart stage, or keeps it in review, and clears a failure', () => {
  expect(nextPlanStatus('in_review', { type: 'brief_edited', restartAt: 'research' })).toBe('researching');
  expect(nextPlanStatus('in_review', { type: 'brief_edited', restartAt: 'draft' })).toBe('drafting');
  expect(nextPlanStatus('in_review', { type: 'brief_edited', restartAt: 'variants' })).toBe('generating_variants');
  expect(nextPlanStatus('in_review', { type: 'brief_edited', restartAt: null })).toBe('in_review');
  expect(nextPlanStatus('failed', { type: 'brief_edited', restartAt: 'draft' })).toBe('drafting');
  expect(nextPlanStatus('drafting', { type: 'brief_edited', restartAt: null })).toBeNull();
  for (const status of ['approved', 'scheduled', 'publishing', 'published', 'rejected', 'cancelled', 'expired'] as const) {
    expect(nextPlanStatus(status, { type: 'brief_edited', restartAt: 'draft' }), status).toBeNull();
  }
  expect(planEventEffects({ type: 'brief_edited', restartAt: 'draft' })).toEqual({ failedStage: null, error: null });
});
