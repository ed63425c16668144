import { listVariants } from '../../db/content.ts';
import { xThreadVariantSchema } from '../../domain/channels.ts';
import { describeXThreadCost, estimateXThreadCost } from '../../domain/x-cost.ts';
import { finishVariants } from '../../publish/citations-render.ts';
import type { WebClient } from '@slack/web-api';
import { listDestinations } from '../../db/destinations.ts';
import { findPlan, type Plan } from '../../db/plans.ts';
import { canDecide, reviewPolicyOf, type Actor, type Decision, type Verdict } from '../../domain/review-policy.ts';
import type { BotDeps } from '../deps.ts';
import { isAppAdmin } from './permissions.ts';
import type { DestinationOption } from '../views/decision-modals.ts';

/** Finds the plan in the presser's own workspace; a forged id from another one finds nothing. */
export async function findPlanForDecision(deps: BotDeps, teamId: string | undefined, planId: string | undefined): Promise<Plan | undefined> {
  if (!teamId || !planId) return undefined;
  return findPlan(deps.db, teamId, planId);
}

/**
 * Checked on the server for every action and submission; hidden buttons are not security. The
 * actor (with their admin status) is returned so the decision can be judged again under the lock.
 */
export async function authorizeDecision({
  deps,
  client,
  plan,
  userId,
  decision,
}: {
  deps: BotDeps;
  client: WebClient;
  plan: Plan;
  userId: string;
  decision: Decision;
}): Promise<{ actor: Actor; verdict: Verdict }> {
  const policy = reviewPolicyOf(plan);
  const isAdmin =
    policy.approverIds.length === 0 &&
    (await isAppAdmin({ db: deps.db, client, teamId: plan.teamId, userId, logger: deps.logger }));
  const actor = { userId, isAdmin };
  return { actor, verdict: canDecide(actor, plan, policy, decision) };
}

/**
 * The plan's own channel is always offered; configured destinations come from the App Home. The
 * schedule modal shows an X thread's estimated cost (`withCost`); checking a submission needs only the keys.
 */
export async function destinationOptions(deps: BotDeps, plan: Plan, { withCost = false } = {}): Promise<DestinationOption[]> {
  const channelId = plan.messageChannelId ?? plan.postChannelId;
  const configured = await listDestinations(deps.db, plan.teamId);
  const xCost = withCost && configured.some((destination) => destination.kind === 'x_thread') ? await estimateXCostLine(deps, plan) : undefined;
  return [
    { key: `slack:${channelId}`, label: `Announce in <#${channelId}>`, name: `<#${channelId}>`, isBlog: false },
    ...configured.map((destination) => {
      const adapter = deps.destinations.find(destination.kind);
      return {
        key: `dest:${destination.id}`,
        label: `${destination.name} (${adapter?.shortLabel ?? destination.kind})`,
        name: destination.name,
        isBlog: adapter?.makesPostLink === true,
        ...(destination.kind === 'x_thread' && xCost ? { description: xCost } : {}),
      };
    }),
  ];
}

// The link to the post is filled in at publishing; for the estimate any URL costs the same.
const LINK_FOR_ESTIMATE = 'https://example.com/post';

/** "≈ $0.245 on X (4 posts, 1 with a link)" for the plan's X thread at the configured prices, or undefined without one. */
async function estimateXCostLine(deps: BotDeps, plan: Plan): Promise<string | undefined> {
  if (!deps.networks) return undefined;
  const variants = Object.fromEntries((await listVariants(deps.db, { teamId: plan.teamId, planId: plan.id, revision: plan.revision })).map((variant) => [variant.channel, variant.content]));
  const thread = xThreadVariantSchema.safeParse(finishVariants(variants, LINK_FOR_ESTIMATE)['x_thread']);
  if (!thread.success || thread.data.posts.length === 0) return undefined;
  return describeXThreadCost(estimateXThreadCost(thread.data.posts, deps.networks.x.prices));
}

export async function defaultDestinations(deps: BotDeps, plan: Plan): Promise<string[]> {
  if (plan.publishDestinations.length > 0) return plan.publishDestinations;
  const configured = await listDestinations(deps.db, plan.teamId);
  const defaults = configured.filter((destination) => destination.isDefault).map((destination) => `dest:${destination.id}`);
  return defaults.length > 0 ? defaults : [`slack:${plan.messageChannelId ?? plan.postChannelId}`];
}

