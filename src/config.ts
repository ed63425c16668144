import { z } from 'zod';
import { AppError } from './errors.ts';

const SLACK_SETUP_HINT = 'create the Slack app from manifest.yml (see the README, "Slack setup")';

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

function prefixed(prefix: string, fix: string) {
  return optionalString.refine((value) => value === undefined || value.startsWith(prefix), {
    message: `must start with ${prefix}: ${fix}`,
  });
}

function positiveInt(fallback: number) {
  return z.coerce
    .number({ message: 'must be a whole number' })
    .int('must be a whole number')
    .positive('must be greater than 0')
    .default(fallback);
}

function withDefault(fallback: string) {
  return optionalString.transform((value) => value ?? fallback);
}

function httpUrl(fallback: string) {
  return optionalString
    .pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional())
    .transform((value) => value ?? fallback);
}

const encryptionKey = optionalString.refine((value) => value === undefined || decodeKey(value) !== undefined, {
  message: 'must be 32 bytes as base64 or 64 hex characters: generate one with `openssl rand -base64 32`',
});

const environmentSchema = z.object({
  NODE_ENV: optionalString,
  PORT: z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65535).default(3000),
  DATABASE_URL: optionalString.refine((value) => value === undefined || /^postgres(ql)?:\/\//.test(value), {
    message: 'must be a postgres:// URL, or unset to use the embedded Postgres',
  }),
  DATA_DIR: withDefault('./.data'),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_BOT_TOKEN: prefixed('xoxb-', "copy the Bot User OAuth Token from your app's OAuth & Permissions page"),
  SLACK_APP_TOKEN: prefixed('xapp-', "copy the App-Level Token from your app's Basic Information page"),
  SLACK_CLIENT_ID: optionalString,
  SLACK_CLIENT_SECRET: optionalString,
  SLACK_STATE_SECRET: optionalString,
  SLACK_API_URL: httpUrl('https://slack.com/api/'),
  SLACK_APPROVERS: optionalString,
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: httpUrl('https://api.openai.com/v1'),
  OPENAI_MODEL: withDefault('gpt-5-mini'),
  FIRECRAWL_API_KEY: optionalString,
  FIRECRAWL_API_URL: httpUrl('https://api.firecrawl.dev'),
  ENCRYPTION_KEY: encryptionKey,
  LLM_CONCURRENCY: positiveInt(8),
  WORKER_CONCURRENCY: z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').positive('must be greater than 0').optional(),
  SEO_WORKERS: positiveInt(2),
  JOB_MAX_ATTEMPTS: positiveInt(5),
  LLM_TIMEOUT_MS: positiveInt(120_000),
  PUBLISH_TIMEOUT_MS: positiveInt(15_000),
  PLAN_RATE_LIMIT_PER_HOUR: positiveInt(30),
  WORKER_STALE_AFTER_MS: positiveInt(30_000),
  TOKEN_PRICE_PER_1K: z.coerce.number({ message: 'must be a number' }).min(0, 'must be 0 or more').default(0.002),
  LLM_MAX_RETRIES: z.coerce.number({ message: 'must be a whole number' }).int().min(0).default(3),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Role = 'all' | 'web' | 'worker';

export type Config = {
  port: number;
  role: Role;
  databaseUrl: string | undefined;
  dataDir: string;
  slack: {
    /** Set when the app is distributed by OAuth; unset means the single workspace of SLACK_BOT_TOKEN. */
    oauth: { clientId: string; clientSecret: string; stateSecret: string } | undefined;
    signingSecret: string | undefined;
    botToken: string | undefined;
    appToken: string | undefined;
    apiUrl: string;
    approvers: string[];
  };
  openai: { apiKey: string; baseUrl: string; model: string };
  firecrawl: { apiKey: string | undefined; apiUrl: string };
  encryptionKey: Buffer | undefined;
  llmConcurrency: number;
  workerConcurrency: number;
  seoWorkers: number;
  jobMaxAttempts: number;
  llmTimeoutMs: number;
  publishTimeoutMs: number;
  planRateLimitPerHour: number;
  workerStaleAfterMs: number;
  tokenPricePer1k: number;
  llmMaxRetries: number;
  logLevel: z.infer<typeof environmentSchema>['LOG_LEVEL'];
};

export type Environment = Record<string, string | undefined>;

/**
 * Reads the configuration from an environment (process.env in main.ts, a plain object in tests).
 * Throws an AppError('CONFIG') whose message is one sentence naming the variable and the fix.
 */
export function loadConfig(env: Environment, argv: readonly string[] = []): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    throw new AppError('CONFIG', `${variable} ${issue?.message ?? 'is invalid'}.`);
  }
  const values = parsed.data;
  const role = parseRole(argv);

  if (role !== 'worker' && !values.SLACK_APP_TOKEN && !values.SLACK_SIGNING_SECRET) {
    throw new AppError(
      'CONFIG',
      `SLACK_SIGNING_SECRET is not set (or set SLACK_APP_TOKEN for Socket Mode): ${SLACK_SETUP_HINT} and copy the Signing Secret from its Basic Information page.`,
    );
  }
  const oauth = readOAuth(values);
  if (!values.SLACK_BOT_TOKEN && !oauth) {
    throw new AppError(
      'CONFIG',
      `SLACK_BOT_TOKEN is not set: ${SLACK_SETUP_HINT}, install it to your workspace and copy the Bot User OAuth Token (or set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET to install by OAuth).`,
    );
  }
  if (!values.OPENAI_API_KEY) {
    throw new AppError('CONFIG', 'OPENAI_API_KEY is not set: create a key at https://platform.openai.com/api-keys.');
  }

  return {
    port: values.PORT,
    role,
    databaseUrl: values.DATABASE_URL,
    dataDir: values.DATA_DIR,
    slack: {
      oauth,
      signingSecret: values.SLACK_SIGNING_SECRET,
      botToken: values.SLACK_BOT_TOKEN,
      appToken: values.SLACK_APP_TOKEN,
      apiUrl: withTrailingSlash(values.SLACK_API_URL),
      approvers: (values.SLACK_APPROVERS ?? '').split(/[\s,]+/).filter(Boolean),
    },
    openai: { apiKey: values.OPENAI_API_KEY, baseUrl: values.OPENAI_BASE_URL, model: values.OPENAI_MODEL },
    firecrawl: { apiKey: values.FIRECRAWL_API_KEY, apiUrl: values.FIRECRAWL_API_URL },
    encryptionKey: values.ENCRYPTION_KEY === undefined ? undefined : decodeKey(values.ENCRYPTION_KEY),
    llmConcurrency: values.LLM_CONCURRENCY,
    // Enough job slots that every LLM call and SEO analysis can be in flight, plus a few for renders.
    workerConcurrency: values.WORKER_CONCURRENCY ?? values.LLM_CONCURRENCY + values.SEO_WORKERS + 4,
    seoWorkers: values.SEO_WORKERS,
    jobMaxAttempts: values.JOB_MAX_ATTEMPTS,
    llmTimeoutMs: values.LLM_TIMEOUT_MS,
    publishTimeoutMs: values.PUBLISH_TIMEOUT_MS,
    planRateLimitPerHour: values.PLAN_RATE_LIMIT_PER_HOUR,
    workerStaleAfterMs: values.WORKER_STALE_AFTER_MS,
    tokenPricePer1k: values.TOKEN_PRICE_PER_1K,
    llmMaxRetries: values.LLM_MAX_RETRIES,
    logLevel: values.LOG_LEVEL,
  };
}

function readOAuth(values: z.infer<typeof environmentSchema>): Config['slack']['oauth'] {
  const { SLACK_CLIENT_ID: clientId, SLACK_CLIENT_SECRET: clientSecret, SLACK_STATE_SECRET: stateSecret } = values;
  if (!clientId && !clientSecret) return undefined;
  if (!clientId) throw new AppError('CONFIG', "SLACK_CLIENT_ID is not set: copy the Client ID from your app's Basic Information page.");
  if (!clientSecret) throw new AppError('CONFIG', "SLACK_CLIENT_SECRET is not set: copy the Client Secret from your app's Basic Information page.");
  if (!stateSecret) {
    throw new AppError('CONFIG', 'SLACK_STATE_SECRET is not set: OAuth installs need it to sign their state; use any long random string (openssl rand -hex 32).');
  }
  if (!values.ENCRYPTION_KEY) {
    throw new AppError('CONFIG', 'ENCRYPTION_KEY is not set: OAuth installs store tokens encrypted; generate one with `openssl rand -base64 32`.');
  }
  return { clientId, clientSecret, stateSecret };
}

function parseRole(argv: readonly string[]): Role {
  const index = argv.indexOf('--role');
  if (index === -1) return 'all';
  const role = argv[index + 1];
  if (role === 'web' || role === 'worker' || role === 'all') return role;
  throw new AppError('CONFIG', `--role must be web, worker or all (got "${role ?? ''}").`);
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function decodeKey(value: string): Buffer | undefined {
  const key = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  return key.length === 32 ? key : undefined;
}
