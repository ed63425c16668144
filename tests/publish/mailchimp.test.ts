import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { WebClient } from '@slack/web-api';
import { mailchimpDestinationSchema, type MailchimpConfig } from '../../src/domain/destinations.ts';
import { makeMailchimpAdapter } from '../../src/publish/destinations/mailchimp.ts';
import type { PublishCallContext } from '../../src/publish/destinations/adapter.ts';
import { campaignTitle, mailchimpSendTime, newsletterHtml, roundUpToQuarterHour } from '../../src/publish/mailchimp.ts';
import type { DestinationNetworkPolicy } from '../../src/publish/network-guard.ts';
import { type FakeMailchimp, startFakeMailchimp } from '../support/fake-mailchimp.ts';
import { makeContent } from './fixtures.ts';

const LOOPBACK: DestinationNetworkPolicy = { allowPrivate: true };
const API_KEY = '0123456789abcdef0123456789abcdef-us21';
const LIST_ID = 'a1b2c3d4e5';
const KEY = '3b8f1f2e-7d1c-4c55-9a51-0c7f7a0e9d10';
const POST_URL = 'https://blog.example.com/green-tea-for-focus/';

let fake: FakeMailchimp;
beforeEach(async () => {
  fake = await startFakeMailchimp({ apiKey: API_KEY, listIds: [LIST_ID] });
});
afterEach(async () => {
  await fake.close();
});

const config = (overrides: Partial<MailchimpConfig> = {}): MailchimpConfig => ({
  kind: 'mailchimp',
  serverPrefix: 'us21',
  listId: LIST_ID,
  fromName: 'Acme Newsletter',
  replyTo: 'news@example.com',
  testEmail: 'editor@example.com',
  delivery: 'schedule',
  ...overrides,
});

const newsletter = { subject: 'Green tea for focus', preview: 'Less caffeine, more calm', body: `Green tea helps you focus.\n\n[Read the full article](${POST_URL})` };

function context(overrides: Partial<PublishCallContext<MailchimpConfig>> = {}): PublishCallContext<MailchimpConfig> {
  return {
    config: config(),
    secret: API_KEY,
    slack: {} as WebClient,
    timeoutMs: 2_000,
    network: LOOPBACK,
    content: makeContent({ variants: { newsletter } }),
    idempotencyKey: KEY,
    attemptStartedAt: new Date(Date.now() - 1_000),
    link: POST_URL,
    ...overrides,
  };
}

const adapter = () => makeMailchimpAdapter({ apiUrl: fake.url });
const creates = () => fake.requests.filter((r) => r.method === 'POST' && r.path === '/3.0/campaigns');

describe('the quarter-hour rule', () => {
  test('rounds up to :00, :15, :30 or :45, keeping a time already on one', () => {
    expect(roundUpToQuarterHour(new Date('2026-12-01T12:07:10Z')).toISOString()).toBe('2026-12-01T12:15:00.000Z');
    expect(roundUpToQuarterHour(new Date('2026-12-01T12:45:00Z')).toISOString()).toBe('2026-12-01T12:45:00.000Z');
    expect(roundUpToQuarterHour(new Date('2026-12-01T23:50:00Z')).toISOString()).toBe('2026-12-02T00:00:00.000Z');
  });

  test('a time in the past (a late job) becomes the next quarter hour at least a minute away', () => {
    const now = new Date('2026-12-01T12:14:30Z');
    expect(mailchimpSendTime(new Date('2026-12-01T12:00:00Z'), now).toISOString()).toBe('2026-12-01T12:30:00.000Z');
    expect(mailchimpSendTime(new Date('2026-12-01T13:01:00Z'), now).toISOString()).toBe('2026-12-01T13:15:00.000Z');
  });
});

describe('the server prefix', () => {
  test('only letters then digits, as the API host needs', () => {
    const parse = (serverPrefix: string) => mailchimpDestinationSchema.safeParse({ ...config(), serverPrefix });
    expect(parse(' US21 ').success).toBe(true);
    for (const bad of ['us', '21', 'us21.evil.com', 'us-21', 'server']) expect(parse(bad).success).toBe(false);
  });
});

describe('publishing to Mailchimp', () => {
  test('makes a regular campaign titled with the key, sets the HTML with the link, and schedules it at the rounded time', async () => {
    const scheduledAt = new Date(Date.now() + 40 * 60_000);
    const result = await adapter().publish(context({ scheduledAt }));

    const expectedAt = roundUpToQuarterHour(scheduledAt);
    expect(fake.campaigns).toHaveLength(1);
    const [campaign] = fake.campaigns;
    expect(campaign).toMatchObject({
      type: 'regular',
      status: 'schedule',
      recipients: { list_id: LIST_ID },
      settings: { subject_line: newsletter.subject, preview_text: newsletter.preview, title: campaignTitle(makeContent(), KEY), from_name: 'Acme Newsletter', reply_to: 'news@example.com' },
      schedule_time: expectedAt.toISOString().replace(/\.\d{3}Z$/, '+00:00'),
    });
    expect(campaign?.settings.title).toContain(KEY);
    expect(campaign?.html).toContain(`href="${POST_URL}"`);
    expect(campaign?.html).toContain('Green tea helps you focus.');
    expect(result).toEqual({
      state: 'delivered',
      retryable: false,
      externalId: campaign?.id,
      url: `https://us21.admin.mailchimp.com/campaigns/show/?id=${campaign?.web_id}`,
      reason: `Scheduled in Mailchimp for ${expectedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC (rounded up to the quarter hour).`,
    });
    expect(expectedAt.getUTCMinutes() % 15).toBe(0);
    const auth = `Basic ${Buffer.from(`anystring:${API_KEY}`).toString('base64')}`;
    expect(fake.requests.every((r) => r.headers.authorization === auth)).toBe(true);
  });

  test('send mode sends the campaign right away; draft mode leaves it with its content', async () => {
    const sent = await adapter().publish(context({ config: config({ delivery: 'send' }) }));
    expect(sent).toMatchObject({ state: 'delivered', externalId: fake.campaigns[0]?.id });
    expect(sent.reason).toBeUndefined();
    expect(fake.campaigns[0]).toMatchObject({ status: 'sent', schedule_time: null });
    expect(fake.requests.some((r) => r.path.endsWith('/actions/schedule'))).toBe(false);

    const draft = await adapter().publish(context({ config: config({ delivery: 'draft' }), idempotencyKey: 'draft-key' }));
    expect(draft).toMatchObject({ state: 'delivered', externalId: fake.campaigns[1]?.id });
    expect(fake.campaigns[1]).toMatchObject({ status: 'save' });
    expect(fake.campaigns[1]?.html).toContain(POST_URL);
  });

  test('a link the body does not carry is added at the end', async () => {
    await adapter().publish(context({ content: makeContent({ variants: { newsletter: { ...newsletter, body: 'No link here.' } } }), config: config({ delivery: 'draft' }) }));
    expect(fake.campaigns[0]?.html).toMatch(new RegExp(`<a href="${POST_URL}">Read the full article</a></p>\\s*$`));
  });

  test('a create that times out after Mailchimp made the campaign: the retry reconciles by title and makes no second campaign', async () => {
    fake.hangNext(1, { method: 'POST', path: /^\/3\.0\/campaigns$/ });
    const first = await adapter().publish(context({ timeoutMs: 300 }));
    expect(first).toMatchObject({ state: 'unknown', retryable: true });
    expect(first.reason).toMatch(/looks the campaign up by its title/);
    expect(fake.campaigns).toEqual([expect.objectContaining({ status: 'save', html: null })]);

    // The publish job reconciles first: the campaign exists but was never finished, so it is not yet delivered.
    expect(await adapter().reconcile(context())).toEqual({ outcome: 'absent' });
    const retry = await adapter().publish(context({ scheduledAt: new Date(Date.now() + 20 * 60_000) }));

    expect(retry).toMatchObject({ state: 'delivered', externalId: fake.campaigns[0]?.id });
    expect(fake.campaigns).toHaveLength(1);
    expect(fake.campaigns[0]?.status).toBe('schedule');
    expect(creates()).toHaveLength(1);
    const list = fake.requests.find((r) => r.method === 'GET' && r.path === '/3.0/campaigns');
    expect(list?.query).toMatchObject({ list_id: LIST_ID, since_create_time: expect.any(String) });
  });

  test('a send whose answer was lost is found by reconciling: nothing is created or sent again', async () => {
    fake.hangNext(1, { path: /\/actions\/send$/ });
    const first = await adapter().publish(context({ config: config({ delivery: 'send' }), timeoutMs: 300 }));
    expect(first.state).toBe('unknown');
    expect(fake.campaigns[0]?.status).toBe('sent');

    const found = await adapter().reconcile(context({ config: config({ delivery: 'send' }) }));
    expect(found).toEqual({ outcome: 'found', result: expect.objectContaining({ state: 'delivered', externalId: fake.campaigns[0]?.id }) });
    expect(creates()).toHaveLength(1);
    expect(fake.requests.filter((r) => r.path.endsWith('/actions/send'))).toHaveLength(1);
  });

  test('a campaign of another attempt is not claimed', async () => {
    await adapter().publish(context({ idempotencyKey: 'other-attempt' }));
    expect(await adapter().reconcile(context())).toEqual({ outcome: 'absent' });
    await adapter().publish(context());
    expect(fake.campaigns).toHaveLength(2);
  });

  test('429 is retryable with its Retry-After; a 5xx on create is unknown; a wrong key is final', async () => {
    fake.failNext(429, 1, { method: 'POST' });
    expect(await adapter().publish(context())).toMatchObject({ state: 'failed', retryable: true, status: 429, retryAfterSeconds: 3 });
    fake.failNext(503, 1, { method: 'POST', path: /^\/3\.0\/campaigns$/ });
    expect(await adapter().publish(context())).toMatchObject({ state: 'unknown', retryable: true, status: 503 });
    expect(await adapter().publish(context({ secret: 'ffffffffffffffffffffffffffffffff-us21' }))).toEqual({
      state: 'failed',
      retryable: false,
      status: 401,
      reason: 'Mailchimp rejected the API key (401); paste a current one in the App Home.',
    });
    expect(fake.campaigns).toHaveLength(0);
  });

  test('a plan without a newsletter variant is a final failure that creates nothing', async () => {
    const result = await adapter().publish(context({ content: makeContent() }));
    expect(result).toMatchObject({ state: 'failed', retryable: false, reason: expect.stringMatching(/no newsletter/) });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('the Test button', () => {
  test('sends a test email to the chosen address and deletes the throwaway draft', async () => {
    const check = await adapter().test(context());
    expect(check).toEqual({ ok: true, status: 204, message: 'Mailchimp sent a test email to editor@example.com from “Acme Newsletter”.' });
    expect(fake.tests).toEqual([{ campaignId: expect.any(String), emails: ['editor@example.com'] }]);
    expect(fake.deleted).toEqual([fake.tests[0]?.campaignId]);
    expect(fake.campaigns).toHaveLength(0);
  });

  test('a wrong key says so', async () => {
    expect(await adapter().test(context({ secret: 'ffffffffffffffffffffffffffffffff-us21' }))).toMatchObject({ ok: false, status: 401, message: expect.stringMatching(/rejected the API key/) });
  });
});

test('a newsletter body that already links to the post gets no second link, whatever characters its URL holds', () => {
  const link = "https://blog.example.com/posts/what's-new?a=1&b=2";
  const html = newsletterHtml(`This week, [the full guide](${link}).`, link);
  expect(html.match(/<a /g)).toHaveLength(1);
  expect(html).not.toContain('Read the full article');
  expect(newsletterHtml('No link in this one.', link)).toContain('Read the full article');
});
