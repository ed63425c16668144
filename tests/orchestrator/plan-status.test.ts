import { describe, expect, test } from 'vitest';
import { nextPlanStatus, PLAN_STATUSES, type PlanEvent, type PlanStatus } from '../../src/orchestrator/plan-status.ts';

describe('nextPlanStatus', () => {
  test('the pipeline moves forward one stage at a time', () => {
    expect(nextPlanStatus('queued', { type: 'stage_started', stage: 'research' })).toBe('researching');
    expect(nextPlanStatus('researching', { type: 'stage_started', stage: 'draft' })).toBe('drafting');
    expect(nextPlanStatus('drafting', { type: 'stage_started', stage: 'optimize' })).toBe('optimizing');
    expect(nextPlanStatus('optimizing', { type: 'stage_started', stage: 'variants' })).toBe('generating_variants');
    expect(nextPlanStatus('generating_variants', { type: 'variants_completed' })).toBe('in_review');
  });

  test('stages cannot be skipped or run backwards', () => {
    expect(nextPlanStatus('researching', { type: 'stage_started', stage: 'optimize' })).toBeNull();
    expect(nextPlanStatus('optimizing', { type: 'stage_started', stage: 'draft' })).toBeNull();
    expect(nextPlanStatus('in_review', { type: 'stage_started', stage: 'research' })).toBeNull();
    expect(nextPlanStatus('in_review', { type: 'variants_completed' })).toBeNull();
  });

  test('only running plans fail, and a failed plan retries at its failed stage', () => {
    for (const status of ['queued', 'researching', 'drafting', 'optimizing', 'generating_variants'] as const) {
      expect(nextPlanStatus(status, { type: 'stage_failed' })).toBe('failed');
    }
    expect(nextPlanStatus('in_review', { type: 'stage_failed' })).toBeNull();
    expect(nextPlanStatus('failed', { type: 'retry', stage: 'optimize' })).toBe('optimizing');
    expect(nextPlanStatus('in_review', { type: 'retry', stage: 'draft' })).toBeNull();
  });

  test('decisions apply only in review, and only once', () => {
    expect(nextPlanStatus('in_review', { type: 'approve' })).toBe('approved');
    expect(nextPlanStatus('in_review', { type: 'reject' })).toBe('rejected');
    expect(nextPlanStatus('in_review', { type: 'request_changes' })).toBe('changes_requested');
    expect(nextPlanStatus('approved', { type: 'approve' })).toBeNull();
    expect(nextPlanStatus('scheduled', { type: 'approve' })).toBe('scheduled');
    expect(nextPlanStatus('rejected', { type: 'approve' })).toBeNull();
    expect(nextPlanStatus('changes_requested', { type: 'stage_started', stage: 'draft' })).toBe('drafting');
  });

  test('scheduling and publishing', () => {
    expect(nextPlanStatus('approved', { type: 'schedule' })).toBe('scheduled');
    expect(nextPlanStatus('in_review', { type: 'schedule' })).toBe('scheduled');
    expect(nextPlanStatus('publishing', { type: 'stage_failed' })).toBe('failed');
    expect(nextPlanStatus('failed', { type: 'retry', stage: 'publish' })).toBe('publishing');
    expect(nextPlanStatus('scheduled', { type: 'unschedule' })).toBe('approved');
    expect(nextPlanStatus('scheduled', { type: 'publish' })).toBe('publishing');
    expect(nextPlanStatus('approved', { type: 'publish' })).toBe('publishing');
    expect(nextPlanStatus('publishing', { type: 'published' })).toBe('published');
    expect(nextPlanStatus('scheduled', { type: 'expire' })).toBe('expired');
    expect(nextPlanStatus('in_review', { type: 'publish' })).toBeNull();
  });

  test('terminal states accept nothing but stay terminal', () => {
    const events: PlanEvent[] = [
      { type: 'approve' },
      { type: 'reject' },
      { type: 'cancel' },
      { type: 'publish' },
      { type: 'stage_failed' },
      { type: 'retry', stage: 'research' },
    ];
    for (const status of ['rejected', 'published', 'expired', 'cancelled'] as PlanStatus[]) {
      for (const event of events) expect(nextPlanStatus(status, event), `${status} + ${event.type}`).toBeNull();
    }
  });

  test('every status is known and a running plan can be cancelled', () => {
    expect(PLAN_STATUSES).toHaveLength(15);
    expect(nextPlanStatus('drafting', { type: 'cancel' })).toBe('cancelled');
    expect(nextPlanStatus('publishing', { type: 'cancel' })).toBeNull();
  });
});
