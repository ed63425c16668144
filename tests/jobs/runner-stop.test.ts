import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeRunnerPool, startWorker } from '../../src/jobs/runner.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.drop());

// On shutdown the app stops its embedded Postgres right after the worker. Any worker connection
// still open then is terminated by the server; graphile-worker's own pool, ended without waiting and
// with its error listeners already removed, turned that into an uncaught error and exit code 1.
test.each([1, 2, 3, 4, 5])('after stop() resolves, Postgres ending every connection the runner had causes no error (round %i)', async (round) => {
  const applicationName = `runner-stop-${round}`;
  const url = new URL(database.url);
  url.searchParams.set('application_name', applicationName);
  const warnings: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const line = JSON.parse(chunk.toString()) as { level: number; msg: string };
      if (line.level >= 40) warnings.push(line.msg);
      done();
    },
  });
  let slowStarted: () => void = () => {};
  const slowRunning = new Promise<void>((resolve) => {
    slowStarted = resolve;
  });
  const ran: string[] = [];
  const worker = await startWorker({
    connectionString: url.toString(),
    concurrency: 4,
    taskList: {
      note: async (payload) => void ran.push(String((payload as { id: string }).id)),
      slow: async () => {
        slowStarted();
        await new Promise((resolve) => setTimeout(resolve, 200));
      },
    },
    logger: pino({ level: 'info' }, logStream),
    sql: database.sql,
    pollInterval: 50,
  });
  for (let i = 0; i < 8; i += 1) await worker.runner.addJob('note', { id: String(i) });
  await expect.poll(() => ran.length).toBe(8);
  // Stopped while a job runs, as Ctrl-C does: the job finishes first.
  await worker.runner.addJob('slow', {});
  await slowRunning;
  await worker.stop();

  await database.sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${applicationName}`;
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(warnings).toEqual([]);
});

test('ending the runner pool gives up after its timeout when a connection is never released', async () => {
  const warnings: string[] = [];
  const logger = pino({ level: 'warn' }, new Writable({
    write(chunk: Buffer, _encoding, done) {
      warnings.push((JSON.parse(chunk.toString()) as { msg: string }).msg);
      done();
    },
  }));
  const { pool, end } = makeRunnerPool(database.url, logger, { closeTimeoutMs: 300 });
  const leaked = await pool.connect();
  await end();
  expect(warnings).toEqual(['job runner connections still open; stopping anyway']);
  leaked.release();
});
