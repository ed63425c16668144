import type { App } from '@slack/bolt';
import { listRecentPlans } from '../../db/plans.ts';
import { buildHomeView } from '../blocks/home.ts';
import type { BotDeps } from '../deps.ts';

export function registerAppHomeOpened(app: App, deps: BotDeps): void {
  app.event('app_home_opened', async ({ event, client, context }) => {
    if (event.tab !== 'home' || !context.teamId) return;
    const plans = await listRecentPlans(deps.db, context.teamId, { authorId: event.user, limit: 20 });
    await client.views.publish({ user_id: event.user, view: buildHomeView({ plans }) });
  });
}
