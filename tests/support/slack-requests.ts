/**
 * Signed, wire-exact Slack requests for the app's HTTP tests: slash commands
 * as form fields, interactivity as `payload=<json>`, events as JSON. Shapes
 * follow Slack's payload reference and bolt-python's scenario tests.
 */
import { createHmac } from 'node:crypto';

export interface SlackRequestBody {
  body: string;
  contentType: string;
}

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

/** A response_url nothing listens on (port 9, discard): respond() fails fast instead of reaching Slack. */
function unreachableResponseUrl(kind: string, teamId: string): string {
  return `http://127.0.0.1:9/${kind}/${teamId}/1234567890/fakeResponseUrlToken`;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** `action_ts`-like value: seconds with six decimals. */
function slackTs(): string {
  return (Date.now() / 1000).toFixed(6);
}

function form(fields: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) params.append(name, value);
  return params.toString();
}

function interactivity(payload: Record<string, unknown>): SlackRequestBody {
  return { body: form({ payload: JSON.stringify(payload) }), contentType: FORM };
}

function userOf(teamId: string, userId: string) {
  return { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: teamId };
}

function teamOf(teamId: string) {
  return { id: teamId, domain: 'fake-workspace' };
}

/**
 * Slack's request signature headers: `v0=` + hex HMAC-SHA256 of
 * `v0:{timestamp}:{body}` keyed with the signing secret.
 */
export function signSlackRequest({
  signingSecret,
  body,
  timestamp = nowSeconds(),
}: {
  signingSecret: string;
  body: string;
  timestamp?: number;
}): { 'X-Slack-Signature': string; 'X-Slack-Request-Timestamp': string } {
  const digest = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'X-Slack-Signature': `v0=${digest}`, 'X-Slack-Request-Timestamp': String(timestamp) };
}

export function slashCommandBody({
  teamId,
  userId,
  channelId,
  command = '/content',
  text = '',
  triggerId,
  responseUrl = unreachableResponseUrl('commands', teamId),
  channelName = 'general',
}: {
  teamId: string;
  userId: string;
  channelId: string;
  command?: string;
  text?: string;
  triggerId: string;
  responseUrl?: string;
  channelName?: string;
}): SlackRequestBody {
  return {
    body: form({
      token: 'verification_token',
      team_id: teamId,
      team_domain: 'fake-workspace',
      channel_id: channelId,
      channel_name: channelName,
      user_id: userId,
      user_name: userId.toLowerCase(),
      command,
      text,
      api_app_id: 'A0FAKEAPP1',
      is_enterprise_install: 'false',
      response_url: responseUrl,
      trigger_id: triggerId,
    }),
    contentType: FORM,
  };
}

export interface BlockActionInput {
  action_id: string;
  block_id: string;
  value?: string;
  /** Element type; `button` by default. */
  type?: string;
  /** Further fields of the action as Slack sends them, e.g. `selected_option`. */
  [field: string]: unknown;
}

export function blockActionsBody({
  teamId,
  userId,
  channelId,
  message,
  actions,
  triggerId,
  view,
  responseUrl = unreachableResponseUrl('actions', teamId),
  stateValues = {},
}: {
  teamId: string;
  userId: string;
  channelId?: string;
  /** The message the actions came from (its latest state as Slack stored it). */
  message?: { ts: string; thread_ts?: string; text?: string; blocks?: unknown[]; [field: string]: unknown };
  actions: BlockActionInput[];
  triggerId: string;
  /** The view the actions came from, for actions inside a modal or the Home tab. */
  view?: Record<string, unknown>;
  responseUrl?: string;
  /** `state.values` of the message's input elements. */
  stateValues?: Record<string, Record<string, unknown>>;
}): SlackRequestBody {
  const actionTs = slackTs();
  const payload: Record<string, unknown> = {
    type: 'block_actions',
    user: userOf(teamId, userId),
    api_app_id: 'A0FAKEAPP1',
    token: 'verification_token',
    trigger_id: triggerId,
    team: teamOf(teamId),
    enterprise: null,
    is_enterprise_install: false,
    actions: actions.map(({ type = 'button', ...action }) => ({
      ...(type === 'button' ? { text: { type: 'plain_text', text: action.action_id, emoji: true } } : {}),
      ...action,
      type,
      action_ts: actionTs,
    })),
  };
  if (view !== undefined) {
    payload.container = { type: 'view', view_id: view.id ?? 'V0FAKEVIEW1' };
    payload.view = { state: { values: {} }, ...view };
  } else if (message !== undefined && channelId !== undefined) {
    const container: Record<string, unknown> = {
      type: 'message',
      message_ts: message.ts,
      channel_id: channelId,
      is_ephemeral: false,
    };
    if (message.thread_ts !== undefined) container.thread_ts = message.thread_ts;
    payload.container = container;
    payload.channel = { id: channelId, name: 'general' };
    payload.message = { type: 'message', text: '', user: 'U0FAKEBOT1', bot_id: 'B0FAKEBOT1', team: teamId, ...message };
    payload.state = { values: stateValues };
    payload.response_url = responseUrl;
  } else if (channelId !== undefined) {
    payload.container = { type: 'message', channel_id: channelId, is_ephemeral: true };
    payload.channel = { id: channelId, name: 'general' };
    payload.state = { values: stateValues };
    payload.response_url = responseUrl;
  }
  return interactivity(payload);
}

export function viewSubmissionBody({
  teamId,
  userId,
  view,
  triggerId = '1000000000.1.fakeTriggerForSubmission',
  responseUrls = [],
}: {
  teamId: string;
  userId: string;
  view: {
    callback_id: string;
    private_metadata: string;
    state: { values: Record<string, Record<string, unknown>> };
    id?: string;
    hash?: string;
    blocks?: unknown[];
    title?: unknown;
    [field: string]: unknown;
  };
  triggerId?: string;
  /** Present when an input block has `response_url_enabled`. */
  responseUrls?: { block_id: string; action_id: string; channel_id: string; response_url: string }[];
}): SlackRequestBody {
  const id = view.id ?? 'V0FAKEVIEW1';
  return interactivity({
    type: 'view_submission',
    team: teamOf(teamId),
    user: userOf(teamId, userId),
    api_app_id: 'A0FAKEAPP1',
    token: 'verification_token',
    trigger_id: triggerId,
    view: {
      team_id: teamId,
      type: 'modal',
      blocks: [],
      title: { type: 'plain_text', text: 'Content' },
      close: { type: 'plain_text', text: 'Cancel' },
      submit: { type: 'plain_text', text: 'Submit' },
      clear_on_close: false,
      notify_on_close: false,
      previous_view_id: null,
      root_view_id: id,
      app_id: 'A0FAKEAPP1',
      external_id: '',
      app_installed_team_id: teamId,
      bot_id: 'B0FAKEBOT1',
      hash: `${nowSeconds()}.fakeHash`,
      ...view,
      id,
    },
    response_urls: responseUrls,
    is_enterprise_install: false,
    enterprise: null,
  });
}

export function eventBody({
  teamId,
  event,
  eventId = `Ev${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
  type = 'event_callback',
  eventTime = nowSeconds(),
}: {
  teamId: string;
  event: Record<string, unknown>;
  eventId?: string;
  type?: string;
  eventTime?: number;
}): SlackRequestBody {
  return {
    body: JSON.stringify({
      token: 'verification_token',
      team_id: teamId,
      api_app_id: 'A0FAKEAPP1',
      event: { event_ts: slackTs(), ...event },
      type,
      event_id: eventId,
      event_time: eventTime,
      authorizations: [
        { enterprise_id: null, team_id: teamId, user_id: 'U0FAKEBOT1', is_bot: true, is_enterprise_install: false },
      ],
      is_ext_shared_channel: false,
      event_context: `4-fake-${teamId}-${eventId}`,
    }),
    contentType: JSON_TYPE,
  };
}

export function urlVerificationBody(challenge: string): SlackRequestBody {
  return {
    body: JSON.stringify({ token: 'verification_token', challenge, type: 'url_verification' }),
    contentType: JSON_TYPE,
  };
}

/**
 * POSTs a signed Slack request to `${baseUrl}/slack/events` (or `path`) and
 * returns the fetch Response. `badSignature` signs with another secret.
 */
export async function sendSlackRequest(
  baseUrl: string,
  { body, contentType }: SlackRequestBody,
  {
    signingSecret,
    retryNum,
    retryReason,
    timestamp,
    badSignature = false,
    path = '/slack/events',
    headers = {},
  }: {
    signingSecret: string;
    retryNum?: number;
    retryReason?: string;
    timestamp?: number;
    badSignature?: boolean;
    path?: string;
    headers?: Record<string, string>;
  },
): Promise<Response> {
  const signed = signSlackRequest({
    signingSecret: badSignature ? `${signingSecret}-wrong` : signingSecret,
    body,
    timestamp,
  });
  const retryHeaders: Record<string, string> = {};
  if (retryNum !== undefined) {
    retryHeaders['X-Slack-Retry-Num'] = String(retryNum);
    retryHeaders['X-Slack-Retry-Reason'] = retryReason ?? 'http_timeout';
  }
  return fetch(`${baseUrl.replace(/\/+$/, '')}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': contentType, ...signed, ...retryHeaders, ...headers },
    body,
  });
}
