import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config.ts';
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
      workerConcurrency: 14,
      logLevel: 'info',
    });
  });

  test('without Slack credentials it names the variables and points to manifest.yml', () => {
    const message = configError({ OPENAI_API_KEY: 'sk-1' });
    expect(message).toMatch(/^SLACK_SIGNING_SECRET is not set \(or set SLACK_APP_TOKEN for Socket Mode\)/);
    expect(message).toContain('manifest.yml');
    expect(configError({ SLACK_SIGNING_SECRET: 's', OPENAI_API_KEY: 'sk-1' })).toMatch(/^SLACK_BOT_TOKEN is not set: .*manifest\.yml/);
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

  test('job slots follow the LLM and SEO limits unless set', () => {
    expect(loadConfig({ ...VALID, LLM_CONCURRENCY: '16' }).workerConcurrency).toBe(22);
    expect(loadConfig({ ...VALID, LLM_CONCURRENCY: '16', WORKER_CONCURRENCY: '5' }).workerConcurrency).toBe(5);
  });

  test('Socket Mode needs no signing secret', () => {
    const config = loadConfig({ SLACK_APP_TOKEN: 'xapp-1', SLACK_BOT_TOKEN: 'xoxb-1', OPENAI_API_KEY: 'sk-1' });
    expect(config.slack.appToken).toBe('xapp-1');
  });

  test('reads the role and a 32-byte key as hex or base64', () => {
    const hex = 'ab'.repeat(32);
    expect(loadConfig({ ...VALID, ENCRYPTION_KEY: hex }, ['--role', 'worker']).encryptionKey?.length).toBe(32);
    expect(loadConfig({ ...VALID, ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') }).encryptionKey?.length).toBe(32);
    expect(loadConfig(VALID, ['--role', 'web']).role).toBe('web');
  });
});
