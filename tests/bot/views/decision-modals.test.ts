import { describe, expect, test } from 'vitest';
import { DECISION_MODALS } from '../../../src/bot/ids.ts';
import { buildRequestChangesModal, parseDecisionMetadata, parseRequestChangesSubmission } from '../../../src/bot/views/decision-modals.ts';
import { findViewViolations } from '../../support/block-kit-limits.ts';

const { block, scopeBlock, action } = DECISION_MODALS.requestChanges;
const ALL_CHANNELS = ['blog', 'linkedin', 'x_thread', 'newsletter', 'slack_announcement'] as const;

const answers = (feedback: string, scope?: string) => ({
  state: {
    values: {
      [block]: { [action]: { value: feedback } },
      ...(scope ? { [scopeBlock]: { [action]: { selected_option: { value: scope } } } } : {}),
    },
  },
});

describe('the Request changes modal', () => {
  test('offers the whole plan, the blog post and each of the plan’s variants, within Block Kit limits', () => {
    const view = buildRequestChangesModal({ number: 42, topic: 'Hybrid work '.repeat(40), channels: [...ALL_CHANNELS] }, { planId: 'p', channelId: 'C1', revision: 2 });
    expect(findViewViolations(view)).toEqual([]);
    const scope = view.blocks.find((candidate) => candidate.block_id === scopeBlock) as { element: { options: { value: string }[]; initial_option: { value: string } } };
    expect(scope.element.options.map((option) => option.value)).toEqual(['plan', 'blog', 'variant:linkedin', 'variant:x_thread', 'variant:newsletter', 'variant:slack_announcement']);
    expect(scope.element.initial_option.value).toBe('plan');
    expect(parseDecisionMetadata(view.private_metadata)).toEqual({ planId: 'p', channelId: 'C1', revision: 2 });
  });

  test('a modal opened before metadata carried a revision reads as out of date', () => {
    expect(parseDecisionMetadata(JSON.stringify({ planId: 'p', channelId: null }))).toEqual({ planId: 'p', channelId: null, revision: -1 });
  });

  test('reads the scope and the feedback; both are checked inline', () => {
    expect(parseRequestChangesSubmission(answers('Shorter.', 'variant:x_thread'), ['blog', 'x_thread'])).toEqual({
      ok: true,
      feedback: 'Shorter.',
      scope: { kind: 'variant', channel: 'x_thread' },
    });
    expect(parseRequestChangesSubmission(answers('Shorter.'), ['blog'])).toEqual({ ok: true, feedback: 'Shorter.', scope: { kind: 'plan' } });
    expect(parseRequestChangesSubmission(answers('  ', 'blog'), ['blog'])).toEqual({ ok: false, errors: { [block]: "Write the feedback: it is shown to the plan's author." } });
    expect(parseRequestChangesSubmission(answers('', 'variant:linkedin'), ['blog'])).toEqual({
      ok: false,
      errors: { [scopeBlock]: "Pick the whole plan, the blog post, or one of this plan's channels.", [block]: "Write the feedback: it is shown to the plan's author." },
    });
  });
});
