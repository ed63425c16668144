import { eq } from 'drizzle-orm';
import type { Database } from './client.ts';
import { workspaceSettings } from './schema.ts';

export type WorkspaceSettings = Omit<typeof workspaceSettings.$inferSelect, 'updatedAt'>;

export function defaultSettings(teamId: string): WorkspaceSettings {
  return {
    teamId,
    approvers: [],
    admins: [],
    requiredApprovals: 1,
    allowSelfApproval: false,
    defaultChannelId: null,
    defaultChannels: ['blog'],
    defaultTone: null,
    targetWords: 1200,
    brandVoice: null,
    seoThreshold: 75,
    readabilityThreshold: 60,
    maxRefinements: 3,
    promptOverrides: {},
  };
}

/** The workspace's settings, or the defaults when an admin has not saved any. */
export async function getWorkspaceSettings(db: Database, teamId: string): Promise<WorkspaceSettings> {
  const [row] = await db.select().from(workspaceSettings).where(eq(workspaceSettings.teamId, teamId));
  if (!row) return defaultSettings(teamId);
  const { updatedAt: _updatedAt, ...settings } = row;
  return settings;
}
