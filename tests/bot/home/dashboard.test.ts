import { describe, expect, test } from 'vitest';
import {
  buildDashboardBlocks,
  DASHBOARD_MAX_BLOCKS,
  formatCost,
  formatPrice,
  formatRevisionBars,
  type Dashboard,
} from '../../../src/bot/blocks/dashboard.ts';
import { ACTIONS } from '../../../src/bot/ids.ts';
import { findBlockKitViolations } from '../../support/block-kit-limits.ts';

const at = new Date('2026-05-04T09:30:00Z');
const atToken = `<!date^${at.getTime() / 1000}^{date_short_pretty} at {time}|2026-05-04T09:30:00.000Z>`;

const dashboard: Dashboard = {
  byStatus: [
    { status: 'published', count: 12 },
    { status: 'in_review', count: 3 },
    { status: 'failed', count: 1 },
    { status: 'drafting', count: 1 },
    { status: 'rejected', count: 0 },
  ],
  seo: { plans: 14, averageBefore: 62.4, averageAfter: 81.3 },
  revisionsPerPlan: [
    { revisions: 1, plans: 6 },
    { revisions: 0, plans: 12 },
    { revisions: 2, plans: 3 },
    { revisions: 3, plans: 0 },
  ],
  stageTimes: [
    { stage: 'research', medianMs: 14_000, p95Ms: 41_000, runs: 23 },
    { stage: 'draft', medianMs: 38_200, p95Ms: 95_000, runs: 1 },
    { stage: 'variants', medianMs: 400, p95Ms: 900, runs: 22 },
  ],
  tokens: { input: 1_000_000, output: 234_567, estimatedCost: 2.469134, pricePer1k: 0.002 },
  failures: [
    { planId: '11111111-1111-4111-8111-111111111111', number: 41, topic: 'Q3 <launch> recap', stage: 'research', reason: 'Firecrawl did not answer after 3 tries', at },
    { planId: '22222222-2222-4222-8222-222222222222', number: 40, topic: 'Pricing page', stage: null, reason: 'The plan could not be posted', at },
  ],
  publications: [
    { number: 39, topic: 'Hybrid work playbook', destination: 'Company blog', url: 'https://blog.example.com/hybrid-work', at },
    { number: 38, topic: 'Launch notes', destination: 'CMS webhook', url: null, at },
  ],
};

const texts = (blocks: unknown[]) =>
  blocks.map((block) => {
    const b = block as { text?: { text?: string } };
    return b.text?.text ?? '';
  });

describe('buildDashboardBlocks', () => {
  test('renders each figure as exact text', () => {
    const blocks = buildDashboardBlocks(dashboard);
    expect(findBlockKitViolations(blocks, 'home')).toEqual([]);
    expect(texts(blocks)).toEqual([
      'Last 30 days',
      '*Plans by status* · 17 in all\nDrafting 1 · In review 3 · Published 12 · Failed 1',
      '*SEO score* · 14 plans\nAverage 62.4 before refinement → 81.3 after (+18.9)',
      '*SEO passes per plan* (passes ▏ plans)\n```0 ▏████████████████████ 12\n1 ▏██████████ 6\n2 ▏█████ 3\n3 ▏ 0```',
      '*Time per stage* (median · p95)\nResearch: median 14 s · p95 41 s · 23 runs\nDraft: median 38 s · p95 1 min 35 s · 1 run\nVariants: median under 1 s · p95 under 1 s · 22 runs',
      '*Tokens*\n1,234,567 tokens (1,000,000 in · 234,567 out) · estimated cost $2.47 at $0.002 per 1K tokens',
      '*Last failures*',
      `*#41* Q3 &lt;launch&gt; recap\nResearch failed: Firecrawl did not answer after 3 tries · ${atToken}`,
      `*#40* Pricing page\nFailed: The plan could not be posted · ${atToken}`,
      `*Last publications*\n*#39* Hybrid work playbook → <https://blog.example.com/hybrid-work|Company blog> · ${atToken}\n*#38* Launch notes → CMS webhook · ${atToken}`,
    ]);
  });

  test('each failure has a Retry button carrying its plan id', () => {
    const retries = buildDashboardBlocks(dashboard).flatMap((block) =>
      'accessory' in block && block.accessory && 'action_id' in block.accessory ? [block.accessory] : [],
    );
    expect(retries.map((button) => [button.action_id, 'value' in button ? button.value : undefined])).toEqual([
      [ACTIONS.retryPlan, '11111111-1111-4111-8111-111111111111'],
      [ACTIONS.retryPlan, '22222222-2222-4222-8222-222222222222'],
    ]);
  });

  test('an empty month is worded kindly', () => {
    const blocks = buildDashboardBlocks({
      byStatus: [],
      seo: { plans: 0, averageBefore: null, averageAfter: null },
      revisionsPerPlan: [],
      stageTimes: [],
      tokens: { input: 0, output: 0, estimatedCost: 0, pricePer1k: 0.002 },
      failures: [],
      publications: [],
    });
    expect(texts(blocks)).toEqual([
      'Last 30 days',
      '*Plans by status*\nNo plans in the last 30 days. Start one with *New plan* above.',
      '*SEO score*\nNo plan has been scored yet; scores appear once a draft is optimised.',
      '*SEO passes per plan*\nNo plan has been optimised yet.',
      '*Time per stage*\nNo stage has run yet.',
      '*Tokens*\nNo model calls yet, so nothing to pay.',
      '*Last failures*\nNothing failed in the last 30 days. :tada:',
      '*Last publications*\nNothing published in the last 30 days yet. Approved plans show up here once they go out.',
    ]);
  });

  test('a drop in SEO shows a minus, and a missing side is said plainly', () => {
    const seo = (averageBefore: number | null, averageAfter: number | null) =>
      texts(buildDashboardBlocks({ ...dashboard, seo: { plans: 2, averageBefore, averageAfter } }))[2];
    expect(seo(70, 68)).toBe('*SEO score* · 2 plans\nAverage 70 before refinement → 68 after (−2)');
    expect(seo(null, 80)).toBe('*SEO score* · 2 plans\nAverage 80 after refinement (no score from before it).');
    expect(seo(55.55, null)).toBe('*SEO score* · 2 plans\nAverage 55.6 before refinement; none refined yet.');
  });

  test('lists stop at 10 and the block count has a ceiling', () => {
    const many: Dashboard = {
      ...dashboard,
      failures: Array.from({ length: 25 }, (_, i) => ({ ...dashboard.failures[0]!, number: i })),
      publications: Array.from({ length: 25 }, (_, i) => ({ ...dashboard.publications[0]!, number: i })),
    };
    const blocks = buildDashboardBlocks(many);
    expect(blocks).toHaveLength(DASHBOARD_MAX_BLOCKS);
    expect(texts(blocks).at(-1)?.split('\n')).toHaveLength(11);
    expect(findBlockKitViolations(blocks, 'home')).toEqual([]);
  });
});

describe('dashboard formatting', () => {
  test('bars scale to the largest row, and a non-zero row always shows', () => {
    expect(formatRevisionBars([{ revisions: 10, plans: 1 }, { revisions: 2, plans: 200 }])).toEqual([
      ' 2 ▏████████████████████ 200',
      '10 ▏█ 1',
    ]);
  });

  test('cost and price', () => {
    expect(formatCost(1.234)).toBe('$1.23');
    expect(formatCost(1234.5)).toBe('$1,234.50');
    expect(formatCost(0.001)).toBe('under $0.01');
    expect(formatCost(0)).toBe('$0.00');
    expect(formatPrice(0.002)).toBe('$0.002');
    expect(formatPrice(0.15)).toBe('$0.15');
  });
});
