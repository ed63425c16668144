import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { App, LogLevel as BoltLogLevel, verifySlackRequest } from '@slack/bolt';
import {
  type Logger,
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebClient,
  type WebClientOptions,
} from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type FakeSlack, startFakeSlack } from './fake-slack.ts';
import {
  blockActionsBody,
  eventBody,
  sendSlackRequest,
  signSlackRequest,
  slashCommandBody,
  urlVerificationBody,
  viewSubmissionBody,
} from './slack-requests.ts';

// The client logs Slack's [ERROR] response messages; the tests assert on them instead.
const quietLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const modal = (title = 'Plan content') => ({
  type: 'modal' as const,
  callback_id: 'plan',
  title: { type: 'plain_text' as const, text: title },
  submit: { type: 'plain_text' as const, text: 'Start' },
  blocks: [
    {
      type: 'input',
      block_id: 'topic',
      label: { type: 'plain_text', text: 'Topic' },
      element: { type: 'plain_text_input', action_id: 'topic' },
    },
  ],
});

describe('fake Slack Web API with a real WebClient', () => {
  let fake: FakeSlack;
  let clock: number;
  let client: WebClient;
  const makeClient = (options: WebClientOptions = {}, token = 'xoxb-test') =>
    new WebClient(token, { slackApiUrl: fake.url, logger: quietLogger, ...options });

  beforeEach(async () => {
    clock = 1_750_000_000_000;
    fake = await startFakeSlack({ now: () => clock });
    client = makeClient();
  });

  afterEach(async () => {
    await fake.close();
  });

  test('url ends with /api/ and auth.test answers with the bot identity', async () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
    const auth = await client.auth.test();
    expect(auth).toMatchObject({ ok: true, team_id: fake.teamId, user_id: fake.botUserId, bot_id: fake.botId });
    expect(fake.calls[0]).toMatchObject({ method: 'auth.test', token: 'xoxb-test', outcome: 'ok', at: clock });
  });

  test('postMessage and update round-trip, with arguments decoded into objects', async () => {
    const blocks = [section('*Plan* drafted'), { type: 'divider' }];
    const posted = await client.chat.postMessage({ channel: 'C0CONTENT', text: 'Plan drafted', blocks, unfurl_links: false });
    expect(posted.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(posted.channel).toBe('C0CONTENT');
    expect(posted.message).toMatchObject({ text: 'Plan drafted', bot_id: fake.botId, blocks });

    const [call] = fake.callsTo('chat.postMessage');
    expect(call?.contentType).toBe('application/x-www-form-urlencoded');
    expect(call?.token).toBe('xoxb-test');
    expect(call?.args).toEqual({ channel: 'C0CONTENT', text: 'Plan drafted', blocks, unfurl_links: 'false' });

    const reply = await client.chat.postMessage({ channel: 'C0CONTENT', thread_ts: posted.ts!, text: 'Step 1 done' });
    expect(reply.ts! > posted.ts!).toBe(true);

    await client.chat.update({ channel: 'C0CONTENT', ts: posted.ts!, text: 'Plan approved' });
    const latest = fake.messages.get('C0CONTENT', posted.ts!);
    expect(latest).toMatchObject({ text: 'Plan approved', blocks, reply_count: 1, latest_reply: reply.ts });
    expect(latest?.edited?.user).toBe(fake.botUserId);
    expect(fake.messages.replies('C0CONTENT', posted.ts!).map((m) => m.text)).toEqual(['Step 1 done']);
    expect(fake.messages.latest('C0CONTENT')?.ts).toBe(posted.ts);

    const permalink = await client.chat.getPermalink({ channel: 'C0CONTENT', message_ts: reply.ts! });
    expect(permalink.permalink).toContain(`/archives/C0CONTENT/p${reply.ts!.replace('.', '')}?thread_ts=${posted.ts}`);

    const missing = await rejectionOf(client.chat.update({ channel: 'C0CONTENT', ts: '1.000001', text: 'x' }));
    expect((missing as WebAPIPlatformError).data.error).toBe('message_not_found');
  });

  test('a message with 51 blocks is refused with invalid_blocks', async () => {
    const blocks = Array.from({ length: 51 }, (_, i) => section(`Item ${i}`));
    const error = await rejectionOf(client.chat.postMessage({ channel: 'C0CONTENT', text: 'Too long', blocks }));
    expect(error).toBeInstanceOf(WebAPIPlatformError);
    const { data } = error as WebAPIPlatformError;
    expect(data.error).toBe('invalid_blocks');
    expect((data as { errors?: string[] }).errors).toEqual(['no more than 50 items allowed [json-pointer:/blocks]']);
    expect(data.response_metadata?.messages).toEqual(['[ERROR] no more than 50 items allowed [json-pointer:/blocks]']);
    expect(fake.callsTo('chat.postMessage')[0]).toMatchObject({ outcome: 'error', error: 'invalid_blocks' });
    expect(fake.messages.list()).toEqual([]);
  });

  test('chat.update and postEphemeral are held to the same limits; large payloads get msg_blocks_too_long', async () => {
    const { ts } = await client.chat.postMessage({ channel: 'C0CONTENT', text: 'Draft' });
    const tooLongSection = [section('x'.repeat(3001))];
    const update = await rejectionOf(client.chat.update({ channel: 'C0CONTENT', ts: ts!, text: 'x', blocks: tooLongSection }));
    expect(((update as WebAPIPlatformError).data as { errors?: string[] }).errors).toEqual(['must be less than 3001 characters [json-pointer:/blocks/0/text/text]']);

    const large = Array.from({ length: 5 }, () => section('x'.repeat(2900)));
    const ephemeral = await rejectionOf(client.chat.postEphemeral({ channel: 'C0CONTENT', user: 'U1', text: 'x', blocks: large }));
    expect((ephemeral as WebAPIPlatformError).data.error).toBe('msg_blocks_too_long');
  });

  test('postEphemeral answers message_ts and is kept apart from messages', async () => {
    const result = await client.chat.postEphemeral({ channel: 'C0CONTENT', user: 'U0ALICE', text: 'Only you' });
    expect(result.message_ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(fake.ephemerals).toEqual([{ channel: 'C0CONTENT', user: 'U0ALICE', message_ts: result.message_ts, text: 'Only you' }]);
    expect(fake.messages.list()).toEqual([]);
  });

  test('trigger ids work once, expire after 3 s and must have been issued', async () => {
    const trigger = fake.issueTriggerId();
    const opened = await client.views.open({ trigger_id: trigger, view: modal() });
    expect(opened.view).toMatchObject({ id: expect.stringMatching(/^V/), callback_id: 'plan', state: { values: {} } });

    const reused = await rejectionOf(client.views.open({ trigger_id: trigger, view: modal() }));
    expect(reused).toBeInstanceOf(WebAPIPlatformError);
    expect((reused as WebAPIPlatformError).data.error).toBe('exchanged_trigger_id');

    const late = fake.issueTriggerId();
    clock += 3001;
    const expired = await rejectionOf(client.views.open({ trigger_id: late, view: modal() }));
    expect((expired as WebAPIPlatformError).data.error).toBe('expired_trigger_id');

    const unknown = await rejectionOf(client.views.open({ trigger_id: '123.456.abc', view: modal() }));
    expect((unknown as WebAPIPlatformError).data.error).toBe('invalid_trigger_id');
  });

  test('answerDelayMs holds back only the answer: the call is judged and recorded when it arrives', async () => {
    const slow = await startFakeSlack({ now: () => clock, answerDelayMs: { 'views.open': 400 } });
    try {
      const slowClient = new WebClient('xoxb-test', { slackApiUrl: slow.url, logger: quietLogger });
      const started = performance.now();
      let isAnswered = false;
      const opening = slowClient.views.open({ trigger_id: slow.issueTriggerId(), view: modal() }).finally(() => {
        isAnswered = true;
      });
      const [call] = await slow.waitFor((candidate) => candidate.method === 'views.open', 5000);
      expect(call?.outcome).toBe('ok');
      expect(isAnswered).toBe(false);
      expect((await opening).ok).toBe(true);
      expect(performance.now() - started).toBeGreaterThanOrEqual(400);
    } finally {
      await slow.close();
    }
  });

  test('views are validated, updated in place and published', async () => {
    const invalid = await rejectionOf(client.views.open({ trigger_id: fake.issueTriggerId(), view: modal('A title longer than 24 chars') }));
    expect((invalid as WebAPIPlatformError).data).toMatchObject({
      error: 'invalid_arguments',
      response_metadata: { messages: ['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]'] },
    });

    const opened = await client.views.open({ trigger_id: fake.issueTriggerId(), view: modal() });
    const id = opened.view!.id!;
    const updated = await client.views.update({ view_id: id, hash: opened.view!.hash!, view: modal('Researching') });
    expect(updated.view).toMatchObject({ id, title: { text: 'Researching' } });
    expect(fake.views.get(id)).toMatchObject({ title: { text: 'Researching' } });
    const stale = await rejectionOf(client.views.update({ view_id: id, hash: opened.view!.hash!, view: modal() }));
    expect((stale as WebAPIPlatformError).data.error).toBe('hash_conflict');

    await client.views.publish({ user_id: 'U0ALICE', view: { type: 'home', blocks: [section('Recent plans')] } });
    expect(fake.homeTabs.get('U0ALICE')).toMatchObject({ type: 'home', blocks: [section('Recent plans')] });
  });

  test('a 429 from failNext surfaces as a rate limit, then the method works again', async () => {
    const rejecting = makeClient({ rejectRateLimitedCalls: true });
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 7 });
    const error = await rejectionOf(rejecting.chat.postMessage({ channel: 'C0CONTENT', text: 'hi' }));
    expect(error).toBeInstanceOf(WebAPIRateLimitedError);
    expect((error as WebAPIRateLimitedError).retryAfter).toBe(7);
    await expect(rejecting.chat.postMessage({ channel: 'C0CONTENT', text: 'hi' })).resolves.toMatchObject({ ok: true });
    expect(fake.callsTo('chat.postMessage').map((c) => c.outcome)).toEqual(['rate_limited', 'ok']);
  });

  test('rateLimit answers 429 with Retry-After once the per-minute budget is spent', async () => {
    const rejecting = makeClient({ rejectRateLimitedCalls: true });
    fake.rateLimit('chat.update', { perMinute: 2 });
    const { ts } = await rejecting.chat.postMessage({ channel: 'C0CONTENT', text: 'v0' });
    await rejecting.chat.update({ channel: 'C0CONTENT', ts: ts!, text: 'v1' });
    clock += 20_000;
    await rejecting.chat.update({ channel: 'C0CONTENT', ts: ts!, text: 'v2' });
    const limited = await rejectionOf(rejecting.chat.update({ channel: 'C0CONTENT', ts: ts!, text: 'v3' }));
    expect((limited as WebAPIRateLimitedError).retryAfter).toBe(40);
    clock += 40_000;
    await expect(rejecting.chat.update({ channel: 'C0CONTENT', ts: ts!, text: 'v4' })).resolves.toMatchObject({ ok: true });
    expect(fake.messages.get('C0CONTENT', ts!)?.text).toBe('v4');
    expect(fake.callsTo('chat.update').map((c) => c.status)).toEqual([200, 200, 429, 200]);
  });

  test('failNext injects platform errors and HTTP failures, recorded with their outcome', async () => {
    fake.failNext('users.info', { error: 'fatal_error' }, 2);
    for (let i = 0; i < 2; i += 1) {
      const error = await rejectionOf(client.users.info({ user: 'U0ALICE' }));
      expect((error as WebAPIPlatformError).data.error).toBe('fatal_error');
    }
    fake.users.set('U0ALICE', { real_name: 'Alice', is_admin: true, tz: 'Europe/Paris' });
    const info = await client.users.info({ user: 'U0ALICE' });
    expect(info.user).toMatchObject({ id: 'U0ALICE', real_name: 'Alice', is_admin: true, is_owner: false, tz: 'Europe/Paris' });
    const unknown = await rejectionOf(client.users.info({ user: 'U0NOBODY' }));
    expect((unknown as WebAPIPlatformError).data.error).toBe('user_not_found');

    fake.failNext('conversations.info', { status: 500 });
    const noRetries = makeClient({ retryConfig: { retries: 0 } });
    const http = await rejectionOf(noRetries.conversations.info({ channel: 'C0CONTENT' }));
    expect(http).toBeInstanceOf(WebAPIHTTPError);
    expect((http as WebAPIHTTPError).statusCode).toBe(500);
    expect(fake.callsTo('conversations.info')[0]).toMatchObject({ outcome: 'http_error', status: 500 });
  });

  test('users.list and conversations.members page by cursor within Slack\'s limits', async () => {
    for (let i = 0; i < 5; i += 1) fake.users.set(`U0PERSON${i}`, { is_admin: i === 0 });
    const ids: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.users.list({ limit: 2, ...(cursor ? { cursor } : {}) });
      ids.push(...(page.members ?? []).map((member) => member.id ?? ''));
      cursor = page.response_metadata?.next_cursor || undefined;
      pages += 1;
    } while (cursor);
    // Slackbot and the app's bot user are members too.
    expect(ids).toEqual(['USLACKBOT', fake.botUserId, 'U0PERSON0', 'U0PERSON1', 'U0PERSON2', 'U0PERSON3', 'U0PERSON4']);
    expect(pages).toBe(4);
    expect((await client.users.list({ limit: 10 })).members?.find((member) => member.id === 'U0PERSON0')?.is_admin).toBe(true);
    const tooMany = await rejectionOf(client.users.list({ limit: 1001 }));
    expect((tooMany as WebAPIPlatformError).data.error).toBe('invalid_limit');
    const badCursor = await rejectionOf(client.users.list({ cursor: 'nonsense' }));
    expect((badCursor as WebAPIPlatformError).data.error).toBe('invalid_cursor');

    fake.channels.set('C0TEAM', { members: ['U0PERSON0', 'U0PERSON1', 'U0PERSON2'] });
    const first = await client.conversations.members({ channel: 'C0TEAM', limit: 2 });
    expect(first.members).toEqual(['U0PERSON0', 'U0PERSON1']);
    const second = await client.conversations.members({ channel: 'C0TEAM', limit: 2, cursor: first.response_metadata?.next_cursor ?? '' });
    expect(second.members).toEqual(['U0PERSON2']);
    expect(second.response_metadata?.next_cursor).toBe('');
    // A private channel the app is not in cannot be listed.
    fake.channels.set('G0SECRET', { is_private: true, members: ['U0PERSON0'] });
    fake.denyChannel('G0SECRET', 'not_in_channel');
    const hidden = await rejectionOf(client.conversations.members({ channel: 'G0SECRET' }));
    expect((hidden as WebAPIPlatformError).data.error).toBe('channel_not_found');
  });

  test('conversations.open gives the DM with a person, where chat.postMessage posts', async () => {
    const opened = await client.conversations.open({ users: 'U0ALICE' });
    expect(opened.channel?.id).toBe('D0ALICE');
    await client.chat.postMessage({ channel: opened.channel?.id ?? '', text: 'Your review, please' });
    // Posting to the user id reaches the same DM.
    await client.chat.postMessage({ channel: 'U0ALICE', text: 'And again' });
    expect(fake.messages.list('D0ALICE').map((message) => message.text)).toEqual(['Your review, please', 'And again']);
    const missing = await rejectionOf(client.conversations.open({ users: 'not-a-user' }));
    expect((missing as WebAPIPlatformError).data.error).toBe('user_not_found');
  });

  test('conversations.replies gives a thread, parent first and oldest first, with metadata only when asked for', async () => {
    const parent = await client.chat.postMessage({ channel: 'C0CONTENT', text: 'Plan #1' });
    const threadTs = parent.ts ?? '';
    const metadata = { event_type: 'plan_reply', event_payload: { key: 'research' } };
    await client.chat.postMessage({ channel: 'C0CONTENT', thread_ts: threadTs, text: 'Research', metadata });
    await client.chat.postMessage({ channel: 'C0CONTENT', thread_ts: threadTs, text: 'Draft' });
    await client.chat.postMessage({ channel: 'C0CONTENT', text: 'Another plan' });

    const plain = await client.conversations.replies({ channel: 'C0CONTENT', ts: threadTs });
    expect(plain.messages?.map((message) => message.text)).toEqual(['Plan #1', 'Research', 'Draft']);
    expect(plain.messages?.some((message) => message.metadata !== undefined)).toBe(false);
    const withMetadata = await client.conversations.replies({ channel: 'C0CONTENT', ts: threadTs, include_all_metadata: true, limit: 2 });
    expect(withMetadata.messages?.map((message) => message.metadata ?? null)).toEqual([null, metadata]);
    const rest = await client.conversations.replies({ channel: 'C0CONTENT', ts: threadTs, cursor: withMetadata.response_metadata?.next_cursor });
    expect(rest.messages?.map((message) => message.text)).toEqual(['Draft']);
    expect(rest.response_metadata?.next_cursor).toBe('');

    const missing = await rejectionOf(client.conversations.replies({ channel: 'C0CONTENT', ts: '1.000001' }));
    expect((missing as WebAPIPlatformError).data.error).toBe('thread_not_found');
  });

  test('tokens need the xoxb- prefix (or the configured set) and unknown methods are refused', async () => {
    const userToken = await rejectionOf(makeClient({}, 'xoxp-user').auth.test());
    expect((userToken as WebAPIPlatformError).data.error).toBe('invalid_auth');
    const noToken = await rejectionOf(makeClient({}, '').auth.test());
    expect((noToken as WebAPIPlatformError).data.error).toBe('not_authed');
    const unknown = await rejectionOf(client.apiCall('chat.teleport', { channel: 'C1' }));
    expect((unknown as WebAPIPlatformError).data.error).toBe('unknown_method');

    const strict = await startFakeSlack({ tokens: ['xoxb-good'] });
    try {
      const other = new WebClient('xoxb-other', { slackApiUrl: strict.url, logger: quietLogger });
      expect(((await rejectionOf(other.auth.test())) as WebAPIPlatformError).data.error).toBe('invalid_auth');
      const good = new WebClient('xoxb-good', { slackApiUrl: strict.url, logger: quietLogger });
      await expect(good.auth.test()).resolves.toMatchObject({ ok: true });
    } finally {
      await strict.close();
    }
  });

  test('denied channels refuse posts until the bot joins', async () => {
    fake.denyChannel('C0PRIVATE', 'channel_not_found');
    fake.denyChannel('C0PUBLIC', 'not_in_channel');
    const notFound = await rejectionOf(client.chat.postMessage({ channel: 'C0PRIVATE', text: 'hi' }));
    expect((notFound as WebAPIPlatformError).data.error).toBe('channel_not_found');
    const notIn = await rejectionOf(client.chat.postMessage({ channel: 'C0PUBLIC', text: 'hi' }));
    expect((notIn as WebAPIPlatformError).data.error).toBe('not_in_channel');

    expect((await client.conversations.info({ channel: 'C0PUBLIC' })).channel).toMatchObject({ id: 'C0PUBLIC', is_member: false });
    const joined = await client.conversations.join({ channel: 'C0PUBLIC' });
    expect(joined.channel).toMatchObject({ is_member: true });
    await expect(client.chat.postMessage({ channel: 'C0PUBLIC', text: 'hi' })).resolves.toMatchObject({ ok: true });
  });

  test('files.uploadV2 runs its three steps against the fake', async () => {
    const result = await client.files.uploadV2({
      channel_id: 'C0CONTENT',
      filename: 'draft.md',
      title: 'Draft',
      content: '# Launch post\n',
      initial_comment: 'Here is the draft',
    });
    expect(result.ok).toBe(true);
    expect(fake.calls.map((c) => c.method)).toEqual(['files.getUploadURLExternal', 'files.completeUploadExternal']);
    const [file] = [...fake.files.values()];
    expect(file).toMatchObject({ filename: 'draft.md', title: 'Draft', uploaded: true, completed: true, channel_id: 'C0CONTENT' });
    expect(file?.content?.toString('utf8')).toBe('# Launch post\n');
    expect(fake.callsTo('files.completeUploadExternal')[0]?.args.files).toEqual([{ id: file?.id, title: 'Draft' }]);
    expect(fake.messages.latest('C0CONTENT')).toMatchObject({ text: 'Here is the draft', files: [{ id: file?.id }] });
  });

  test('reactions.get reads the reactions set on a message', async () => {
    const { ts } = await client.chat.postMessage({ channel: 'C0CONTENT', text: 'Approve?' });
    fake.messages.setReactions('C0CONTENT', ts!, [{ name: 'white_check_mark', users: ['U0ALICE'] }]);
    const result = await client.reactions.get({ channel: 'C0CONTENT', timestamp: ts! });
    expect(result.message?.reactions).toEqual([{ name: 'white_check_mark', users: ['U0ALICE'], count: 1 }]);
  });

  test('JSON bodies with a bearer token are decoded too', async () => {
    const response = await fetch(`${fake.url}chat.postMessage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8', Authorization: 'Bearer xoxb-json' },
      body: JSON.stringify({ channel: 'C0CONTENT', text: 'as JSON', blocks: [section('json')] }),
    });
    expect(await response.json()).toMatchObject({ ok: true, channel: 'C0CONTENT' });
    expect(fake.calls[0]).toMatchObject({
      contentType: 'application/json',
      token: 'xoxb-json',
      args: { channel: 'C0CONTENT', text: 'as JSON', blocks: [section('json')] },
    });
  });

  test('response URLs record what is sent and take 5 uses', async () => {
    const url = fake.issueResponseUrl();
    const post = (body: unknown) =>
      fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    for (let i = 0; i < 5; i += 1) expect((await post({ text: `update ${i}`, replace_original: true })).status).toBe(200);
    const sixth = await post({ text: 'one too many' });
    expect(sixth.status).toBe(404);
    expect(await sixth.json()).toEqual({ ok: false, error: 'used_url' });
    expect(fake.responses.map((r) => [r.body.text, r.status])).toEqual([
      ['update 0', 200],
      ['update 1', 200],
      ['update 2', 200],
      ['update 3', 200],
      ['update 4', 200],
      ['one too many', 404],
    ]);
  });

  test('waitFor resolves with the matching calls or explains what it saw', async () => {
    setTimeout(() => void client.chat.postMessage({ channel: 'C0CONTENT', text: 'later' }), 30);
    const [call] = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.text === 'later', 2000);
    expect(call?.outcome).toBe('ok');
    await expect(fake.waitFor('views.open', 50)).rejects.toThrow(/calls so far: chat.postMessage\(ok\)/);
  });
});

describe('slack-requests', () => {
  test('signSlackRequest matches the example in Slack’s "verifying requests" guide', () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar' +
      '&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
      '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
      '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const headers = signSlackRequest({ signingSecret: '8f742231b10e8888abcd99yyyzzz85a5', body, timestamp: 1531420618 });
    expect(headers).toEqual({
      'X-Slack-Signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
      'X-Slack-Request-Timestamp': '1531420618',
    });
  });

  test('signatures agree with node:crypto and Bolt’s verifier', () => {
    const { body } = slashCommandBody({ teamId: 'T1', userId: 'U1', channelId: 'C1', text: 'launch post', triggerId: '1.2.3' });
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = signSlackRequest({ signingSecret: 's3cret', body, timestamp });
    const expected = createHmac('sha256', 's3cret').update(`v0:${timestamp}:${body}`).digest('hex');
    expect(headers['X-Slack-Signature']).toBe(`v0=${expected}`);
    expect(() =>
      verifySlackRequest({
        signingSecret: 's3cret',
        body,
        headers: { 'x-slack-signature': headers['X-Slack-Signature'], 'x-slack-request-timestamp': timestamp },
      }),
    ).not.toThrow();
  });

  test('builders produce the wire formats Slack sends', () => {
    const command = slashCommandBody({ teamId: 'T1', userId: 'U1', channelId: 'C1', text: 'a b&c', triggerId: '1.2.3' });
    expect(command.contentType).toBe('application/x-www-form-urlencoded');
    const fields = new URLSearchParams(command.body);
    expect(Object.fromEntries(fields)).toMatchObject({ command: '/content', text: 'a b&c', trigger_id: '1.2.3', team_id: 'T1' });

    const action = blockActionsBody({
      teamId: 'T1',
      userId: 'U1',
      channelId: 'C1',
      message: { ts: '1700000000.000100', thread_ts: '1700000000.000050' },
      actions: [{ action_id: 'approve', block_id: 'review', value: 'plan-1' }],
      triggerId: '1.2.3',
    });
    const payload = JSON.parse(new URLSearchParams(action.body).get('payload')!);
    expect(payload).toMatchObject({
      type: 'block_actions',
      container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'C1', thread_ts: '1700000000.000050' },
      actions: [{ action_id: 'approve', block_id: 'review', value: 'plan-1', type: 'button', text: { type: 'plain_text' } }],
    });

    const event = eventBody({ teamId: 'T1', event: { type: 'app_home_opened', user: 'U1', tab: 'home' }, eventId: 'Ev1' });
    expect(event.contentType).toBe('application/json');
    expect(JSON.parse(event.body)).toMatchObject({ type: 'event_callback', event_id: 'Ev1', event: { type: 'app_home_opened' } });
  });
});

describe('slack-requests against a Bolt app wired to the fake', () => {
  const signingSecret = 'test-signing-secret';
  let fake: FakeSlack;
  let app: App;
  let baseUrl: string;
  const seen: string[] = [];

  beforeEach(async () => {
    seen.length = 0;
    fake = await startFakeSlack();
    app = new App({
      token: 'xoxb-test',
      signingSecret,
      clientOptions: { slackApiUrl: fake.url },
      logLevel: BoltLogLevel.ERROR,
    });
    app.command('/content', async ({ ack, body, client }) => {
      await ack();
      await client.views.open({ trigger_id: body.trigger_id, view: modal() });
    });
    app.action('approve', async ({ ack, body }) => {
      seen.push(`action:${body.type}`);
      await ack();
    });
    app.view('plan', async ({ ack, view }) => {
      seen.push(`view:${view.state.values.topic?.topic?.value}`);
      await ack();
    });
    app.event('app_home_opened', async ({ event, context }) => {
      seen.push(`event:${event.user}:${context.retryNum ?? 0}`);
    });
    const server = await app.start(0);
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    await app.stop();
    await fake.close();
  });

  test('a signed slash command reaches the listener, which opens a modal with the fake trigger', async () => {
    const command = slashCommandBody({ teamId: fake.teamId, userId: 'U0ALICE', channelId: 'C0CONTENT', triggerId: fake.issueTriggerId() });
    const response = await sendSlackRequest(baseUrl, command, { signingSecret });
    expect(response.status).toBe(200);
    const [open] = await fake.waitFor('views.open');
    expect(open).toMatchObject({ outcome: 'ok', args: { view: { callback_id: 'plan' } } });
  });

  test('a bad signature is refused', async () => {
    const command = slashCommandBody({ teamId: fake.teamId, userId: 'U0ALICE', channelId: 'C0CONTENT', triggerId: fake.issueTriggerId() });
    const response = await sendSlackRequest(baseUrl, command, { signingSecret, badSignature: true });
    expect(response.status).toBe(401);
    expect(fake.callsTo('views.open')).toEqual([]);
  });

  test('block actions, view submissions, events and url_verification parse in Bolt', async () => {
    const action = blockActionsBody({
      teamId: fake.teamId,
      userId: 'U0ALICE',
      channelId: 'C0CONTENT',
      message: { ts: '1700000000.000100' },
      actions: [{ action_id: 'approve', block_id: 'review', value: 'plan-1' }],
      triggerId: fake.issueTriggerId(),
    });
    expect((await sendSlackRequest(baseUrl, action, { signingSecret })).status).toBe(200);

    const submission = viewSubmissionBody({
      teamId: fake.teamId,
      userId: 'U0ALICE',
      view: {
        callback_id: 'plan',
        private_metadata: '{"channel":"C0CONTENT"}',
        state: { values: { topic: { topic: { type: 'plain_text_input', value: 'Launch post' } } } },
      },
    });
    expect((await sendSlackRequest(baseUrl, submission, { signingSecret })).status).toBe(200);

    const event = eventBody({ teamId: fake.teamId, event: { type: 'app_home_opened', user: 'U0ALICE', tab: 'home' } });
    expect((await sendSlackRequest(baseUrl, event, { signingSecret, retryNum: 1, retryReason: 'http_timeout' })).status).toBe(200);

    const verification = await sendSlackRequest(baseUrl, urlVerificationBody('challenge-123'), { signingSecret });
    expect(await verification.json()).toEqual({ challenge: 'challenge-123' });

    await expect.poll(() => seen).toEqual(['action:block_actions', 'view:Launch post', 'event:U0ALICE:1']);
  });
});
