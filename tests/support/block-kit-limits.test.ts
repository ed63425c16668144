import { describe, expect, test } from 'vitest';
import { findBlockKitViolations, findViewViolations, isMessageBlocksTooLong } from './block-kit-limits.ts';

const text = (t: string, type = 'mrkdwn') => ({ type, text: t });
const plain = (t: string) => text(t, 'plain_text');
const section = (t: string, extra: Record<string, unknown> = {}) => ({ type: 'section', text: text(t), ...extra });
const button = (extra: Record<string, unknown> = {}) => ({ type: 'button', text: plain('Go'), action_id: 'go', ...extra });
const x = (n: number) => 'x'.repeat(n);

describe('findBlockKitViolations', () => {
  test('accepts blocks at every limit', () => {
    const blocks = [
      { type: 'header', text: plain(x(150)) },
      section(x(3000), { block_id: x(255) }),
      { type: 'section', fields: Array.from({ length: 10 }, () => text(x(2000))) },
      {
        type: 'actions',
        elements: [button({ action_id: x(255), text: plain(x(75)), value: x(2000), url: `https://e.x/${x(2980)}` })],
      },
      { type: 'markdown', text: x(12_000) },
      ...Array.from({ length: 45 }, () => ({ type: 'divider' })),
    ];
    expect(blocks).toHaveLength(50);
    expect(findBlockKitViolations(blocks, 'message')).toEqual([]);
  });

  test('counts blocks per surface: 50 in a message, 100 in a modal or Home tab', () => {
    const dividers = (n: number) => Array.from({ length: n }, () => ({ type: 'divider' }));
    expect(findBlockKitViolations(dividers(51), 'message')).toEqual(['no more than 50 items allowed [json-pointer:/blocks]']);
    expect(findBlockKitViolations(dividers(100), 'modal')).toEqual([]);
    expect(findBlockKitViolations(dividers(101), 'home')).toEqual(['no more than 100 items allowed [json-pointer:/blocks]']);
  });

  test('reports each text limit with Slack wording and a json-pointer', () => {
    const blocks = [
      section(x(3001)),
      { type: 'section', fields: [text('a'), text(x(2001))] },
      { type: 'header', text: plain(x(151)) },
      { type: 'divider', block_id: x(256) },
      { type: 'actions', elements: [button({ action_id: x(256), text: plain(x(76)), value: x(2001), url: x(3001) })] },
    ];
    expect(findBlockKitViolations(blocks, 'message')).toEqual([
      'must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
      'must be less than 2001 characters [json-pointer:/blocks/1/fields/1/text]',
      'must be less than 151 characters [json-pointer:/blocks/2/text/text]',
      'must be less than 256 characters [json-pointer:/blocks/3/block_id]',
      'must be less than 256 characters [json-pointer:/blocks/4/elements/0/action_id]',
      'must be less than 76 characters [json-pointer:/blocks/4/elements/0/text/text]',
      'must be less than 2001 characters [json-pointer:/blocks/4/elements/0/value]',
      'must be less than 3001 characters [json-pointer:/blocks/4/elements/0/url]',
    ]);
  });

  test('limits section fields to 10 and checks accessories', () => {
    const blocks = [
      { type: 'section', fields: Array.from({ length: 11 }, () => text('f')) },
      section('with a menu', {
        accessory: { type: 'overflow', action_id: 'more', options: [{ text: plain(x(76)), value: 'a' }] },
      }),
    ];
    expect(findBlockKitViolations(blocks, 'message')).toEqual([
      'no more than 10 items allowed [json-pointer:/blocks/0/fields]',
      'must be less than 76 characters [json-pointer:/blocks/1/accessory/options/0/text/text]',
    ]);
  });

  test('checks input labels and option texts', () => {
    const blocks = [
      {
        type: 'input',
        label: plain(x(2001)),
        element: {
          type: 'static_select',
          action_id: 'pick',
          options: [
            { text: plain('ok'), value: 'ok' },
            { text: plain(x(76)), value: x(151) },
          ],
        },
      },
    ];
    expect(findBlockKitViolations(blocks, 'modal')).toEqual([
      'must be less than 2001 characters [json-pointer:/blocks/0/label/text]',
      'must be less than 76 characters [json-pointer:/blocks/0/element/options/1/text/text]',
      'must be less than 151 characters [json-pointer:/blocks/0/element/options/1/value]',
    ]);
  });

  test('counts markdown text over the whole message', () => {
    expect(findBlockKitViolations([{ type: 'markdown', text: x(12_001) }], 'message')).toEqual([
      'must be less than 12001 characters [json-pointer:/blocks/0/text]',
    ]);
    const split = [
      { type: 'markdown', text: x(7000) },
      { type: 'markdown', text: x(6000) },
    ];
    expect(findBlockKitViolations(split, 'message')).toEqual([
      'markdown blocks must total at most 12000 characters per message, found 13000 by this block [json-pointer:/blocks/1/text]',
    ]);
  });

  test('refuses empty texts, missing types and repeated ids', () => {
    const blocks = [
      section(''),
      { text: text('no type') },
      { type: 'actions', block_id: 'a', elements: [button(), button()] },
      { type: 'divider', block_id: 'a' },
    ];
    expect(findBlockKitViolations(blocks, 'message')).toEqual([
      'must be more than 0 characters [json-pointer:/blocks/0/text/text]',
      'missing required field: type [json-pointer:/blocks/1]',
      'duplicate action_id "go" in the same block [json-pointer:/blocks/2/elements/1/action_id]',
      'duplicate block_id "a" [json-pointer:/blocks/3/block_id]',
    ]);
  });

  test('refuses something that is not a list of blocks', () => {
    expect(findBlockKitViolations('[]', 'message')).toEqual(['expected array [json-pointer:/blocks]']);
  });
});

describe('isMessageBlocksTooLong', () => {
  test('measures the blocks as JSON', () => {
    const blocks = [section(x(2900)), section(x(2900)), section(x(2900)), section(x(2900))];
    expect(isMessageBlocksTooLong(blocks)).toBe(false);
    expect(isMessageBlocksTooLong([...blocks, section(x(2000))])).toBe(true);
    expect(isMessageBlocksTooLong(blocks, 1000)).toBe(true);
  });
});

describe('findViewViolations', () => {
  const modal = (extra: Record<string, unknown> = {}) => ({
    type: 'modal',
    title: plain('Plan'),
    submit: plain('Start'),
    close: plain('Cancel'),
    callback_id: 'plan',
    private_metadata: '{}',
    blocks: [{ type: 'input', block_id: 'topic', label: plain('Topic'), element: { type: 'plain_text_input', action_id: 'topic' } }],
    ...extra,
  });

  test('accepts a valid modal', () => {
    expect(findViewViolations(modal())).toEqual([]);
  });

  test('limits title, submit, close and private_metadata', () => {
    const view = modal({ title: plain(x(25)), submit: plain(x(25)), close: plain(x(25)), private_metadata: x(3001) });
    expect(findViewViolations(view)).toEqual([
      'must be less than 25 characters [json-pointer:/view/title/text]',
      'must be less than 25 characters [json-pointer:/view/submit/text]',
      'must be less than 25 characters [json-pointer:/view/close/text]',
      'must be less than 3001 characters [json-pointer:/view/private_metadata]',
    ]);
  });

  test('checks the blocks under /view/blocks with the view limits', () => {
    const blocks = Array.from({ length: 101 }, () => ({ type: 'divider' }));
    expect(findViewViolations({ type: 'home', blocks })).toEqual(['no more than 100 items allowed [json-pointer:/view/blocks]']);
    expect(findViewViolations({ type: 'home', blocks: [section(x(3001))] })).toEqual([
      'must be less than 3001 characters [json-pointer:/view/blocks/0/text/text]',
    ]);
  });

  test('needs a title on modals and submit when inputs are present', () => {
    const { title: _title, submit: _submit, ...bare } = modal();
    expect(findViewViolations(bare)).toEqual([
      'missing required field [json-pointer:/view/title]',
      'must define `submit` to use an `input` block in modals [json-pointer:/view/blocks/0]',
    ]);
  });

  test('refuses unknown view types', () => {
    expect(findViewViolations({ type: 'dialog', blocks: [] })).toEqual(['must be one of "modal", "home" [json-pointer:/view/type]']);
  });
});
