import { describe, expect, test } from 'vitest';
import { isAwaitingApproval, isPastStage, nextPlanStatus, parseChangeScope, PLAN_STATUSES, type PlanEvent, type PlanStatus } from '../../src/domain/plan-states.ts';

const failed = (stage: 'research' | 'draft' | 'optimize' | 'variants'): PlanEvent => ({ type: 'stage_failed', stage, reason: 'x' });

describe('nextPlanStatus', () => {
  test('the pipeline moves forward one stage at a time', () => {
    expect(nextPlanStatus('queued', { type: 'stage_started', stage: 'research' })).toBe('researching');
    expect(nextPlanStatus('researching', { type: 'stage_succeeded', stage: 'research' })).toBe('drafting');
    expect(nextPlanStatus('drafting', { type: 'stage_succeeded', stage: 'draft' })).toBe('optimizing');
    expect(nextPlanStatus('optimizing', { type: 'stage_succeeded', stage: 'optimize', hasVariants: true })).toBe('generating_variants');
    expect(nextPlanStatus('optimizing', { type: 'stage_succeeded', stage: 'optimize', hasVariants: false })).toBe('in_review');
    expect(nextPlanStatus('generating_variants', { type: 'stage_succeeded', stage: 'variants' })).toBe('in_review');
  });

  test('stages cannot be skipped, repeated or run backwards', () => {
    expect(nextPlanStatus('researching', { type: 'stage_succeeded', stage: 'optimize' })).toBeNull();
    expect(nextPlanStatus('optimizing', { type: 'stage_succeeded', stage: 'draft' })).toBeNull();
    expect(nextPlanStatus('researching', { type: 'stage_started', stage: 'research' })).toBeNull();
    expect(nextPlanStatus('in_review', { type: 'stage_started', stage: 'research' })).toBeNull();
    expect(nextPlanStatus('in_review', { type: 'stage_succeeded', stage: 'variants' })).toBeNull();
  });

  test('only running plans fail, and a failed plan retries at its failed stage', () => {
    for (const status of ['queued', 'researching', 'drafting', 'optimizing', 'generating_variants'] as const) {
      expect(nextPlanStatus(status, failed('draft'))).toBe('failed');
    }
    expect(nextPlanStatus('in_review', failed('draft'))).toBeNull();
    expect(nextPlanStatus('publishing', failed('draft'))).toBeNull();
    expect(nextPlanStatus('publishing', { type: 'publish_failed', reason: 'x' })).toBe('failed');
    expect(nextPlanStatus('failed', { type: 'retried', stage: 'optimize' })).toBe('optimizing');
    expect(nextPlanStatus('failed', { type: 'retried', stage: 'publish' })).toBe('publishing');
    expect(nextPlanStatus('in_review', { type: 'retried', stage: 'draft' })).toBeNull();
  });

  test('decisions apply only in review, and only once', () => {
    expect(nextPlanStatus('in_review', { type: 'approved' })).toBe('approved');
    expect(nextPlanStatus('in_review', { type: 'rejected' })).toBe('rejected');
    expect(nextPlanStatus('in_review', { type: 'changes_requested' })).toBe('changes_requested');
    expect(nextPlanStatus('approved', { type: 'approved' })).toBeNull();
    expect(nextPlanStatus('scheduled', { type: 'approved' })).toBe('scheduled');
    expect(nextPlanStatus('rejected', { type: 'approved' })).toBeNull();
    expect(nextPlanStatus('changes_requested', { type: 'revision_started', scope: { kind: 'plan' } })).toBe('drafting');
    expect(nextPlanStatus('drafting', { type: 'revision_started', scope: { kind: 'plan' } })).toBeNull();
  });

  test('a revision starts where its scope says: the blog post redrafts, a variant only writes variants', () => {
    expect(nextPlanStatus('changes_requested', { type: 'revision_started', scope: { kind: 'blog' } })).toBe('drafting');
    expect(nextPlanStatus('changes_requested', { type: 'revision_started', scope: { kind: 'variant', channel: 'linkedin' } })).toBe('generating_variants');
    expect(nextPlanStatus('in_review', { type: 'revision_started', scope: { kind: 'variant', channel: 'linkedin' } })).toBeNull();
    expect(parseChangeScope({ kind: 'variant', channel: 'x_thread' })).toEqual({ kind: 'variant', channel: 'x_thread' });
    expect(parseChangeScope({ kind: 'variant', channel: 'blog' })).toEqual({ kind: 'plan' });
    expect(parseChangeScope(null)).toEqual({ kind: 'plan' });
  });

  test('scheduling and publishing', () => {
    expect(nextPlanStatus('approved', { type: 'scheduled' })).toBe('scheduled');
    expect(nextPlanStatus('in_review', { type: 'scheduled' })).toBe('scheduled');
    expect(nextPlanStatus('scheduled', { type: 'unscheduled', isApproved: true })).toBe('approved');
    expect(nextPlanStatus('scheduled', { type: 'unscheduled', isApproved: false })).toBe('in_review');
    expect(nextPlanStatus('scheduled', { type: 'publish_started' })).toBe('publishing');
    expect(nextPlanStatus('approved', { type: 'publish_started' })).toBe('publishing');
    expect(nextPlanStatus('publishing', { type: 'published' })).toBe('published');
    expect(nextPlanStatus('scheduled', { type: 'expired' })).toBe('expired');
    expect(nextPlanStatus('in_review', { type: 'publish_started' })).toBeNull();
  });

  test('a plan published to some destinations and not others is partly published, and retries them one by one', () => {
    expect(nextPlanStatus('publishing', { type: 'partially_published' })).toBe('partially_published');
    expect(nextPlanStatus('scheduled', { type: 'partially_published' })).toBeNull();
    expect(nextPlanStatus('published', { type: 'partially_published' })).toBeNull();
    expect(nextPlanStatus('partially_published', { type: 'retried', stage: 'publish' })).toBe('publishing');
    expect(nextPlanStatus('partially_published', { type: 'retried', stage: 'draft' })).toBeNull();
    expect(nextPlanStatus('partially_published', { type: 'cancelled' })).toBeNull();
    expect(nextPlanStatus('partially_published', { type: 'published' })).toBeNull();
  });

  test('terminal states accept nothing', () => {
    const events: PlanEvent[] = [
      { type: 'approved' },
      { type: 'rejected' },
      { type: 'cancelled' },
      { type: 'publish_started' },
      failed('research'),
      { type: 'retried', stage: 'research' },
    ];
    for (const status of ['rejected', 'published', 'expired', 'cancelled'] as PlanStatus[]) {
      for (const event of events) expect(nextPlanStatus(status, event), `${status} + ${event.type}`).toBeNull();
    }
  });

  test('a plan is created, never moved, into its first status; a running plan can be cancelled', () => {
    expect(PLAN_STATUSES).toHaveLength(16);
    for (const status of PLAN_STATUSES) expect(nextPlanStatus(status, { type: 'submitted' })).toBeNull();
    expect(nextPlanStatus('drafting', { type: 'cancelled' })).toBe('cancelled');
    expect(nextPlanStatus('publishing', { type: 'cancelled' })).toBeNull();
  });

  test('isPastStage tells which stages a plan has left behind', () => {
    expect(isPastStage('queued', 'research')).toBe(false);
    expect(isPastStage('drafting', 'research')).toBe(true);
    expect(isPastStage('drafting', 'draft')).toBe(false);
    expect(isPastStage('in_review', 'variants')).toBe(true);
    expect(isPastStage('failed', 'research')).toBe(false);
  });
});

test('a plan awaits approval in review, or scheduled without its approvals; nowhere else', () => {
  expect(isAwaitingApproval({ status: 'in_review', isApproved: false })).toBe(true);
  expect(isAwaitingApproval({ status: 'scheduled', isApproved: false })).toBe(true);
  expect(isAwaitingApproval({ status: 'scheduled', isApproved: true })).toBe(false);
  const others = PLAN_STATUSES.filter((status) => status !== 'in_review' && status !== 'scheduled');
  expect(others.filter((status) => isAwaitingApproval({ status, isApproved: false }))).toEqual([]);
});
