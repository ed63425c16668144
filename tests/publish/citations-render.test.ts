import { describe, expect, test } from 'vitest';
import { buildSourcesMrkdwn, renderCitations, withSourcesMrkdwn } from '../../src/publish/citations-render.ts';

const sources = [
  { id: 1, url: 'https://a.test/tea', title: 'Tea guide' },
  { id: 2, url: 'https://b.test/matcha_(powder)', title: 'Matcha [facts]' },
];

describe('renderCitations', () => {
  test('numbers sources by first citation, links each marker and appends the Sources list', () => {
    const { markdown, sources: published } = renderCitations('Matcha is whisked [2]. Tea is old [1, 2] and [9].\n\n`code [1]`', sources);
    expect(markdown).toBe(
      [
        'Matcha is whisked [\\[1\\]](<https://b.test/matcha_(powder)>). Tea is old [\\[2\\]](<https://a.test/tea>)[\\[1\\]](<https://b.test/matcha_(powder)>) and.',
        '',
        '`code [1]`',
        '',
        '## Sources',
        '',
        '1. [Matcha \\[facts\\]](<https://b.test/matcha_(powder)>)',
        '2. [Tea guide](<https://a.test/tea>)',
      ].join('\n'),
    );
    expect(published).toEqual([
      { number: 1, sourceId: 2, title: 'Matcha [facts]', url: 'https://b.test/matcha_(powder)' },
      { number: 2, sourceId: 1, title: 'Tea guide', url: 'https://a.test/tea' },
    ]);
  });

  test('a plan with no research publishes no markers and no Sources list', () => {
    expect(renderCitations('Tea is old [1]. Calm [2, 3].', [])).toEqual({ markdown: 'Tea is old. Calm.', sources: [] });
  });
});

describe('Slack rendering', () => {
  test('markers become numbered links in mrkdwn sections, the fallback text loses them, and Sources ends the message', () => {
    const { sources: published } = renderCitations('Tea [1].', sources);
    const message = withSourcesMrkdwn({ text: 'Tea is old [1].', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Tea is old [1]. Matcha [2].' } }] }, published);
    expect(message.text).toBe('Tea is old.');
    expect(message.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: 'Tea is old <https://a.test/tea|[1]>. Matcha.' } },
      { type: 'section', text: { type: 'mrkdwn', text: '*Sources*\n1. <https://a.test/tea|Tea guide>' } },
    ]);
    expect(buildSourcesMrkdwn([])).toBeNull();
  });
});
