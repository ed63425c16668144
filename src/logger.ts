import pino, { type DestinationStream, type Logger } from 'pino';
import type { Logger as BoltLogger, LogLevel } from '@slack/bolt';

// Anything that could carry a token, a secret or signing material is censored wherever it appears.
const SECRET_KEYS = [
  'token',
  'botToken',
  'bot_token',
  'appToken',
  'accessToken',
  'access_token',
  'refresh_token',
  'apiKey',
  'api_key',
  'secret',
  'signingSecret',
  'clientSecret',
  'client_secret',
  'encryptionKey',
  'password',
  'authorization',
  'Authorization',
  'x-slack-signature',
  'X-Slack-Signature',
];

export const REDACT_PATHS = SECRET_KEYS.flatMap((key) => {
  const accessor = /^[A-Za-z_]\w*$/.test(key) ? key : `["${key}"]`;
  const nested = accessor.startsWith('[') ? accessor : `.${accessor}`;
  return [accessor, `*${nested}`, `*.*${nested}`, `*.*.*${nested}`];
});

export function makeLogger({ level, destination }: { level: string; destination?: DestinationStream }): Logger {
  const options = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: undefined,
  };
  return destination ? pino(options, destination) : pino(options);
}

const BOLT_LEVELS: Record<string, LogLevel> = {
  trace: 'debug' as LogLevel,
  debug: 'debug' as LogLevel,
  info: 'info' as LogLevel,
  warn: 'warn' as LogLevel,
  error: 'error' as LogLevel,
  fatal: 'error' as LogLevel,
  silent: 'error' as LogLevel,
};

/** Bolt's Logger interface, written to pino so its output is redacted too. */
export function toBoltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'bolt' });
  return {
    debug: (...messages: unknown[]) => child.debug(messages.map(String).join(' ')),
    info: (...messages: unknown[]) => child.info(messages.map(String).join(' ')),
    warn: (...messages: unknown[]) => child.warn(messages.map(String).join(' ')),
    error: (...messages: unknown[]) => child.error(messages.map(String).join(' ')),
    setLevel: () => {},
    getLevel: () => BOLT_LEVELS[logger.level] ?? ('info' as LogLevel),
    setName: () => {},
  };
}
