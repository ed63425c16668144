import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { describeStatus, formatSeconds, type HttpExchange, retryableAnswer, sendHttpRequest, UNREACHABLE } from './http.ts';
import type { DestinationNetworkPolicy } from './network-guard.ts';
import { type DeliveryResult, type DestinationCheck, validateDestinationUrl } from './types.ts';

export const SIGNATURE_HEADER = 'X-Content-Broadcaster-Signature';
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<idempotency key>.<body>">` with the destination's
 * secret. The key is signed too, so nobody can replay a delivery under a new key to get it stored twice.
 */
export function signWebhookBody({ secret, body, timestamp, idempotencyKey }: { secret: string; body: string; timestamp: number; idempotencyKey: string }): string {
  const t = Math.floor(timestamp);
  const digest = createHmac('sha256', secret).update(`${t}.${idempotencyKey}.${body}`, 'utf8').digest('hex');
  return `t=${t},v1=${digest}`;
}

/**
 * What a receiver does with the signature header: true when one `v1` matches and `t` is within
 * `toleranceSeconds` of now. Exported for the README's receiver example and for tests.
 */
export function isValidWebhookSignature({
  secret,
  body,
  idempotencyKey,
  header,
  now = Date.now,
  toleranceSeconds = 300,
}: {
  secret: string;
  body: string;
  /** The `Idempotency-Key` header of the same request. */
  idempotencyKey: string;
  header: string;
  now?: () => number;
  toleranceSeconds?: number;
}): boolean {
  const fields = header.split(',').map((part) => part.trim().split('='));
  const timestamp = Number(fields.find(([name]) => name === 't')?.[1]);
  if (!Number.isInteger(timestamp) || Math.abs(now() / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhookBody({ secret, body, timestamp, idempotencyKey }).split('v1=')[1] ?? '', 'hex');
  return fields.some(([name, value]) => {
    if (name !== 'v1' || value === undefined) return false;
    const candidate = Buffer.from(value, 'hex');
    return candidate.length === expected.length && timingSafeEqual(candidate, expected);
  });
}

export type DeliverWebhookOptions = {
  url: string;
  secret: string;
  /** The JSON to send, usually `buildPublishBody(content)`; re-sends must pass the same body. */
  body: string;
  /** Stable across retries of one delivery, so the receiver can drop a duplicate. */
  idempotencyKey: string;
  timeoutMs?: number;
  now?: () => number;
  network: DestinationNetworkPolicy;
};

/**
 * POSTs a signed JSON body. 2xx is delivered; 408, 429 and 5xx are retryable failures; other 4xx and
 * 3xx are final. A timeout or reset after the whole request went out is `unknown`: re-send it with
 * the same idempotency key, which is how the receiver's answer settles it.
 */
export async function deliverWebhook({
  url,
  secret,
  body,
  idempotencyKey,
  timeoutMs = 10_000,
  now = Date.now,
  network,
}: DeliverWebhookOptions): Promise<DeliveryResult> {
  const problem = validateDestinationUrl(url);
  if (problem !== null) {
    return { state: 'failed', retryable: false, isRefusedBeforeSending: true, reason: `${problem.replace(/\.$/, '')}; fix the webhook's URL in the App Home.` };
  }
  const exchange = await sendHttpRequest({
    url,
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      [SIGNATURE_HEADER]: signWebhookBody({ secret, body, timestamp: now() / 1000, idempotencyKey }),
      [IDEMPOTENCY_HEADER]: idempotencyKey,
    },
    body,
    timeoutMs,
    maxBodyBytes: 64_000,
    network,
  });
  return classifyWebhookExchange(exchange, { url, timeoutMs, now: now() });
}

/**
 * Sends a signed `{"type":"ping"}` for the App Home's Test button. The answer says only the status, or
 * one fixed sentence when there was none, so Test cannot be used to read pages or tell open ports from
 * closed ones; a URL the network guard refuses is named as such.
 */
export async function pingWebhook({
  url,
  secret,
  timeoutMs = 5_000,
  now = Date.now,
  network,
}: {
  url: string;
  secret: string;
  timeoutMs?: number;
  now?: () => number;
  network: DestinationNetworkPolicy;
}): Promise<DestinationCheck> {
  const result = await deliverWebhook({
    url,
    secret,
    body: JSON.stringify({ type: 'ping' }),
    idempotencyKey: `ping-${randomUUID()}`,
    timeoutMs,
    now,
    network,
  });
  if (result.status !== undefined) {
    const ok = result.state === 'delivered';
    return { ok, status: result.status, message: `The webhook answered ${describeStatus(result.status)} to a signed ping.` };
  }
  if (result.isRefusedBeforeSending) return { ok: false, message: result.reason ?? UNREACHABLE };
  return { ok: false, message: `The webhook did not answer a signed ping within ${formatSeconds(timeoutMs)}: ${UNREACHABLE}` };
}

function isTlsError(code: string | undefined): boolean {
  return code !== undefined && (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || /CERT|SELF_SIGNED/.test(code));
}

function classifyWebhookExchange(exchange: HttpExchange, { url, timeoutMs, now }: { url: string; timeoutMs: number; now: number }): DeliveryResult {
  if (exchange.kind === 'answered') {
    const { status } = exchange;
    const described = describeStatus(status);
    if (status >= 200 && status < 300) return { state: 'delivered', retryable: false, status };
    if (status === 408 || status === 429 || status >= 500) {
      return retryableAnswer(exchange, { state: 'failed', reason: `The webhook answered ${described}.`, now });
    }
    if (status >= 300 && status < 400) {
      return {
        state: 'failed',
        retryable: false,
        status,
        reason: `The webhook answered ${described} and redirects are not followed; enter its final URL in the App Home.`,
      };
    }
    if (status === 401 || status === 403) {
      return {
        state: 'failed',
        retryable: false,
        status,
        reason: `The webhook answered ${described}; check that the receiver verifies signatures with the secret saved in the App Home.`,
      };
    }
    return { state: 'failed', retryable: false, status, reason: `The webhook answered ${described}; check its URL in the App Home.` };
  }

  const host = new URL(url).host;
  if (exchange.kind === 'not_sent' && exchange.isRefusedBeforeSending) {
    return { state: 'failed', retryable: false, isRefusedBeforeSending: true, reason: `${exchange.message} Change the webhook's URL in the App Home.` };
  }
  if (exchange.kind === 'not_sent') {
    if (exchange.timedOut) {
      return { state: 'failed', retryable: true, reason: `The webhook at ${host} did not accept a connection within ${formatSeconds(timeoutMs)}.` };
    }
    if (isTlsError(exchange.code)) {
      return {
        state: 'failed',
        retryable: false,
        reason: `The webhook at ${host} has a TLS certificate that was not accepted (${exchange.code}); fix the certificate or the URL in the App Home.`,
      };
    }
    if (exchange.code === 'ENOTFOUND' || exchange.code === 'EAI_AGAIN') {
      return { state: 'failed', retryable: true, reason: `The webhook's host ${host} could not be found; check its URL in the App Home.` };
    }
    if (exchange.code === 'ECONNREFUSED') {
      return { state: 'failed', retryable: true, reason: `The webhook at ${host} refused the connection.` };
    }
    return { state: 'failed', retryable: true, reason: `The webhook at ${host} could not be reached (${exchange.code ?? exchange.message}).` };
  }

  // The whole request went out; a 2xx status line counts even if the answer's body was cut off.
  if (exchange.status !== undefined && exchange.status >= 200 && exchange.status < 300) {
    return { state: 'delivered', retryable: false, status: exchange.status };
  }
  return {
    state: 'unknown',
    retryable: true,
    reason: exchange.timedOut
      ? `The webhook did not answer within ${formatSeconds(timeoutMs)} of being sent the content; it will be re-sent with the same idempotency key.`
      : `The connection to the webhook broke after the content was sent; it will be re-sent with the same idempotency key.`,
  };
}
