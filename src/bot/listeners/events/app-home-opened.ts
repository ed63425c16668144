import type { App } from '@slack/bolt';
import type { BotDeps } from '../../deps.ts';
import { publishHome } from '../../services/publish-home.ts';

export function registerAppHomeOpened(app: App, deps: BotDeps): void {
  app.event('app_home_opened', async ({ event, client, context }) => {
    if (event.tab !== 'home' || !context.teamId) return;
    await publishHome({ deps, client, teamId: context.teamId, userId: event.user });
  });
}
