import { eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import { DEFAULT_SETTINGS } from '../domain/settings.ts';
import { preparedPerDatabase, type Database, type Executor } from './client.ts';
import { auditLog, workspaceSettings } from './schema.ts';

export type WorkspaceSettings = Omit<typeof workspaceSettings.$inferSelect, 'updatedAt'>;

export function defaultSettings(teamId: string): WorkspaceSettings {
  return { teamId, ...structuredClone(DEFAULT_SETTINGS) };
}

/** The workspace's settings, or the defaults when an admin has not saved any. */
export async function getWorkspaceSettings(db: Executor, teamId: string): Promise<WorkspaceSettings> {
  const [row] = await selectSettings(db).execute({ teamId });
  if (!row) return defaultSettings(teamId);
  const { updatedAt: _updatedAt, ...settings } = row;
  return settings;
}

/**
 * The workspace's settings as one JSON value, every column but updatedAt under its TypeScript name
 * (null when none are saved), for a statement that reads them along with something else;
 * `settingsFromJson` gives the defaults for null.
 */
export function workspaceSettingsJsonSql(teamId: SQL): SQL<WorkspaceSettings | null> {
  const { updatedAt: _updatedAt, ...columns } = getTableColumns(workspaceSettings);
  const pairs = sql.join(
    Object.entries(columns).map(([key, column]) => sql`${key}::text, ${column}`),
    sql`, `,
  );
  return sql<WorkspaceSettings | null>`(select json_build_object(${pairs}) from ${workspaceSettings} where ${workspaceSettings.teamId} = ${teamId})`;
}

export function settingsFromJson(teamId: string, json: WorkspaceSettings | null): WorkspaceSettings {
  return json ?? defaultSettings(teamId);
}

// Read by every settings form, permission check and App Home; the plan modal reads it through the settings cache.
const selectSettings = preparedPerDatabase((db) =>
  db.select().from(workspaceSettings).where(eq(workspaceSettings.teamId, sql.placeholder('teamId'))).prepare('workspace_settings'),
);

export type SettingsPatch = Partial<Omit<WorkspaceSettings, 'teamId'>>;

/** Saves part of the settings and its audit row in one transaction. Plans keep the settings they were made with. */
export async function updateWorkspaceSettings(
  db: Database,
  { teamId, actorId, group, patch }: { teamId: string; actorId: string; group: string; patch: SettingsPatch },
): Promise<WorkspaceSettings> {
  return db.transaction(async (tx) => {
    const before = await getWorkspaceSettings(tx, teamId);
    const [row] = await tx
      .insert(workspaceSettings)
      .values({ ...before, ...patch, teamId, updatedAt: new Date() })
      .onConflictDoUpdate({ target: workspaceSettings.teamId, set: { ...patch, updatedAt: new Date() } })
      .returning();
    if (!row) throw new Error('could not save the settings');
    const changed = Object.keys(patch).filter((key) => JSON.stringify(before[key as keyof WorkspaceSettings]) !== JSON.stringify(patch[key as keyof SettingsPatch]));
    await tx.insert(auditLog).values({ teamId, planId: null, actorId, action: 'settings_changed', details: { group, changed } });
    const { updatedAt: _updatedAt, ...settings } = row;
    return settings;
  });
}
