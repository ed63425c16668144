import type { View } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { AppError } from '../../errors.ts';

// A trigger id expires 3 seconds after the click; past that a retry can only fail.
const TRIGGER_LIFETIME_MS = 3_000;

/**
 * Opens a modal with `views.open`, sent as one JSON POST with the client's token and API URL.
 *
 * WebClient form-encodes the view and, whatever the log level, serialises the request and Slack's
 * answer (which repeats the whole view) for its debug log: about 0.75 ms of CPU a call, three times
 * what the call costs as plain JSON. Modals open right after an ack, on the thread that acks the next
 * requests. Slack's refusals (expired_trigger_id, invalid_arguments with its messages) become an
 * AppError that names them.
 */
export async function openModal(client: WebClient, { triggerId, view }: { triggerId: string; view: View }): Promise<void> {
  let answer: { ok?: boolean; error?: string; response_metadata?: { messages?: string[] } };
  try {
    const response = await fetch(new URL('views.open', client.slackApiUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${client.token ?? ''}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ trigger_id: triggerId, view }),
      signal: AbortSignal.timeout(TRIGGER_LIFETIME_MS),
    });
    answer = response.ok ? ((await response.json()) as typeof answer) : { ok: false, error: `HTTP ${response.status}` };
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
