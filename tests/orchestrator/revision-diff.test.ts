import { describe, expect, test } from 'vitest';
import { diffRevisions, diffWords, splitSections, variantText, type RevisionSide } from '../../src/orchestrator/revision-diff.ts';
import type { ClaimCheck } from '../../src/orchestrator/claims.ts';

const claims = (supported: number, unsupported: number): ClaimCheck => ({
  supported,
  unsupported: Array.from({ length: unsupported }, (_, index) => ({ sentence: `s${index}`, figure: '1%', reason: 'uncited' as const })),
  uncitedFigures: unsupported,
  weak: [],
  supportedSourceIds: [],
});

const side = (markdown: string, overrides: Partial<RevisionSide> = {}): RevisionSide => ({
  draft: { title: 'Remote onboarding', slug: 'remote-onboarding', metaDescription: 'A guide.', markdown },
  seoScore: 70,
  readabilityScore: 60,
  claims: claims(1, 0),
  ...overrides,
});

const BEFORE = `Remote onboarding needs a plan. Teams with a plan keep 82% of new hires [1].

## The first week

Give the new hire a buddy. Book daily check-ins.

## Measure what matters

Track a few signals.`;

const AFTER = `Remote onboarding needs a plan. Teams with a plan keep 82% of new hires [2].

## The first week

Give every new hire a buddy from day one. Book daily check-ins.

## A checklist

Teams that use a checklist answer 40% fewer questions.`;

describe('diffRevisions', () => {
  test('names the sections changed, added and removed, and counts the unchanged', () => {
    // The introduction cites another source now: that is a change to it.
    const diff = diffRevisions(side(BEFORE), side(AFTER));
    expect(diff.sections).toEqual({ changed: ['Introduction', 'The first week'], added: ['A checklist'], removed: ['Measure what matters'], unchanged: 0 });
    const same = diffRevisions(side(BEFORE), side(BEFORE.replace('Track a few signals.', 'Track three signals.')));
    expect(same.sections).toEqual({ changed: ['Measure what matters'], added: [], removed: [], unchanged: 2 });
  });

  test('counts words added and removed, wherever they moved, leaving citation markers out', () => {
    expect(diffWords('a b c [1]', 'c b a [2]')).toEqual({ added: 0, removed: 0, before: 3, after: 3 });
    expect(diffWords('give the new hire a buddy', 'give every new hire a buddy from day one')).toEqual({ added: 4, removed: 1, before: 6, after: 9 });
    const diff = diffRevisions(side(BEFORE), side(AFTER));
    expect(diff.words.added).toBeGreaterThan(0);
    expect(diff.words.after - diff.words.before).toBe(diff.words.added - diff.words.removed);
  });

  test('reports scores and claim counts before and after, and the claims added and removed', () => {
    const diff = diffRevisions(side(BEFORE), side(AFTER, { seoScore: 84, readabilityScore: 58, claims: claims(1, 1) }));
    expect(diff.seo).toEqual({ before: 70, after: 84 });
    expect(diff.readability).toEqual({ before: 60, after: 58 });
    expect(diff.claims.supported).toEqual({ before: 1, after: 1 });
    expect(diff.claims.unsupported).toEqual({ before: 0, after: 1 });
    // A claim whose citation changed is the same claim.
    expect(diff.claims.added).toEqual(['Teams that use a checklist answer 40% fewer questions.']);
    expect(diff.claims.removed).toEqual([]);
  });

  test('an unchanged post has nothing to report', () => {
    const diff = diffRevisions(side(BEFORE), side(BEFORE));
    expect(diff.sections).toEqual({ changed: [], added: [], removed: [], unchanged: 3 });
    expect(diff.words).toMatchObject({ added: 0, removed: 0 });
    expect(diff.claims).toMatchObject({ added: [], removed: [] });
    expect(diff.isTitleChanged || diff.isMetaDescriptionChanged).toBe(false);
  });

  test('a repeated heading is compared by its place among its namesakes', () => {
    const sections = splitSections('Intro.\n\n## Tips\n\nOne.\n\n## Tips\n\nTwo.');
    expect(sections.map((section) => section.key)).toEqual(['introduction', 'tips', 'tips#2']);
  });

  test('a variant is read as all its strings', () => {
    expect(variantText({ posts: ['one two', 'three'], subject: 'four' })).toBe('one two\nthree\nfour');
  });
});
