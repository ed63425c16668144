import { and, asc, eq } from 'drizzle-orm';
import type { SecretContext } from '../crypto.ts';
import type { Executor } from './client.ts';
import { isUuid } from './plans.ts';
import { publishDestinations } from './schema.ts';

export type DestinationRow = typeof publishDestinations.$inferSelect;

/** What a destination's stored secret is bound to: its workspace and its row. */
export function destinationSecretContext(row: { teamId: string; id: string }): SecretContext {
  return { teamId: row.teamId, row: `publish_destinations:${row.id}` };
}

export async function listDestinations(db: Executor, teamId: string): Promise<DestinationRow[]> {
  return db.select().from(publishDestinations).where(eq(publishDestinations.teamId, teamId)).orderBy(asc(publishDestinations.createdAt));
}

export async function findDestination(db: Executor, teamId: string, id: string): Promise<DestinationRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db
    .select()
    .from(publishDestinations)
    .where(and(eq(publishDestinations.teamId, teamId), eq(publishDestinations.id, id)));
  return row;
}

export async function insertDestination(db: Executor, values: typeof publishDestinations.$inferInsert): Promise<DestinationRow> {
  const [row] = await db.insert(publishDestinations).values(values).returning();
  if (!row) throw new Error('could not save the destination');
  return row;
}

export async function updateDestination(
  db: Executor,
  { teamId, id, ...fields }: { teamId: string; id: string; name: string; config: Record<string, unknown>; secretEncrypted?: string },
): Promise<void> {
  await db
    .update(publishDestinations)
    .set({ ...fields, updatedAt: new Date() })
    .where(and(eq(publishDestinations.teamId, teamId), eq(publishDestinations.id, id)));
}

/** Deletes a destination; returns its name, or null when it was already gone. */
export async function deleteDestination(db: Executor, { teamId, id }: { teamId: string; id: string }): Promise<string | null> {
  const rows = await db
    .delete(publishDestinations)
    .where(and(eq(publishDestinations.teamId, teamId), eq(publishDestinations.id, id)))
    .returning({ name: publishDestinations.name });
  return rows[0]?.name ?? null;
}
