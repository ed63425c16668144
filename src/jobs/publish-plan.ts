import type { WebClient } from '@slack/web-api';
import type { JobHelpers, Task } from 'graphile-worker';
import { recordAudit } from '../db/audit.ts';
import { findCurrentItem, findResearch, listVariants, researchOf } from '../db/content.ts';
import { findDestination } from '../db/destinations.ts';
import { applyPlanEvent } from '../db/plan-events.ts';
import { findPlan, type Plan } from '../db/plans.ts';
import { claimPublishAttempt, markSending, recordOutcome } from '../db/publish-attempts.ts';
import type { DestinationKind, PublishState } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { finishVariants, renderCitations } from '../publish/citations-render.ts';
import { markdownToHtml } from '../publish/html.ts';
import { openStoredDestination } from '../publish/stored-destination.ts';
import type { DeliveryResult, PublishContent } from '../publish/types.ts';
import type { JobDeps } from './deps.ts';
import { parsePayload, revisionJobPayload, type RevisionJobPayload } from './payloads.ts';
import { requestRender } from './queue.ts';

type ResolvedDestination = {
  key: string;
  name: string;
  kind: DestinationKind;
  makesPostLink: boolean;
  deliver: (idempotencyKey: string, attempt: { createdAt: Date; isAmbiguous: boolean; externalId: string | null }) => Promise<DeliveryResult>;
};

/**
 * Publishes an approved plan to each chosen destination exactly once. Every destination has an
 * attempt row, written before anything is sent and carrying one idempotency key for all tries.
 * A scheduled plan still unapproved when its time comes expires instead.
 */
export function makePublishPlan(deps: JobDeps): Task {
  return async (payload, helpers) => {
    const job = parsePayload(revisionJobPayload, payload);
    const { teamId, planId } = job;
    try {
      await publishPlan(deps, job, helpers);
    } catch (error) {
      if (helpers.job.attempts < helpers.job.max_attempts) throw error;
      // On the last attempt a failure outside the per-destination code must not leave the plan "Publishing".
      deps.logger.error({ err: error, planId }, 'publishing failed');
      const reason = error instanceof AppError && error.code !== 'INTERNAL' ? error.message : 'Publishing stopped on an unexpected error; the details are in the logs.';
      const failed = await applyPlanEvent(deps.db, { teamId, planId }, { type: 'publish_failed', reason });
      if (failed.isApplied) await requestRender(deps, teamId, planId, 0);
    }
  };
}

async function publishPlan(deps: JobDeps, { teamId, planId, revision }: RevisionJobPayload, helpers: JobHelpers): Promise<void> {
  let plan = await findPlan(deps.db, teamId, planId);
  if (!plan || plan.revision !== revision) return;
  if (plan.status === 'scheduled') {
    if (!plan.approvedAt) return expire(deps, plan);
    const started = await applyPlanEvent(deps.db, { teamId, planId }, { type: 'publish_started' });
    if (!started.isApplied) return;
    plan = started.plan;
    await requestRender(deps, teamId, planId, 0);
  }
  if (plan.status !== 'publishing') return;

  const slack = await deps.slackFor(teamId);
  const stored = await loadPublishContent(deps, plan);
  // A destination that makes the post (WordPress) goes first, so announcements and variants can link to it.
  const links: { post?: string } = {};
  const contentFor = (): PublishContent => ({ ...stored, variants: finishVariants(stored.variants, links.post ?? null) });
  const resolved = await Promise.all(plan.publishDestinations.map((key) => resolveDestination(deps, slack, plan as Plan, key, contentFor, links)));
  const destinations = resolved.sort((a, b) => Number(b.makesPostLink) - Number(a.makesPostLink));
  const isLastAttempt = helpers.job.attempts >= helpers.job.max_attempts;
  const pending: string[] = [];
  let delivered = 0;
  const reasons: string[] = [];

  for (const destination of destinations) {
    const attempt = await claimPublishAttempt(deps.db, {
      teamId,
      planId,
      revision,
      destinationKey: destination.key,
      destinationName: destination.name,
      destinationKind: destination.kind,
    });
    if (attempt.state === 'delivered') {
      delivered += 1;
      if (destination.makesPostLink && attempt.url) links.post ??= attempt.url;
      continue;
    }
    if (attempt.state === 'failed') {
      reasons.push(attempt.reason ?? `${destination.name} failed`);
      continue;
    }
    // `sending` left behind means a crash mid-call: as ambiguous as a timeout.
    const isAmbiguous = attempt.state === 'unknown' || attempt.state === 'sending';
    await markSending(deps.db, { teamId, id: attempt.id });
    const result = await destination.deliver(attempt.idempotencyKey, { createdAt: attempt.createdAt, isAmbiguous, externalId: attempt.externalId }).catch((error: unknown) => toDeliveryError(error));
    const state = outcomeState(result, isLastAttempt);
    await recordOutcome(deps.db, { teamId, id: attempt.id, state, url: result.url, externalId: result.externalId, reason: result.reason });
    if (state === 'delivered') delivered += 1;
    if (state === 'delivered' && destination.makesPostLink && result.url) links.post ??= result.url;
    else if (state === 'failed') reasons.push(result.reason ?? `${destination.name} failed`);
    else pending.push(destination.name);
  }
  await requestRender(deps, teamId, planId, 0);

  if (pending.length > 0) {
    throw new AppError('UPSTREAM_RETRYABLE', `Publishing to ${pending.join(', ')} will be retried.`);
  }
  if (delivered > 0 || destinations.length === 0) {
    await applyPlanEvent(deps.db, { teamId, planId }, { type: 'published' });
  } else {
    await applyPlanEvent(deps.db, { teamId, planId }, { type: 'publish_failed', reason: `No destination accepted the post. ${reasons[0] ?? ''}`.trim() });
  }
  await requestRender(deps, teamId, planId, 0);
}

function outcomeState(result: DeliveryResult, isLastAttempt: boolean): PublishState {
  if (result.state === 'delivered') return 'delivered';
  if (!result.retryable || isLastAttempt) return 'failed';
  // After a timeout nobody knows whether it arrived; the next try reconciles with the same key.
  return result.state === 'unknown' ? 'unknown' : 'pending';
}

function toDeliveryError(error: unknown): DeliveryResult {
  const message = error instanceof Error ? error.message : String(error);
  return { state: 'failed', retryable: !(error instanceof AppError) || error.code === 'UPSTREAM_RETRYABLE', reason: message };
}

async function expire(deps: JobDeps, plan: Plan): Promise<void> {
  const expired = await applyPlanEvent(deps.db, { teamId: plan.teamId, planId: plan.id }, { type: 'expired' });
  if (!expired.isApplied) return;
  await recordAudit(deps.db, { teamId: plan.teamId, planId: plan.id, actorId: 'system', action: 'expired', details: { scheduledAt: plan.scheduledAt?.toISOString() } });
  await requestRender(deps, plan.teamId, plan.id, 0);
}

async function loadPublishContent(deps: JobDeps, plan: Plan): Promise<PublishContent> {
  const ref = { teamId: plan.teamId, planId: plan.id, revision: plan.revision };
  const item = await findCurrentItem(deps.db, ref);
  if (!item) throw new AppError('NOT_FOUND', `Plan #${plan.number} has no draft to publish.`);
  const variants = Object.fromEntries((await listVariants(deps.db, ref)).map((variant) => [variant.channel, variant.content]));
  const rendered = renderCitations(item.markdown, researchOf(await findResearch(deps.db, ref))?.sources ?? []);
  return {
    plan: { id: plan.id, number: plan.number, topic: plan.topic, revision: plan.revision, keyphrase: plan.keyphrase, keywords: plan.keywords },
    post: { title: item.title, slug: item.slug, metaDescription: item.metaDescription, markdown: rendered.markdown, html: markdownToHtml(rendered.markdown) },
    sources: rendered.sources,
    variants,
    seo: { seoScore: item.seoScore, readabilityScore: item.readabilityScore },
  };
}

/** Destination keys are `slack:<channel>` for the plan's own announcement, or `dest:<id>` for configured ones. */
async function resolveDestination(
  deps: JobDeps,
  slack: WebClient,
  plan: Plan,
  key: string,
  contentFor: () => PublishContent,
  links: { post?: string },
): Promise<ResolvedDestination> {
  const isAnnouncement = key.startsWith('slack:');
  const row = isAnnouncement
    ? { teamId: plan.teamId, id: key, name: `<#${key.slice('slack:'.length)}>`, kind: 'slack_channel', config: { kind: 'slack_channel', channelId: key.slice('slack:'.length) }, secretEncrypted: null }
    : await findDestination(deps.db, plan.teamId, key.slice('dest:'.length));
  if (!row) return unusable(key, 'A removed destination', 'webhook', 'This destination was removed in the App Home.');
  const opened = openStoredDestination(deps.destinations, row, deps.encryptionKey);
  if (!opened.ok) return unusable(key, row.name, row.kind, opened.reason);
  const { adapter, config, readSecret } = opened;
  return {
    key,
    name: row.name,
    kind: adapter.kind,
    makesPostLink: adapter.makesPostLink === true,
    deliver: async (idempotencyKey, attempt) => {
      const context = {
        config,
        secret: readSecret(),
        slack,
        timeoutMs: deps.publishTimeoutMs,
        network: deps.destinationNetwork,
        content: contentFor(),
        idempotencyKey,
        attemptStartedAt: attempt.createdAt,
        ...(attempt.externalId ? { recordedExternalId: attempt.externalId } : {}),
        ...(links.post ? { link: links.post } : {}),
      };
      if (!attempt.isAmbiguous) return adapter.publish(context);
      // A try that may have arrived is looked for before anything is sent again.
      const found = await adapter.reconcile(context);
      if (found.outcome === 'found') return found.result;
      const result = await adapter.publish(context);
      if (found.outcome === 'absent' || result.state !== 'delivered') return result;
      return { ...result, reason: `${found.why}, so it may have been posted twice.` };
    },
  };
}

function unusable(key: string, name: string, kind: string, reason: string): ResolvedDestination {
  return { key, name, kind, makesPostLink: false, deliver: async () => ({ state: 'failed', retryable: false, reason }) };
}
