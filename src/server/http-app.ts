import { Hono } from 'hono';
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { InstallProvider } from '@slack/oauth';
import { addConnectRoutes, type ConnectDeps } from './connect.ts';
import type { HonoSlackReceiver } from './slack-receiver.ts';

export const MAX_BODY_BYTES = 1024 * 1024;
// An oversized body is read and dropped up to this size so the client sees the 413; beyond it
// the connection is simply closed.
const MAX_DISCARD_BYTES = 16 * 1024 * 1024;

export type HealthReport = { ok: boolean; database: 'up' | 'down'; worker: string };

export type HttpAppOptions = {
  receiver: HonoSlackReceiver | undefined;
  installer?: InstallProvider | undefined;
  checkHealth: () => Promise<HealthReport>;
  /** Served at /metrics on this app; leave it out when metrics are on their own port, or off. */
  metrics?: MetricsRoute | undefined;
  /** The X and LinkedIn connect flows (/connect/...), on processes that serve people. */
  connect?: ConnectDeps | undefined;
};

/** `token` set: /metrics answers only requests with `Authorization: Bearer <token>`. */
export type MetricsRoute = { render: () => Promise<string>; token: string | undefined };

type NodeBindings = { Bindings: { incoming: IncomingMessage; outgoing: ServerResponse } };

export function makeHttpApp({ receiver, installer, checkHealth, metrics, connect }: HttpAppOptions): Hono<NodeBindings> {
  const app = new Hono<NodeBindings>();
  if (connect) addConnectRoutes(app, connect);

  if (installer) {
    // @slack/oauth writes to Node's own request and response objects.
    app.get('/slack/install', async (c) => {
      await installer.handleInstallPath(c.env.incoming, c.env.outgoing);
      return RESPONSE_ALREADY_SENT;
    });
    app.get('/slack/oauth_redirect', async (c) => {
      await installer.handleCallback(c.env.incoming, c.env.outgoing);
      return RESPONSE_ALREADY_SENT;
    });
  }

  app.get('/healthz', async (c) => {
    const report = await checkHealth();
    return c.json(report, report.ok ? 200 : 503);
  });

  if (metrics) addMetricsRoute(app, metrics);

  if (receiver) {
    app.post('/slack/events', async (c) => {
      // Read from Node's request stream: a web ReadableStream over it costs more CPU than the rest of the ack.
      const body = await readBodyWithin(c.env.incoming, MAX_BODY_BYTES);
      if (!body.ok) return c.text(body.reason, body.status);
      const response = await receiver.handle({
        rawBody: body.text,
        contentType: c.req.header('content-type'),
        signature: c.req.header('x-slack-signature'),
        timestamp: c.req.header('x-slack-request-timestamp'),
        retryNum: c.req.header('x-slack-retry-num'),
        retryReason: c.req.header('x-slack-retry-reason'),
      });
      return c.body(response.body, response.status as 200, response.contentType ? { 'content-type': response.contentType } : {});
    });
  }

  return app;
}

/** The app of METRICS_PORT: /metrics and nothing else. */
export function makeMetricsApp(metrics: MetricsRoute): Hono<NodeBindings> {
  return addMetricsRoute(new Hono<NodeBindings>(), metrics);
}

function addMetricsRoute(app: Hono<NodeBindings>, { render, token }: MetricsRoute): Hono<NodeBindings> {
  app.get('/metrics', async (c) => {
    if (token !== undefined && !isBearer(c.req.header('authorization'), token)) {
      return c.text('unauthorized: send Authorization: Bearer <METRICS_TOKEN>', 401, { 'www-authenticate': 'Bearer' });
    }
    return c.text(await render(), 200, { 'content-type': 'text/plain; version=0.0.4' });
  });
  return app;
}

function isBearer(header: string | undefined, token: string): boolean {
  const presented = Buffer.from(header?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim() ?? '');
  const expected = Buffer.from(token);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

type BodyRead = { ok: true; text: string } | { ok: false; status: 400 | 413; reason: string };

/**
 * Reads a request body of at most `maxBytes`, whether its size is announced (Content-Length) or
 * not (chunked). An oversized body is read on and dropped up to MAX_DISCARD_BYTES so the client
 * sees the 413; beyond that the request stream is destroyed.
 */
function readBodyWithin(incoming: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  const announcedBytes = Number(incoming.headers['content-length'] ?? 0);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let isTooLarge = announcedBytes > maxBytes;
    // The error listener stays: a stream error with no listener would crash the process.
    const settle = (result: BodyRead) => {
      incoming.off('data', onData).off('end', onEnd).off('close', onClose);
      resolve(result);
    };
    const tooLarge = () => settle({ ok: false, status: 413, reason: 'payload too large' });
    const onData = (chunk: Buffer) => {
      total += chunk.byteLength;
      if (!isTooLarge && total > maxBytes) {
        isTooLarge = true;
        chunks.length = 0;
      }
      if (!isTooLarge) chunks.push(chunk);
      else if (total > MAX_DISCARD_BYTES) {
        incoming.destroy();
        tooLarge();
      }
    };
    const onEnd = () => (isTooLarge ? tooLarge() : settle({ ok: true, text: Buffer.concat(chunks, total).toString('utf8') }));
    // The client went away mid-body; whatever we answer, nobody reads it.
    const onFailure = () => settle({ ok: false, status: 400, reason: 'incomplete body' });
    const onClose = () => {
      if (!incoming.complete) onFailure();
    };
    incoming.on('data', onData).on('end', onEnd).on('error', onFailure).on('close', onClose);
  });
}
