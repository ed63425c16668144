import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { decryptSecret, encryptSecret, keyIdOf, makeKeyring } from '../../src/crypto.ts';
import { destinationSecretContext } from '../../src/db/destinations.ts';
import { installationSecretContext, makeInstallationStore } from '../../src/db/installations.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { encryptLegacyV1 } from '../support/legacy-secret.ts';

const OLD = randomBytes(32);
const NEW = randomBytes(32);

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.drop());

const installation = (teamId: string, token: string) => ({
  team: { id: teamId, name: teamId },
  enterprise: undefined,
  user: { id: 'U0INSTALLER', token: undefined, scopes: undefined },
  bot: { id: 'B0BOT', userId: 'U0BOT', token, scopes: ['chat:write'] },
  tokenType: 'bot' as const,
  isEnterpriseInstall: false,
});

async function insertLegacyInstallation(teamId: string, token: string): Promise<void> {
  await database.sql`
    insert into installations (team_id, enterprise_id, installation_encrypted, installer_user_id)
    values (${teamId}, '', ${encryptLegacyV1(OLD, JSON.stringify(installation(teamId, token)))}, 'U0INSTALLER')`;
}

test('an installation stored in the old format under the former key is read, and re-encrypted on the way', async () => {
  await insertLegacyInstallation('T0LAZY', 'xoxb-lazy-token');
  const store = makeInstallationStore(database.db, makeKeyring(NEW, [OLD]));
  const fetched = await store.fetchInstallation({ teamId: 'T0LAZY', enterpriseId: undefined, isEnterpriseInstall: false });
  expect(fetched.bot?.token).toBe('xoxb-lazy-token');
  const [row] = await database.sql`select installation_encrypted from installations where team_id = 'T0LAZY'`;
  const stored = String(row?.['installation_encrypted']);
  expect(stored.startsWith(`v2.${keyIdOf(NEW)}.`)).toBe(true);
  expect(JSON.parse(decryptSecret(NEW, stored, installationSecretContext({ teamId: 'T0LAZY', enterpriseId: '' }))).bot.token).toBe('xoxb-lazy-token');
});

test('npm run secrets:reencrypt moves every secret to the new key, bound to its row, and can run again', async () => {
  await insertLegacyInstallation('T0CLI', 'xoxb-cli-token');
  const destinationId = randomUUID();
  const context = destinationSecretContext({ teamId: 'T0CLI', id: destinationId });
  await database.sql`
    insert into publish_destinations (id, team_id, kind, name, config, secret_encrypted)
    values (${destinationId}, 'T0CLI', 'webhook', 'Hook', '{"url":"https://example.com/hook"}'::jsonb, ${encryptSecret(OLD, 'whsec_rotated', context)})`;

  const run = () =>
    spawnSync(process.execPath, ['src/db/reencrypt-cli.ts'], {
      env: { PATH: process.env['PATH'] ?? '', DATABASE_URL: database.url, ENCRYPTION_KEY: NEW.toString('hex'), ENCRYPTION_KEYS_OLD: OLD.toString('base64') },
      encoding: 'utf8',
      timeout: 60_000,
    });
  const first = run();
  expect(first.stderr).toBe('');
  expect(first.stdout).toContain('re-encrypted 2 secrets with the current ENCRYPTION_KEY; 1 were already current.');
  expect(first.status).toBe(0);

  // Only the new key is needed from now on.
  const [destination] = await database.sql`select secret_encrypted from publish_destinations where id = ${destinationId}`;
  expect(decryptSecret(NEW, String(destination?.['secret_encrypted']), context)).toBe('whsec_rotated');
  const store = makeInstallationStore(database.db, NEW);
  expect((await store.fetchInstallation({ teamId: 'T0CLI', enterpriseId: undefined, isEnterpriseInstall: false })).bot?.token).toBe('xoxb-cli-token');

  expect(run().stdout).toContain('re-encrypted 0 secrets with the current ENCRYPTION_KEY; 3 were already current.');
});

test('without ENCRYPTION_KEY the command says what to set', () => {
  const result = spawnSync(process.execPath, ['src/db/reencrypt-cli.ts'], { env: { PATH: process.env['PATH'] ?? '', DATABASE_URL: database.url }, encoding: 'utf8' });
  expect(result.status).toBe(1);
  expect(result.stderr.trim()).toBe('ENCRYPTION_KEY is not set: set it to the new key, and ENCRYPTION_KEYS_OLD to the former ones, then run this again.');
});
