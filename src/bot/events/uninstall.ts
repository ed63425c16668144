import type { App } from '@slack/bolt';
import { sql } from 'drizzle-orm';
import { recordAudit } from '../../db/audit.ts';
import type { Database } from '../../db/client.ts';
import { deleteInstallationsFor } from '../../db/installations.ts';
import { RUNNING_STATUSES } from '../../orchestrator/plan-status.ts';
import type { BotDeps } from '../deps.ts';

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
    const cancelled = await tx.execute<{ id: string }>(sql`
      select id from graphile_worker.permanently_fail_jobs(
        array(select id from graphile_worker._private_jobs where payload->>'teamId' = ${teamId} and locked_at is null),
        'The app was uninstalled from this workspace.'
      )`);
    await tx.execute(sql`
      update content_plans set status = 'cancelled', updated_at = now()
      where team_id = ${teamId} and status in (${sql.join(RUNNING_STATUSES.map((status) => sql`${status}`), sql`, `)})`);
    return { installations, cancelledJobs: cancelled.length };
  });
}
