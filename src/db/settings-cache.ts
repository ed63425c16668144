import type { Database, Sql } from './client.ts';
import { getWorkspaceSettings, type WorkspaceSettings } from './settings.ts';

/** The channel migration 0014's trigger notifies, with the team id, whenever a settings row changes. */
export const SETTINGS_CHANGED_CHANNEL = 'workspace_settings_changed';

/**
 * How long an entry is trusted without a notification. postgres.js listens again after a lost
 * connection but drops an error doing so; past this age a read goes to the database regardless.
 */
export const SETTINGS_CACHE_MAX_AGE_MS = 60_000;

/** Workspace settings kept in memory, for what only prefills a form (the plan modal's channels). */
export type SettingsCache = {
  get(teamId: string): Promise<WorkspaceSettings>;
  stop(): Promise<void>;
};

type Entry = { settings: Promise<WorkspaceSettings>; readAt: number };

/**
 * Starts listening for settings changes, then serves each workspace's settings from memory: one read
 * per workspace however many modals open at once, none while nothing changes. A change from any
 * process drops that workspace's entry when its notification arrives; a read already under way then
 * serves only the callers that asked before the change.
 */
export async function startSettingsCache({ db, sql, now = Date.now }: { db: Database; sql: Sql; now?: () => number }): Promise<SettingsCache> {
  const entries = new Map<string, Entry>();
  const { unlisten } = await sql.listen(
    SETTINGS_CHANGED_CHANNEL,
    (teamId) => entries.delete(teamId),
    // Called again after a reconnection: notifications sent while it was down are lost.
    () => entries.clear(),
  );
  return {
    get(teamId) {
      const cached = entries.get(teamId);
      if (cached !== undefined && now() - cached.readAt < SETTINGS_CACHE_MAX_AGE_MS) return cached.settings;
      const entry: Entry = { settings: getWorkspaceSettings(db, teamId), readAt: now() };
      entries.set(teamId, entry);
      entry.settings.catch(() => {
        if (entries.get(teamId) === entry) entries.delete(teamId);
      });
      return entry.settings;
    },
    async stop() {
      entries.clear();
      // Closing the database handle ends the listening connection too; waiting for UNLISTEN here
      // could hold up a shutdown while Postgres is away.
      unlisten().catch(() => undefined);
    },
  };
}
