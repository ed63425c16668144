import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, expect, test } from 'vitest';
import { startEmbeddedPostgres } from '../../src/db/embedded.ts';
import { AppError } from '../../src/errors.ts';

let dataDir: string | undefined;
afterEach(() => {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('a data folder locked by a pid file that names a live program other than Postgres is explained, with the PID and the fix', async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'cb-embedded-'));
  const databaseDir = path.join(dataDir, 'postgres');
  mkdirSync(databaseDir);
  writeFileSync(path.join(databaseDir, 'PG_VERSION'), '18\n');
  // This test runner is alive and is not a Postgres.
  writeFileSync(path.join(databaseDir, 'postmaster.pid'), `${process.pid}\n${databaseDir}\n`);
  const started = startEmbeddedPostgres({ dataDir, logger: pino({ level: 'silent' }) });
  await expect(started).rejects.toThrow(AppError);
  await expect(started).rejects.toThrow(
    `The embedded Postgres data in ${databaseDir} is locked by ${databaseDir}/postmaster.pid, which names PID ${process.pid}, a process that is not Postgres: if no Postgres uses this folder, delete that file and start again.`,
  );
});
