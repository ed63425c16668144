import { type IncomingHttpHeaders, request as httpRequest, STATUS_CODES } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { DestinationAddressError, type DestinationNetworkPolicy, makeGuardedAgent } from './network-guard.ts';
import type { DeliveryResult } from './types.ts';

export const USER_AGENT = 'ContentBroadcaster/0.1';

/**
 * What came of one HTTP exchange, told apart by what matters for exactly-once delivery:
 * - `answered`: a status (and body) came back;
 * - `not_sent`: the request never fully left this machine (refused, DNS, TLS, connect timeout), so the
 *   server cannot have acted on it;
 * - `no_answer`: the whole request was written and then the exchange broke (timeout, reset), so the
 *   server may have acted on it. `status` is set when the headers arrived but the body did not.
 */
export type HttpExchange =
  | { kind: 'answered'; status: number; headers: IncomingHttpHeaders; body: string }
  | { kind: 'not_sent'; timedOut: boolean; code: string | undefined; message: string; isRefusedBeforeSending: boolean }
  | { kind: 'no_answer'; timedOut: boolean; code: string | undefined; message: string; status?: number };

export type HttpRequestOptions = {
  url: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  /** For the whole exchange: connecting, sending and reading the answer. */
  timeoutMs: number;
  /** Answers longer than this are cut (we never need more than a post's JSON). */
  maxBodyBytes?: number;
  /** Which addresses and ports the request may connect to. */
  network: DestinationNetworkPolicy;
};

class TimeoutError extends Error {
  readonly code = 'ETIMEDOUT_EXCHANGE';
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/**
 * Sends one request without following redirects or reusing connections (a stale pooled socket could
 * turn a clean failure into an ambiguous one), through an agent that connects only where `network`
 * allows, and never throws: every outcome is an `HttpExchange`.
 */
export function sendHttpRequest({ url, method, headers = {}, body, timeoutMs, maxBodyBytes = 2_000_000, network }: HttpRequestOptions): Promise<HttpExchange> {
  return new Promise((resolve) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (error) {
      resolve({ kind: 'not_sent', timedOut: false, code: 'ERR_INVALID_URL', message: String(error), isRefusedBeforeSending: false });
      return;
    }
    const isHttps = parsed.protocol === 'https:';
    const send = isHttps ? httpsRequest : httpRequest;
    const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
    let isSent = false;
    let isSettled = false;
    let status: number | undefined;
    let timer: NodeJS.Timeout | undefined;

    const settle = (exchange: HttpExchange) => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(timer);
      resolve(exchange);
    };
    const broken = (error: unknown) => {
      const timedOut = error instanceof TimeoutError;
      const code = timedOut ? undefined : errorCode(error);
      const message = error instanceof Error ? error.message : String(error);
      if (!isSent) settle({ kind: 'not_sent', timedOut, code, message, isRefusedBeforeSending: error instanceof DestinationAddressError });
      else settle({ kind: 'no_answer', timedOut, code, message, ...(status === undefined ? {} : { status }) });
    };

    let request: ReturnType<typeof send>;
    try {
      request = send(parsed, {
        method,
        agent: makeGuardedAgent(isHttps ? 'https:' : 'http:', network),
        headers: {
          'user-agent': USER_AGENT,
          accept: 'application/json',
          ...headers,
          ...(payload === undefined ? {} : { 'content-length': String(payload.length) }),
        },
      });
    } catch (error) {
      // Node refuses some requests outright, such as a header value with a line break.
      broken(error);
      return;
    }
    timer = setTimeout(() => request.destroy(new TimeoutError(`no answer within ${timeoutMs} ms`)), timeoutMs);

    // 'finish' fires once the whole request has been handed to the socket: from then on the server may act on it.
    request.on('finish', () => {
      isSent = true;
    });
    request.on('error', broken);
    request.on('response', (response) => {
      status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size >= maxBodyBytes) return;
        chunks.push(chunk);
        size += chunk.length;
      });
      response.on('error', broken);
      response.on('aborted', () => broken(new Error('the answer was cut off')));
      response.on('end', () => {
        settle({
          kind: 'answered',
          status: status ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).subarray(0, maxBodyBytes).toString('utf8'),
        });
      });
    });
    request.end(payload);
  });
}

/** What Test says when no answer came: one sentence, whatever the cause, so it cannot probe ports. */
export const UNREACHABLE = 'no answer came (the connection was refused, timed out or broke); check the URL and that the server is up.';

/** "404 Not Found": the status and its standard reason phrase (never the server's own text). */
export function describeStatus(status: number): string {
  const phrase = STATUS_CODES[status];
  return phrase === undefined ? String(status) : `${status} ${phrase}`;
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date), when it has one. */
function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim());
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * A busy or failing server's answer (429, 5xx): worth another try, after its Retry-After when it gave
 * one. `state` is `unknown` when the server may have acted before failing.
 */
export function retryableAnswer(
  exchange: Extract<HttpExchange, { kind: 'answered' }>,
  { state, reason, now }: { state: 'failed' | 'unknown'; reason: string; now?: number },
): DeliveryResult {
  const retryAfter = parseRetryAfter(exchange.headers['retry-after'], now);
  return { state, retryable: true, status: exchange.status, reason, ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }) };
}

/** "5 s", "1.5 s": a timeout as people read it. */
export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

/** An answer's body as JSON, or undefined when it is not JSON (the caller's schema then says what is wrong). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The host of a configured URL, for sentences; the text itself when it is not a URL. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
