import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { getWorkspaceSettings, settingsFromJson, updateWorkspaceSettings, workspaceSettingsJsonSql, type WorkspaceSettings } from '../../src/db/settings.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.drop());

async function readAsJson(teamId: string) {
  const [row] = await database.db.execute<{ settings: WorkspaceSettings | null }>(sql`select ${workspaceSettingsJsonSql(sql`${teamId}`)} as settings`);
  return settingsFromJson(teamId, row?.settings ?? null);
}

// A submission reads the settings in the statement that numbers the plan; it must see what the App Home saved.
test('settings read as JSON are the settings read as a row, every column set or left empty', async () => {
  await updateWorkspaceSettings(database.db, {
    teamId: 'T_FULL',
    actorId: 'U_ADMIN',
    group: 'all',
    patch: {
      approvers: ['U1', 'U2'],
      admins: ['U3'],
      requiredApprovals: 2,
      allowSelfApproval: true,
      defaultChannelId: 'C_PLANS',
      defaultChannels: ['blog', 'linkedin'],
      defaultTone: 'Warm & direct, "quoted"',
      targetWords: 1400,
      brandVoice: { description: 'Plain words', dos: ['Short sentences'], donts: ['synergy'], examples: [] },
      seoThreshold: 75,
      readabilityThreshold: 65,
      maxRefinements: 3,
      promptOverrides: { draft: 'Be brief.\nUse lists.' },
    },
  });
  await updateWorkspaceSettings(database.db, { teamId: 'T_SPARSE', actorId: 'U_ADMIN', group: 'review', patch: { requiredApprovals: 1 } });

  for (const teamId of ['T_FULL', 'T_SPARSE', 'T_NONE']) expect(await readAsJson(teamId)).toEqual(await getWorkspaceSettings(database.db, teamId));
  expect((await readAsJson('T_FULL')).defaultTone).toBe('Warm & direct, "quoted"');
});
