import { describe, expect, test } from 'vitest';
import {
  buildDestinationRetryActions,
  derivePublications,
  describePublication,
  parseDestinationRetryValue,
} from '../../../src/bot/blocks/destination-lines.ts';
import { BLOCKS } from '../../../src/bot/ids.ts';
import { findBlockKitViolations } from '../../support/block-kit-limits.ts';

const at = (hhmm: string) => new Date(`2026-12-07T${hhmm}:00Z`);
const plan = {
  status: 'publishing' as const,
  publishDestinations: ['dest:blog', 'dest:hook', 'slack:C0MARKETING'],
  publishTimes: [
    { key: 'dest:blog', name: 'Company blog', at: at('09:00').toISOString() },
    { key: 'dest:hook', name: 'Site webhook', at: at('10:00').toISOString() },
    { key: 'slack:C0MARKETING', name: '<#C0MARKETING>', at: at('11:00').toISOString() },
  ],
  scheduledAt: at('09:00'),
};
const attempt = (destinationKey: string, destinationName: string, state: 'delivered' | 'failed', url: string | null, reason: string | null = null) => ({
  destinationKey,
  destinationName,
  state,
  url,
  reason,
  reactions: null,
});

describe('destination lines on the root message', () => {
  test('each destination with its time, its state and its link; the ones not started yet are scheduled', () => {
    const publications = derivePublications(plan, [
      attempt('dest:blog', 'Company blog', 'delivered', 'https://blog.example.com/p/'),
      attempt('dest:hook', 'Site webhook', 'failed', null, 'The webhook answered 400 Bad Request.'),
    ]);
    expect(publications.map(describePublication)).toEqual([
      `Company blog: ✅ delivered · <https://blog.example.com/p/|view> · <!date^${at('09:00').getTime() / 1000}^{date_short_pretty} at {time}|2026-12-07T09:00:00.000Z>`,
      `Site webhook: ❌ failed: The webhook answered 400 Bad Request. · <!date^${at('10:00').getTime() / 1000}^{date_short_pretty} at {time}|2026-12-07T10:00:00.000Z>`,
      `<#C0MARKETING>: 🗓️ scheduled · <!date^${at('11:00').getTime() / 1000}^{date_short_pretty} at {time}|2026-12-07T11:00:00.000Z>`,
    ]);
  });

  test('a Retry per failed destination while the plan can take it, carrying the plan and the destination', () => {
    const publications = derivePublications({ ...plan, status: 'partially_published' }, [
      attempt('dest:blog', 'Company blog', 'failed', null, 'x'),
      attempt('dest:hook', 'Site webhook', 'delivered', null),
      attempt('slack:C0MARKETING', '<#C0MARKETING>', 'failed', null, 'y'),
    ]);
    const block = buildDestinationRetryActions('plan-1', 'partially_published', publications);
    expect(findBlockKitViolations([block], 'message')).toEqual([]);
    expect(block).toMatchObject({ block_id: BLOCKS.planDestinationRetries });
    const elements = (block as { elements: { text: { text: string }; action_id: string; value: string }[] }).elements;
    expect(elements.map((element) => element.text.text)).toEqual(['Retry Company blog', 'Retry the announcement']);
    expect(new Set(elements.map((element) => element.action_id)).size).toBe(2);
    expect(elements.map((element) => parseDestinationRetryValue(element.value))).toEqual([
      { planId: 'plan-1', destinationKey: 'dest:blog' },
      { planId: 'plan-1', destinationKey: 'slack:C0MARKETING' },
    ]);
    expect(buildDestinationRetryActions('plan-1', 'published', publications)).toBeNull();
    // A failed plan has one Retry, for all of its failed destinations.
    expect(buildDestinationRetryActions('plan-1', 'failed', publications)).toBeNull();
    expect(parseDestinationRetryValue('plan-1')).toBeNull();
  });

  test('before scheduling, or once expired, only what was tried shows', () => {
    expect(derivePublications({ ...plan, status: 'expired' }, [])).toEqual([]);
  });
});
