import { afterAll, beforeAll, expect, test } from 'vitest';
import { PLAN_MODAL } from '../../src/bot/ids.ts';
import { startFakeSocketMode, type FakeSocketMode } from '../support/fake-socket-mode.ts';
import { planModalSubmissionView } from '../support/plan-modal-values.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let socketMode: FakeSocketMode;

beforeAll(async () => {
  // Socket Mode needs no signing secret and no public URL.
  t = await startTestApp({ role: 'web', env: { SLACK_APP_TOKEN: 'xapp-1-test-app-token', SLACK_SIGNING_SECRET: '' }, beforeStart: async (slack) => {
    socketMode = await startFakeSocketMode(slack);
  } });
  await socketMode.connected;
});
afterAll(async () => {
  await t?.close();
  await socketMode?.close();
});

test('with SLACK_APP_TOKEN the app takes commands and submissions over Socket Mode', async () => {
  const trigger = t.slack.issueTriggerId();
  const ack = await socketMode.deliver('slash_commands', {
    command: '/content',
    text: '',
    team_id: 'T0FAKE0001',
    user_id: 'U0MIA',
    channel_id: 'C0ORIGIN',
    trigger_id: trigger,
    api_app_id: 'A0FAKEAPP1',
  });
  expect(ack).toEqual({});
  const [open] = await t.slack.waitFor((call) => call.method === 'views.open' && call.args['trigger_id'] === trigger);
  expect((open?.args['view'] as { callback_id: string }).callback_id).toBe(PLAN_MODAL.callbackId);

  const errors = await socketMode.deliver('interactive', {
    type: 'view_submission',
    team: { id: 'T0FAKE0001' },
    user: { id: 'U0MIA', team_id: 'T0FAKE0001' },
    api_app_id: 'A0FAKEAPP1',
    view: { ...planModalSubmissionView({ topic: 'ab' }, { viewId: 'V0SOCKET' }), type: 'modal', team_id: 'T0FAKE0001' },
  });
  expect(errors).toMatchObject({ response_action: 'errors', errors: { topic: 'Give the topic at least 3 characters.' } });

  // The HTTP endpoint is not served in Socket Mode.
  expect((await fetch(`${t.app.url}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
  expect((await fetch(`${t.app.url}/healthz`)).status).toBe(200);
});
