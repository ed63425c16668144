import { z } from 'zod';
import { makeKeyring, type Keyring } from './crypto.ts';
import { AppError } from './errors.ts';
import type { XPriceTable } from './domain/x-cost.ts';

const SLACK_SETUP_HINT = 'create the Slack app from manifest.yml (see the README, "Slack setup")';

const optionalString = z.string().trim().optional();

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
  return optionalString.default(fallback);
}

function httpUrl(fallback: string) {
  return z
    .string()
    .trim()
    .pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }))
    .default(fallback);
}

const encryptionKey = optionalString.refine((value) => value === undefined || decodeKey(value) !== undefined, {
  message: 'must be 32 bytes as base64 or 64 hex characters: generate one with `openssl rand -base64 32`',
});

const environmentSchema = z.object({
  PORT: z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65535).default(3000),
  METRICS_PORT: z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65535).optional(),
  METRICS_TOKEN: optionalString.refine((value) => value === undefined || value.length >= 16, {
    message: 'must be at least 16 characters: generate one with `openssl rand -hex 32`',
  }),
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
  ENCRYPTION_KEYS_OLD: optionalString.refine((value) => value === undefined || splitList(value).every((key) => decodeKey(key) !== undefined), {
    message: 'must be a comma-separated list of former ENCRYPTION_KEY values, each 32 bytes as base64 or 64 hex characters',
  }),
  LLM_CONCURRENCY: positiveInt(8),
  WORKER_CONCURRENCY: z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').positive('must be greater than 0').optional(),
  SEO_WORKERS: positiveInt(2),
  JOB_MAX_ATTEMPTS: positiveInt(5),
  LLM_TIMEOUT_MS: positiveInt(120_000),
  PUBLISH_TIMEOUT_MS: positiveInt(15_000),
  PLAN_RATE_LIMIT_PER_HOUR: positiveInt(30),
  REVIEW_REMINDER_HOURS: z.coerce
    .number({ message: 'must be a number of hours (0 turns reminders off)' })
    .min(0, 'must be 0 (reminders off) or more hours')
    .max(720, 'must be at most 720 hours (30 days)')
    .default(24),
  ALLOW_PRIVATE_DESTINATIONS: z.enum(['true', 'false'], { message: 'must be true or false' }).default('false'),
  RETRY_RATE_LIMIT_PER_HOUR: positiveInt(10),
  REQUEST_CHANGES_RATE_LIMIT_PER_HOUR: positiveInt(20),
  DESTINATION_TEST_RATE_LIMIT_PER_MINUTE: positiveInt(10),
  EDIT_BRIEF_RATE_LIMIT_PER_HOUR: positiveInt(20),
  WORKER_STALE_AFTER_MS: positiveInt(30_000),
  TOKEN_PRICE_PER_1K: z.coerce.number({ message: 'must be a number' }).min(0, 'must be 0 or more').default(0.002),
  LLM_MAX_RETRIES: z.coerce.number({ message: 'must be a whole number' }).int().min(0).default(3),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PUBLIC_URL: optionalString.refine((value) => value === undefined || /^https?:\/\/[^\s/]+/.test(value), {
    message: "must be the app's public http(s) address, such as https://broadcaster.example.com: X and LinkedIn send admins back there after connecting",
  }),
  X_CLIENT_ID: optionalString,
  X_CLIENT_SECRET: optionalString,
  LINKEDIN_CLIENT_ID: optionalString,
  LINKEDIN_CLIENT_SECRET: optionalString,
  X_API_URL: httpUrl('https://api.x.com'),
  X_OAUTH_URL: httpUrl('https://x.com/i/oauth2/authorize'),
  LINKEDIN_API_URL: httpUrl('https://api.linkedin.com'),
  MAILCHIMP_API_URL: optionalString.refine((value) => value === undefined || /^https?:\/\/[^\s/]+/.test(value), {
    message: 'must be an http(s) base URL without /3.0, such as http://127.0.0.1:4010 (leave it unset for https://<prefix>.api.mailchimp.com)',
  }),
  LINKEDIN_OAUTH_URL: httpUrl('https://www.linkedin.com/oauth/v2'),
  LINKEDIN_VERSION: withDefault('202601').pipe(z.string().regex(/^\d{6}$/, 'must be a LinkedIn API version as YYYYMM, such as 202601')),
  X_PRICE_PER_POST: z.coerce.number({ message: 'must be a number' }).min(0, 'must be 0 or more').default(0.015),
  X_PRICE_PER_POST_WITH_URL: z.coerce.number({ message: 'must be a number' }).min(0, 'must be 0 or more').default(0.2),
});

export type Role = 'all' | 'web' | 'worker';

export type Config = {
  port: number;
  role: Role;
  /** /metrics is served on `port` with a bearer token, on its own port, or not at all when neither is set. */
  metrics: { port: number | undefined; token: string | undefined };
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
  /** ENCRYPTION_KEY encrypts, ENCRYPTION_KEYS_OLD still decrypt; undefined when ENCRYPTION_KEY is not set. */
  encryptionKey: Keyring | undefined;
  llmConcurrency: number;
  workerConcurrency: number;
  seoWorkers: number;
  jobMaxAttempts: number;
  llmTimeoutMs: number;
  publishTimeoutMs: number;
  planRateLimitPerHour: number;
  /** Hours after a revision reaches review that approvers who did nothing get one DM; 0 is off. */
  reviewReminderHours: number;
  /** Webhooks and WordPress sites may be on private networks and loopback (never link-local). */
  allowPrivateDestinations: boolean;
  /** MAILCHIMP_API_URL: replaces https://<prefix>.api.mailchimp.com; undefined for Mailchimp itself. */
  mailchimpApiUrl: string | undefined;
  /** Per plan (retry, edit brief) or per workspace (request changes, destination test). */
  actionRateLimits: { retryPerHour: number; requestChangesPerHour: number; destinationTestPerMinute: number; editBriefPerHour: number };
  workerStaleAfterMs: number;
  tokenPricePer1k: number;
  llmMaxRetries: number;
  logLevel: z.infer<typeof environmentSchema>['LOG_LEVEL'];
  networks: NetworksConfig;
};

/** X and LinkedIn: where their APIs are, the app's OAuth clients (unset when not configured) and X's prices. */
export type NetworksConfig = {
  /** Where the connect callbacks are reached; undefined means connecting is off. */
  publicUrl: string | undefined;
  x: { client: { id: string; secret: string } | undefined; apiUrl: string; oauthUrl: string; prices: XPriceTable };
  linkedin: { client: { id: string; secret: string } | undefined; apiUrl: string; oauthUrl: string; version: string };
};

export type Environment = Record<string, string | undefined>;

/** Every variable the app reads; .env.example and the README's table list exactly these. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(environmentSchema.shape);

/**
 * Reads the configuration from an environment (process.env in main.ts, a plain object in tests).
 * An empty value counts as unset, so a copied .env.example works as it is. Every problem is
 * collected first; then one AppError('CONFIG') lists them all (in `details.problems`), each a
 * sentence naming the variable and the fix.
 */
export function loadConfig(env: Environment, argv: readonly string[] = []): Config {
  const given = withoutEmptyValues(env);
  const parsed = environmentSchema.safeParse(given);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${String(issue.path[0] ?? 'environment')} ${issue.message}.`);
  const role = parseRole(argv, problems);
  problems.push(...missingValues(given, role));
  if (!parsed.success || problems.length > 0) {
    const message = problems.length === 1 ? problems[0]! : `${problems.length} settings need attention:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`;
    throw new AppError('CONFIG', message, { details: { problems } });
  }
  const values = parsed.data;
  const oauth =
    values.SLACK_CLIENT_ID && values.SLACK_CLIENT_SECRET && values.SLACK_STATE_SECRET
      ? { clientId: values.SLACK_CLIENT_ID, clientSecret: values.SLACK_CLIENT_SECRET, stateSecret: values.SLACK_STATE_SECRET }
      : undefined;

  return {
    port: values.PORT,
    role,
    metrics: { port: values.METRICS_PORT, token: values.METRICS_TOKEN },
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
    openai: { apiKey: values.OPENAI_API_KEY ?? '', baseUrl: values.OPENAI_BASE_URL, model: values.OPENAI_MODEL },
    firecrawl: { apiKey: values.FIRECRAWL_API_KEY, apiUrl: values.FIRECRAWL_API_URL },
    encryptionKey: readKeyring(values),
    llmConcurrency: values.LLM_CONCURRENCY,
    // A job mostly waits on the LLM: twice the LLM slots keeps every LLM slot fed while other jobs
    // wait for SEO analysis, the database or a render.
    workerConcurrency: values.WORKER_CONCURRENCY ?? 2 * values.LLM_CONCURRENCY + values.SEO_WORKERS,
    seoWorkers: values.SEO_WORKERS,
    jobMaxAttempts: values.JOB_MAX_ATTEMPTS,
    llmTimeoutMs: values.LLM_TIMEOUT_MS,
    publishTimeoutMs: values.PUBLISH_TIMEOUT_MS,
    planRateLimitPerHour: values.PLAN_RATE_LIMIT_PER_HOUR,
    reviewReminderHours: values.REVIEW_REMINDER_HOURS,
    allowPrivateDestinations: values.ALLOW_PRIVATE_DESTINATIONS === 'true',
    mailchimpApiUrl: values.MAILCHIMP_API_URL?.replace(/\/+$/, ''),
    actionRateLimits: {
      retryPerHour: values.RETRY_RATE_LIMIT_PER_HOUR,
      requestChangesPerHour: values.REQUEST_CHANGES_RATE_LIMIT_PER_HOUR,
      destinationTestPerMinute: values.DESTINATION_TEST_RATE_LIMIT_PER_MINUTE,
      editBriefPerHour: values.EDIT_BRIEF_RATE_LIMIT_PER_HOUR,
    },
    workerStaleAfterMs: values.WORKER_STALE_AFTER_MS,
    tokenPricePer1k: values.TOKEN_PRICE_PER_1K,
    llmMaxRetries: values.LLM_MAX_RETRIES,
    logLevel: values.LOG_LEVEL,
    networks: {
      publicUrl: values.PUBLIC_URL?.replace(/\/+$/, ''),
      x: {
        client: values.X_CLIENT_ID && values.X_CLIENT_SECRET ? { id: values.X_CLIENT_ID, secret: values.X_CLIENT_SECRET } : undefined,
        apiUrl: values.X_API_URL.replace(/\/+$/, ''),
        oauthUrl: values.X_OAUTH_URL,
        prices: { perPost: values.X_PRICE_PER_POST, perPostWithUrl: values.X_PRICE_PER_POST_WITH_URL },
      },
      linkedin: {
        client: values.LINKEDIN_CLIENT_ID && values.LINKEDIN_CLIENT_SECRET ? { id: values.LINKEDIN_CLIENT_ID, secret: values.LINKEDIN_CLIENT_SECRET } : undefined,
        apiUrl: values.LINKEDIN_API_URL.replace(/\/+$/, ''),
        oauthUrl: values.LINKEDIN_OAUTH_URL.replace(/\/+$/, ''),
        version: values.LINKEDIN_VERSION,
      },
    },
  };
}

function withoutEmptyValues(env: Environment): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1].trim() !== ''));
}

/** The required values that are not set, Socket Mode first as in manifest.yml. Malformed ones were reported by the schema. */
function missingValues(given: Record<string, string>, role: Role): string[] {
  const missing: string[] = [];
  const isSet = (name: string) => given[name] !== undefined;
  if (role !== 'worker' && !isSet('SLACK_APP_TOKEN') && !isSet('SLACK_SIGNING_SECRET')) {
    missing.push(
      'SLACK_APP_TOKEN is not set (Socket Mode, as manifest.yml sets the app up): ' +
        `${SLACK_SETUP_HINT}, then under Basic Information → App-Level Tokens create a token with the connections:write scope; ` +
        "for HTTP mode set SLACK_SIGNING_SECRET instead (Basic Information → App Credentials).",
    );
  }
  const isOAuth = isSet('SLACK_CLIENT_ID') || isSet('SLACK_CLIENT_SECRET');
  if (!isSet('SLACK_BOT_TOKEN') && !isOAuth) {
    missing.push(
      `SLACK_BOT_TOKEN is not set: ${SLACK_SETUP_HINT}, install it to your workspace and copy the Bot User OAuth Token (or set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET to install by OAuth).`,
    );
  }
  if (isOAuth) {
    if (!isSet('SLACK_CLIENT_ID')) missing.push("SLACK_CLIENT_ID is not set: copy the Client ID from your app's Basic Information page.");
    if (!isSet('SLACK_CLIENT_SECRET')) missing.push("SLACK_CLIENT_SECRET is not set: copy the Client Secret from your app's Basic Information page.");
    if (!isSet('SLACK_STATE_SECRET')) {
      missing.push('SLACK_STATE_SECRET is not set: OAuth installs need it to sign their state; use any long random string (openssl rand -hex 32).');
    }
    if (!isSet('ENCRYPTION_KEY')) missing.push('ENCRYPTION_KEY is not set: OAuth installs store tokens encrypted; generate one with `openssl rand -base64 32`.');
  }
  if (!isSet('OPENAI_API_KEY')) missing.push('OPENAI_API_KEY is not set: create a key at https://platform.openai.com/api-keys.');
  return missing;
}

function parseRole(argv: readonly string[], problems: string[]): Role {
  const index = argv.indexOf('--role');
  if (index === -1) return 'all';
  const role = argv[index + 1];
  if (role === 'web' || role === 'worker' || role === 'all') return role;
  problems.push(`--role must be web, worker or all (got "${role ?? ''}").`);
  return 'all';
}

/** What `npm run secrets:reencrypt` needs: the database and the keys (ENCRYPTION_KEY is required). */
export function loadSecretsConfig(env: Environment): { databaseUrl: string | undefined; dataDir: string; encryptionKey: Keyring } {
  const values = parseOrThrow(environmentSchema.pick({ DATABASE_URL: true, DATA_DIR: true, ENCRYPTION_KEY: true, ENCRYPTION_KEYS_OLD: true }), env);
  const encryptionKey = readKeyring(values);
  if (!encryptionKey) {
    throw new AppError('CONFIG', 'ENCRYPTION_KEY is not set: set it to the new key, and ENCRYPTION_KEYS_OLD to the former ones, then run this again.');
  }
  return { databaseUrl: values.DATABASE_URL, dataDir: values.DATA_DIR, encryptionKey };
}

/** What the command line (`npm run draft`, `npm run eval`) reads: the model, Firecrawl and the worker's limits; no Slack, no database. */
export type CliConfig = {
  openai: { apiKey: string | undefined; baseUrl: string; model: string };
  firecrawl: { apiKey: string | undefined; apiUrl: string };
  llmConcurrency: number;
  llmTimeoutMs: number;
  llmMaxRetries: number;
  seoWorkers: number;
  tokenPricePer1k: number;
};

export function loadCliConfig(env: Environment): CliConfig {
  const values = parseOrThrow(
    environmentSchema.pick({
      OPENAI_API_KEY: true,
      OPENAI_BASE_URL: true,
      OPENAI_MODEL: true,
      FIRECRAWL_API_KEY: true,
      FIRECRAWL_API_URL: true,
      LLM_CONCURRENCY: true,
      LLM_TIMEOUT_MS: true,
      LLM_MAX_RETRIES: true,
      SEO_WORKERS: true,
      TOKEN_PRICE_PER_1K: true,
    }),
    env,
  );
  return {
    openai: { apiKey: values.OPENAI_API_KEY, baseUrl: values.OPENAI_BASE_URL, model: values.OPENAI_MODEL },
    firecrawl: { apiKey: values.FIRECRAWL_API_KEY, apiUrl: values.FIRECRAWL_API_URL },
    llmConcurrency: values.LLM_CONCURRENCY,
    llmTimeoutMs: values.LLM_TIMEOUT_MS,
    llmMaxRetries: values.LLM_MAX_RETRIES,
    seoWorkers: values.SEO_WORKERS,
    tokenPricePer1k: values.TOKEN_PRICE_PER_1K,
  };
}

/** Parses the environment, or throws one sentence naming the first variable at fault. */
function parseOrThrow<S extends z.ZodType>(schema: S, env: Environment): z.output<S> {
  const parsed = schema.safeParse(withoutEmptyValues(env));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new AppError('CONFIG', `${String(issue?.path[0] ?? 'environment')} ${issue?.message ?? 'is invalid'}.`);
}

function readKeyring(values: Pick<z.infer<typeof environmentSchema>, 'ENCRYPTION_KEY' | 'ENCRYPTION_KEYS_OLD'>): Keyring | undefined {
  const current = values.ENCRYPTION_KEY === undefined ? undefined : decodeKey(values.ENCRYPTION_KEY);
  if (!current) return undefined;
  const old = splitList(values.ENCRYPTION_KEYS_OLD ?? '').flatMap((key) => decodeKey(key) ?? []);
  return makeKeyring(current, old);
}

function splitList(value: string): string[] {
  return value.split(/[\s,]+/).filter(Boolean);
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function decodeKey(value: string): Buffer | undefined {
  const key = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  return key.length === 32 ? key : undefined;
}
