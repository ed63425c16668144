import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { findFreePort, startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded.ts';

export type RestartablePostgres = {
  /** Stays the same across restarts: the same port and data directory. */
  url: string;
  port: number;
  /** Fast shutdown (SIGINT): open connections are terminated, like a database restart or failover. */
  stop(): Promise<void>;
  /** Starts again on the same port and data. */
  start(): Promise<void>;
  isRunning(): boolean;
  /** Stops it and deletes its data. */
  destroy(): Promise<void>;
};

/**
 * A throwaway embedded Postgres that a test may stop and start again at the same URL, for outage
 * tests that must not disturb the shared test server.
 */
export async function startRestartablePostgres(): Promise<RestartablePostgres> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cb-restartable-pg-'));
  const port = await findFreePort();
  const logger = pino({ level: 'silent' });
  let cluster: EmbeddedDatabase | undefined = await startEmbeddedPostgres({ dataDir, logger, port });
  const url = cluster.url;
  const stop = async () => {
    await cluster?.stop();
    cluster = undefined;
  };
  return {
    url,
    port,
    start: async () => {
      cluster = await startEmbeddedPostgres({ dataDir, logger, port });
    },
    stop,
    isRunning: () => cluster !== undefined,
    destroy: async () => {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
