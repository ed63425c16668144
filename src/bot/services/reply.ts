import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';

/**
 * Answers the person who pressed a button: ephemerally where the press came from a message, or
 * in their direct messages with the app when it came from the Home tab (which has no response_url).
 */
export async function replyTo({ respond, client, userId, text }: { respond: RespondFn | undefined; client: WebClient; userId: string; text: string }) {
  if (respond) {
    await respond({ response_type: 'ephemeral', replace_original: false, text }).catch(() => undefined);
    return;
  }
  await client.chat.postMessage({ channel: userId, text }).catch(() => undefined);
}
