import { zodResponseFormat } from 'openai/helpers/zod';
import { describe, expect, test } from 'vitest';
import { isAppError } from '../../src/errors.ts';
import {
  CHANNEL_LABELS,
  CHANNELS,
  VARIANT_CHANNELS,
  VARIANT_SCHEMAS,
  countXCharacters,
  isChannelId,
  isVariantChannel,
  measureVariant,
  numberThread,
  parseVariant,
  validateVariant,
} from '../../src/domain/channels.ts';

describe('channel ids', () => {
  test('every channel has a label and only the blog has no variant', () => {
    expect(CHANNELS.map((channel) => CHANNEL_LABELS[channel])).toEqual([
      'Blog',
      'LinkedIn',
      'X thread',
      'Newsletter',
      'Slack announcement',
    ]);
    expect(CHANNELS.filter(isVariantChannel)).toEqual(VARIANT_CHANNELS);
    expect(isVariantChannel('blog')).toBe(false);
  });

  test('isChannelId accepts known ids only', () => {
    expect(['blog', 'x_thread', 'twitter', '', 42].filter(isChannelId)).toEqual(['blog', 'x_thread']);
  });

  test('the schemas work as strict OpenAI structured-output formats', () => {
    for (const channel of VARIANT_CHANNELS) {
      const format = zodResponseFormat(VARIANT_SCHEMAS[channel], channel);
      const schema = format.json_schema.schema as { required: string[]; properties: Record<string, unknown> };
      expect(schema.required.sort()).toEqual(Object.keys(schema.properties).sort());
    }
  });
});

describe('countXCharacters', () => {
  test('counts plain text by character', () => {
    expect(countXCharacters('Hello, world!')).toBe(13);
    expect(countXCharacters('café — “quoted”')).toBe(15);
  });

  test('counts every URL as 23 whatever its length, leaving trailing punctuation outside', () => {
    const longUrl = `https://example.com/${'a'.repeat(100)}`;
    expect(countXCharacters(`Read ${longUrl}`)).toBe(5 + 23);
    expect(countXCharacters('See http://x.co.')).toBe(4 + 23 + 1);
    expect(countXCharacters('https://a.io and https://b.io/path?q=1')).toBe(23 + 5 + 23);
  });

  test('counts emoji and CJK characters as 2, as X does', () => {
    expect(countXCharacters('🚀')).toBe(2);
    expect(countXCharacters('👩‍👩‍👧')).toBe(2);
    expect(countXCharacters('日本')).toBe(4);
  });
});

describe('validateVariant', () => {
  test('accepts a thread within the limits', () => {
    expect(validateVariant('x_thread', { posts: ['One.', `Two ${'https://example.com/'.padEnd(400, 'x')}`] })).toEqual([]);
  });

  test('reports an over-long post with its number and X length, its "3/3" numbering included', () => {
    const posts = ['Fine.', 'Fine too.', 'x'.repeat(301)];
    expect(validateVariant('x_thread', { posts })).toEqual([
      'Post 3 is 306 characters; the limit is 280 (URLs count as 23).',
    ]);
  });

  test('a post of exactly 280 with its numbering is fine, 281 is not', () => {
    expect(validateVariant('x_thread', { posts: ['x'.repeat(275)] })).toEqual([]);
    expect(validateVariant('x_thread', { posts: ['x'.repeat(276)] })).toHaveLength(1);
  });

  test('posts are numbered 1/N at the end, replacing numbering the model wrote; empty posts are left out', () => {
    expect(numberThread(['1/3 Hook', 'Middle (2/3)', '  ', 'Last 3/3'])).toEqual(['Hook\n\n1/3', 'Middle\n\n2/3', 'Last\n\n3/3']);
  });

  test('reports too many posts, empty posts and an empty thread', () => {
    expect(validateVariant('x_thread', { posts: Array.from({ length: 9 }, (_, i) => `Post ${i}`) })).toEqual([
      'The thread has 9 posts; the limit is 8.',
    ]);
    expect(validateVariant('x_thread', { posts: ['  '] })).toEqual(['The thread has no posts.']);
    expect(validateVariant('x_thread', { posts: [] })).toEqual(['The thread has no posts.']);
  });

  test('LinkedIn: the hook must end within 210 characters', () => {
    const hook = 'h'.repeat(210);
    expect(validateVariant('linkedin', { text: `${hook}\n\nBody` })).toEqual([]);
    expect(validateVariant('linkedin', { text: 'h'.repeat(210) })).toEqual([]);
    expect(validateVariant('linkedin', { text: `${hook}h\n\nBody` })).toEqual([
      'The hook (the first line) is 211 characters; end it with a line break within 210 so it shows before "…see more".',
    ]);
    expect(validateVariant('linkedin', { text: 'h'.repeat(211) })).toHaveLength(1);
  });

  test('LinkedIn: at most 3,000 characters', () => {
    const text = `Hook\n${'b'.repeat(2995)}`;
    expect(validateVariant('linkedin', { text })).toEqual([]);
    expect(validateVariant('linkedin', { text: `${text}bb` })).toEqual([
      'The post is 3,002 characters; the limit is 3,000.',
    ]);
    expect(validateVariant('linkedin', { text: ' ' })).toEqual(['The post is empty.']);
  });

  test('newsletter: subject, preview and body limits', () => {
    const valid = { subject: 's'.repeat(60), preview: 'p'.repeat(90), body: 'Hello' };
    expect(validateVariant('newsletter', valid)).toEqual([]);
    expect(validateVariant('newsletter', { subject: 's'.repeat(61), preview: 'p'.repeat(91), body: '\n' })).toEqual([
      'The subject is 61 characters; the limit is 60.',
      'The preview is 91 characters; the limit is 90.',
      'The body is empty.',
    ]);
    expect(validateVariant('newsletter', { ...valid, subject: '' })).toEqual(['The subject is empty.']);
  });

  test('Slack announcement: non-empty and within the section limit', () => {
    expect(validateVariant('slack_announcement', { text: '*New post* <https://example.com|read it>' })).toEqual([]);
    expect(validateVariant('slack_announcement', { text: 'a'.repeat(3001) })).toEqual([
      "The announcement is 3,001 characters; Slack's limit for a section is 3,000.",
    ]);
    expect(validateVariant('slack_announcement', { text: '' })).toEqual(['The announcement is empty.']);
  });
});

describe('measureVariant', () => {
  test('LinkedIn and Slack measure the whole text', () => {
    expect(measureVariant('linkedin', { text: 'a'.repeat(1412) })).toEqual({
      length: 1412,
      limit: 3000,
      label: 'LinkedIn · 1,412 / 3,000',
    });
    expect(measureVariant('slack_announcement', { text: 'abc' }).label).toBe('Slack announcement · 3 / 3,000');
  });

  test('an X thread measures its longest post in X characters', () => {
    const measure = measureVariant('x_thread', { posts: ['short', 'https://example.com/long-path-here plus text'] });
    expect(measure).toEqual({ length: 38, limit: 280, label: 'X thread · 2 posts · longest 38 / 280' });
  });

  test('a newsletter measures its subject', () => {
    expect(measureVariant('newsletter', { subject: 'Weekly notes', preview: '', body: 'x' })).toEqual({
      length: 12,
      limit: 60,
      label: 'Newsletter · subject 12 / 60',
    });
  });
});

describe('parseVariant', () => {
  test('returns a well-shaped variant', () => {
    expect(parseVariant('linkedin', { text: 'Hi' })).toEqual({ text: 'Hi' });
  });

  test('throws INVALID_INPUT for the wrong shape', () => {
    expect(() => parseVariant('x_thread', { text: 'Hi' })).toThrow(/X thread variant has the wrong shape/);
    const error = catchError(() => parseVariant('newsletter', { subject: 'Only a subject' }));
    expect(isAppError(error, 'INVALID_INPUT')).toBe(true);
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}
