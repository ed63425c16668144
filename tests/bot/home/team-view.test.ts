import { expect, test } from 'vitest';
import { buildTeamViewBlocks, formatSpan, TEAM_VIEW_MAX_BLOCKS, type TeamView } from '../../../src/bot/blocks/team-view.ts';
import { findBlockKitViolations } from '../../support/block-kit-limits.ts';

const HOUR = 3_600_000;

const VIEW: TeamView = {
  approvalTime: { plans: 14, medianMs: 5 * HOUR + 20 * 60_000, p90Ms: 31 * HOUR },
  firstPass: { decided: 16, approvedFirstTime: 11 },
  revisions: { plans: 18, average: 1.4444 },
  publishedPerChannel: [
    { channel: 'blog', plans: 9 },
    { channel: 'linkedin', plans: 7 },
    { channel: 'x_thread', plans: 4 },
  ],
  scheduled: [
    { day: '2026-12-02', plans: [{ number: 41, topic: 'Remote onboarding for small teams', at: new Date('2026-12-02T09:00:00Z') }] },
    {
      day: '2026-12-04',
      plans: [41, 42, 43, 44, 45].map((number) => ({ number, topic: `Topic ${number}`, at: new Date('2026-12-04T09:00:00Z') })),
    },
  ],
  engagement: {
    perChannel: [
      { kind: 'x_thread', items: 3, totals: { impressions: 5400, likes: 120, reposts: 14, replies: 9 } },
      { kind: 'linkedin', items: 2, totals: { likes: null, comments: null } },
      { kind: 'mailchimp', items: 1, totals: { opens: 420, clicks: 37 } },
    ],
    topPosts: [
      { planNumber: 38, topic: 'Green tea and   focus', interactions: 143 },
      { planNumber: 36, topic: 'Remote onboarding', interactions: 37 },
    ],
  },
};

/** The blocks as a person reads them: one line per block, mrkdwn kept. */
function asText(view: TeamView): string {
  return buildTeamViewBlocks(view)
    .map((block) => {
      const any = block as { text?: { text: string }; elements?: { text: string }[] };
      return any.text?.text ?? any.elements?.map((element) => element.text).join(' ') ?? '';
    })
    .join('\n');
}

test('the team view says each figure in words', () => {
  expect(asText(VIEW)).toBe(
    [
      'Team · last 30 days',
      '*Submission to approval* · 14 plans approved\nmedian 5 h 20 min · p90 1 d 7 h',
      '*First-pass approval* · 69%\n11 of 16 decided plans approved with no change requested',
      '*Revisions per plan* · 1.4 on average\nover 18 plans that reached review (1 = decided as first written)',
      '*Published per channel* (plans)\nBlog 9 · LinkedIn 7 · X thread 4',
      '*Next 7 days*\n*Wed 2 Dec* · 1 post: #41 Remote onboarding for small teams\n*Fri 4 Dec* · 5 posts: #41 Topic 41, #42 Topic 42, #43 Topic 43 and 2 more',
      '*Engagement per channel*\n*X* · 3 items: 5,400 impressions · 120 likes · 14 reposts · 9 replies\n*LinkedIn* · 2 items: likes and comments not available with this connection\n*Mailchimp* · 1 item: 420 opens · 37 clicks',
      '*Top posts* (interactions)\n1. #38 Green tea and focus · 143 interactions\n2. #36 Remote onboarding · 37 interactions',
      'Plans you can see, not deleted. Submission is when the plan was created; days of the coming week are UTC. Engagement: each item’s latest numbers; interactions are likes, reposts, replies, comments, clicks and reactions.',
    ].join('\n'),
  );
});

test('an empty month reads as such, and the view keeps its block budget', () => {
  const empty: TeamView = {
    approvalTime: { plans: 0, medianMs: null, p90Ms: null },
    firstPass: { decided: 0, approvedFirstTime: 0 },
    revisions: { plans: 0, average: null },
    publishedPerChannel: [],
    scheduled: [],
    engagement: { perChannel: [], topPosts: [] },
  };
  const text = asText(empty);
  expect(text).toContain('No plan was approved in the last 30 days.');
  expect(text).toContain('No numbers came back in the last 30 days.');
  expect(text).toContain('Nothing is scheduled.');
  // Five top posts with the longest topics, and every kind of channel, still fit.
  const full: TeamView = {
    ...VIEW,
    engagement: {
      perChannel: ['x_thread', 'linkedin', 'mailchimp', 'slack_channel', 'a_new_kind'].map((kind) => ({ kind, items: 999_999, totals: { impressions: 123_456_789, likes: 1, reposts: 2, replies: 3, comments: null, opens: 4, clicks: 5, reactions: 6 } })),
      topPosts: [1, 2, 3, 4, 5].map((planNumber) => ({ planNumber, topic: '<b>&'.repeat(300), interactions: 1_000_000 - planNumber })),
    },
  };
  expect(asText(full).match(/^\d\. #/gm)).toHaveLength(5);
  for (const view of [VIEW, empty, full]) {
    const blocks = buildTeamViewBlocks(view);
    expect(blocks.length).toBeLessThanOrEqual(TEAM_VIEW_MAX_BLOCKS);
    expect(findBlockKitViolations(blocks, 'home')).toEqual([]);
  }
});

test('spans read in minutes, hours or days', () => {
  expect([20_000, 45 * 60_000, 3 * HOUR, 3 * HOUR + 10 * 60_000, 50 * HOUR, 48 * HOUR].map(formatSpan)).toEqual([
    'under 1 min',
    '45 min',
    '3 h',
    '3 h 10 min',
    '2 d 2 h',
    '2 d',
  ]);
});
