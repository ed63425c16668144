import { expect, test } from 'vitest';
import { buildPerformanceReply, type PerformanceItem } from '../../../src/bot/blocks/replies/performance.ts';
import { findBlockKitViolations } from '../../support/block-kit-limits.ts';

const AT = new Date('2026-12-01T10:00:00Z');

test('each destination on its line: readable numbers, unreadable ones named, a campaign not sent yet with its note', () => {
  const items: PerformanceItem[] = [
    { destinationName: '@acme', destinationKind: 'x_thread', url: 'https://x.com/acme/status/1', values: { impressions: 1500, likes: 35, reposts: 5, replies: 4 }, note: null, collectedAt: AT },
    { destinationName: 'Jane Doe', destinationKind: 'linkedin', url: null, values: { likes: null, comments: null }, note: 'The LinkedIn connection may post but not read likes and comments.', collectedAt: AT },
    { destinationName: 'Newsletter', destinationKind: 'mailchimp', url: null, values: {}, note: 'Mailchimp has no report until the campaign is sent.', collectedAt: AT },
  ];
  const reply = buildPerformanceReply(items);
  const texts = reply.blocks.map((block) => JSON.stringify(block));
  expect(texts[1]).toContain('*<https://x.com/acme/status/1|@acme>*\\n1,500 impressions · 35 likes · 5 reposts · 4 replies');
  expect(texts[2]).toContain('likes and comments not available with this connection');
  expect(texts[2]).not.toMatch(/\b0 (likes|comments)/);
  expect(texts[3]).toContain('No numbers yet.');
  expect(reply.text).toContain('Jane Doe: likes and comments not available with this connection');
  expect(findBlockKitViolations(reply.blocks, 'message')).toEqual([]);
});

test('many destinations with long names stay within Block Kit limits', () => {
  const long = 'x'.repeat(3000);
  const items: PerformanceItem[] = Array.from({ length: 60 }, (_, i) => ({
    destinationName: `${long}${i}`,
    destinationKind: 'x_thread',
    url: `https://x.com/acme/status/${i}`,
    values: { impressions: 1e12, likes: 1e12, reposts: 1e12, replies: 1e12 },
    note: long,
    collectedAt: AT,
  }));
  const reply = buildPerformanceReply(items);
  expect(findBlockKitViolations(reply.blocks, 'message')).toEqual([]);
  expect(JSON.stringify(reply.blocks)).toContain('and 40 more destinations');
});
