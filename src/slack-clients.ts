import type { InstallationStore } from '@slack/oauth';
import { WebClient, type Logger as SlackLogger } from '@slack/web-api';
import { AppError } from './errors.ts';

const CACHE_MS = 5 * 60 * 1000;

/**
 * Slack clients for jobs. Single-workspace mode has one client for SLACK_BOT_TOKEN; OAuth mode
 * builds one per workspace from its stored installation. Jobs retry through graphile-worker, so
 * the client neither retries nor waits on 429s itself: a second try could post a message twice.
 */
export function makeJobSlackClients({
  apiUrl,
  botToken,
  installationStore,
  logger,
}: {
  apiUrl: string;
  botToken: string | undefined;
  installationStore: InstallationStore | undefined;
  logger: SlackLogger;
}): (teamId: string) => Promise<WebClient> {
  const make = (token: string) => new WebClient(token, { slackApiUrl: apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 }, logger });
  if (!installationStore) {
    const single = make(botToken ?? '');
    return async () => single;
  }
  const cache = new Map<string, { client: WebClient; until: number }>();
  return async (teamId) => {
    const cached = cache.get(teamId);
    if (cached && cached.until > Date.now()) return cached.client;
    const installation = await installationStore.fetchInstallation({ teamId, isEnterpriseInstall: false, enterpriseId: undefined });
    const token = installation.bot?.token;
    if (!token) throw new AppError('NOT_FOUND', `The app is not installed in workspace ${teamId} any more.`);
    const client = make(token);
    cache.set(teamId, { client, until: Date.now() + CACHE_MS });
    return client;
  };
}
