import postgres from 'postgres';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import * as schema from './schema.ts';

export type Database = PostgresJsDatabase<typeof schema>;
export type Sql = postgres.Sql;
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
/** A database or an open transaction: queries that must join a caller's transaction take this. */
export type Executor = Database | Transaction;

export type DatabaseHandle = {
  db: Database;
  sql: Sql;
  close(): Promise<void>;
};

/** `onQuery` sees the text of every statement sent (the benchmarks count them). */
export function makeDatabase({ url, max = 10, onQuery }: { url: string; max?: number; onQuery?: (query: string) => void }): DatabaseHandle {
  const sql = postgres(url, { max, onnotice: () => {}, connect_timeout: 10, ...(onQuery ? { debug: (_connection, query) => onQuery(query) } : {}) });
  const db = drizzle(sql, { schema });
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
}

export async function isDatabaseReachable(sql: Sql): Promise<boolean> {
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  }
}

/**
 * A statement built once per database handle (drizzle's prepared query with placeholders), so the hot
 * paths of an ack pay only for filling in values, not for building SQL on every request.
 */
export function preparedPerDatabase<T>(build: (db: Executor) => T): (db: Executor) => T {
  const built = new WeakMap<Executor, T>();
  return (db) => {
    let statement = built.get(db);
    if (statement === undefined) {
      statement = build(db);
      built.set(db, statement);
    }
    return statement;
  };
}
