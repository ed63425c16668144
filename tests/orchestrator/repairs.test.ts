import { describe, expect, test } from 'vitest';
import { countXCharacters, finalizeVariant, validateVariant, X_POST_LIMIT } from '../../src/domain/channels.ts';
import { repairCitations } from '../../src/orchestrator/citations.ts';
import { finishDraft } from '../../src/orchestrator/stages/draft.ts';
import { repairVariant, trimAtWord } from '../../src/orchestrator/variant-repair.ts';
import { makeResearch, SOURCE_TEXTS } from './fixtures/scraped-pages.ts';

const sources = makeResearch().sources;

describe('repair: a link to a page that is not a source', () => {
  test('is unlinked with its anchor text kept; bare URLs and autolinks go; source links and code stay', () => {
    const markdown =
      'Learn more in [our guide](https://us.example/guide). See https://other.example/x, <https://auto.example/y> and [the tea guide](https://a.test/tea/).\n\n`[x](https://code.example)`';
    const repaired = repairCitations(markdown, sources);
    expect(repaired.markdown).toBe('Learn more in our guide. See, and [the tea guide](https://a.test/tea/).\n\n`[x](https://code.example)`');
    expect(repaired.repairs).toEqual([
      { kind: 'unlinked', detail: 'Unlinked "our guide" from https://us.example/guide: not a source.' },
      { kind: 'unlinked', detail: 'Removed the link https://auto.example/y: not a source.' },
      { kind: 'unlinked', detail: 'Removed the link https://other.example/x: not a source.' },
    ]);
  });
});

describe('repair: an unknown [n]', () => {
  test('is dropped, alone or from a group, and nothing else changes', () => {
    const repaired = repairCitations('Tea is old [9]. Matcha is green [2, 7]. Fine [1].', sources);
    expect(repaired.markdown).toBe('Tea is old. Matcha is green [2]. Fine [1].');
    expect(repaired.repairs.map((repair) => repair.detail)).toEqual([
      'Dropped citation [9]: no source has that number.',
      'Dropped citation [7]: no source has that number.',
    ]);
    expect(repairCitations('Fine [1].', sources)).toEqual({ markdown: 'Fine [1].', repairs: [] });
  });
});

describe('repair: an over-long title or meta description', () => {
  test('is cut at a word boundary, and recorded', () => {
    const draft = {
      title: 'A very long title about brewing green tea at home that goes on and on',
      slug: 'tea',
      metaDescription: `${'Brew better green tea at home with the right water, time and leaves. '.repeat(3).trim()}`,
      markdown: 'Tea [1].',
    };
    const finished = finishDraft(draft, makeResearch(), SOURCE_TEXTS);
    expect(finished.draft.title).toBe('A very long title about brewing green tea at home that goes');
    expect([...finished.draft.metaDescription].length).toBeLessThanOrEqual(156);
    expect(finished.draft.metaDescription).toMatch(/ green…$/);
    expect(finished.repairs.map((repair) => repair.kind)).toEqual(['trimmed_title', 'trimmed_meta']);
    expect(finished.warnings).toEqual([]);
  });

  test('trimAtWord keeps a text that fits', () => {
    expect(trimAtWord('Short title', 60)).toBe('Short title');
    expect(trimAtWord('one two three', 9)).toBe('one two…');
  });
});

describe('repair: an over-limit variant', () => {
  test('an X post over 280 is cut at a word, keeping the link and the numbering inside the limit', () => {
    const long = `${'Green tea is calm. '.repeat(20).trim()} Read more: {{post_url}}`;
    const { variant, repairs, violations } = repairVariant('x_thread', { posts: ['Hook post.', long] });
    expect(violations).toEqual([]);
    expect(repairs).toEqual([{ kind: 'trimmed_variant', detail: 'Cut post 2 of the X thread at a word to fit 280 characters.' }]);
    const posted = finalizeVariant('x_thread', variant, 'https://blog.example/a-very-long-address-that-x-shortens-anyway');
    expect(posted.posts.map(countXCharacters).every((length) => length <= X_POST_LIMIT)).toBe(true);
    expect(posted.posts[1]).toMatch(/… Read more: https:\/\/blog\.example\/\S+\n\n2\/2$/);
  });

  test('a LinkedIn post without a link gets a call to action, and one over 3,000 is cut before it', () => {
    const { variant, repairs, violations } = repairVariant('linkedin', { text: `Hook line.\n\n${'Tea is good. '.repeat(300)}` });
    expect(violations).toEqual([]);
    expect(variant.text).toMatch(/…\n\nRead the full article: \{\{post_url\}\}$/);
    expect(repairs.map((repair) => repair.detail)).toEqual([
      'Added a call to action linking to the article to the LinkedIn.',
      'Cut the LinkedIn at a word to fit its limit, keeping the call to action.',
    ]);
  });

  test('a newsletter subject over 60 is cut at a word', () => {
    const { variant, violations } = repairVariant('newsletter', {
      subject: 'Everything you ever wanted to know about brewing green tea at home',
      preview: 'Short.',
      body: '[Read it]({{post_url}})',
    });
    expect(variant.subject).toBe('Everything you ever wanted to know about brewing green tea…');
    expect(violations).toEqual([]);
  });

  test('limits are measured with the link in place: X counts it as 23, so a post that fits with a short address still fits', () => {
    // 250 + a space + 23 for the link + "\n\n1/1" = 279.
    expect(validateVariant('x_thread', { posts: [`${'a'.repeat(250)} {{post_url}}`] })).toEqual([]);
    expect(validateVariant('x_thread', { posts: [`${'a'.repeat(252)} {{post_url}}`] })).toEqual([
      'Post 1 is 281 characters; the limit is 280 (URLs count as 23).',
    ]);
  });
});
