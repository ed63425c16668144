import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
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
 * costs 0.3 ms more than `node:http` a call (web streams, Request and Headers objects). Modals open
 * right after an ack, on the thread that acks the next requests, so the call is plain `node:http`.
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

/** POSTs a JSON body with a bearer token over Node's keep-alive agent; fails after `timeoutMs` in all. */
function postJson(url: URL, { token, body, timeoutMs }: { token: string; body: string; timeoutMs: number }): Promise<{ status: number; text: string }> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(
      url,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    const deadline = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    request.on('close', () => clearTimeout(deadline));
    request.on('error', reject);
    request.end(body);
  });
}
