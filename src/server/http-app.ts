import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { InstallProvider } from '@slack/oauth';
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
  renderMetrics?: () => Promise<string>;
};

type NodeBindings = { Bindings: { incoming: IncomingMessage; outgoing: ServerResponse } };

export function makeHttpApp({ receiver, installer, checkHealth, renderMetrics }: HttpAppOptions): Hono<NodeBindings> {
  const app = new Hono<NodeBindings>();

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

  if (renderMetrics) {
    app.get('/metrics', async (c) => c.text(await renderMetrics(), 200, { 'content-type': 'text/plain; version=0.0.4' }));
  }

  if (receiver) {
    app.post(
      '/slack/events',
      bodyLimit({
        maxSize: MAX_BODY_BYTES,
        onError: async (c) => {
          await discardBody(c.req.raw.body);
          return c.text('payload too large', 413);
        },
      }),
      async (c) => {
        const response = await receiver.handle({
          rawBody: await c.req.text(),
          contentType: c.req.header('content-type'),
          signature: c.req.header('x-slack-signature'),
          timestamp: c.req.header('x-slack-request-timestamp'),
          retryNum: c.req.header('x-slack-retry-num'),
          retryReason: c.req.header('x-slack-retry-reason'),
        });
        return c.body(response.body, response.status as 200, response.contentType ? { 'content-type': response.contentType } : {});
      },
    );
  }

  return app;
}

async function discardBody(body: ReadableStream<Uint8Array> | null): Promise<void> {
  if (!body) return;
  const reader = body.getReader();
  let total = 0;
  try {
    while (total <= MAX_DISCARD_BYTES) {
      const { done, value } = await reader.read();
      if (done) return;
      total += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The client went away; nothing left to answer.
  }
}
