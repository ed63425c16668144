import { InstallProvider, type InstallationStore } from '@slack/oauth';
import type { Authorize } from '@slack/bolt';
import type { Logger } from 'pino';
import { BOT_SCOPES } from '../bot/scopes.ts';
import { toBoltLogger } from '../logger.ts';

/** The "Add to Slack" flow: /slack/install and /slack/oauth_redirect, with the state verified. */
export function makeInstaller({
  oauth,
  installationStore,
  apiUrl,
  logger,
}: {
  oauth: { clientId: string; clientSecret: string; stateSecret: string };
  installationStore: InstallationStore;
  apiUrl: string;
  logger: Logger;
}): InstallProvider {
  return new InstallProvider({
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    stateSecret: oauth.stateSecret,
    installationStore,
    installUrlOptions: { scopes: Object.keys(BOT_SCOPES) },
    clientOptions: { slackApiUrl: apiUrl },
    logger: toBoltLogger(logger),
  });
}

/** Bolt's authorize for OAuth mode: the token of the workspace (or org) the request comes from. */
export function makeAuthorize(installationStore: InstallationStore): Authorize<boolean> {
  return async ({ teamId, enterpriseId, isEnterpriseInstall }) => {
    const installation = await installationStore.fetchInstallation({ teamId, enterpriseId, isEnterpriseInstall });
    return {
      botToken: installation.bot?.token,
      botId: installation.bot?.id,
      botUserId: installation.bot?.userId,
      teamId: installation.team?.id ?? teamId,
      enterpriseId: installation.enterprise?.id ?? enterpriseId,
    };
  };
}
