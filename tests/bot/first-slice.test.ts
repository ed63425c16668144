import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { ACTIONS, PLAN_MODAL } from '../../src/bot/ids.ts';
import { planModalSubmissionView } from '../support/plan-modal-values.ts';
import { blockActionsBody, slashCommandBody, urlVerificationBody, viewSubmissionBody } from '../support/slack-requests.ts';
import { runPostMessageJobs, waitForPlansStarted } from '../support/post-message-jobs.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const TEAM = 'T0FAKE0001';
const AUTHOR = 'U0MIA';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';
let t: TestApp;

beforeAll(async () => {
  // Web role only: the queued job must still be there for the assertions.
  t = await startTestApp({ role: 'web', env: { METRICS_TOKEN: METRICS_TOKEN } });
});
afterAll(async () => t?.close());

async function countRows() {
  const [plans] = await t.database.sql<{ count: number }[]>`select count(*)::int as count from content_plans`;
  const [jobs] = await t.database.sql<{ count: number }[]>`
    select count(*)::int as count from graphile_worker.jobs where task_identifier = 'research_plan'`;
  const [audits] = await t.database.sql<{ count: number }[]>`select count(*)::int as count from audit_log`;
  return { plans: plans?.count, jobs: jobs?.count, audits: audits?.count };
}

async function countPostJobs() {
  const [row] = await t.database.sql<{ count: number }[]>`select count(*)::int as count from graphile_worker.jobs where task_identifier = 'post_plan_message'`;
  return row?.count;
}

function submit(answers: Parameters<typeof planModalSubmissionView>[0], viewOptions?: Parameters<typeof planModalSubmissionView>[1]) {
  return viewSubmissionBody({ teamId: TEAM, userId: AUTHOR, view: planModalSubmissionView(answers, viewOptions) });
}

describe('/content', () => {
  test('opens the plan modal within Slack limits', async () => {
    const response = await t.send(
      slashCommandBody({ teamId: TEAM, userId: AUTHOR, channelId: 'C0ORIGIN', text: '', triggerId: t.slack.issueTriggerId() }),
    );
    expect(response.status).toBe(200);
    const [call] = await t.slack.waitFor((c) => c.method === 'views.open');
    expect(call?.outcome).toBe('ok');
    const view = call?.args['view'] as { callback_id: string; blocks: { block_id: string }[] };
    expect(view.callback_id).toBe(PLAN_MODAL.callbackId);
    expect(view.blocks.map((block) => block.block_id)).toEqual(Object.values(PLAN_MODAL.blocks));
  });

  test('a trigger Slack no longer accepts gets an ephemeral answer saying to run the command again', async () => {
    const trigger = t.slack.issueTriggerId();
    const responseUrl = t.slack.issueResponseUrl();
    // The first command uses the trigger; the second, sent with the same one, cannot open a form.
    await t.send(slashCommandBody({ teamId: TEAM, userId: AUTHOR, channelId: 'C0ORIGIN', text: '', triggerId: trigger }));
    await t.slack.waitFor((c) => c.method === 'views.open' && c.outcome === 'ok');
    const response = await t.send(slashCommandBody({ teamId: TEAM, userId: AUTHOR, channelId: 'C0ORIGIN', text: '', triggerId: trigger, responseUrl }));
    expect(response.status).toBe(200);
    const refused = await t.slack.waitFor((c) => c.method === 'views.open' && c.outcome !== 'ok');
    expect(refused.at(-1)?.error).toBe('exchanged_trigger_id');
    await expect.poll(() => t.slack.responses.filter((posted) => posted.url === responseUrl).length).toBe(1);
    const [answer] = t.slack.responses.filter((posted) => posted.url === responseUrl);
    expect(answer?.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining("couldn't open the form in time") });
    expect(t.logs.join('')).toContain('exchanged_trigger_id');
  });

  test('a Slack that answers views.open with a server error gets the same ephemeral answer, and the error is logged', async () => {
    const responseUrl = t.slack.issueResponseUrl();
    t.slack.failNext('views.open', { status: 503, body: 'Service Unavailable' });
    const response = await t.send(slashCommandBody({ teamId: TEAM, userId: AUTHOR, channelId: 'C0ORIGIN', text: '', triggerId: t.slack.issueTriggerId(), responseUrl }));
    expect(response.status).toBe(200);
    await expect.poll(() => t.slack.responses.filter((posted) => posted.url === responseUrl).length).toBe(1);
    const [answer] = t.slack.responses.filter((posted) => posted.url === responseUrl);
    expect(answer?.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining("couldn't open the form in time") });
    expect(t.logs.join('')).toContain('HTTP 503');
  });

  test('`new <topic>` prefills the topic', async () => {
    const before = t.slack.callsTo('views.open').length;
    await t.send(
      slashCommandBody({ teamId: TEAM, userId: AUTHOR, channelId: 'C0ORIGIN', text: 'new Hybrid work for agencies', triggerId: t.slack.issueTriggerId() }),
    );
    const calls = await t.slack.waitFor((c) => c.method === 'views.open', 5000, before + 1);
    const view = calls.at(-1)?.args['view'] as { blocks: { block_id: string; element: { initial_value?: string } }[] };
    expect(view.blocks.find((block) => block.block_id === PLAN_MODAL.blocks.topic)?.element.initial_value).toBe('Hybrid work for agencies');
  });

  test('help, an unknown subcommand, list and status answer ephemerally', async () => {
    const ask = async (text: string) => {
      const response = await t.send(slashCommandBody({ teamId: TEAM, userId: AUTHOR, channelId: 'C0ORIGIN', text, triggerId: t.slack.issueTriggerId() }));
      expect(response.status).toBe(200);
      return (await response.json()) as { response_type: string; text: string };
    };
    expect((await ask('help')).text).toContain('researches');
    const unknown = await ask('frobnicate');
    expect(unknown.response_type).toBe('ephemeral');
    expect(unknown.text).toContain('frobnicate');
    expect((await ask('status 999')).text).toContain('no plan #999');
    expect((await ask('list')).response_type).toBe('ephemeral');
  });
});

describe('plan submission', () => {
  beforeEach(async () => {
    // The last test's plans are started after their acks; truncating under that statement can deadlock.
    await waitForPlansStarted(t);
    await t.database.sql`truncate content_plans, plan_counters, audit_log cascade`;
    await t.database.sql`delete from graphile_worker._private_jobs`;
  });

  test('bad values are answered inline under their fields', async () => {
    const response = await t.send(
      submit({
        topic: 'ab',
        keyphrase: 'one two three four five six seven eight',
        keywords: Array.from({ length: 11 }, (_, i) => `keyword ${i}`).join(', '),
        channels: [],
        competitorUrls: 'ftp://example.com/file',
      }),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(body.errors).toEqual({
      topic: 'Give the topic at least 3 characters.',
      keyphrase: 'Use 1–4 words: this has 8.',
      keywords: 'Use at most 10 keywords: this has 11.',
      channels: 'Pick at least one channel.',
      competitor_urls: '"ftp://example.com/file" is not an http(s) URL.',
    });
    expect(await countRows()).toEqual({ plans: 0, jobs: 0, audits: 0 });
  });

  test('six competitor URLs are too many', async () => {
    const urls = Array.from({ length: 6 }, (_, i) => `https://site${i}.example.com/post`).join('\n');
    const response = await t.send(submit({ competitorUrls: urls }));
    const body = (await response.json()) as { errors: Record<string, string> };
    expect(body.errors).toEqual({ competitor_urls: 'Use at most 5 URLs: this has 6.' });
  });

  test('a good submission saves one plan, one audit row, one job and posts one root message', async () => {
    const posts = t.slack.callsTo('chat.postMessage').length;
    const response = await t.send(submit({}, { viewId: 'V0GOOD1' }));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    // The web process only saves the plan; its message is a job of its own, queued with the research
    // just after the ack.
    expect(t.slack.callsTo('chat.postMessage').length).toBe(posts);
    await expect.poll(countPostJobs).toBe(1);
    expect(await t.database.sql`select plan_id from plan_job_outbox`).toEqual([]);
    await runPostMessageJobs(t);
    expect(await countPostJobs()).toBe(0);

    const [post] = await t.slack.waitFor((c) => c.method === 'chat.postMessage' && c.outcome === 'ok', 5000, posts + 1).then((calls) => calls.slice(posts));
    expect(post?.args['channel']).toBe('C0MARKETING');
    const text = JSON.stringify(post?.args['blocks']);
    for (const expected of ['Hybrid work playbook for small teams', `<@${AUTHOR}>`, 'hybrid work', 'LinkedIn', 'X thread', 'Research', 'Draft', 'SEO', 'Variants']) {
      expect(text).toContain(expected);
    }
    expect(text.match(/"type":"task_card"/g)).toHaveLength(4);
    expect(text.match(/"status":"pending"/g)).toHaveLength(4);

    await expect.poll(async () => (await t.database.sql`select message_ts from content_plans`)[0]?.['message_ts']).toBe(post?.response?.['ts']);
    expect(await countRows()).toEqual({ plans: 1, jobs: 1, audits: 1 });
    const [plan] = await t.database.sql`select number, status, team_id, channels, keywords from content_plans`;
    expect(plan).toMatchObject({ number: 1, status: 'queued', team_id: TEAM, channels: ['blog', 'linkedin', 'x_thread'], keywords: ['remote work policy', 'async meetings'] });
  });

  test('a retried or duplicated submission leaves one plan and one message', async () => {
    const posts = t.slack.callsTo('chat.postMessage').length;
    const first = await t.send(submit({}, { viewId: 'V0DUP1' }));
    expect(first.status).toBe(200);
    const [retry, duplicate] = await Promise.all([
      t.send(submit({}, { viewId: 'V0DUP1' }), { retryNum: 1, retryReason: 'http_timeout' }),
      t.send(submit({}, { viewId: 'V0DUP1' })),
    ]);
    expect([retry.status, duplicate.status]).toEqual([200, 200]);
    await expect.poll(countPostJobs).toBe(1);
    await runPostMessageJobs(t);
    await t.slack.waitFor((c) => c.method === 'chat.postMessage', 5000, posts + 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(t.slack.callsTo('chat.postMessage').length).toBe(posts + 1);
    expect(await countRows()).toEqual({ plans: 1, jobs: 1, audits: 1 });
    // A repeat takes no number: the next plan follows the first.
    expect((await t.send(submit({}, { viewId: 'V0DUP2' }))).status).toBe(200);
    const numbers = await t.database.sql`select number from content_plans order by number`;
    expect(numbers.map((row) => row['number'])).toEqual([1, 2]);
  });

  test('plan creation is limited per workspace, with a clear message and nothing lost', async () => {
    await t.database.sql`
      insert into content_plans (team_id, number, source_key, author_id, topic, keyphrase, channels, post_channel_id)
      select ${TEAM}, n, 'seed-' || n, ${AUTHOR}, 'Seeded', 'seeded', '{blog}', 'C0MARKETING' from generate_series(1, 30) n`;
    // Plans made by the app number themselves and count their start, per minute, on the workspace's
    // counter: 30 in the last hour, and 40 more that are older and no longer count.
    await t.database.sql`
      with now as (select floor(extract(epoch from now()) / 60)::bigint as minute)
      insert into plan_counters (team_id, last_number, starts_per_minute)
      select ${TEAM}, 30, jsonb_build_object(minute::text, 12, (minute - 58)::text, 18, (minute - 61)::text, 40) from now`;
    await t.database.sql`insert into content_plans (team_id, number, source_key, author_id, topic, keyphrase, channels, post_channel_id)
      values ('T0OTHERTEAM', 1, 'other', 'U0X', 'Other team', 'other', '{blog}', 'C0X')`;
    const response = await t.send(submit({}, { viewId: 'V0LIMITED' }));
    const body = (await response.json()) as { response_action: string; errors: Record<string, string> };
    expect(body.errors['topic']).toMatch(/started 30 plans in the last hour, the most allowed \(30\)/);
    expect(await countRows()).toMatchObject({ plans: 31, jobs: 0 });
  });

  test('simultaneous submissions cannot slip past the hourly limit', async () => {
    const responses = await Promise.all(Array.from({ length: 36 }, (_, i) => t.send(submit({ topic: `Burst ${i}` }, { viewId: `V0BURST${i}` }))));
    const bodies = await Promise.all(responses.map((response) => response.text()));
    expect(bodies.filter((body) => body === '')).toHaveLength(30);
    expect(bodies.filter((body) => body.includes('the most allowed (30)'))).toHaveLength(6);
    await expect.poll(countRows).toEqual({ plans: 30, jobs: 30, audits: 30 });
  });

  test('plans get consecutive numbers per workspace', async () => {
    await t.send(submit({}, { viewId: 'V0NUM1' }));
    await t.send(submit({ topic: 'Second topic' }, { viewId: 'V0NUM2' }));
    const rows = await t.database.sql`select number from content_plans order by number`;
    expect(rows.map((row) => row['number'])).toEqual([1, 2]);
  });

  test('when the app is not in the channel the plan is kept and the author is told how to fix it', async () => {
    t.slack.denyChannel('C0PRIVATE', 'not_in_channel');
    const response = await t.send(submit({ postChannel: 'C0PRIVATE' }, { viewId: 'V0DENIED', originChannelId: 'C0ORIGIN' }));
    expect(response.status).toBe(200);
    await runPostMessageJobs(t);
    const [ephemeral] = await t.slack.waitFor((c) => c.method === 'chat.postEphemeral' && c.args['user'] === AUTHOR);
    expect(ephemeral?.args['channel']).toBe('C0ORIGIN');
    expect(String(ephemeral?.args['text'])).toContain('/invite @Content Broadcaster');
    expect(JSON.stringify(ephemeral?.args['blocks'])).toContain('conversations_select');
    const [plan] = await t.database.sql`select id, status, message_ts from content_plans`;
    expect(plan).toMatchObject({ status: 'queued', message_ts: null });

    // "Post it here" posts the plan in the channel the command came from.
    const postHere = JSON.stringify(ephemeral?.args['blocks']).match(/"action_id":"post_plan_elsewhere","value":"([^"]+)"/)?.[1];
    expect(postHere).toBe(`${plan?.['id']}:C0ORIGIN`);
    const responseUrl = t.slack.issueResponseUrl();
    await t.send(
      blockActionsBody({
        teamId: TEAM,
        userId: AUTHOR,
        channelId: 'C0ORIGIN',
        actions: [{ action_id: ACTIONS.postElsewhere, block_id: `post_elsewhere:${plan?.['id']}`, value: postHere }],
        triggerId: t.slack.issueTriggerId(),
        responseUrl,
      }),
    );
    await expect.poll(async () => (await t.database.sql`select message_channel_id from content_plans`)[0]?.['message_channel_id']).toBe('C0ORIGIN');
    await expect.poll(() => t.slack.responses.find((posted) => posted.url === responseUrl)?.body['text']).toMatch(/Posted plan #1 in <#C0ORIGIN>/);
  });
});

describe('the Slack endpoint', () => {
  const command = () => slashCommandBody({ teamId: TEAM, userId: AUTHOR, channelId: 'C0ORIGIN', text: 'help', triggerId: 'x' });

  test('a bad signature gets 401', async () => {
    expect((await t.send(command(), { badSignature: true })).status).toBe(401);
  });

  test('a timestamp over 5 minutes old or ahead gets 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await t.send(command(), { timestamp: now - 6 * 60 })).status).toBe(401);
    expect((await t.send(command(), { timestamp: now + 6 * 60 })).status).toBe(401);
    expect((await t.send(command(), { timestamp: now - 60 })).status).toBe(200);
  });

  test('answers url_verification with the challenge', async () => {
    const response = await t.send(urlVerificationBody('challenge-123'));
    expect(await response.json()).toEqual({ challenge: 'challenge-123' });
  });

  test('parses form bodies whatever their charset parameter', async () => {
    const body = command();
    const response = await t.send({ ...body, contentType: 'application/x-www-form-urlencoded; charset=utf-8' });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { text: string }).text).toContain('researches');
  });

  test('metrics are served in the Prometheus text format', async () => {
    const response = await fetch(`${t.app.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(/^content_broadcaster_jobs\{state="queued"\} \d+$/m);
    expect(text).toContain('content_broadcaster_worker_up 0');
  });

  test('healthz reports the database and the worker', async () => {
    const response = await fetch(`${t.app.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, database: 'up', worker: 'not in this process' });
  });
});
