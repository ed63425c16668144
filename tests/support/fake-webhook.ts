import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseJson } from './request-body.ts';

/**
 * What the fake does with the next request, once it has read the whole body:
 * - a status, or `{ status, body?, headers? }`: answers it;
 * - `{ hangAfterReceive: true }`: never answers (the sender times out);
 * - `{ resetAfterReceive: true }`: destroys the connection without answering.
 */
export type FakeWebhookResponse =
  | number
  | { status: number; body?: string; headers?: Record<string, string> }
  | { hangAfterReceive: true }
  | { resetAfterReceive: true };

export type FakeWebhookRequest = {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  body: unknown;
  rawBody: string;
  /** What the fake did with it: a status, `hang` or `reset`. */
  outcome: number | 'hang' | 'reset';
};

export type FakeWebhook = {
  /** The receiver's URL (`http://127.0.0.1:<port>/hooks/content`). */
  url: string;
  requests: FakeWebhookRequest[];
  /** Queues what the next requests get, in order; once the queue is empty every request gets 200. */
  respondWith(...responses: FakeWebhookResponse[]): void;
  /** Resolves once `count` requests have been received. */
  waitForRequests(count: number, timeoutMs?: number): Promise<FakeWebhookRequest[]>;
  close(): Promise<void>;
};

function answer(res: ServerResponse, status: number, body?: string, headers: Record<string, string> = {}): void {
  const text = body ?? JSON.stringify({ ok: status >= 200 && status < 300 });
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}

/** A webhook receiver on 127.0.0.1 that records every request, including the ones it hangs on. */
export async function startFakeWebhook({ path = '/hooks/content' }: { path?: string } = {}): Promise<FakeWebhook> {
  const requests: FakeWebhookRequest[] = [];
  const queue: FakeWebhookResponse[] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const next = queue.shift() ?? 200;
      const record = (outcome: FakeWebhookRequest['outcome']) =>
        requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: parseJson(rawBody), rawBody, outcome });
      if (typeof next === 'number') {
        record(next);
        answer(res, next);
      } else if ('hangAfterReceive' in next) {
        record('hang');
      } else if ('resetAfterReceive' in next) {
        record('reset');
        req.socket.destroy();
      } else {
        record(next.status);
        answer(res, next.status, next.body, next.headers);
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${path}`,
    requests,
    respondWith(...responses) {
      queue.push(...responses);
    },
    async waitForRequests(count, timeoutMs = 2_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < count) {
        if (Date.now() > deadline) throw new Error(`fake-webhook: expected ${count} request(s) within ${timeoutMs} ms, got ${requests.length}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return requests;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
