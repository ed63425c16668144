import type { ModalView } from '@slack/types';
import { describe, expect, test } from 'vitest';
import { promptOverrideBlockId, promptResetBlockId, SETTINGS_INPUT_ACTION, SETTINGS_MODALS } from '../../../src/bot/ids.ts';
import {
  buildApproversModal,
  buildBrandVoiceModal,
  buildDefaultsModal,
  buildDestinationFormModal,
  buildDestinationsModal,
  buildPromptsModal,
  buildQualityModal,
  parseApproversSubmission,
  parseBrandVoiceSubmission,
  parseDefaultsSubmission,
  parseDestinationFormSubmission,
  parseDestinationKind,
  parsePromptSelection,
  parsePromptsSubmission,
  parseQualitySubmission,
} from '../../../src/bot/views/settings-modals.ts';
import { defaultSettings } from '../../../src/db/settings.ts';
import { loadDefaultPrompt, PROMPT_NAMES } from '../../../src/orchestrator/prompts/templates.ts';
import { findViewViolations } from '../../support/block-kit-limits.ts';

type StateValue = Record<string, unknown>;

/**
 * The state Slack would submit for a view nobody touched: each input's initial value, in the shape
 * of `view.state.values`. `changes` replaces a block's value, as if the person had edited it.
 */
function submit(view: ModalView, changes: Record<string, StateValue> = {}) {
  const values: Record<string, Record<string, StateValue>> = {};
  for (const block of view.blocks) {
    if (block.type !== 'input' || !('element' in block) || !block.block_id) continue;
    const element = block.element as Record<string, unknown> & { type: string; action_id: string };
    let value: StateValue;
    switch (element.type) {
      case 'plain_text_input':
      case 'number_input':
        value = { value: element['initial_value'] ?? null };
        break;
      case 'multi_users_select':
        value = { selected_users: element['initial_users'] ?? [] };
        break;
      case 'checkboxes':
        value = { selected_options: element['initial_options'] ?? [] };
        break;
      case 'conversations_select':
        value = { selected_conversation: element['initial_conversation'] ?? null };
        break;
      default:
        value = { selected_option: element['initial_option'] ?? null };
    }
    values[block.block_id] = { [element.action_id]: { type: element.type, ...value } };
  }
  for (const [blockId, change] of Object.entries(changes)) {
    const actionId = Object.keys(values[blockId] ?? {})[0] ?? SETTINGS_INPUT_ACTION;
    values[blockId] = { [actionId]: { ...values[blockId]?.[actionId], ...change } };
  }
  return { state: { values }, private_metadata: view.private_metadata };
}

const text = (value: string) => ({ value });
const settings = defaultSettings('T0ACME');

describe('every settings modal builds within Slack limits', () => {
  const long = 'x'.repeat(5000);
  const views: [string, ModalView][] = [
    ['approvers (defaults)', buildApproversModal(settings)],
    ['approvers (many people)', buildApproversModal({ ...settings, approvers: Array.from({ length: 80 }, (_, i) => `U${i}AAAA`) })],
    ['defaults', buildDefaultsModal({ ...settings, defaultChannelId: 'C0MARKETING', defaultTone: 'Friendly' })],
    ['brand voice (empty)', buildBrandVoiceModal(null)],
    ['brand voice (too long)', buildBrandVoiceModal({ description: long, dos: Array(40).fill(long), donts: [], examples: [long, long, long, long] })],
    ['quality', buildQualityModal(settings)],
    ...PROMPT_NAMES.map((name): [string, ModalView] => [`prompts (${name})`, buildPromptsModal({ selected: name, defaultText: loadDefaultPrompt(name), override: long })]),
    ['prompts (huge default)', buildPromptsModal({ selected: 'draft', defaultText: '<&>'.repeat(4000), override: null })],
    ['destinations (none)', buildDestinationsModal([])],
    [
      'destinations (many)',
      buildDestinationsModal(
        Array.from({ length: 60 }, (_, i) => ({ id: `id-${i}`, kind: 'webhook' as const, name: long, summary: long })),
        { notice: long },
      ),
    ],
    ...(['slack_channel', 'webhook', 'wordpress', 'ghost', 'mailchimp'] as const).flatMap((kind): [string, ModalView][] => [
      [`${kind} form (new)`, buildDestinationFormModal({ kind })],
      [`${kind} form (edit)`, buildDestinationFormModal({ kind, existing: { id: 'd1', name: long, config: { url: long, siteUrl: 'https://x.example', username: 'bot', status: 'publish', channelId: 'C1' } } })],
    ]),
  ];
  test.each(views)('%s', (_, view) => {
    expect(findViewViolations(view)).toEqual([]);
    expect(view.title.text.length).toBeLessThanOrEqual(24);
  });
});

describe('Approvers & policy', () => {
  const { blocks: B } = SETTINGS_MODALS.approvers;
  const current = { approvers: ['U0AVERY', 'U0SAM'], requiredApprovals: 2, allowSelfApproval: true, admins: ['U0ADA'] };

  test('the current values round-trip', () => {
    expect(parseApproversSubmission(submit(buildApproversModal(current)))).toEqual({ ok: true, value: current });
  });

  test('more required approvals than approvers is refused inline', () => {
    const result = parseApproversSubmission(submit(buildApproversModal(current), { [B.requiredApprovals]: text('3') }));
    expect(result).toEqual({ ok: false, errors: { [B.requiredApprovals]: 'Plans would need 3 approvals from 2 approvers: lower the number or add approvers.' } });
  });

  test('no approvers with any count is fine (admins decide); 0 or 11 approvals is not', () => {
    const view = buildApproversModal({ ...current, approvers: [] });
    expect(parseApproversSubmission(submit(view, { [B.requiredApprovals]: text('3') })).ok).toBe(true);
    for (const bad of ['0', '11']) {
      expect(parseApproversSubmission(submit(view, { [B.requiredApprovals]: text(bad) }))).toEqual({
        ok: false,
        errors: { [B.requiredApprovals]: 'Use a number from 1 to 10.' },
      });
    }
  });

  test('unchecking self-approval turns it off', () => {
    const result = parseApproversSubmission(submit(buildApproversModal(current), { [B.selfApproval]: { selected_options: [] } }));
    expect(result.ok && result.value.allowSelfApproval).toBe(false);
  });
});

describe('Defaults', () => {
  const { blocks: B } = SETTINGS_MODALS.defaults;
  const current = { defaultChannelId: 'C0MARKETING', defaultChannels: ['blog' as const, 'x_thread' as const], defaultTone: 'Friendly', targetWords: 1500 };

  test('the current values round-trip', () => {
    expect(parseDefaultsSubmission(submit(buildDefaultsModal(current)))).toEqual({ ok: true, value: current });
  });

  test('no tone and no channel are allowed', () => {
    const view = buildDefaultsModal({ ...current, defaultChannelId: null, defaultTone: null });
    expect(parseDefaultsSubmission(submit(view))).toEqual({ ok: true, value: { ...current, defaultChannelId: null, defaultTone: null } });
  });

  test('bad values are answered inline', () => {
    const result = parseDefaultsSubmission(
      submit(buildDefaultsModal(current), {
        [B.channels]: { selected_options: [] },
        [B.targetWords]: text('200'),
        [B.tone]: { selected_option: { value: 'Sarcastic' } },
      }),
    );
    expect(result).toEqual({
      ok: false,
      errors: {
        [B.channels]: 'Pick at least one channel.',
        [B.targetWords]: 'Use a number from 300 to 5,000.',
        [B.tone]: 'Pick a tone from the list.',
      },
    });
  });
});

describe('Brand voice', () => {
  const { blocks: B } = SETTINGS_MODALS.brandVoice;
  const voice = { description: 'Plain-spoken.', dos: ['Short sentences', 'One example per section'], donts: ['Jargon'], examples: ['We write like this.'] };

  test('the current voice round-trips', () => {
    expect(parseBrandVoiceSubmission(submit(buildBrandVoiceModal(voice)))).toEqual({ ok: true, value: voice });
  });

  test('rules lose their list markers and blank lines; examples keep their order without gaps', () => {
    const result = parseBrandVoiceSubmission(
      submit(buildBrandVoiceModal(null), {
        [B.dos]: text('- Short sentences\n\n• Active voice\n1. Numbers as digits'),
        [B.examples[2]]: text('  Third box only.  '),
      }),
    );
    expect(result).toEqual({ ok: true, value: { description: '', dos: ['Short sentences', 'Active voice', 'Numbers as digits'], donts: [], examples: ['Third box only.'] } });
  });

  test('an empty form clears the voice', () => {
    expect(parseBrandVoiceSubmission(submit(buildBrandVoiceModal(null)))).toEqual({ ok: true, value: null });
  });

  test('too many rules, a long rule and a long description are answered inline', () => {
    const result = parseBrandVoiceSubmission(
      submit(buildBrandVoiceModal(voice), {
        [B.description]: text('d'.repeat(1001)),
        [B.dos]: text(Array.from({ length: 11 }, (_, i) => `Rule ${i}`).join('\n')),
        [B.donts]: text(`ok\n${'n'.repeat(201)}`),
        [B.examples[0]]: text('e'.repeat(1501)),
      }),
    );
    expect(result).toEqual({
      ok: false,
      errors: {
        [B.description]: 'Keep the description to 1,000 characters: this has 1,001.',
        [B.dos]: 'Use at most 10 rules, one per line: this has 11.',
        [B.donts]: 'Keep each rule to 200 characters: rule 2 has 201.',
        [B.examples[0]]: 'Keep example 1 to 1,500 characters: this has 1,501.',
      },
    });
  });
});

describe('Quality', () => {
  const { blocks: B } = SETTINGS_MODALS.quality;
  const current = { seoThreshold: 80, readabilityThreshold: 55, maxRefinements: 4 };

  test('the current values round-trip', () => {
    expect(parseQualitySubmission(submit(buildQualityModal(current)))).toEqual({ ok: true, value: current });
  });

  test('the ends of each range are accepted', () => {
    const result = parseQualitySubmission(
      submit(buildQualityModal(current), { [B.seoThreshold]: text('0'), [B.readabilityThreshold]: text('100'), [B.maxRevisions]: text('10') }),
    );
    expect(result).toEqual({ ok: true, value: { seoThreshold: 0, readabilityThreshold: 100, maxRefinements: 10 } });
  });

  test('a threshold outside 0–100 is answered inline', () => {
    for (const bad of ['101', '-1', 'lots', '1e3']) {
      const result = parseQualitySubmission(submit(buildQualityModal(current), { [B.seoThreshold]: text(bad), [B.readabilityThreshold]: text(bad) }));
      expect(result).toEqual({
        ok: false,
        errors: { [B.seoThreshold]: 'Use a number from 0 to 100.', [B.readabilityThreshold]: 'Use a number from 0 to 100.' },
      });
    }
  });

  test('empty, fractional and too many revisions say what to do', () => {
    const result = parseQualitySubmission(
      submit(buildQualityModal(current), { [B.seoThreshold]: { value: null }, [B.readabilityThreshold]: text('60.5'), [B.maxRevisions]: text('11') }),
    );
    expect(result).toEqual({
      ok: false,
      errors: {
        [B.seoThreshold]: 'Enter a number from 0 to 100.',
        [B.readabilityThreshold]: 'Use a whole number from 0 to 100.',
        [B.maxRevisions]: 'Use a number from 0 to 10.',
      },
    });
  });

  test('a state Slack would never send still gets answers, not an exception', () => {
    expect(parseQualitySubmission({ state: { values: 'nonsense' } }).ok).toBe(false);
    expect(parseQualitySubmission({}).ok).toBe(false);
  });
});

describe('Prompts', () => {
  const { blocks: B, actions } = SETTINGS_MODALS.prompts;
  const defaultText = loadDefaultPrompt('draft');
  const build = (override: string | null) => buildPromptsModal({ selected: 'draft', defaultText, override, overridden: override === null ? [] : ['draft'] });

  test('the menu dispatches on select and shows the chosen prompt and its default', () => {
    const view = build(null);
    const menu = view.blocks[0] as { block_id: string; dispatch_action?: boolean; element: { action_id: string; initial_option?: { value: string } } };
    expect(menu.block_id).toBe(B.name);
    expect(menu.dispatch_action).toBe(true);
    expect(menu.element.action_id).toBe(actions.select);
    expect(menu.element.initial_option?.value).toBe('draft');
    expect(JSON.stringify(view.blocks)).toContain('Voice, tone and brief');
    expect(JSON.stringify(view.blocks)).not.toContain(promptResetBlockId('draft'));
    expect(parsePromptSelection('revise')).toBe('revise');
    expect(parsePromptSelection('nope')).toBeNull();
  });

  test('the current override round-trips; the default itself is a valid override', () => {
    expect(parsePromptsSubmission(submit(build(defaultText)))).toEqual({ ok: true, value: { name: 'draft', override: defaultText.trim() } });
  });

  test('reset, or an emptied box, removes the override', () => {
    const view = build(defaultText);
    expect(parsePromptsSubmission(submit(view, { [promptResetBlockId('draft')]: { selected_options: [{ value: 'reset' }] } }))).toEqual({
      ok: true,
      value: { name: 'draft', override: null },
    });
    expect(parsePromptsSubmission(submit(view, { [promptOverrideBlockId('draft')]: text('  ') }))).toEqual({ ok: true, value: { name: 'draft', override: null } });
  });

  test('reset wins over a broken override', () => {
    const view = build(defaultText);
    const result = parsePromptsSubmission(
      submit(view, { [promptOverrideBlockId('draft')]: text('broken'), [promptResetBlockId('draft')]: { selected_options: [{ value: 'reset' }] } }),
    );
    expect(result).toEqual({ ok: true, value: { name: 'draft', override: null } });
  });

  test('an override missing placeholders is answered inline with their names', () => {
    const override = 'Write well.\n=== user ===\nTopic: {{topic}} about {{keyphrase}} from {{outline}} and {{sources}}, {{target_words}} words. {{feedback}}';
    const result = parsePromptsSubmission(submit(build(null), { [promptOverrideBlockId('draft')]: text(override) }));
    expect(result).toEqual({ ok: false, errors: { [promptOverrideBlockId('draft')]: 'Keep the placeholders {{voice}}, {{evidence}}, {{violations}}.' } });
  });

  test('an override without the separator or with unknown placeholders says so', () => {
    const result = parsePromptsSubmission(submit(build(null), { [promptOverrideBlockId('draft')]: text(`${defaultText.replace('=== user ===', '')} {{mood}}`) }));
    expect(result.ok).toBe(false);
    const message = result.ok ? '' : (result.errors[promptOverrideBlockId('draft')] ?? '');
    expect(message).toContain('Add a line "=== user ==="');
    expect(message).toContain('Remove {{mood}}');
  });

  test('switching prompts gives the override box a new block id, so Slack shows the new prompt\'s text', () => {
    const research = buildPromptsModal({ selected: 'research', defaultText: loadDefaultPrompt('research'), override: null });
    const ids = research.blocks.map((block) => block.block_id);
    expect(ids).toContain(promptOverrideBlockId('research'));
    expect(ids).not.toContain(promptOverrideBlockId('draft'));
    // private_metadata says which prompt the form is for.
    const result = parsePromptsSubmission(submit(research, { [promptOverrideBlockId('research')]: text('no placeholders') }));
    expect(result.ok ? null : Object.keys(result.errors)).toEqual([promptOverrideBlockId('research')]);
  });
});

describe('Destinations', () => {
  const { actions, blocks: B } = SETTINGS_MODALS.destinations;

  test('each destination has Edit, Test and Remove with its id; each kind has an Add button', () => {
    const view = buildDestinationsModal([
      { id: 'd1', kind: 'webhook', name: 'CMS', summary: 'https://cms.example.com/hooks' },
      { id: 'd2', kind: 'slack_channel', name: 'Announcements', summary: '<#C0ANNOUNCE>' },
    ]);
    const shown = JSON.stringify(view.blocks);
    for (const id of ['d1', 'd2']) {
      for (const action of [actions.edit, actions.test, actions.remove]) expect(shown).toContain(`"action_id":"${action}","value":"${id}"`);
    }
    for (const kind of ['slack_channel', 'webhook', 'wordpress', 'ghost', 'mailchimp']) {
      expect(shown).toContain(`"action_id":"destination_add_${kind}","value":"${kind}"`);
      expect(parseDestinationKind(kind)).toBe(kind);
    }
    expect(parseDestinationKind('ftp')).toBeNull();
    expect(shown).toContain('https://cms.example.com/hooks');
    expect(view.submit).toBeUndefined();
  });

  test('a notice from Test is shown at the top', () => {
    const view = buildDestinationsModal([], { notice: '✅ CMS answered 200 in 120 ms.' });
    expect(view.blocks[0]?.block_id).toBe(B.notice);
    expect(JSON.stringify(view.blocks[0])).toContain('CMS answered 200');
    expect(JSON.stringify(view.blocks)).toContain('No destinations yet.');
  });
});

describe('Destination forms', () => {
  const { blocks: B } = SETTINGS_MODALS.destinationForm;
  const secret = 's3cret-signing-key-0123';

  test('a new Slack channel round-trips', () => {
    const view = buildDestinationFormModal({ kind: 'slack_channel' });
    const result = parseDestinationFormSubmission(submit(view, { [B.name]: text(' Announcements '), [B.channel]: { selected_conversation: 'C0ANNOUNCE' } }));
    expect(result).toEqual({
      ok: true,
      value: { id: null, kind: 'slack_channel', name: 'Announcements', config: { kind: 'slack_channel', channelId: 'C0ANNOUNCE' }, secret: null },
    });
    expect(parseDestinationFormSubmission(submit(view, { [B.name]: text('x') }))).toEqual({ ok: false, errors: { [B.channel]: 'Choose a channel.' } });
  });

  test('a new webhook needs an https URL (http only for localhost) and a secret', () => {
    const view = buildDestinationFormModal({ kind: 'webhook' });
    expect(view.title.text).toBe('Add a webhook');
    const good = parseDestinationFormSubmission(submit(view, { [B.name]: text('CMS'), [B.url]: text('https://cms.example.com/hooks'), [B.secret]: text(secret) }));
    expect(good).toEqual({ ok: true, value: { id: null, kind: 'webhook', name: 'CMS', config: { kind: 'webhook', url: 'https://cms.example.com/hooks' }, secret } });

    const local = parseDestinationFormSubmission(submit(view, { [B.name]: text('Local'), [B.url]: text('http://localhost:8080/hook'), [B.secret]: text(secret) }));
    expect(local.ok && local.value.config).toEqual({ kind: 'webhook', url: 'http://localhost:8080/hook' });

    const bad = parseDestinationFormSubmission(submit(view, { [B.name]: text(''), [B.url]: text('http://cms.example.com/hooks'), [B.secret]: text('') }));
    expect(bad).toEqual({
      ok: false,
      errors: {
        [B.name]: 'Give the destination a name.',
        [B.url]: 'The URL must start with https:// (http:// is allowed only for localhost and 127.0.0.1).',
        [B.secret]: 'Enter a signing secret of at least 16 characters; the receiver needs the same one.',
      },
    });
    const short = parseDestinationFormSubmission(submit(view, { [B.name]: text('CMS'), [B.url]: text('ftp://x'), [B.secret]: text('short') }));
    expect(short).toEqual({
      ok: false,
      errors: { [B.url]: 'The URL must start with https://.', [B.secret]: 'Use a signing secret of at least 16 characters.' },
    });
  });

  test('editing a webhook shows no secret and keeps it when left empty', () => {
    const view = buildDestinationFormModal({ kind: 'webhook', existing: { id: 'd1', name: 'CMS', config: { kind: 'webhook', url: 'https://cms.example.com/hooks' } } });
    expect(view.title.text).toBe('Edit webhook');
    const secretBlock = JSON.stringify(view.blocks.find((block) => block.block_id === B.secret));
    expect(secretBlock).not.toContain('initial_value');
    expect(secretBlock).toContain('never shown again');
    expect(parseDestinationFormSubmission(submit(view))).toEqual({
      ok: true,
      value: { id: 'd1', kind: 'webhook', name: 'CMS', config: { kind: 'webhook', url: 'https://cms.example.com/hooks' }, secret: null },
    });
    const changed = parseDestinationFormSubmission(submit(view, { [B.secret]: text(secret) }));
    expect(changed.ok && changed.value.secret).toBe(secret);
  });

  test('a WordPress site round-trips with its status; the application password loses its spaces', () => {
    const view = buildDestinationFormModal({ kind: 'wordpress' });
    const result = parseDestinationFormSubmission(
      submit(view, {
        [B.name]: text('Company blog'),
        [B.siteUrl]: text('https://blog.example.com'),
        [B.username]: text('content-bot'),
        [B.applicationPassword]: text('abcd efgh ijkl mnop qrst uvwx'),
        [B.status]: { selected_option: { value: 'publish' } },
      }),
    );
    expect(result).toEqual({
      ok: true,
      value: {
        id: null,
        kind: 'wordpress',
        name: 'Company blog',
        config: { kind: 'wordpress', siteUrl: 'https://blog.example.com', username: 'content-bot', status: 'publish' },
        secret: 'abcdefghijklmnopqrstuvwx',
      },
    });
    const edit = buildDestinationFormModal({ kind: 'wordpress', existing: { id: 'd3', name: 'Company blog', config: result.ok ? result.value.config : {} } });
    const again = parseDestinationFormSubmission(submit(edit));
    expect(again).toEqual({ ok: true, value: { ...(result.ok ? result.value : {}), id: 'd3', secret: null } });
  });

  test('bad WordPress values are answered inline', () => {
    const view = buildDestinationFormModal({ kind: 'wordpress' });
    const result = parseDestinationFormSubmission(
      submit(view, { [B.name]: text('n'.repeat(81)), [B.siteUrl]: text('blog.example.com'), [B.username]: text(' '), [B.applicationPassword]: text('hunter2') }),
    );
    expect(result).toEqual({
      ok: false,
      errors: {
        [B.name]: 'Keep the name to 80 characters: this has 81.',
        [B.siteUrl]: 'Enter a full URL that starts with https://, such as https://example.com/hooks/content.',
        [B.username]: 'Enter the WordPress user name.',
        [B.applicationPassword]: 'Paste the application password WordPress showed: 24 letters and digits (spaces are fine).',
      },
    });
  });

  test('a Mailchimp audience round-trips; a bad server prefix, audience and addresses are answered inline', () => {
    const view = buildDestinationFormModal({ kind: 'mailchimp' });
    const values = {
      [B.name]: text('Monthly newsletter'),
      destination_mailchimp_server: text('US21'),
      destination_mailchimp_audience: text('a1b2c3d4e5'),
      destination_mailchimp_from_name: text('Acme'),
      destination_mailchimp_reply_to: text('news@example.com'),
      destination_mailchimp_test_email: text('me@example.com'),
      destination_mailchimp_api_key: text('0123456789abcdef0123456789abcdef-us21'),
      destination_mailchimp_delivery: { selected_option: { value: 'send' } },
    };
    expect(parseDestinationFormSubmission(submit(view, values))).toEqual({
      ok: true,
      value: {
        id: null,
        kind: 'mailchimp',
        name: 'Monthly newsletter',
        config: { kind: 'mailchimp', serverPrefix: 'us21', listId: 'a1b2c3d4e5', fromName: 'Acme', replyTo: 'news@example.com', testEmail: 'me@example.com', delivery: 'send' },
        secret: '0123456789abcdef0123456789abcdef-us21',
      },
    });
    const bad = parseDestinationFormSubmission(
      submit(view, { ...values, destination_mailchimp_server: text('us21.evil.example'), destination_mailchimp_reply_to: text('news'), destination_mailchimp_api_key: text('abc') }),
    );
    expect(bad).toEqual({
      ok: false,
      errors: {
        destination_mailchimp_server: 'Enter the server prefix: the letters and digits after the dash at the end of the API key, such as us21.',
        destination_mailchimp_reply_to: 'Enter the reply-to address as an email address, such as news@example.com.',
        destination_mailchimp_api_key: 'Paste the API key Mailchimp showed: 32 letters and digits, a dash and the server prefix (…-us21).',
      },
    });
  });

  test('a Ghost site: the newsletter is optional, but emailing needs one', () => {
    const view = buildDestinationFormModal({ kind: 'ghost' });
    const newsletterBlock = view.blocks.find((block) => block.block_id === 'destination_ghost_newsletter');
    expect(newsletterBlock).toMatchObject({ type: 'input', optional: true });
    const values = {
      [B.name]: text('Ghost blog'),
      destination_ghost_url: text('https://blog.example.com/'),
      destination_ghost_key: text(`${'a'.repeat(24)}:${'b'.repeat(64)}`),
      destination_ghost_mode: { selected_option: { value: 'publish_and_email' } },
    };
    expect(parseDestinationFormSubmission(submit(view, values))).toEqual({
      ok: false,
      errors: { destination_ghost_newsletter: 'Enter the newsletter to email, or choose to publish without emailing.' },
    });
    const saved = parseDestinationFormSubmission(submit(view, { ...values, destination_ghost_newsletter: text('weekly') }));
    expect(saved.ok && saved.value.config).toEqual({ kind: 'ghost', adminUrl: 'https://blog.example.com', mode: 'publish_and_email', newsletter: 'weekly' });
  });

  test('a form without its metadata asks to start again', () => {
    const view = buildDestinationFormModal({ kind: 'webhook' });
    const result = parseDestinationFormSubmission({ ...submit(view), private_metadata: 'garbage' });
    expect(result).toEqual({ ok: false, errors: { [B.name]: 'This form is out of date: close it and open Destinations again from the App Home.' } });
  });
});
