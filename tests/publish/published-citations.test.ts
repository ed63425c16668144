import { afterAll, beforeAll, expect, test } from 'vitest';
import { ACTIONS, DECISION_MODALS } from '../../src/bot/ids.ts';
import { finishVariants } from '../../src/publish/citations-render.ts';
import { startFakeWebhook, type FakeWebhook } from '../support/fake-webhook.ts';
import { startFakeWordpress, type FakeWordpress } from '../support/fake-wordpress.ts';
import { PLAN_CHANNEL, seedCompetitors, submitPlan, waitForQuiet, waitForStatus } from '../support/pipeline.ts';
import {
  addWebhookDestination,
  addWordpressDestination,
  ENCRYPTION_KEY_HEX,
  press,
  scheduleValues,
  setReviewSettings,
  submitDecision,
} from '../support/review.ts';
import { GOOD_DRAFT, scriptAuthor } from '../support/scripted-author.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const AVERY = 'U0AVERY';
const WP_USER = 'editor';
const WP_PASSWORD = 'abcd efgh ijkl mnop qrst uvwx';
const SOURCE_1 = 'https://alpha.example.com/remote-onboarding';

let t: TestApp;
let webhook: FakeWebhook;
let wordpress: FakeWordpress;

beforeAll(async () => {
  t = await startTestApp({ env: { ENCRYPTION_KEY: ENCRYPTION_KEY_HEX } });
  seedCompetitors(t.firecrawl);
  webhook = await startFakeWebhook();
  wordpress = await startFakeWordpress({ username: WP_USER, applicationPassword: WP_PASSWORD });
  await setReviewSettings(t, { approvers: [AVERY] });
});
afterAll(async () => {
  await t?.close();
  await webhook?.close();
  await wordpress?.close();
});

/** A citation marker left as text: `[2]` not part of a link or escaped. */
const BARE_MARKER = /(?<![\\[])\[\d+(?:\s*,\s*\d+)*\](?!\()/;

test('the webhook payload, the WordPress post and the Slack announcement carry numbered source links and a Sources list, and no bare [n]', async () => {
  scriptAuthor(t.openai, { drafts: [GOOD_DRAFT] });
  const webhookKey = await addWebhookDestination(t, { url: webhook.url, secret: 'whsec_test_0123456789abcdef' });
  const wordpressKey = await addWordpressDestination(t, { siteUrl: wordpress.url, username: WP_USER, applicationPassword: WP_PASSWORD });
  const plan = await submitPlan(t, { channels: ['blog', 'slack_announcement', 'x_thread', 'linkedin'] });
  await waitForStatus(t, plan.id, 'in_review');
  await press(t, { userId: AVERY, actionId: ACTIONS.approve, planId: plan.id });
  await submitDecision(t, {
    userId: AVERY,
    callbackId: DECISION_MODALS.schedule.callbackId,
    planId: plan.id,
    values: scheduleValues(new Date(Date.now() + 1_500), [`slack:${PLAN_CHANNEL}`, webhookKey, wordpressKey]),
  });
  await waitForStatus(t, plan.id, 'published', 30_000);
  await waitForQuiet(t, plan.id);

  // The stored draft keeps its [n] markers; only what is published renders them.
  const [stored] = await t.database.sql<{ markdown: string }[]>`select markdown from content_items where plan_id = ${plan.id} and is_current`;
  expect(stored?.markdown).toContain('a few habits [1].');

  const [attempt] = await t.database.sql<{ url: string }[]>`select url from publish_attempts where plan_id = ${plan.id} and destination_kind = 'wordpress'`;
  const postUrl = attempt!.url;

  // Webhook: Markdown and HTML with numbered links and Sources, the sources listed, variants linking to the WordPress post.
  const body = webhook.requests[0]?.body as {
    post: { markdown: string; html: string; sources: unknown[] };
    variants: { x_thread: { posts: string[] }; linkedin: { text: string } };
  };
  expect(body.post.markdown).toContain(`habits [\\[1\\]](<${SOURCE_1}>).`);
  expect(body.post.markdown).toContain(`## Sources\n\n1. [Remote onboarding checklist](<${SOURCE_1}>)`);
  expect(body.post.markdown).not.toMatch(BARE_MARKER);
  expect(body.post.html).toContain(`habits <a href="${SOURCE_1}">[1]</a>.`);
  expect(body.post.html).toContain(`<h2>Sources</h2>\n<ol>\n<li><a href="${SOURCE_1}">Remote onboarding checklist</a></li>`);
  expect(body.post.html.replace(/<a [^>]*>\[\d+\]<\/a>/g, '')).not.toMatch(BARE_MARKER);
  expect(body.post.sources).toEqual([{ number: 1, title: 'Remote onboarding checklist', url: SOURCE_1 }]);
  expect(body.variants.x_thread.posts).toEqual([
    'Remote onboarding in small teams: a thread 🧵\n\n1/4',
    'Send the laptop early and book daily check-ins in week one.\n\n2/4',
    'Give every new hire a buddy and a task that ships in days.\n\n3/4',
    `The full checklist: ${postUrl}\n\n4/4`,
  ]);
  expect(body.variants.linkedin.text).toMatch(new RegExp(`Get the checklist: ${postUrl.replace(/[.?]/g, '\\$&')}$`));

  // WordPress: the same HTML.
  const content = wordpress.posts[0]?.content ?? '';
  expect(content).toContain(`<a href="${SOURCE_1}">[1]</a>`);
  expect(content).toContain('<h2>Sources</h2>');
  expect(content.replace(/<a [^>]*>\[\d+\]<\/a>/g, '')).not.toMatch(BARE_MARKER);

  // Slack: the announcement links to the post and ends with the Sources list.
  const announcement = t.slack.callsTo('chat.postMessage').filter((call) => call.args['channel'] === PLAN_CHANNEL && !call.args['thread_ts']).at(-1);
  const blocks = JSON.stringify(announcement?.args['blocks']);
  expect(blocks).toContain(`<${postUrl}|Read it>`);
  expect(blocks).toContain(`*Sources*\\n1. <${SOURCE_1}|Remote onboarding checklist>`);
  expect(blocks).not.toContain('{{post_url}}');
  expect(String(announcement?.args['text'])).not.toMatch(BARE_MARKER);
});

test('with no blog destination, the link lines of the variants are left out cleanly', () => {
  const variants = {
    linkedin: { text: 'Hook.\n\nBody.\n\nRead more: {{post_url}}' },
    x_thread: { posts: ['Hook', 'Read more: {{post_url}}'] },
    newsletter: { subject: 'S', preview: 'P', body: 'Body.\n\n[Read it]({{post_url}})' },
    slack_announcement: { text: '*New:* post\n<{{post_url}}|Read it>' },
  };
  expect(finishVariants(variants, null)).toEqual({
    linkedin: { text: 'Hook.\n\nBody.' },
    x_thread: { posts: ['Hook\n\n1/1'] },
    newsletter: { subject: 'S', preview: 'P', body: 'Body.' },
    slack_announcement: { text: '*New:* post' },
  });
});
