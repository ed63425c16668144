import { existsSync } from 'node:fs';
import { migrateDatabase } from './migrate.ts';

// `npm run db:migrate`: applies the migrations to DATABASE_URL (npm start migrates by itself).
if (existsSync('.env')) process.loadEnvFile('.env');
const url = process.env['DATABASE_URL'];
if (!url) {
  console.error('DATABASE_URL is not set: db:migrate needs the database to migrate (npm start migrates the embedded one itself).');
  process.exit(1);
}
await migrateDatabase(url);
console.log('migrations applied');
