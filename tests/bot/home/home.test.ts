import { calendarRange } from '../../../src/domain/calendar.ts';
import { describe, expect, test } from 'vitest';
import type { Dashboard } from '../../../src/bot/blocks/dashboard.ts';
import {
  buildHomeView,
  HOME_MAX_BLOCKS,
  HOME_PAGE_SIZE,
  parseHomePage,
  parseHomePages,
  parseSettingsGroup,
  summarizeSettings,
  type HomeModel,
  type HomePlan,
  type SettingsSummary,
} from '../../../src/bot/blocks/home.ts';
import { ACTIONS, HOME_ACTIONS, SETTINGS_GROUPS } from '../../../src/bot/ids.ts';
import { findViewViolations } from '../../support/block-kit-limits.ts';

const plan = (number: number, overrides: Partial<HomePlan> = {}): HomePlan => ({
  id: `00000000-0000-4000-8000-${String(number).padStart(12, '0')}`,
  number,
  revision: 0,
  topic: `Plan number ${number}`,
  status: 'in_review',
  seoScore: 80,
  permalink: `https://acme.slack.com/archives/C0MARKETING/p${1700000000000000 + number}`,
  ...overrides,
});

const settings: SettingsSummary = {
  approvers: ['U0AVERY', 'U0SAM'],
  admins: ['U0ADA'],
  requiredApprovals: 2,
  allowSelfApproval: false,
  defaultChannelId: 'C0MARKETING',
  defaultChannels: ['blog', 'linkedin'],
  defaultTone: 'Friendly',
  targetWords: 1200,
  brandVoice: { description: 'Plain-spoken and practical.', dos: ['Short sentences'], donts: ['Jargon', 'Hype'], examples: [] },
  seoThreshold: 75,
  readabilityThreshold: 60,
  maxRefinements: 3,
  promptOverrides: { draft: 'x' },
  destinations: [{ kind: 'webhook', name: 'CMS' }],
};

const emptyDashboard: Dashboard = {
  byStatus: [],
  seo: { plans: 0, averageBefore: null, averageAfter: null },
  revisionsPerPlan: [],
  stageTimes: [],
  tokens: { input: 0, output: 0, estimatedCost: 0, pricePer1k: 0.002 },
  failures: [],
  publications: [],
};

const page = (plans: HomePlan[], pageNumber = 1, hasMore = false) => ({ plans, page: pageNumber, hasMore });

const marketer: HomeModel = {
  isAdmin: false,
  isApprover: false,
  myPlans: page([plan(42, { topic: 'Hybrid work playbook for small teams' }), plan(39, { status: 'published', seoScore: 77, permalink: null })]),
  // A caller that fetched too much must still not show it.
  waiting: page([plan(7)]),
  settings,
  dashboard: emptyDashboard,
};

const json = (value: unknown) => JSON.stringify(value);
const buttons = (value: unknown) =>
  [...json(value).matchAll(/"action_id":"([^"]+)","value":"([^"]*)"/g)].map(([, actionId, buttonValue]) => ({ actionId, value: buttonValue }));

describe('buildHomeView', () => {
  test('a marketer sees New plan and their plans, and nothing for approvers or admins', () => {
    const view = buildHomeView(marketer);
    const shown = json(view.blocks);
    expect(findViewViolations(view)).toEqual([]);
    expect(shown).toContain('*#42* Hybrid work playbook for small teams · In review · SEO 80');
    expect(shown).toContain('*#39* Plan number 39 · Published · SEO 77');
    expect(buttons(view.blocks)).toEqual([
      { actionId: ACTIONS.newPlan, value: 'home' },
      { actionId: ACTIONS.openPlan, value: plan(42).id },
    ]);
    expect(shown).toContain(`"url":"${plan(42).permalink}"`);
    for (const hidden of ['Waiting for you', 'Settings', 'Last 30 days', ACTIONS.approve, HOME_ACTIONS.openSettings, ACTIONS.retryPlan]) {
      expect(shown).not.toContain(hidden);
    }
  });

  test('a person with no plans is told how to start one', () => {
    const view = buildHomeView({ ...marketer, myPlans: page([]) });
    expect(json(view.blocks)).toContain('No plans yet. Press *New plan*, or type `/content` in any channel.');
  });

  test('an approver also sees what waits for them, with Approve and Open', () => {
    const view = buildHomeView({ ...marketer, isApprover: true, waiting: page([plan(7), plan(8, { permalink: null })]) });
    const shown = json(view.blocks);
    expect(findViewViolations(view)).toEqual([]);
    expect(shown).toContain('Waiting for you');
    const approvals = buttons(view.blocks).filter((b) => b.actionId === ACTIONS.approve);
    expect(approvals).toEqual([
      { actionId: ACTIONS.approve, value: `${plan(7).id}:0` },
      { actionId: ACTIONS.approve, value: `${plan(8).id}:0` },
    ]);
    expect(buttons(view.blocks).filter((b) => b.actionId === ACTIONS.openPlan).map((b) => b.value)).toEqual([plan(42).id, plan(7).id]);
    expect(shown).not.toContain('Settings');
    expect(shown).not.toContain('Last 30 days');
  });

  test('an approver with nothing waiting is told so', () => {
    const view = buildHomeView({ ...marketer, isApprover: true, waiting: page([]) });
    expect(json(view.blocks)).toContain('Nothing waits for your decision.');
  });

  test('an admin sees one settings button per group with a summary, and the dashboard', () => {
    const view = buildHomeView({ ...marketer, isAdmin: true });
    const shown = json(view.blocks);
    expect(findViewViolations(view)).toEqual([]);
    expect(buttons(view.blocks).filter((b) => b.actionId === HOME_ACTIONS.openSettings).map((b) => b.value)).toEqual([...SETTINGS_GROUPS]);
    for (const label of ['Approvers & policy', 'Defaults', 'Brand voice', 'Quality', 'Prompts', 'Destinations']) expect(shown).toContain(`*${label}*`);
    expect(shown).toContain('Last 30 days');
    expect(shown).not.toContain('Waiting for you');
  });

  test('an admin whose settings or figures failed to load is told, not shown an empty section', () => {
    const shown = json(buildHomeView({ ...marketer, isAdmin: true, settings: null, dashboard: null }).blocks);
    expect(shown).toContain('The settings could not be loaded just now.');
    expect(shown).toContain('The figures could not be loaded just now.');
  });

  test('the settings summaries say the current values in one line each', () => {
    expect(summarizeSettings(settings)).toEqual({
      approvers: 'Approvers <@U0AVERY>, <@U0SAM> · 2 approvals per plan · no self-approval · also admins: <@U0ADA>',
      defaults: 'Posts in <#C0MARKETING> · Blog, LinkedIn · tone Friendly · 1,200 words',
      brand_voice: '"Plain-spoken and practical." · 1 do rule · 2 don\'t rules · 0 examples',
      quality: 'SEO 75+ · readability 60+ · up to 3 SEO passes',
      prompts: 'Your own version for: draft',
      destinations: 'CMS',
    });
    const empty = summarizeSettings({ ...settings, approvers: [], admins: [], brandVoice: null, promptOverrides: {}, destinations: [], defaultChannelId: null });
    expect(empty.approvers).toBe('No approvers picked, so workspace admins and owners decide · 2 approvals per plan · no self-approval');
    expect(empty.brand_voice).toBe('Not set: plans use a neutral voice.');
    expect(empty.prompts).toBe('Every stage uses the default prompt.');
    expect(empty.destinations).toBe('None yet: add a Slack channel, a webhook or a WordPress site.');
    expect(empty.defaults.startsWith('No default channel')).toBe(true);
  });

  test('the worst case (admin and approver, full pages both ways, full dashboard, long text) stays within limits', () => {
    const long = 'A very long topic '.repeat(40);
    const fullPage = (start: number) =>
      page(
        Array.from({ length: HOME_PAGE_SIZE + 3 }, (_, i) => plan(start + i, { topic: long })),
        2,
        true,
      );
    const at = new Date('2026-05-01T10:00:00Z');
    const dashboard: Dashboard = {
      byStatus: [
        { status: 'published', count: 12 },
        { status: 'failed', count: 10 },
        { status: 'in_review', count: 3 },
      ],
      seo: { plans: 20, averageBefore: 61.25, averageAfter: 80.4 },
      revisionsPerPlan: Array.from({ length: 30 }, (_, revisions) => ({ revisions, plans: revisions * 3 })),
      stageTimes: Array.from({ length: 40 }, (_, i) => ({ stage: `stage_${i}`, medianMs: 12_000, p95Ms: 3_600_000, runs: 1000 })),
      tokens: { input: 123_456_789, output: 98_765_432, estimatedCost: 444.44, pricePer1k: 0.002 },
      failures: Array.from({ length: 15 }, (_, i) => ({ planId: plan(i).id, number: i, topic: long, stage: 'research', reason: 'x'.repeat(2000), at })),
      publications: Array.from({ length: 15 }, (_, i) => ({ number: i, topic: long, destination: long, url: `https://blog.example.com/${'p'.repeat(900)}`, at })),
    };
    const view = buildHomeView({
      isAdmin: true,
      isApprover: true,
      myPlans: fullPage(100),
      waiting: fullPage(200),
      settings: {
        ...settings,
        approvers: Array.from({ length: 50 }, (_, i) => `U${String(i).padStart(8, '0')}`),
        brandVoice: { description: long, dos: [], donts: [], examples: [] },
        destinations: Array.from({ length: 45 }, () => ({ kind: 'wordpress' as const, name: long })),
      },
      dashboard,
      calendar: {
        range: calendarRange({ period: 'month', offset: 3 }, at),
        items: Array.from({ length: 100 }, (_, i) => ({
          plan: { id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, number: 100_000 + i, revision: 9, title: long, status: 'scheduled' as const, permalink: `https://fake.slack.test/${'p'.repeat(900)}` },
          kind: 'scheduled' as const,
          destinationName: long,
          at: new Date(at.getTime() + (i % 3) * 86_400_000),
          url: null,
          canReschedule: true,
        })),
      },
      accounts: {
        now: new Date('2026-12-01T00:00:00Z'),
        providers: (['x', 'linkedin'] as const).map((provider) => ({
          provider,
          connectUrl: `https://broadcaster.example/connect/${provider}?ticket=${'t'.repeat(300)}`,
          missing: null,
          accounts: Array.from({ length: 5 }, (_, i) => ({
            id: `00000000-0000-4000-8000-00000000000${i}`,
            provider,
            label: long,
            status: 'needs_reconnect' as const,
            statusReason: long,
            accessExpiresAt: new Date('2026-12-05T00:00:00Z'),
            connectedBy: 'U0ADMIN',
          })),
          })),
        },
      teamView: {
        approvalTime: { plans: 99_999, medianMs: 3 * 86_400_000, p90Ms: 400 * 86_400_000 },
        firstPass: { decided: 99_999, approvedFirstTime: 12_345 },
        revisions: { plans: 99_999, average: 12.345 },
        publishedPerChannel: Array.from({ length: 40 }, (_, i) => ({ channel: `${long}${i}`, plans: 1000 + i })),
        scheduled: Array.from({ length: 7 }, (_, day) => ({
          day: `2026-05-0${day + 1}`,
          plans: Array.from({ length: 50 }, (_, i) => ({ number: 100_000 + i, topic: long, at })),
        })),
        engagement: {
          perChannel: Array.from({ length: 40 }, (_, i) => ({ kind: `${long}${i}`, items: 1000 + i, totals: {} })),
          topPosts: Array.from({ length: 5 }, (_, i) => ({ planNumber: 100_000 + i, topic: long, interactions: 1_000_000 + i })),
        },
      },
    });
    expect(view.blocks).toHaveLength(HOME_MAX_BLOCKS);
    expect(HOME_MAX_BLOCKS).toBeLessThanOrEqual(100);
    expect(findViewViolations(view)).toEqual([]);
    expect(buttons(view.blocks).filter((b) => b.actionId === ACTIONS.retryPlan)).toHaveLength(10);
  });
});

describe('paging', () => {
  test('a full first page offers More with the next page in its value', () => {
    const plans = Array.from({ length: HOME_PAGE_SIZE + 1 }, (_, i) => plan(i + 1));
    const view = buildHomeView({ ...marketer, myPlans: page(plans, 1, false) });
    expect(buttons(view.blocks).filter((b) => b.actionId === ACTIONS.openPlan)).toHaveLength(HOME_PAGE_SIZE);
    expect(buttons(view.blocks).filter((b) => b.actionId === HOME_ACTIONS.nextPage)).toEqual([{ actionId: HOME_ACTIONS.nextPage, value: 'my_plans:2' }]);
    expect(json(view.blocks)).not.toContain(HOME_ACTIONS.previousPage);
  });

  test('a middle page offers Back and More; the last page only Back', () => {
    const waiting = page([plan(1)], 3, true);
    const view = buildHomeView({ ...marketer, isApprover: true, waiting });
    expect(buttons(view.blocks).filter((b) => b.actionId === HOME_ACTIONS.previousPage || b.actionId === HOME_ACTIONS.nextPage)).toEqual([
      { actionId: HOME_ACTIONS.previousPage, value: 'waiting:2' },
      { actionId: HOME_ACTIONS.nextPage, value: 'waiting:4' },
    ]);
    const last = buildHomeView({ ...marketer, myPlans: page([plan(1)], 2, false) });
    expect(buttons(last.blocks).filter((b) => b.actionId === HOME_ACTIONS.previousPage)).toEqual([{ actionId: HOME_ACTIONS.previousPage, value: 'my_plans:1' }]);
    expect(json(last.blocks)).not.toContain(HOME_ACTIONS.nextPage);
  });

  test('the pages shown are kept in private_metadata, so paging one list keeps the other', () => {
    const view = buildHomeView({ ...marketer, isApprover: true, myPlans: page([plan(1)], 2, false), waiting: page([plan(2)], 3, false) });
    expect(parseHomePages(view.private_metadata)).toEqual({ myPlans: 2, waiting: 3 });
    expect(parseHomePages(undefined)).toEqual({ myPlans: 1, waiting: 1 });
    expect(parseHomePages('{"myPlans":-4,"waiting":"x"}')).toEqual({ myPlans: 1, waiting: 1 });
  });

  test('parseHomePage reads More and Back values and refuses anything else', () => {
    expect(parseHomePage('my_plans:2')).toEqual({ list: 'my_plans', page: 2 });
    expect(parseHomePage('waiting:1')).toEqual({ list: 'waiting', page: 1 });
    for (const bad of ['my_plans:0', 'waiting:-1', 'drafts:2', 'my_plans', 'my_plans:2:3', 'my_plans:99999', 2, null, undefined]) {
      expect(parseHomePage(bad)).toBeNull();
    }
  });

  test('parseSettingsGroup accepts the six groups only', () => {
    for (const group of SETTINGS_GROUPS) expect(parseSettingsGroup(group)).toBe(group);
    expect(parseSettingsGroup('billing')).toBeNull();
  });
});
