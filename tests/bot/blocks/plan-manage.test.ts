import { expect, test } from 'vitest';
import { buildManageMenu, buildMovedNotice, buildTombstone, parseManageValue } from '../../../src/bot/blocks/plan-manage.ts';
import type { PlanStatus } from '../../../src/domain/plan-states.ts';

const PLAN_ID = '5b0d7c3e-8a43-4c55-9f55-0f7b8c1d2e3f';
const optionsFor = (status: PlanStatus, approvedAt: Date | null = null) =>
  buildManageMenu({ planId: PLAN_ID, status, approvedAt, failedStage: null })?.options?.map((option) => parseManageValue(option.value)?.option) ?? null;

test('the menu offers what the plan’s state allows', () => {
  expect(optionsFor('drafting')).toEqual(['edit_brief', 'cancel', 'delete']);
  expect(optionsFor('in_review')).toEqual(['edit_brief', 'cancel', 'delete']);
  expect(optionsFor('scheduled', new Date())).toEqual(['cancel', 'delete']);
  expect(optionsFor('published', new Date())).toEqual(['delete']);
  expect(optionsFor('cancelled')).toEqual(['delete']);
  expect(optionsFor('publishing', new Date())).toBeNull();
  expect(optionsFor('partially_published', new Date())).toBeNull();
});

test('option values carry the plan id and nothing else parses', () => {
  expect(parseManageValue(`cancel:${PLAN_ID}`)).toEqual({ option: 'cancel', planId: PLAN_ID });
  expect(parseManageValue(`approve:${PLAN_ID}`)).toBeNull();
  expect(parseManageValue(undefined)).toBeNull();
});

test('a deleted plan leaves one line; a moved one points to its new place', () => {
  const at = new Date('2026-12-01T10:00:00Z');
  const tombstone = buildTombstone({ number: 7, userId: 'U0MIA', at });
  expect(tombstone.blocks).toHaveLength(1);
  expect(tombstone.text).toBe('🗑️ Plan #7 was deleted by <@U0MIA> <!date^1796119200^{date_short_pretty} at {time}|2026-12-01T10:00:00.000Z>.');
  expect(buildMovedNotice({ number: 7, topic: 'Remote <onboarding> & more', channelId: 'C0LAUNCH', permalink: 'https://example.slack.com/archives/C0LAUNCH/p1' }).text).toBe(
    '➡️ Plan #7 “Remote &lt;onboarding&gt; &amp; more” moved to <#C0LAUNCH>: <https://example.slack.com/archives/C0LAUNCH/p1|open it>.',
  );
});
