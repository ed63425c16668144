import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { listApprovals } from '../../db/approvals.ts';
import type { Database } from '../../db/client.ts';
import { getDashboard } from '../../db/dashboard.ts';
import { listDestinations } from '../../db/destinations.ts';
import { listPlansFiltered, type Plan } from '../../db/plans.ts';
import { getWorkspaceSettings } from '../../db/settings.ts';
import { getTeamView } from '../../db/team-view.ts';
import { canSeePlan } from '../../domain/plan-visibility.ts';
import { canDecide, isApprover as isApproverOf, reviewPolicyFrom, reviewPolicyOf, type Actor } from '../../domain/review-policy.ts';
import type { NetworksConfig } from '../../config.ts';
import type { EncryptionKeys } from '../../crypto.ts';
import { listConnectedAccounts } from '../../db/connected-accounts.ts';
import { accountLabel } from '../../publish/networks/accounts.ts';
import { connectLink, missingConnectSetup } from '../../server/connect.ts';
import type { ConnectedAccountsModel } from '../blocks/connected-accounts.ts';
import { buildHomeView, HOME_PAGE_SIZE, type HomePages, type HomePlan } from '../blocks/home.ts';
import { isAppAdminOrNot } from './permissions.ts';
import { loadCalendar } from './calendar.ts';

export type HomeDeps = {
  db: Database;
  logger: Logger;
  envApprovers: readonly string[];
  tokenPricePer1k: number;
  now: () => Date;
  /** X and LinkedIn: with it, admins see their connected accounts and Connect buttons. */
  networks?: NetworksConfig | undefined;
  encryptionKey?: EncryptionKeys | undefined;
};

/** Builds and publishes one person's Home: their plans, what waits for them, and for admins settings and the dashboard. */
export async function publishHome({
  deps,
  client,
  teamId,
  userId,
  pages = { myPlans: 1, waiting: 1 },
}: {
  deps: HomeDeps;
  client: WebClient;
  teamId: string;
  userId: string;
  pages?: HomePages;
}): Promise<void> {
  const settings = await getWorkspaceSettings(deps.db, teamId);
  const isAdmin = await isAppAdminOrNot({ db: deps.db, client, teamId, userId, logger: deps.logger, settings });
  const actor = { userId, isAdmin };
  const isApprover = isApproverOf(actor, reviewPolicyFrom(settings.approvers, deps.envApprovers, settings));

  const mine = await listPlansFiltered(deps.db, { teamId, filter: 'mine', userId, limit: pages.myPlans * HOME_PAGE_SIZE + 1 });
  const waitingAll = isApprover ? await findPlansWaitingFor(deps.db, teamId, actor) : [];
  const [destinations, dashboard] = isAdmin
    ? await Promise.all([
        listDestinations(deps.db, teamId),
        getDashboard(deps.db, { teamId, now: deps.now(), pricePer1k: deps.tokenPricePer1k }).catch((error: unknown) => {
          deps.logger.error({ err: error, teamId }, 'could not compute the dashboard');
          return null;
        }),
      ])
    : [[], null];

  const teamView =
    isApprover || isAdmin
      ? await getTeamView(deps.db, { teamId, now: deps.now(), canSee: (plan) => canSeePlan({ plan, userId, isAdmin }) }).catch((error: unknown) => {
          deps.logger.error({ err: error, teamId }, 'could not compute the team view');
          return null;
        })
      : null;

  const calendar = await loadCalendar({ deps, client, teamId, userId, page: pages.calendar ?? { period: 'week', offset: 0 }, now: deps.now(), isAdmin }).catch(
    (error: unknown) => {
      deps.logger.error({ err: error, teamId }, 'could not load the calendar');
      return null;
    },
  );

  const view = buildHomeView({
    isAdmin,
    isApprover,
    myPlans: pageOf(mine, pages.myPlans),
    waiting: isApprover ? pageOf(waitingAll, pages.waiting) : null,
    settings: isAdmin ? { ...settings, destinations: destinations.map((destination) => ({ kind: destination.kind, name: destination.name })) } : null,
    dashboard,
    teamView,
    calendar,
    ...(isAdmin && deps.networks ? { accounts: await loadConnectedAccounts({ ...deps, networks: deps.networks }, teamId, userId) } : {}),
  });
  await client.views.publish({ user_id: userId, view });
}

async function loadConnectedAccounts(deps: HomeDeps & { networks: NetworksConfig }, teamId: string, userId: string): Promise<ConnectedAccountsModel> {
  const rows = await listConnectedAccounts(deps.db, teamId);
  const providers = (['x', 'linkedin'] as const).map((provider) => ({
    provider,
    accounts: rows
      .filter((row) => row.provider === provider)
      .map((row) => ({ id: row.id, provider, label: accountLabel(row), status: row.status, statusReason: row.statusReason, accessExpiresAt: row.accessExpiresAt, connectedBy: row.connectedBy })),
    connectUrl: connectLink({ networks: deps.networks, encryptionKey: deps.encryptionKey, now: deps.now }, provider, teamId, userId),
    missing: missingConnectSetup(deps.networks, deps.encryptionKey, provider),
  }));
  return { providers, now: deps.now() };
}

function pageOf(plans: readonly Plan[], page: number) {
  const start = (page - 1) * HOME_PAGE_SIZE;
  return { plans: plans.slice(start, start + HOME_PAGE_SIZE).map(toHomePlan), page, hasMore: plans.length > start + HOME_PAGE_SIZE };
}

function toHomePlan(plan: Plan): HomePlan {
  return { id: plan.id, number: plan.number, revision: plan.revision, topic: plan.topic, status: plan.status, seoScore: plan.seoScore, permalink: plan.messagePermalink };
}

const WAITING_LIMIT = 100;

/** Plans in review (or scheduled but short of approvals) that this person may approve and has not yet. */
async function findPlansWaitingFor(db: Database, teamId: string, actor: Actor): Promise<Plan[]> {
  const waiting: Plan[] = [];
  for (const plan of await listPlansFiltered(db, { teamId, filter: 'review', userId: actor.userId, limit: WAITING_LIMIT })) {
    if (!canDecide(actor, plan, reviewPolicyOf(plan), 'approve').isAllowed) continue;
    const approvals = await listApprovals(db, { teamId, planId: plan.id, revision: plan.revision });
    if (approvals.some((approval) => approval.approverId === actor.userId)) continue;
    waiting.push(plan);
  }
  return waiting;
}
