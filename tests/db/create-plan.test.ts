import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeDatabase } from '../../src/db/client.ts';
import { createPlan, planIdFor } from '../../src/db/plans.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { newPlanFields } from '../support/plan-fields.ts';

const TEAM = 'T_CREATE';
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.drop());

const FIELDS = newPlanFields({ topic: 'Numbered topic', keyphrase: 'numbered' });

test('a plan id is a version 5 UUID of its workspace and submission: the same for a repeat, different otherwise', () => {
  const id = planIdFor(TEAM, 'view:V1');
  expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(planIdFor(TEAM, 'view:V1')).toBe(id);
  expect(new Set([id, planIdFor(TEAM, 'view:V2'), planIdFor('T_OTHER', 'view:V1'), planIdFor(`${TEAM}\nview:V1`, '')]).size).toBe(4);
});

test("numbering a plan reads none of the workspace's other plans, on a database whose statistics were never gathered", async () => {
  // One connection, so its prepared statements are planned while the workspace has few plans, as on
  // a new install; and a database of its own, as no other test's reads may count.
  const own = makeDatabase({ url: database.url, max: 1 });
  const plans = 300;
  try {
    for (let i = 1; i <= plans; i += 1) {
      await createPlan(own.db, { teamId: TEAM, sourceKey: `view:V${i}`, fields: () => FIELDS, firstJobs: () => [], hourlyLimit: 10_000, now: new Date() });
    }
    // A repeat is still found, and takes no number.
    const repeat = await createPlan(own.db, { teamId: TEAM, sourceKey: 'view:V7', fields: () => FIELDS, firstJobs: () => [], hourlyLimit: 10_000, now: new Date() });
    expect(repeat).toMatchObject({ isNew: false, plan: { id: planIdFor(TEAM, 'view:V7'), number: 7 } });
  } finally {
    // A connection's statistics reach the server when it ends.
    await own.close();
  }
  const indexReads = async () => {
    const [row] = await database.sql<{ inserted: number; read: number }[]>`
      select (select n_tup_ins from pg_stat_user_tables where relname = 'content_plans')::int as inserted,
        (select coalesce(sum(idx_tup_read), 0) from pg_stat_user_indexes where relname = 'content_plans')::int as read`;
    return row!;
  };
  await expect.poll(async () => (await indexReads()).inserted).toBe(plans);
  // Saving a plan reads a few index entries of its own (3: the key checks of its audit and outbox
  // rows among them); reading the workspace's plans to number each one would make it about plans²/2.
  expect((await indexReads()).read).toBeLessThanOrEqual(4 * plans);
});
