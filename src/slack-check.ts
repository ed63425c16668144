import { LogLevel, WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebClient } from '@slack/web-api';
import { AppError } from './errors.ts';

/** The bot's ids from auth.test, which Bolt would otherwise look up again with its own slow retries. */
export type SlackIdentity = { botId: string; botUserId: string };

const REFUSED_TOKEN_ERRORS = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'not_allowed_token_type']);

/**
 * Checks at start-up that Slack's Web API answers and accepts the bot token (auth.test; api.test
 * when workspaces install by OAuth), with one short try: a wrong SLACK_API_URL or a refused token
 * stops start-up within seconds with a sentence, instead of minutes of the client's retries.
 * A rate-limited answer proves Slack is reachable, so start-up goes on without the ids.
 */
export async function verifySlackAccess({
  apiUrl,
  botToken,
  timeoutMs = 10_000,
}: {
  apiUrl: string;
  botToken: string | undefined;
  timeoutMs?: number;
}): Promise<SlackIdentity | undefined> {
  // The client's own warning about the failed request would only repeat the sentence below.
  const client = new WebClient(botToken, { slackApiUrl: apiUrl, timeout: timeoutMs, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logLevel: LogLevel.ERROR });
  try {
    if (!botToken) {
      await client.api.test();
      return undefined;
    }
    const result = await client.auth.test();
    return result.bot_id && result.user_id ? { botId: result.bot_id, botUserId: result.user_id } : undefined;
  } catch (error) {
    if (error instanceof WebAPIRateLimitedError) return undefined;
    throw explainSlackFailure(error, apiUrl);
  }
}

function explainSlackFailure(error: unknown, apiUrl: string): AppError {
  if (error instanceof WebAPIPlatformError && REFUSED_TOKEN_ERRORS.has(error.data.error)) {
    return new AppError(
      'CONFIG',
      `Slack refused SLACK_BOT_TOKEN (${error.data.error}): copy the Bot User OAuth Token (xoxb-…) again from your app's OAuth & Permissions page; reinstalling the app replaces the old one.`,
      { cause: error },
    );
  }
  if (error instanceof WebAPIPlatformError) {
    return new AppError('UPSTREAM', `Slack answered the start-up check with "${error.data.error}": check SLACK_API_URL (${apiUrl}) and SLACK_BOT_TOKEN.`, {
      cause: error,
    });
  }
  const reason = error instanceof WebAPIHTTPError ? `HTTP ${error.statusCode}` : describeCause(error);
  return new AppError(
    'CONFIG',
    `Slack's Web API did not answer at SLACK_API_URL ${apiUrl} (${reason}): check that URL (unset means https://slack.com/api/) and this machine's network or proxy.`,
    { cause: error },
  );
}

/** The innermost message, e.g. "connect ECONNREFUSED 127.0.0.1:9" under fetch's "fetch failed". */
function describeCause(error: unknown): string {
  let current: unknown = error;
  let message = 'no answer';
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    message = current.message || message;
    current = 'original' in current ? current.original : current.cause;
  }
  return message;
}

/** Socket Mode's connection refused (a wrong or revoked SLACK_APP_TOKEN) as a sentence; other errors pass through. */
export function explainSocketModeFailure(error: unknown): unknown {
  if (!(error instanceof WebAPIPlatformError) || !REFUSED_TOKEN_ERRORS.has(error.data.error)) return error;
  return new AppError(
    'CONFIG',
    `Slack refused SLACK_APP_TOKEN (${error.data.error}): create an App-Level Token with the connections:write scope under Basic Information → App-Level Tokens and copy it again.`,
    { cause: error },
  );
}
