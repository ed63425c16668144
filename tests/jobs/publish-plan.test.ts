import { afterAll, beforeAll, expect, test } from 'vitest';
import { TEAM, waitForStatus } from '../support/pipeline.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ env: { JOB_MAX_ATTEMPTS: '1' } });
});
afterAll(async () => t?.close());

test('a publish job that fails outside the destinations on its last attempt marks the plan failed at publishing, with the reason', async () => {
  // Approved, but with no draft to publish: loading the content fails before any destination is tried.
  const [plan] = await t.database.sql<{ id: string }[]>`
    insert into content_plans (team_id, number, source_key, author_id, topic, keyphrase, channels, post_channel_id, status, approved_at, publish_destinations)
    values (${TEAM}, 1, 'no-draft', 'U0MIA', 'Topic', 'topic', '{blog}', 'C0MARKETING', 'publishing', now(), '{slack:C0MARKETING}')
    returning id`;
  await t.database.sql`select graphile_worker.add_job('publish_plan', json_build_object('teamId', ${TEAM}::text, 'planId', ${plan!.id}::text, 'revision', 0), max_attempts => 1)`;
  await waitForStatus(t, plan!.id, 'failed', 20_000);
  const [row] = await t.database.sql`select failed_stage, error from content_plans where id = ${plan!.id}`;
  expect(row).toEqual({ failed_stage: 'publish', error: 'Plan #1 has no draft to publish.' });
});
