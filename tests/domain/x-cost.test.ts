import { expect, test } from 'vitest';
import { DECISION_MODALS } from '../../src/bot/ids.ts';
import { buildScheduleModal } from '../../src/bot/views/decision-modals.ts';
import { describeXThreadCost, estimateXThreadCost, hasUrl } from '../../src/domain/x-cost.ts';
import { findBlockKitViolations } from '../support/block-kit-limits.ts';

const PRICES = { perPost: 0.015, perPostWithUrl: 0.2 };

test('an X thread costs the per-post price, and the URL price for each post with a link', () => {
  const posts = ['Green tea helps you focus.', 'Less caffeine than coffee.', 'Read more: https://blog.example.com/green-tea', 'Or www.example.com/tea'];
  expect(estimateXThreadCost(posts, PRICES)).toEqual({ posts: 4, postsWithUrl: 2, usd: 0.43 });
  expect(estimateXThreadCost([], PRICES)).toEqual({ posts: 0, postsWithUrl: 0, usd: 0 });
  expect(estimateXThreadCost(['a', 'b', 'c'], { perPost: 0.1, perPostWithUrl: 1 }).usd).toBe(0.3);
  expect(hasUrl('no link here, e.g. 3.5 cups')).toBe(false);
});

test('the estimate as the schedule modal shows it under an X destination', () => {
  expect(describeXThreadCost({ posts: 4, postsWithUrl: 1, usd: 0.245 })).toBe('≈ $0.245 on X (4 posts, 1 with a link)');
  expect(describeXThreadCost({ posts: 1, postsWithUrl: 0, usd: 0.015 })).toBe('≈ $0.015 on X (1 post)');
  const modal = buildScheduleModal({
    plan: { number: 7, topic: 'Tea' },
    metadata: { planId: '00000000-0000-4000-8000-000000000000', channelId: null, revision: 0 },
    destinations: [
      { key: 'dest:x', label: '@acme on X (X thread)', name: '@acme on X', isBlog: false, description: '≈ $0.245 on X (4 posts, 1 with a link)' },
      { key: 'slack:C1', label: 'Announce in <#C1>', name: '<#C1>', isBlog: false },
    ],
    selected: [],
    initialTime: new Date('2026-12-01T09:00:00Z'),
    isApproveAndSchedule: false,
  });
  const checkboxes = (modal.blocks as { block_id?: string; element?: { options?: { value: string; description?: { text: string } }[] } }[])
    .filter((block) => block.block_id === DECISION_MODALS.schedule.destinationsBlock)
    .flatMap((block) => block.element?.options ?? []);
  expect(checkboxes.map((option) => [option.value, option.description?.text])).toEqual([
    ['dest:x', '≈ $0.245 on X (4 posts, 1 with a link)'],
    ['slack:C1', undefined],
  ]);
  expect(findBlockKitViolations(modal.blocks, 'modal')).toEqual([]);
});
