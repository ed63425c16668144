import { describe, expect, test } from 'vitest';
import { findCitedIds, validateCitations } from '../../src/orchestrator/citations.ts';

const sources = [
  { id: 1, url: 'https://example.com/report' },
  { id: 2, url: 'https://Research.Example.org/paper/' },
  { id: 3, url: 'https://blog.example.net/post?id=7' },
];

describe('findCitedIds', () => {
  test('finds single, adjacent and comma-separated citations in order of first use', () => {
    expect(findCitedIds('Growth doubled [2]. Costs fell[1][3], then rose [3, 4] and [5,6].')).toEqual([2, 1, 3, 4, 5, 6]);
  });

  test('does not read Markdown links, images or reference labels as citations', () => {
    const markdown = [
      'See [1](https://example.com/report) and ![2](https://example.com/chart.png).',
      'Read [the study][3] or [the paper] [4].',
      '',
      '[3]: https://example.com/study',
    ].join('\n');
    expect(findCitedIds(markdown)).toEqual([4]);
  });

  test('ignores code, escaped brackets and non-numeric brackets', () => {
    const markdown = 'Use `items[0]` and \\[7] and [x] and [^8] and [a, 1].\n\n```js\nconst first = list[9];\n```\n\nTrue [10].';
    expect(findCitedIds(markdown)).toEqual([10]);
  });

  test('a citation followed by a colon mid-sentence is still a citation', () => {
    expect(findCitedIds('As reported in [2]: sales rose.')).toEqual([2]);
  });
});

describe('validateCitations', () => {
  test('accepts citations and links that match the sources', () => {
    const markdown = [
      'Revenue rose [1][2] according to [the report](https://EXAMPLE.com/report/#summary).',
      'More at https://research.example.org/paper and <https://blog.example.net/post?id=7>.',
    ].join('\n');
    expect(validateCitations(markdown, sources)).toEqual([]);
  });

  test('reports citations of unknown ids once each', () => {
    expect(validateCitations('Claim [4]. Again [4]. And [1, 9].', sources)).toEqual([
      'Citation [4] does not match any source; cite one of the numbered sources or remove it.',
      'Citation [9] does not match any source; cite one of the numbered sources or remove it.',
    ]);
  });

  test('reports links and bare URLs that are not sources, without trailing punctuation', () => {
    const markdown = 'See [this](https://other.com/page) and (https://bare.io/x). Also https://other.com/page/.';
    expect(validateCitations(markdown, sources)).toEqual([
      'The link https://other.com/page is not one of the sources; link only to sources or remove it.',
      'The link https://bare.io/x is not one of the sources; link only to sources or remove it.',
    ]);
  });

  test('a different query string is a different page', () => {
    expect(validateCitations('https://blog.example.net/post?id=8', sources)).toHaveLength(1);
  });

  test('keeps balanced parentheses that belong to the URL', () => {
    const wiki = 'https://en.wikipedia.org/wiki/Slack_(software)';
    expect(validateCitations(`[Slack](${wiki})`, [{ id: 1, url: wiki }])).toEqual([]);
  });
});
