/** Credentials the fakes accept, and the environment that points the app at them (no vitest here: the benchmarks use it too). */
export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-test-bot-token-1234567890';
export const OPENAI_KEY = 'sk-test-openai-key-1234567890';
export const FIRECRAWL_KEY = 'fc-test-firecrawl-key-1234567890';

export function fakeServicesEnv({
  databaseUrl,
  slackUrl,
  openaiUrl,
  firecrawlUrl,
}: {
  databaseUrl: string;
  slackUrl: string;
  openaiUrl: string;
  firecrawlUrl?: string;
}): Record<string, string> {
  return {
    PORT: '0',
    DATABASE_URL: databaseUrl,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: slackUrl,
    OPENAI_API_KEY: OPENAI_KEY,
    OPENAI_BASE_URL: openaiUrl,
    ...(firecrawlUrl ? { FIRECRAWL_API_KEY: FIRECRAWL_KEY, FIRECRAWL_API_URL: firecrawlUrl } : {}),
  };
}
