import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SETTINGS_MODALS } from '../../src/bot/ids.ts';
import { encryptSecret } from '../../src/crypto.ts';
import { destinationSecretContext } from '../../src/db/destinations.ts';
import { startFakeWebhook, type FakeWebhook } from '../support/fake-webhook.ts';
import { TEAM } from '../support/pipeline.ts';
import { ENCRYPTION_KEY, ENCRYPTION_KEY_HEX } from '../support/review.ts';
import { blockActionsBody, viewSubmissionBody } from '../support/slack-requests.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const ADMIN = 'U0ADMIN';

let t: TestApp;
let webhook: FakeWebhook;

beforeAll(async () => {
  // The production default: no private destinations. At most 3 Tests a minute.
  t = await startTestApp({ env: { ENCRYPTION_KEY: ENCRYPTION_KEY_HEX, ALLOW_PRIVATE_DESTINATIONS: 'false', DESTINATION_TEST_RATE_LIMIT_PER_MINUTE: '3' } });
  t.slack.users.set(ADMIN, { is_admin: true });
  webhook = await startFakeWebhook();
});
afterAll(async () => {
  await t?.close();
  await webhook?.close();
});

async function addWebhook(name: string, url: string): Promise<string> {
  const id = randomUUID();
  const [row] = await t.database.sql<{ id: string }[]>`
    insert into publish_destinations (id, team_id, kind, name, config, secret_encrypted)
    values (${id}, ${TEAM}, 'webhook', ${name}, ${JSON.stringify({ kind: 'webhook', url })}::jsonb,
      ${encryptSecret(ENCRYPTION_KEY, 'whsec_0123456789abcdef', destinationSecretContext({ teamId: TEAM, id }))})
    returning id`;
  return row!.id;
}

async function pressTest(id: string, name: string): Promise<string> {
  const isNotice = (call: { method: string; args: Record<string, unknown> }) => call.method === 'views.update' && JSON.stringify(call.args['view']).includes(`${name}:`);
  const before = t.slack.callsTo('views.update').filter(isNotice).length;
  await t.send(
    blockActionsBody({
      teamId: TEAM,
      userId: ADMIN,
      actions: [{ action_id: SETTINGS_MODALS.destinations.actions.test, block_id: `destination_${id}`, value: id }],
      triggerId: t.slack.issueTriggerId(),
      view: { id: 'V0DESTLIST', type: 'modal', callback_id: SETTINGS_MODALS.destinations.callbackId },
    }),
  );
  const calls = await t.slack.waitFor(isNotice, 10_000, before + 1);
  const notice = (calls.at(-1)?.args['view'] as { blocks: { text?: { text: string } }[] }).blocks[0]?.text?.text ?? '';
  return notice;
}

describe('Test in the App Home', () => {
  test('a webhook on loopback is refused without a connection, and Test is limited per workspace', async () => {
    const loopback = await addWebhook('Local hook', webhook.url);
    const metadata = await addWebhook('Metadata', 'https://169.254.169.254/latest/meta-data/');

    expect(await pressTest(loopback, 'Local hook')).toBe(
      "❌ Local hook: The URL points to 127.0.0.1, this machine (loopback), which destinations may not use (ALLOW_PRIVATE_DESTINATIONS=true allows it for self-hosted set-ups). Change the webhook's URL in the App Home.",
    );
    expect(await pressTest(metadata, 'Metadata')).toContain('❌ Metadata: The URL points to 169.254.169.254, a link-local address');
    expect(webhook.requests).toHaveLength(0);

    expect(await pressTest(loopback, 'Local hook')).toMatch(/^❌ Local hook:/);
    expect(await pressTest(loopback, 'Local hook')).toMatch(/^⏳ Local hook: Destinations were tested 3 times in this workspace in the last minute, the most allowed\. Try again in/);
    const tested = await t.database.sql`select count(*)::int as n from rate_limit_hits where key = ${`destination_test:${TEAM}`}`;
    expect(tested[0]?.['n']).toBe(3);
  });
});

describe('editing a destination', () => {
  const F = SETTINGS_MODALS.destinationForm.blocks;
  const text = (value: string) => ({ value: { type: 'plain_text_input', value } });

  async function submitEdit(kind: string, id: string, values: Record<string, Record<string, unknown>>) {
    const response = await t.send(
      viewSubmissionBody({
        teamId: TEAM,
        userId: ADMIN,
        view: { id: `V0EDIT${Math.random().toString(36).slice(2, 8)}`, callback_id: SETTINGS_MODALS.destinationForm.callbackId, private_metadata: JSON.stringify({ kind, id }), state: { values } },
      }),
    );
    const body = await response.text();
    return body ? (JSON.parse(body) as { errors?: Record<string, string> }) : undefined;
  }
  const storedSecret = async (id: string) => (await t.database.sql`select secret_encrypted from publish_destinations where id = ${id}`)[0]?.['secret_encrypted'];

  test('a webhook moved to another origin with the secret left empty asks for the secret again, inline', async () => {
    const id = await addWebhook('CMS', 'https://hooks.example.com/content');
    const before = await storedSecret(id);

    const moved = await submitEdit('webhook', id, { [F.name]: text('CMS'), [F.url]: text('https://collector.example.net/content'), [F.secret]: text('') });
    expect(moved?.errors).toEqual({ [F.secret]: 'The address or user name changed, so enter the signing secret again: the stored one is never sent to a new destination.' });
    const [row] = await t.database.sql`select config from publish_destinations where id = ${id}`;
    expect(row?.['config']).toEqual({ kind: 'webhook', url: 'https://hooks.example.com/content' });

    // Another path on the same origin keeps the secret; a new origin with a new secret is saved.
    expect(await submitEdit('webhook', id, { [F.name]: text('CMS'), [F.url]: text('https://hooks.example.com/v2/content'), [F.secret]: text('') })).toBeUndefined();
    expect(await storedSecret(id)).toBe(before);
    expect(await submitEdit('webhook', id, { [F.name]: text('CMS'), [F.url]: text('https://collector.example.net/content'), [F.secret]: text('whsec_another_secret_0123') })).toBeUndefined();
    expect(await storedSecret(id)).not.toBe(before);
  });

  test('a WordPress site with another user name asks for the application password again', async () => {
    const id = randomUUID();
    const [row] = await t.database.sql<{ id: string }[]>`
      insert into publish_destinations (id, team_id, kind, name, config, secret_encrypted)
      values (${id}, ${TEAM}, 'wordpress', 'Blog', ${JSON.stringify({ kind: 'wordpress', siteUrl: 'https://blog.example.com', username: 'editor', status: 'draft' })}::jsonb,
        ${encryptSecret(ENCRYPTION_KEY, 'abcdefghijklmnopqrstuvwx', destinationSecretContext({ teamId: TEAM, id }))})
      returning id`;
    const values = (username: string) => ({
      [F.name]: text('Blog'),
      [F.siteUrl]: text('https://blog.example.com'),
      [F.username]: text(username),
      [F.applicationPassword]: text(''),
      [F.status]: { value: { type: 'radio_buttons', selected_option: { value: 'draft' } } },
    });
    expect((await submitEdit('wordpress', row!.id, values('admin')))?.errors?.[F.applicationPassword]).toMatch(/enter the application password again/);
    expect(await submitEdit('wordpress', row!.id, values('editor'))).toBeUndefined();
  });
});
