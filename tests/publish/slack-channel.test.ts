import { type Logger, LogLevel, WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ANNOUNCEMENT_EVENT_TYPE, buildAnnouncement, postToSlackChannel } from '../../src/publish/slack-channel.ts';
import { findBlockKitViolations, isMessageBlocksTooLong } from '../support/block-kit-limits.ts';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.ts';
import { makeContent } from './fixtures.ts';

const quietLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

function expectWithinLimits(blocks: unknown[]): void {
  expect(findBlockKitViolations(blocks, 'message')).toEqual([]);
  expect(isMessageBlocksTooLong(blocks)).toBe(false);
}

describe('buildAnnouncement', () => {
  test('uses the Slack-announcement variant when there is one', () => {
    const { text, blocks } = buildAnnouncement(makeContent());
    expect(blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '*New on the blog:* green tea for focus.\n• Less caffeine than coffee\n• Brew at 80 °C' } }]);
    expect(text).toMatch(/^\*New on the blog:\*/);
  });

  test('falls back to the title and meta description, escaped, and adds the link when there is one', () => {
    const content = makeContent({ variants: {} });
    content.post.metaDescription = 'Tea <b>&</b> focus';
    expect(buildAnnouncement(content)).toEqual({
      text: 'Green tea for focus: Tea <b>&</b> focus',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Green tea for focus', emoji: true } },
        { type: 'section', text: { type: 'mrkdwn', text: 'Tea &lt;b&gt;&amp;&lt;/b&gt; focus' } },
      ],
    });
    const withLink = buildAnnouncement(content, { link: 'https://blog.example.com/green-tea/' });
    expect(withLink.blocks.at(-1)).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: 'Tea &lt;b&gt;&amp;&lt;/b&gt; focus\n\n<https://blog.example.com/green-tea/|Read the post>' },
    });
  });

  test('a variant of the wrong shape or empty is ignored', () => {
    for (const variant of [{ body: 'x' }, { text: '   ' }, 'text']) {
      expect(buildAnnouncement(makeContent({ variants: { slack_announcement: variant } })).blocks[0]?.type).toBe('header');
    }
  });

  test('never notifies a whole channel or group', () => {
    const { blocks } = buildAnnouncement(makeContent({ variants: { slack_announcement: { text: 'Hey <!channel> and <!here|here>, <!subteam^S123|@marketing>!' } } }));
    expect(JSON.stringify(blocks)).not.toMatch(/<!/);
    expect(JSON.stringify(blocks)).toContain('Hey @channel and @here, @marketing!');
  });

  test("shows a disguised link's real target, neutralises mentions in any case, and leaves the post's own link alone", () => {
    const link = 'https://blog.example.com/green-tea/';
    const text = [
      '<http://evil|Read more> · <https://evil.example.net/login?next=1|blog.example.com>',
      '<!HERE> <!Channel|channel> <!EVERYONE> <!subteam^S0TEAM> <@U0MIA|mia> <@U0SAM>',
      `<javascript:alert(1)|Click> · <${link}|Read the post> · <#C0GENERAL> · <https://www.example.org/page|see www.example.org>`,
    ].join('\n');
    const { blocks } = buildAnnouncement(makeContent({ variants: { slack_announcement: { text } } }), { link });
    const shown = (blocks[0] as { text: { text: string } }).text.text;
    expect(shown.split('\n')).toEqual([
      '<http://evil|Read more (evil)> · <https://evil.example.net/login?next=1|blog.example.com (evil.example.net)>',
      '@here @channel @everyone @group @mia @U0SAM',
      `Click (javascript:alert(1)) · <${link}|Read the post> · <#C0GENERAL> · <https://www.example.org/page|see www.example.org>`,
    ]);
    // The post's link is already in the text, so no "Read the post" line is added.
    expect(blocks).toHaveLength(1);
  });

  test('stays within Block Kit limits however long the variant or title', () => {
    const long = Array.from({ length: 2000 }, (_, i) => `Line ${i} with "quotes" & <stuff>`).join('\n');
    const announcement = buildAnnouncement(makeContent({ variants: { slack_announcement: { text: long } } }), { link: 'https://blog.example.com/x' });
    expectWithinLimits(announcement.blocks);
    expect(announcement.text.length).toBeLessThanOrEqual(3000);

    const content = makeContent({ variants: {} });
    content.post.title = 'T'.repeat(400);
    content.post.metaDescription = 'D'.repeat(5000);
    expectWithinLimits(buildAnnouncement(content).blocks);
  });
});

describe('postToSlackChannel', () => {
  let fake: FakeSlack;
  let client: WebClient;

  beforeEach(async () => {
    fake = await startFakeSlack();
    client = new WebClient('xoxb-test', { slackApiUrl: fake.url, logger: quietLogger, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
  });
  afterEach(async () => {
    await fake.close();
  });

  test('posts the announcement; the result has the permalink and <channel>:<ts>', async () => {
    const result = await postToSlackChannel({ client, channelId: 'C0ANNOUNCE', content: makeContent(), idempotencyKey: 'plan-42-r2-slack' });

    const [posted] = fake.messages.list('C0ANNOUNCE');
    expect(posted?.text).toMatch(/^\*New on the blog:\*/);
    expect(posted?.metadata).toEqual({
      event_type: ANNOUNCEMENT_EVENT_TYPE,
      event_payload: { plan_id: makeContent().plan.id, revision: 2, idempotency_key: 'plan-42-r2-slack' },
    });
    expect(result).toEqual({
      state: 'delivered',
      retryable: false,
      externalId: `C0ANNOUNCE:${posted?.ts}`,
      url: `https://fake-workspace.slack.com/archives/C0ANNOUNCE/p${posted?.ts.replace('.', '')}`,
    });
  });

  test('not_in_channel fails for good, saying how to fix it', async () => {
    fake.denyChannel('C0PRIVATE', 'not_in_channel');

    const result = await postToSlackChannel({ client, channelId: 'C0PRIVATE', content: makeContent() });

    expect(result).toEqual({
      state: 'failed',
      retryable: false,
      reason: 'The app is not a member of <#C0PRIVATE>; invite it with /invite in that channel, then retry.',
    });
    expect(fake.messages.list('C0PRIVATE')).toHaveLength(0);
  });

  test('channel_not_found fails for good', async () => {
    fake.denyChannel('C0GONE', 'channel_not_found');
    const result = await postToSlackChannel({ client, channelId: 'C0GONE', content: makeContent() });
    expect(result).toMatchObject({ state: 'failed', retryable: false, reason: expect.stringMatching(/cannot find the channel C0GONE/) });
  });

  test('rate limits and server errors are retryable; internal_error may have posted', async () => {
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 7 });
    fake.failNext('chat.postMessage', { status: 503 });
    fake.failNext('chat.postMessage', { error: 'internal_error' });

    expect(await postToSlackChannel({ client, channelId: 'C0ANNOUNCE', content: makeContent() })).toMatchObject({
      state: 'failed',
      retryable: true,
      retryAfterSeconds: 7,
    });
    expect(await postToSlackChannel({ client, channelId: 'C0ANNOUNCE', content: makeContent() })).toMatchObject({
      state: 'failed',
      retryable: true,
      status: 503,
    });
    expect(await postToSlackChannel({ client, channelId: 'C0ANNOUNCE', content: makeContent() })).toMatchObject({ state: 'unknown', retryable: true });
  });

  test('a revoked token fails for good', async () => {
    fake.failNext('chat.postMessage', { error: 'token_revoked' });
    expect(await postToSlackChannel({ client, channelId: 'C0ANNOUNCE', content: makeContent() })).toMatchObject({
      state: 'failed',
      retryable: false,
      reason: expect.stringMatching(/reinstall the app/),
    });
  });

  test('a missing permalink does not undo the delivery', async () => {
    fake.failNext('chat.getPermalink', { error: 'internal_error' });
    const result = await postToSlackChannel({ client, channelId: 'C0ANNOUNCE', content: makeContent() });
    expect(result.state).toBe('delivered');
    expect(result.url).toBeUndefined();
    expect(result.externalId).toMatch(/^C0ANNOUNCE:\d+\.\d+$/);
  });
});
