import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeDatabase, type DatabaseHandle } from '../../src/db/client.ts';
import { SETTINGS_CACHE_MAX_AGE_MS, startSettingsCache, type SettingsCache } from '../../src/db/settings-cache.ts';
import { updateWorkspaceSettings } from '../../src/db/settings.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

// The cache reads through a handle of its own that counts the statements it sends; the writes come
// from the test database's handle, as from another process.
let database: TestDatabase;
let reader: DatabaseHandle;
let cache: SettingsCache;
let clock = 0;
const statements: string[] = [];
const reads = () => statements.filter((text) => text.includes('workspace_settings')).length;

beforeAll(async () => {
  database = await createTestDatabase();
  // Saved before the cache listens, so that no notification of it can arrive during the test.
  await updateWorkspaceSettings(database.db, { teamId: 'T_BURST', actorId: 'U_ADMIN', group: 'defaults', patch: { defaultChannels: ['blog'] } });
  reader = makeDatabase({ url: database.url, max: 2, onQuery: (text) => statements.push(text) });
  cache = await startSettingsCache({ db: reader.db, sql: reader.sql, now: () => clock });
});
afterAll(async () => {
  await cache?.stop();
  await reader?.close();
  await database?.drop();
});

test('a workspace is read once, however many modals open at once, and again only after a change', async () => {
  const before = reads();
  const burst = await Promise.all(Array.from({ length: 50 }, () => cache.get('T_BURST')));
  expect(burst.every((settings) => settings.defaultChannels.join() === 'blog')).toBe(true);
  await cache.get('T_BURST');
  expect(reads() - before).toBe(1);

  await updateWorkspaceSettings(database.db, { teamId: 'T_BURST', actorId: 'U_ADMIN', group: 'defaults', patch: { defaultChannels: ['linkedin', 'x_thread'] } });
  await expect.poll(async () => (await cache.get('T_BURST')).defaultChannels, { timeout: 3_000 }).toEqual(['linkedin', 'x_thread']);
  expect(reads() - before).toBeGreaterThanOrEqual(2);
});

test('a change by any writer drops the entry: raw SQL, and a deleted row gives the defaults back', async () => {
  await database.sql`insert into workspace_settings (team_id, default_channel_id) values ('T_RAW', 'C0OLD')`;
  expect((await cache.get('T_RAW')).defaultChannelId).toBe('C0OLD');
  await database.sql`update workspace_settings set default_channel_id = 'C0NEW' where team_id = 'T_RAW'`;
  await expect.poll(async () => (await cache.get('T_RAW')).defaultChannelId, { timeout: 3_000 }).toBe('C0NEW');
  await database.sql`delete from workspace_settings where team_id = 'T_RAW'`;
  await expect.poll(async () => (await cache.get('T_RAW')).defaultChannelId, { timeout: 3_000 }).toBeNull();
});

test('an entry older than the maximum age is read again, in case a notification was lost', async () => {
  await cache.get('T_AGE');
  const before = reads();
  clock += SETTINGS_CACHE_MAX_AGE_MS - 1;
  await cache.get('T_AGE');
  expect(reads()).toBe(before);
  clock += 1;
  await cache.get('T_AGE');
  expect(reads()).toBe(before + 1);
});
