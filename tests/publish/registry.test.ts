import { describe, expect, test } from 'vitest';
import { ghostAdapter } from '../../src/publish/destinations/ghost.ts';
import type { DestinationAdapter } from '../../src/publish/destinations/adapter.ts';
import type { MailchimpConfig } from '../../src/domain/destinations.ts';
import { BUILT_IN_DESTINATION_KINDS } from '../../src/domain/destinations.ts';
import { slackChannelAdapter } from '../../src/publish/destinations/slack-channel.ts';
import { webhookAdapter } from '../../src/publish/destinations/webhook.ts';
import { wordpressAdapter } from '../../src/publish/destinations/wordpress.ts';
import { builtInDestinations, makeDestinationRegistry } from '../../src/publish/registry.ts';
import { openStoredDestination } from '../../src/publish/stored-destination.ts';

describe('the destination registry', () => {
  test('lists the built-in kinds in the order the App Home offers them', () => {
    expect(builtInDestinations.adapters.map((adapter) => adapter.kind)).toEqual([...BUILT_IN_DESTINATION_KINDS]);
    expect(builtInDestinations.get('webhook')).toBe(webhookAdapter);
    expect(builtInDestinations.find('ftp')).toBeUndefined();
    expect(() => builtInDestinations.get('ftp')).toThrow(/no destination kind "ftp"/);
  });

  test('refuses a kind twice, and a kind id that cannot be an action id', () => {
    expect(() => makeDestinationRegistry([webhookAdapter, webhookAdapter])).toThrow(/registered twice/);
    expect(() => makeDestinationRegistry([{ ...webhookAdapter, kind: 'Web Hook' }])).toThrow(/lowercase/);
  });

  test('a stored row is parsed with its adapter schema, never cast', () => {
    const opened = openStoredDestination(builtInDestinations, { teamId: 'T0REG', id: 'd1', kind: 'wordpress', config: { siteUrl: ' https://blog.example.com ', username: 'bot', status: 'publish' }, secretEncrypted: null }, undefined);
    expect(opened.ok && opened.config).toEqual({ kind: 'wordpress', siteUrl: 'https://blog.example.com', username: 'bot', status: 'publish' });
    const broken = openStoredDestination(builtInDestinations, { teamId: 'T0REG', id: 'd1', kind: 'webhook', config: { url: 'ftp://example.com' }, secretEncrypted: null }, undefined);
    expect(broken).toEqual({ ok: false, reason: 'Its settings are no longer valid (The URL must start with https://); edit it in the App Home.' });
    const unknown = openStoredDestination(builtInDestinations, { teamId: 'T0REG', id: 'd1', kind: 'fax', config: {}, secretEncrypted: null }, undefined);
    expect(unknown.ok).toBe(false);
  });

  test('each adapter summarises its config without its secret', () => {
    expect(slackChannelAdapter.summary({ kind: 'slack_channel', channelId: 'C0ANNOUNCE' })).toBe('<#C0ANNOUNCE>');
    expect(webhookAdapter.summary({ kind: 'webhook', url: 'https://cms.example.com/h' })).toBe('https://cms.example.com/h');
    expect(wordpressAdapter.summary({ kind: 'wordpress', siteUrl: 'https://blog.example.com', username: 'bot', status: 'draft' })).toBe('https://blog.example.com');
    expect(wordpressAdapter.makesPostLink).toBe(true);
    const ghost = builtInDestinations.get('ghost') as unknown as typeof ghostAdapter;
    expect(ghost.summary({ kind: 'ghost', adminUrl: 'https://blog.example.com', mode: 'publish_and_email', newsletter: 'weekly' })).toBe('https://blog.example.com · emails “weekly”');
    expect(ghost.makesPostLink).toBe(true);
    const mailchimp = builtInDestinations.get('mailchimp') as DestinationAdapter<MailchimpConfig>;
    const audience: MailchimpConfig = { kind: 'mailchimp', serverPrefix: 'us21', listId: 'a1b2c3d4e5', fromName: 'Acme', replyTo: 'news@example.com', testEmail: 'me@example.com', delivery: 'send' };
    expect(mailchimp.summary(audience)).toBe('audience a1b2c3d4e5 (us21)');
    // The newsletter links to the post, so it waits for the blog.
    expect(mailchimp.makesPostLink).toBeUndefined();
  });
});
