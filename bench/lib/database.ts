import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { ADMIN_DATABASE_URL } from './constants.ts';

export type BenchDatabase = { url: string; name: string; sql: postgres.Sql; drop(): Promise<void> };

/** A fresh, migrated database of its own for one benchmark (tests' helper needs vitest's inject()). */
export async function createBenchDatabase(label: string): Promise<BenchDatabase> {
  const name = `cb_bench_${label}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = postgres(ADMIN_DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(ADMIN_DATABASE_URL, name);
  await migrateDatabase(url);
  const sql = postgres(url, { max: 3, onnotice: () => {} });
  return {
    url,
    name,
    sql,
    drop: async () => {
      await sql.end({ timeout: 5 });
      const cleanup = postgres(ADMIN_DATABASE_URL, { max: 1, onnotice: () => {} });
      try {
        await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Transactions committed in the database so far (each statement outside a transaction counts as one). */
export async function transactionCount(database: BenchDatabase): Promise<number> {
  await database.sql`select pg_stat_clear_snapshot()`;
  const [row] = await database.sql<{ n: string }[]>`select xact_commit::text as n from pg_stat_database where datname = current_database()`;
  return Number(row?.n ?? Number.NaN);
}

/** Drops databases left by benchmark runs that were killed before they could clean up. */
export async function dropStaleDatabases(): Promise<void> {
  const admin = postgres(ADMIN_DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    const rows = await admin<{ datname: string }[]>`select datname from pg_database where datname like 'cb_bench_%'`;
    for (const { datname } of rows) {
      const pid = Number(/^cb_bench_.*_(\d+)_[0-9a-f]{6}$/.exec(datname)?.[1]);
      if (!Number.isInteger(pid) || isAlive(pid)) continue;
      await admin.unsafe(`drop database if exists ${datname} with (force)`);
    }
  } finally {
    await admin.end();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
