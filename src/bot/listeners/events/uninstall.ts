import type { App } from '@slack/bolt';
import { recordAudit } from '../../../db/audit.ts';
import type { Database } from '../../../db/client.ts';
import { deleteInstallationsFor } from '../../../db/installations.ts';
import { cancelRunningPlans } from '../../../db/plan-events.ts';
import { cancelQueuedJobsOf } from '../../../jobs/queue.ts';
import type { BotDeps } from '../../deps.ts';

export const UNINSTALL_EVENTS = ['app_uninstalled', 'tokens_revoked'] as const;

/** On uninstall or revoked tokens: forget the tokens and stop that workspace's queued work. */
export function registerUninstall(app: App, deps: BotDeps): void {
  for (const eventType of UNINSTALL_EVENTS) {
    app.event(eventType, async ({ body, context }) => {
      const teamId = context.teamId ?? (body as { team_id?: string }).team_id;
      if (!teamId) return;
      const removed = await forgetWorkspace(deps.db, teamId);
      deps.logger.info({ teamId, eventType, ...removed }, 'workspace uninstalled: tokens deleted and queued jobs cancelled');
      await recordAudit(deps.db, { teamId, planId: null, actorId: 'slack', action: eventType, details: removed });
    });
  }
}

export async function forgetWorkspace(db: Database, teamId: string): Promise<{ installations: number; cancelledJobs: number }> {
  return db.transaction(async (tx) => {
    const installations = await deleteInstallationsFor(tx, teamId);
    const cancelledJobs = await cancelQueuedJobsOf(tx, teamId, 'The app was uninstalled from this workspace.');
    await cancelRunningPlans(tx, teamId);
    return { installations, cancelledJobs };
  });
}
