import { createHmac, timingSafeEqual } from 'node:crypto';
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { Logger } from 'pino';

const MAX_CLOCK_SKEW_SECONDS = 5 * 60;
// Bolt's own ack timeout; past it Slack has already shown an error to the user.
const ACK_TIMEOUT_MS = 3_001;

export type SlackHttpResponse = { status: number; body: string; contentType?: string };

export type SlackRequest = {
  rawBody: string;
  contentType: string | undefined;
  signature: string | undefined;
  timestamp: string | undefined;
  retryNum: string | undefined;
  retryReason: string | undefined;
};

/**
 * A Bolt receiver that does not listen itself: the Hono server hands it each request
 * to /slack/events. It verifies, parses by media type and dispatches to Bolt.
 */
export class HonoSlackReceiver implements Receiver {
  #app: App | undefined;
  readonly #signingSecret: string;
  readonly #logger: Logger;
  readonly #now: () => number;

  constructor({ signingSecret, logger, now = Date.now }: { signingSecret: string; logger: Logger; now?: () => number }) {
    this.#signingSecret = signingSecret;
    this.#logger = logger;
    this.#now = now;
  }

  init(app: App): void {
    this.#app = app;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  async handle(request: SlackRequest): Promise<SlackHttpResponse> {
    const verification = verifySlackSignature({
      signingSecret: this.#signingSecret,
      rawBody: request.rawBody,
      signature: request.signature,
      timestamp: request.timestamp,
      nowSeconds: Math.floor(this.#now() / 1000),
    });
    if (!verification.ok) {
      this.#logger.warn({ reason: verification.reason }, 'rejected a Slack request');
      return { status: 401, body: verification.reason };
    }

    const parsed = parseSlackBody(request.rawBody, request.contentType);
    if (!parsed.ok) return { status: parsed.status, body: parsed.reason };
    const body = parsed.body;

    if (body['ssl_check'] === '1') return { status: 200, body: '' };
    if (body['type'] === 'url_verification') {
      return { status: 200, body: JSON.stringify({ challenge: body['challenge'] }), contentType: 'application/json' };
    }
    if (!this.#app) return { status: 503, body: 'not ready' };

    return this.#dispatch(this.#app, body, request);
  }

  #dispatch(app: App, body: Record<string, unknown>, request: SlackRequest): Promise<SlackHttpResponse> {
    return new Promise((resolve) => {
      let isAcknowledged = false;
      const finish = (response: SlackHttpResponse) => {
        if (isAcknowledged) return;
        isAcknowledged = true;
        clearTimeout(timer);
        resolve(response);
      };
      const timer = setTimeout(() => {
        this.#logger.warn('a Slack request was not acknowledged within 3 seconds');
        finish({ status: 200, body: '' });
      }, ACK_TIMEOUT_MS);

      const retryNum = request.retryNum === undefined ? undefined : Number.parseInt(request.retryNum, 10);
      const event: ReceiverEvent = {
        body,
        retryNum: Number.isFinite(retryNum) ? retryNum : undefined,
        retryReason: request.retryReason,
        ack: async (response?: unknown) => {
          finish(toAckResponse(response));
          // The listener resumes on the next turn of the event loop: by then this answer is written
          // and the requests that arrived meanwhile have been read, so follow-up work (opening a
          // modal, saving, posting) never holds up another request's ack.
          await new Promise((resolve) => setImmediate(resolve));
        },
      };
      app.processEvent(event).then(
        // Nothing acknowledged it: no listener handles this kind of request. Events still get
        // 200, or Slack would retry them.
        () => finish(body['type'] === 'event_callback' ? { status: 200, body: '' } : { status: 404, body: 'no handler for this request' }),
        (error: unknown) => {
          // Listeners acknowledge first, so an error before the ack comes from a request Bolt
          // could not make sense of (missing user, team or fields).
          this.#logger.warn({ err: error }, 'a Slack request could not be handled');
          finish({ status: 400, body: 'malformed request' });
        },
      );
    });
  }
}

function toAckResponse(response: unknown): SlackHttpResponse {
  if (response === undefined || response === null || response === '') return { status: 200, body: '' };
  if (typeof response === 'string') return { status: 200, body: response, contentType: 'text/plain; charset=utf-8' };
  return { status: 200, body: JSON.stringify(response), contentType: 'application/json' };
}

export type Verification = { ok: true } | { ok: false; reason: string };

/** Slack's v0 signature scheme, rejecting timestamps more than 5 minutes old or ahead. */
export function verifySlackSignature({
  signingSecret,
  rawBody,
  signature,
  timestamp,
  nowSeconds,
}: {
  signingSecret: string;
  rawBody: string;
  signature: string | undefined;
  timestamp: string | undefined;
  nowSeconds: number;
}): Verification {
  if (!signature || !timestamp) return { ok: false, reason: 'missing signature headers' };
  const requestSeconds = Number(timestamp);
  if (!Number.isInteger(requestSeconds)) return { ok: false, reason: 'invalid timestamp' };
  if (Math.abs(nowSeconds - requestSeconds) > MAX_CLOCK_SKEW_SECONDS) {
    return { ok: false, reason: 'stale or future timestamp' };
  }
  const expected = `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
  const isMatch =
    expected.length === signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
  return isMatch ? { ok: true } : { ok: false, reason: 'signature mismatch' };
}

export type ParsedBody =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; status: 400 | 415; reason: string };

/** Parses by media type, ignoring parameters such as charset (Bolt's own parser does not). */
export function parseSlackBody(rawBody: string, contentType: string | undefined): ParsedBody {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  try {
    if (mediaType === 'application/json') {
      const body: unknown = JSON.parse(rawBody);
      if (!isRecord(body)) return { ok: false, status: 400, reason: 'expected a JSON object' };
      return { ok: true, body };
    }
    if (mediaType === 'application/x-www-form-urlencoded') {
      const form = Object.fromEntries(new URLSearchParams(rawBody));
      if (typeof form['payload'] === 'string') {
        const payload: unknown = JSON.parse(form['payload']);
        if (!isRecord(payload)) return { ok: false, status: 400, reason: 'expected a JSON object in payload' };
        return { ok: true, body: payload };
      }
      return { ok: true, body: form };
    }
  } catch {
    return { ok: false, status: 400, reason: 'malformed body' };
  }
  return { ok: false, status: 415, reason: 'unsupported content type' };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
