import { Agent, request } from 'undici';
import type { View } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { AppError } from '../../errors.ts';

// A trigger id expires 3 seconds after the click; past that a retry can only fail.
const TRIGGER_LIFETIME_MS = 3_000;

type SlackAnswer = { ok?: boolean; error?: string; response_metadata?: { messages?: string[] } };

/**
 * Opens a modal with `views.open`, sent as one JSON POST with the client's token and API URL.
 *
 * WebClient form-encodes the view and, whatever the log level, serialises the request and Slack's
 * answer (which repeats the whole view) for its debug log: about 0.75 ms of CPU a call. `fetch`
 * costs 0.3 ms more than `node:http` a call (web streams, Request and Headers objects), and
 * `node:http` about twice what undici's `request` does. Modals open right after an ack, on the
 * thread that acks the next requests, so the call is undici's `request`.
 * Slack's refusals (expired_trigger_id, invalid_arguments with its messages) become an AppError that
 * names them.
 */
export async function openModal(client: WebClient, { triggerId, view }: { triggerId: string; view: View }): Promise<void> {
  let answer: SlackAnswer;
  try {
    const response = await postJson(new URL('views.open', client.slackApiUrl), {
      token: client.token ?? '',
      body: JSON.stringify({ trigger_id: triggerId, view }),
      timeoutMs: TRIGGER_LIFETIME_MS,
    });
    // Slack's answer repeats the whole view; when it starts by saying ok there is nothing to parse.
    if (response.status === 200 && response.text.startsWith('{"ok":true')) return;
    answer = response.status === 200 ? (JSON.parse(response.text) as SlackAnswer) : { ok: false, error: `HTTP ${response.status}` };
  } catch (error) {
    throw new AppError('UPSTREAM', `Slack could not be reached to open the form: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (answer.ok) return;
  const slackError = answer.error ?? 'unknown_error';
  const messages = answer.response_metadata?.messages ?? [];
  throw new AppError('UPSTREAM', `Slack refused to open the form: ${slackError}${messages.length ? ` (${messages.join('; ')})` : ''}`, {
    details: { slackError, messages },
  });
}

// Keep-alive connections to Slack's API, shared by every modal open. At most 16: a burst of opens
// queues here (cheap) instead of opening a connection each, and 16 connections at Slack's round trip
// of about 100 ms open some 160 modals a second. Slack allows views.open 100+ a minute per workspace
// (Tier 4); in the ack benchmark's burst of 200 opens in about 0.1 s the last reaches Slack 1.2 s
// after its click, within the trigger's 3 seconds.
const slackApi = new Agent({ keepAliveTimeout: 30_000, connections: 16 });

/** POSTs a JSON body with a bearer token; fails when the answer's headers, or then its body, take over `timeoutMs`. */
async function postJson(url: URL, { token, body, timeoutMs }: { token: string; body: string; timeoutMs: number }): Promise<{ status: number; text: string }> {
  const response = await request(url, {
    method: 'POST',
    dispatcher: slackApi,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' },
    body,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  return { status: response.statusCode, text: await response.body.text() };
}
