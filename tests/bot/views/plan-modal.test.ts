import { describe, expect, test } from 'vitest';
import { buildPlanModal, parsePlanSubmission } from '../../../src/bot/views/plan-modal.ts';
import { findViewViolations } from '../../support/block-kit-limits.ts';
import { planModalSubmissionView } from '../../support/plan-modal-values.ts';

describe('the plan modal', () => {
  test('builds within Slack limits, with the topic and channel prefilled', () => {
    const view = buildPlanModal({ topic: 'x'.repeat(400), postChannelId: 'C0MARKETING', originChannelId: 'C0ORIGIN' });
    expect(findViewViolations(view)).toEqual([]);
    expect(JSON.stringify(view)).toContain('"initial_conversation":"C0MARKETING"');
  });

  test('parses good answers, dropping duplicates and keeping the channel order', () => {
    const parsed = parsePlanSubmission(
      planModalSubmissionView({ keywords: 'a, b, a', competitorUrls: 'https://a.example.com https://a.example.com\nhttp://b.example.org/x', channels: ['x_thread', 'blog'] }),
    );
    expect(parsed.ok && parsed.input).toMatchObject({
      keywords: ['a', 'b'],
      competitorUrls: ['https://a.example.com', 'http://b.example.org/x'],
      channels: ['blog', 'x_thread'],
      skipResearch: false,
      tone: null,
    });
  });

  test('control characters are removed, so Postgres never sees a NUL byte', () => {
    const parsed = parsePlanSubmission(planModalSubmissionView({ topic: 'Hy\u0000brid work\u0007 guide', brief: '\u0000' }));
    expect(parsed.ok && parsed.input.topic).toBe('Hybrid work guide');
    expect(parsed.ok && parsed.input.brief).toBeNull();
  });

  test('a keyphrase over 100 characters or 4 words is answered under its field', () => {
    const long = parsePlanSubmission(planModalSubmissionView({ keyphrase: 'a'.repeat(101) }));
    expect(!long.ok && long.errors).toEqual({ keyphrase: 'Keep the keyphrase to 100 characters: this has 101.' });
    const wordy = parsePlanSubmission(planModalSubmissionView({ keyphrase: 'one two three four five' }));
    expect(!wordy.ok && wordy.errors).toEqual({ keyphrase: 'Use 1–4 words: this has 5.' });
  });
});

describe('competitor URLs', () => {
  test('are checked for syntax and IP-literal hosts only: a private or metadata address is refused inline', () => {
    for (const [url, where] of [
      ['http://169.254.169.254/latest/meta-data', '169.254.169.254, a link-local address'],
      ['http://10.0.0.1/admin', '10.0.0.1, a private network address'],
      ['http://[::1]:6379/', '::1, this machine (loopback)'],
    ] as const) {
      const parsed = parsePlanSubmission(planModalSubmissionView({ competitorUrls: `https://a.example.com\n${url}` }));
      expect(!parsed.ok && parsed.errors['competitor_urls']).toContain(`points to ${where}`);
    }
    // A name is not resolved here: the scraper fetches these pages, not the app.
    const named = parsePlanSubmission(planModalSubmissionView({ competitorUrls: 'https://intranet.example.com/x http://93.184.216.34/page' }));
    expect(named.ok && named.input.competitorUrls).toEqual(['https://intranet.example.com/x', 'http://93.184.216.34/page']);
  });
});

describe('the Edit brief form', () => {
  const plan = {
    planId: '5b0d7c3e-8a43-4c55-9f55-0f7b8c1d2e3f',
    number: 42,
    brief: {
      keyphrase: 'remote onboarding',
      keywords: ['new hire checklist', 'buddy'],
      audience: 'Ops leads',
      tone: 'Bold',
      competitorUrls: ['https://a.example.com/x', 'https://b.example.com/y'],
      brief: 'Practical.',
      skipResearch: true,
    },
  };

  /** What Slack sends back when the form is saved untouched: each input's initial value. */
  function untouchedValues(view: ReturnType<typeof buildPlanModal>) {
    const values: Record<string, Record<string, unknown>> = {};
    for (const block of view.blocks as unknown as { block_id: string; element: Record<string, unknown> }[]) {
      const element = block.element;
      values[block.block_id] = {
        value: {
          type: element['type'],
          value: element['initial_value'] ?? null,
          selected_option: element['initial_option'] ?? null,
          selected_options: element['initial_options'] ?? [],
          selected_conversation: element['initial_conversation'] ?? null,
        },
      };
    }
    return values;
  }

  test('opens filled in with the plan, and saving it untouched gives the same brief back', () => {
    const view = buildPlanModal({ topic: 'Remote onboarding for small teams', postChannelId: 'C0MARKETING', defaultChannels: ['blog', 'linkedin'], edit: plan });
    expect(findViewViolations(view)).toEqual([]);
    expect(view).toMatchObject({ callback_id: 'plan_edit_modal', title: { text: 'Edit plan #42' }, submit: { text: 'Save' } });
    const parsed = parsePlanSubmission({ state: { values: untouchedValues(view) }, private_metadata: view.private_metadata });
    expect(parsed.ok && parsed.metadata.planId).toBe(plan.planId);
    expect(parsed.ok && parsed.input).toEqual({
      topic: 'Remote onboarding for small teams',
      postChannelId: 'C0MARKETING',
      channels: ['blog', 'linkedin'],
      ...plan.brief,
    });
  });

  test('a tone that is not one of the choices (a brand default) shows as Brand default', () => {
    const view = buildPlanModal({ topic: 'Topic', postChannelId: 'C0MARKETING', edit: { ...plan, brief: { ...plan.brief, tone: 'Warm and dry' } } });
    const parsed = parsePlanSubmission({ state: { values: untouchedValues(view) }, private_metadata: view.private_metadata });
    expect(parsed.ok && parsed.input.tone).toBeNull();
  });
});
