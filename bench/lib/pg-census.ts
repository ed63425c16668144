/**
 * A TCP proxy in front of Postgres that counts every statement the app executes, by its SQL text,
 * from the wire protocol (Parse/Bind for the extended protocol, Query for the simple one). For
 * diagnosis only: the extra hop adds latency, so no timing target is measured through it.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export type Census = {
  /** The Postgres URL to give the app: same credentials and database, through the proxy. */
  url: string;
  /** Executions by statement text (whitespace collapsed). */
  counts(): Map<string, number>;
  /** Every transaction committed on any connection, as the statements between BEGIN and COMMIT. */
  transactions(): string[][];
  reset(): void;
  close(): Promise<void>;
};

const SSL_REQUEST = 80877103;

export async function startPgCensus(targetUrl: string): Promise<Census> {
  const target = new URL(targetUrl);
  const counts = new Map<string, number>();
  const transactions: string[][] = [];
  const sockets = new Set<Socket>();

  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);

    // Parse what the client sends, without changing it.
    let buffer = Buffer.alloc(0);
    let isStarted = false;
    const statements = new Map<string, string>();
    // The connection's open transaction, if any: a connection runs one statement at a time.
    let open: string[] | null = null;
    const count = (text: string) => {
      const key = text.replace(/\s+/g, ' ').trim();
      counts.set(key, (counts.get(key) ?? 0) + 1);
      if (/^begin\b/i.test(key)) open = [];
      else if (/^(commit|rollback)\b/i.test(key)) {
        if (open && /^commit/i.test(key)) transactions.push(open);
        open = null;
      } else open?.push(key);
    };
    client.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (!isStarted) {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) return;
          const code = buffer.readInt32BE(4);
          buffer = buffer.subarray(length);
          if (code !== SSL_REQUEST) isStarted = true;
          continue;
        }
        if (buffer.length < 5) return;
        const type = String.fromCharCode(buffer[0] ?? 0);
        const length = buffer.readInt32BE(1);
        if (buffer.length < length + 1) return;
        const body = buffer.subarray(5, length + 1);
        buffer = buffer.subarray(length + 1);
        if (type === 'Q') count(cString(body, 0).text);
        else if (type === 'P') {
          const name = cString(body, 0);
          statements.set(name.text, cString(body, name.next).text);
        } else if (type === 'B') {
          const portal = cString(body, 0);
          const statement = cString(body, portal.next).text;
          count(statements.get(statement) ?? `(unknown prepared statement ${statement})`);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    counts: () => new Map(counts),
    transactions: () => transactions.map((statements) => [...statements]),
    reset: () => {
      counts.clear();
      transactions.length = 0;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function cString(buffer: Buffer, start: number): { text: string; next: number } {
  const end = buffer.indexOf(0, start);
  return { text: buffer.toString('utf8', start, end === -1 ? buffer.length : end), next: end + 1 };
}
