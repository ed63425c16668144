import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ACTIONS, BLOCKS, decisionButtonValue, SETTINGS_MODALS } from '../../src/bot/ids.ts';
import { seedCompetitors, waitForQuiet } from '../support/pipeline.ts';
import { planModalSubmissionView } from '../support/plan-modal-values.ts';
import { ENCRYPTION_KEY_HEX } from '../support/review.ts';
import { KEYPHRASE, scriptAuthor, GOOD_DRAFT } from '../support/scripted-author.ts';
import { blockActionsBody, eventBody, slashCommandBody, viewSubmissionBody } from '../support/slack-requests.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const TEAM_A = 'T0AAAAAAA';
const TEAM_B = 'T0BBBBBBB';
const TOKEN_A = 'xoxb-team-a-secret-token';
const TOKEN_B = 'xoxb-team-b-secret-token';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({
    env: {
      SLACK_BOT_TOKEN: '',
      SLACK_CLIENT_ID: '1111.2222',
      SLACK_CLIENT_SECRET: 'client-secret-for-tests',
      SLACK_STATE_SECRET: 'state-secret-for-tests-0123456789',
      ENCRYPTION_KEY: ENCRYPTION_KEY_HEX,
      PLAN_RATE_LIMIT_PER_HOUR: '1000',
    },
  });
  scriptAuthor(t.openai, { drafts: [GOOD_DRAFT] });
  seedCompetitors(t.firecrawl);
});
afterAll(async () => t?.close());

function grant(code: string, { teamId, token, enterprise, installer = 'U0INSTALLER' }: { teamId: string | null; token: string; enterprise?: string; installer?: string }) {
  t.slack.grantOAuthCode(code, {
    access_token: token,
    token_type: 'bot',
    scope: 'chat:write,commands',
    bot_user_id: 'U0BOT',
    app_id: 'A0FAKEAPP1',
    team: teamId ? { id: teamId, name: `Team ${teamId}` } : null,
    enterprise: enterprise ? { id: enterprise, name: 'Org' } : null,
    is_enterprise_install: Boolean(enterprise) && !teamId,
    authed_user: { id: installer },
  });
}

/** Walks the "Add to Slack" flow as a browser would: install page, then Slack's redirect back. */
async function install(code: string, { tamperState = false } = {}): Promise<Response> {
  const page = await fetch(`${t.app.url}/slack/install`);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('Add to Slack');
  const state = decodeURIComponent(html.match(/state=([^&"]+)/)?.[1] ?? '');
  const cookie = page.headers.get('set-cookie')?.split(';')[0] ?? '';
  const usedState = tamperState ? `${state.slice(0, -3)}xyz` : state;
  return fetch(`${t.app.url}/slack/oauth_redirect?code=${code}&state=${encodeURIComponent(usedState)}`, { headers: { cookie } });
}

describe('distribution by OAuth', () => {
  test('an install stores the workspace with its token encrypted', async () => {
    grant('code-a', { teamId: TEAM_A, token: TOKEN_A });
    const callback = await install('code-a');
    expect(callback.status).toBe(200);
    const rows = await t.database.sql`select team_id, enterprise_id, is_enterprise_install, installer_user_id, installation_encrypted from installations`;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ team_id: TEAM_A, enterprise_id: '', is_enterprise_install: false, installer_user_id: 'U0INSTALLER' });
    expect(String(rows[0]?.['installation_encrypted'])).not.toContain(TOKEN_A);
  });

  test('a callback whose state does not verify stores nothing', async () => {
    grant('code-bad', { teamId: 'T0EVIL', token: 'xoxb-evil' });
    const callback = await install('code-bad', { tamperState: true });
    expect(callback.status).toBeGreaterThanOrEqual(400);
    expect(await t.database.sql`select 1 from installations where team_id = 'T0EVIL'`).toHaveLength(0);
  });

  test('an Enterprise Grid org-wide install is stored under the enterprise', async () => {
    grant('code-org', { teamId: null, token: 'xoxb-org-token', enterprise: 'E0ORG' });
    expect((await install('code-org')).status).toBe(200);
    const [row] = await t.database.sql`select team_id, enterprise_id, is_enterprise_install from installations where enterprise_id = 'E0ORG'`;
    expect(row).toEqual({ team_id: 'E0ORG', enterprise_id: 'E0ORG', is_enterprise_install: true });
  });
});

describe('the installer', () => {
  const A = SETTINGS_MODALS.approvers.blocks;
  const approversForm = (installer: string | null) => ({
    [A.requiredApprovals]: { value: { type: 'number_input', value: '1' } },
    [A.installer]: { value: { type: 'users_select', selected_user: installer } },
  });
  async function submitApprovers(userId: string, installer: string | null) {
    const view = { id: 'V0APPROVERS', callback_id: SETTINGS_MODALS.approvers.callbackId, private_metadata: '', state: { values: approversForm(installer) } };
    const response = await t.send(viewSubmissionBody({ teamId: TEAM_A, userId, view }));
    expect(response.status).toBe(200);
    const text = await response.text();
    return text ? (JSON.parse(text) as { errors?: Record<string, string> }) : undefined;
  }
  const installerOf = async () => (await t.database.sql`select installer_user_id from installations where team_id = ${TEAM_A}`)[0]?.['installer_user_id'];

  test('a reinstall by another member does not make them the installer, so not an admin', async () => {
    grant('code-a-again', { teamId: TEAM_A, token: TOKEN_A, installer: 'U0MEMBER' });
    expect((await install('code-a-again')).status).toBe(200);
    expect(await installerOf()).toBe('U0INSTALLER');
    const refused = await submitApprovers('U0MEMBER', 'U0MEMBER');
    expect(refused?.errors?.[A.approvers]).toMatch(/Only admins can change settings/);
    expect(await installerOf()).toBe('U0INSTALLER');
  });

  test('an admin changes the installer in Approvers & policy, and the change is audited', async () => {
    expect(await submitApprovers('U0INSTALLER', 'U0NEXT')).toBeUndefined();
    expect(await installerOf()).toBe('U0NEXT');
    const audit = await t.database.sql`select actor_id, details from audit_log where team_id = ${TEAM_A} and action = 'installer_changed'`;
    expect(audit).toEqual([{ actor_id: 'U0INSTALLER', details: { from: 'U0INSTALLER', to: 'U0NEXT' } }]);
    // The previous installer is an admin no more.
    expect((await submitApprovers('U0INSTALLER', 'U0INSTALLER'))?.errors?.[A.approvers]).toMatch(/Only admins/);
  });
});

describe('two workspaces', () => {
  let planA: { id: string; number: number };

  test('each workspace is served with its own token, and jobs use the plan’s workspace token', async () => {
    grant('code-b', { teamId: TEAM_B, token: TOKEN_B });
    expect((await install('code-b')).status).toBe(200);

    const trigger = t.slack.issueTriggerId();
    await t.send(slashCommandBody({ teamId: TEAM_B, userId: 'U0BEA', channelId: 'C0BBB', text: '', triggerId: trigger }));
    const [open] = await t.slack.waitFor((call) => call.method === 'views.open' && call.args['trigger_id'] === trigger);
    expect(open?.token).toBe(TOKEN_B);

    const response = await t.send(
      viewSubmissionBody({ teamId: TEAM_A, userId: 'U0ANN', view: planModalSubmissionView({ keyphrase: KEYPHRASE, channels: ['blog', 'linkedin'], postChannel: 'C0AAA' }, { viewId: 'V0TEAMA' }) }),
    );
    expect(response.status).toBe(200);
    const [row] = await t.database.sql<{ id: string; number: number }[]>`select id, number from content_plans where team_id = ${TEAM_A}`;
    planA = row!;
    await expect.poll(async () => (await t.database.sql`select status from content_plans where id = ${planA.id}`)[0]?.['status'], { timeout: 30_000 }).toBe('in_review');
    await waitForQuiet(t, planA.id);
    const updates = t.slack.callsTo('chat.update').filter((call) => call.args['channel'] === 'C0AAA');
    expect(updates.length).toBeGreaterThan(0);
    expect(new Set(updates.map((call) => call.token))).toEqual(new Set([TOKEN_A]));
  });

  test('nothing of one workspace can be seen, approved or counted from the other', async () => {
    const list = await t.send(slashCommandBody({ teamId: TEAM_B, userId: 'U0BEA', channelId: 'C0BBB', text: 'list', triggerId: 'x' }));
    expect(JSON.stringify(await list.json())).not.toContain('Remote onboarding');
    const status = await t.send(slashCommandBody({ teamId: TEAM_B, userId: 'U0BEA', channelId: 'C0BBB', text: `status ${planA.number}`, triggerId: 'x' }));
    expect(((await status.json()) as { text: string }).text).toContain(`no plan #${planA.number}`);

    const responseUrl = t.slack.issueResponseUrl();
    await t.send(
      blockActionsBody({
        teamId: TEAM_B,
        userId: 'U0BEA',
        channelId: 'C0BBB',
        message: { ts: '1.1' },
        actions: [{ action_id: ACTIONS.approve, block_id: BLOCKS.planReviewActions, value: decisionButtonValue({ id: planA.id, revision: 0 }) }],
        triggerId: t.slack.issueTriggerId(),
        responseUrl,
      }),
    );
    await expect.poll(() => t.slack.responses.find((posted) => posted.url === responseUrl)?.body['text']).toBe('That plan no longer exists in this workspace.');
    expect((await t.database.sql`select status from content_plans where id = ${planA.id}`)[0]?.['status']).toBe('in_review');

    await t.send(eventBody({ teamId: TEAM_B, event: { type: 'app_home_opened', user: 'U0BEA', tab: 'home', channel: 'D0B' } }));
    const [home] = await t.slack.waitFor((call) => call.method === 'views.publish' && call.args['user_id'] === 'U0BEA');
    expect(home?.token).toBe(TOKEN_B);
    expect(JSON.stringify(home?.args['view'])).not.toContain('Remote onboarding');
  });

  test('uninstalling deletes the tokens and cancels the workspace’s queued jobs', async () => {
    const response = await t.send(
      viewSubmissionBody({ teamId: TEAM_B, userId: 'U0BEA', view: planModalSubmissionView({ channels: ['blog'], postChannel: 'C0BBB' }, { viewId: 'V0TEAMB' }) }),
    );
    expect(response.status).toBe(200);
    await t.send(eventBody({ teamId: TEAM_B, event: { type: 'app_uninstalled' } }));
    await expect.poll(async () => (await t.database.sql`select count(*)::int as n from installations where team_id = ${TEAM_B}`)[0]?.['n']).toBe(0);
    expect((await t.database.sql`select count(*)::int as n from installations where team_id = ${TEAM_A}`)[0]?.['n']).toBe(1);
  });
});
