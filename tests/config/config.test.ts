import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { describe, expect, test } from 'vitest';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config.ts';
import { AppError } from '../../src/errors.ts';

const VALID = {
  SLACK_SIGNING_SECRET: 'secret',
  SLACK_BOT_TOKEN: 'xoxb-1',
  OPENAI_API_KEY: 'sk-1',
};

function configError(env: Record<string, string | undefined>, argv: string[] = []): string {
  try {
    loadConfig(env, argv);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).message;
  }
  throw new Error('expected a configuration error');
}

function problems(env: Record<string, string | undefined>, argv: string[] = []): string[] {
  try {
    loadConfig(env, argv);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return ((error as AppError).details?.['problems'] ?? []) as string[];
  }
  throw new Error('expected a configuration error');
}

const readRepoFile = (name: string) => readFileSync(new URL(`../../${name}`, import.meta.url), 'utf8');

describe('loadConfig', () => {
  test('applies the documented defaults', () => {
    const config = loadConfig(VALID);
    expect(config).toMatchObject({
      port: 3000,
      role: 'all',
      databaseUrl: undefined,
      dataDir: './.data',
      slack: { apiUrl: 'https://slack.com/api/', appToken: undefined },
      openai: { baseUrl: 'https://api.openai.com/v1' },
      firecrawl: { apiKey: undefined, apiUrl: 'https://api.firecrawl.dev' },
      llmConcurrency: 8,
      workerConcurrency: 18,
      logLevel: 'info',
    });
  });

  test('an empty value is the same as an unset one', () => {
    const config = loadConfig({ ...VALID, PORT: '', WORKER_CONCURRENCY: '', LLM_CONCURRENCY: '  ', LOG_LEVEL: '', SLACK_API_URL: '', TOKEN_PRICE_PER_1K: '' });
    expect(config).toMatchObject({ port: 3000, workerConcurrency: 18, llmConcurrency: 8, logLevel: 'info', tokenPricePer1k: 0.002 });
    expect(config.slack.apiUrl).toBe('https://slack.com/api/');
  });

  test('.env.example with only the required values filled in is a valid configuration', () => {
    const example = parseEnv(readRepoFile('.env.example'));
    const config = loadConfig({ ...example, SLACK_APP_TOKEN: 'xapp-1', SLACK_BOT_TOKEN: 'xoxb-1', OPENAI_API_KEY: 'sk-1' });
    expect(config).toMatchObject({ port: 3000, workerConcurrency: 18, slack: { appToken: 'xapp-1', oauth: undefined } });
  });

  test('.env.example and the README list every variable, and only those', () => {
    const example = Object.keys(parseEnv(readRepoFile('.env.example')));
    expect(example.sort()).toEqual([...CONFIG_VARIABLES].sort());
    const readme = readRepoFile('README.md');
    for (const variable of CONFIG_VARIABLES) expect(readme, variable).toContain(`\`${variable}\``);
  });

  test('NODE_ENV is not a setting of the app', () => {
    expect(CONFIG_VARIABLES).not.toContain('NODE_ENV');
  });

  test('without any settings every missing one is named in one message, Socket Mode first', () => {
    const found = problems({});
    expect(found).toHaveLength(3);
    expect(found[0]).toMatch(/^SLACK_APP_TOKEN is not set \(Socket Mode, as manifest\.yml sets the app up\).*SLACK_SIGNING_SECRET/);
    expect(found[1]).toMatch(/^SLACK_BOT_TOKEN is not set: .*manifest\.yml/);
    expect(found[2]).toMatch(/^OPENAI_API_KEY is not set/);
    const message = configError({});
    for (const problem of found) expect(message).toContain(problem);
  });

  test('malformed and missing values are reported together', () => {
    const found = problems({ PORT: 'eighty', LLM_CONCURRENCY: '0', SLACK_BOT_TOKEN: 'xoxp-1' }, ['--role', 'cook']);
    expect(found.map((problem) => problem.split(' ')[0])).toEqual([
      'PORT',
      'SLACK_BOT_TOKEN',
      'LLM_CONCURRENCY',
      '--role',
      'SLACK_APP_TOKEN',
      'OPENAI_API_KEY',
    ]);
  });

  test('HTTP mode needs the signing secret only; Socket Mode needs the app token only', () => {
    expect(loadConfig(VALID).slack.signingSecret).toBe('secret');
    const config = loadConfig({ SLACK_APP_TOKEN: 'xapp-1', SLACK_BOT_TOKEN: 'xoxb-1', OPENAI_API_KEY: 'sk-1' });
    expect(config.slack.appToken).toBe('xapp-1');
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', OPENAI_API_KEY: 'sk-1' }, ['--role', 'worker']).role).toBe('worker');
  });

  test('a malformed app token names the variable and where to find the right one', () => {
    expect(configError({ ...VALID, SLACK_APP_TOKEN: 'xoxb-wrong' })).toBe(
      "SLACK_APP_TOKEN must start with xapp-: copy the App-Level Token from your app's Basic Information page.",
    );
  });

  test('a missing OpenAI key says so', () => {
    expect(configError({ ...VALID, OPENAI_API_KEY: '' })).toMatch(/^OPENAI_API_KEY is not set/);
  });

  test('malformed values name the variable', () => {
    expect(configError({ ...VALID, PORT: 'eighty' })).toMatch(/^PORT /);
    expect(configError({ ...VALID, DATABASE_URL: 'mysql://x' })).toMatch(/^DATABASE_URL must be a postgres:\/\/ URL/);
    expect(configError({ ...VALID, OPENAI_BASE_URL: 'not a url' })).toBe('OPENAI_BASE_URL must be an http(s) URL.');
    expect(configError({ ...VALID, LLM_CONCURRENCY: '0' })).toBe('LLM_CONCURRENCY must be greater than 0.');
    expect(configError({ ...VALID, ENCRYPTION_KEY: 'short' })).toMatch(/^ENCRYPTION_KEY must be 32 bytes/);
    expect(configError(VALID, ['--role', 'cook'])).toMatch(/^--role must be web, worker or all/);
  });

  test('OAuth needs its three values and the encryption key, all named at once', () => {
    const found = problems({ ...VALID, SLACK_BOT_TOKEN: '', SLACK_CLIENT_ID: '123.456' });
    expect(found.map((problem) => problem.split(' ')[0])).toEqual(['SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET', 'ENCRYPTION_KEY']);
  });

  test('review reminders default to 24 hours; 0 turns them off; a bad value names the variable', () => {
    expect(loadConfig(VALID).reviewReminderHours).toBe(24);
    expect(loadConfig({ ...VALID, REVIEW_REMINDER_HOURS: '0' }).reviewReminderHours).toBe(0);
    expect(loadConfig({ ...VALID, REVIEW_REMINDER_HOURS: '1.5' }).reviewReminderHours).toBe(1.5);
    expect(configError({ ...VALID, REVIEW_REMINDER_HOURS: '-1' })).toBe('REVIEW_REMINDER_HOURS must be 0 (reminders off) or more hours.');
    expect(configError({ ...VALID, REVIEW_REMINDER_HOURS: 'soon' })).toMatch(/^REVIEW_REMINDER_HOURS must be a number of hours/);
  });

  test('job slots follow the LLM and SEO limits unless set', () => {
    expect(loadConfig({ ...VALID, LLM_CONCURRENCY: '16' }).workerConcurrency).toBe(34);
    expect(loadConfig({ ...VALID, LLM_CONCURRENCY: '16', WORKER_CONCURRENCY: '5' }).workerConcurrency).toBe(5);
  });

  test('reads the role and a 32-byte key as hex or base64', () => {
    const hex = 'ab'.repeat(32);
    expect(loadConfig({ ...VALID, ENCRYPTION_KEY: hex }, ['--role', 'worker']).encryptionKey?.current.length).toBe(32);
    expect(loadConfig({ ...VALID, ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') }).encryptionKey?.current.length).toBe(32);
    expect(loadConfig(VALID, ['--role', 'web']).role).toBe('web');
  });

  test('reads former keys from ENCRYPTION_KEYS_OLD, and names the variable when one is malformed', () => {
    const old = [Buffer.alloc(32, 1).toString('base64'), '02'.repeat(32)];
    const config = loadConfig({ ...VALID, ENCRYPTION_KEY: 'ab'.repeat(32), ENCRYPTION_KEYS_OLD: old.join(', ') });
    expect(config.encryptionKey?.old).toEqual([Buffer.alloc(32, 1), Buffer.alloc(32, 2)]);
    expect(() => loadConfig({ ...VALID, ENCRYPTION_KEY: 'ab'.repeat(32), ENCRYPTION_KEYS_OLD: 'short' })).toThrow(/^ENCRYPTION_KEYS_OLD must be a comma-separated list/);
  });
});
