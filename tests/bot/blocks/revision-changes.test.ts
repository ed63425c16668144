import { describe, expect, test } from 'vitest';
import { buildRevisionChangesReply } from '../../../src/bot/blocks/replies/revision-changes.ts';
import type { RevisionDiff } from '../../../src/orchestrator/revision-diff.ts';
import { findBlockKitViolations, isMessageBlocksTooLong } from '../../support/block-kit-limits.ts';

const DIFF: RevisionDiff = {
  sections: { changed: ['The first week'], added: ['A checklist'], removed: [], unchanged: 3 },
  words: { added: 120, removed: 45, before: 1240, after: 1315 },
  seo: { before: 84, after: 88 },
  readability: { before: 72, after: 70 },
  claims: { added: ['Teams that use a checklist answer 40% fewer questions.'], removed: [], supported: { before: 12, after: 12 }, unsupported: { before: 0, after: 1 } },
  isTitleChanged: false,
  isMetaDescriptionChanged: true,
};

const text = (reply: ReturnType<typeof buildRevisionChangesReply>) => JSON.stringify(reply.blocks);

describe('buildRevisionChangesReply', () => {
  test('a blog change: sections, words, scores before -> after, claims, and who asked', () => {
    const reply = buildRevisionChangesReply({ revision: 1, scope: { kind: 'blog' }, request: { userId: 'U0AVERY', feedback: 'Add a checklist.' }, kind: 'post', diff: DIFF });
    const shown = text(reply);
    expect(shown).toContain('What changed in revision 2* · the blog post (outline kept)');
    expect(shown).toContain('1 changed (The first week) · 1 added (A checklist) · 0 removed · 3 unchanged');
    expect(shown).toContain('+120 / −45 words (1,240 → 1,315)');
    expect(shown).toContain('SEO 84 → 88 · Readability 72 → 70');
    expect(shown).toContain('1 added · 0 removed · supported 12 → 12 · unsupported 0 → 1');
    expect(shown).toContain('+ “Teams that use a checklist answer 40% fewer questions.”');
    expect(shown).toContain('New meta description');
    expect(shown).toContain('Asked by <@U0AVERY>: “Add a checklist.”');
    expect(reply.text).toBe('What changed in revision 2: 2 sections changed, +120 / −45 words (1,240 → 1,315), SEO 84 → 88');
  });

  test('a variant change says the rest is unchanged', () => {
    const reply = buildRevisionChangesReply({
      revision: 2,
      scope: { kind: 'variant', channel: 'x_thread' },
      request: null,
      kind: 'variant',
      words: { added: 3, removed: 20, before: 60, after: 43 },
    });
    expect(text(reply)).toContain('the X thread variant only');
    expect(text(reply)).toContain('*X thread:* +3 / −20 words (60 → 43)');
    expect(text(reply)).toContain('The blog post and the other variants are unchanged.');
  });

  test('stays within Block Kit limits with many long sections and claims', () => {
    const many = Array.from({ length: 200 }, (_, index) => `A very long section heading number ${index} ${'x'.repeat(80)}`);
    const reply = buildRevisionChangesReply({
      revision: 1,
      scope: { kind: 'plan' },
      request: { userId: 'U0AVERY', feedback: 'y'.repeat(5000) },
      kind: 'post',
      diff: { ...DIFF, sections: { changed: many, added: many, removed: many, unchanged: 0 }, claims: { ...DIFF.claims, added: many, removed: many } },
    });
    expect(findBlockKitViolations(reply.blocks, 'message')).toEqual([]);
    expect(isMessageBlocksTooLong(reply.blocks)).toBe(false);
    expect(text(reply)).toContain('and 195 more');
  });
});
