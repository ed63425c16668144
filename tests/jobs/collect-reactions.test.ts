import pino from 'pino';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeInstallationStore } from '../../src/db/installations.ts';
import { makeCollectReactions } from '../../src/jobs/collect-reactions.ts';
import type { JobDeps } from '../../src/jobs/deps.ts';
import { makeEnqueue } from '../../src/jobs/queue.ts';
import { makeJobSlackClients } from '../../src/slack-clients.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { ENCRYPTION_KEY } from '../support/review.ts';

const INSTALLED = 'T0INSTALLED';
const GONE = 'T0UNINSTALLED';
const CHANNEL = 'C0ANNOUNCE';

let database: TestDatabase;
let slack: FakeSlack;

beforeAll(async () => {
  [database, slack] = await Promise.all([createTestDatabase(), startFakeSlack()]);
});
afterAll(async () => {
  await Promise.all([database?.drop(), slack?.close()]);
});

async function publishedPost(teamId: string, ts: string): Promise<void> {
  const [plan] = await database.sql<{ id: string }[]>`
    insert into content_plans (team_id, number, source_key, author_id, topic, keyphrase, channels, post_channel_id, status)
    values (${teamId}, 1, ${`src-${teamId}`}, 'U0AUTHOR', 'Topic', 'topic', '{blog}', ${CHANNEL}, 'published') returning id`;
  await database.sql`
    insert into publish_attempts (team_id, plan_id, revision, destination_key, destination_name, destination_kind, state, external_id, delivered_at)
    values (${teamId}, ${plan!.id}, 1, ${`slack:${CHANNEL}`}, 'Announce', 'slack_channel', 'delivered', ${`${CHANNEL}:${ts}`}, now())`;
}

test('a workspace without an installation is skipped; the others still get their reactions', async () => {
  const store = makeInstallationStore(database.db, ENCRYPTION_KEY);
  await store.storeInstallation({
    team: { id: INSTALLED, name: 'Installed' },
    enterprise: undefined,
    user: { id: 'U0INSTALLER', token: undefined, scopes: undefined },
    bot: { id: 'B0BOT', userId: 'U0BOT', token: 'xoxb-installed', scopes: ['chat:write'] },
    tokenType: 'bot',
    isEnterpriseInstall: false,
  });
  // The uninstalled workspace's post comes first, so a failure there would stop the round.
  await publishedPost(GONE, '1700000000.000100');
  const post = slack.messages.seed({ channel: CHANNEL, text: 'Announcement', ts: '1700000000.000200' });
  slack.messages.setReactions(CHANNEL, post.ts, [{ name: 'tada', users: ['U1', 'U2'], count: 2 }]);
  await publishedPost(INSTALLED, post.ts);

  const logger = pino({ level: 'silent' });
  const deps = {
    db: database.db,
    logger,
    enqueue: makeEnqueue(database.db),
    now: () => new Date(),
    slackFor: makeJobSlackClients({ apiUrl: slack.url, botToken: undefined, installationStore: store, logger: { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => 'info', setName() {} } as never }),
  } as Partial<JobDeps> as JobDeps;

  await makeCollectReactions(deps)({}, {} as never);

  const rows = await database.sql`select team_id, reactions from publish_attempts order by team_id`;
  expect(rows).toEqual([
    { team_id: INSTALLED, reactions: [{ name: 'tada', count: 2 }] },
    { team_id: GONE, reactions: null },
  ]);
});
