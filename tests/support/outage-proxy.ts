import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';

/** How requests are answered while the upstream is "down". */
export type OutageMode = { status: number } | 'reset';

export type OutageProxy = {
  /** The proxy's origin; append the same path you would use on the upstream. */
  origin: string;
  /** Where requests go while up, e.g. a fake's origin. */
  setTarget(origin: string): void;
  /** From now on every request fails: with an HTTP status, or by resetting the connection. */
  down(mode?: OutageMode): void;
  up(): void;
  /** Requests answered by the outage rather than forwarded, by path. */
  failed: string[];
  close(): Promise<void>;
};

const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

/**
 * An HTTP proxy in front of a fake server, with a switch that takes the "service" down for a
 * while: a timed outage, which the fakes' per-call `failNext` cannot express.
 */
export async function startOutageProxy(): Promise<OutageProxy> {
  let target = '';
  let outage: OutageMode | undefined;
  const failed: string[] = [];
  const sockets = new Set<Socket>();

  async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (outage) {
      failed.push(req.url ?? '/');
      if (outage === 'reset') {
        req.socket.destroy();
        return;
      }
      res.writeHead(outage.status, { 'content-type': 'text/plain' });
      res.end('Service Unavailable');
      return;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const body = Buffer.concat(chunks);
    const upstream = await fetch(`${target}${req.url ?? '/'}`, {
      method: req.method,
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
    });
    const answer = Buffer.from(await upstream.arrayBuffer());
    const answerHeaders: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (!HOP_BY_HOP.has(name) && name !== 'content-encoding') answerHeaders[name] = value;
    });
    res.writeHead(upstream.status, answerHeaders);
    res.end(answer);
  }

  const server = createServer((req, res) => {
    forward(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`outage-proxy: ${String(error)}`);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    setTarget: (origin) => {
      target = origin.replace(/\/+$/, '');
    },
    down: (mode = { status: 500 }) => {
      outage = mode;
    },
    up: () => {
      outage = undefined;
    },
    failed,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
