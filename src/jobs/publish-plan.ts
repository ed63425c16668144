import type { WebClient } from '@slack/web-api';
import type { JobHelpers, Task } from 'graphile-worker';
import { recordAudit } from '../db/audit.ts';
import { findCurrentItem, findResearch, listVariants, researchOf } from '../db/content.ts';
import { findDestination } from '../db/destinations.ts';
import { applyPlanEvent } from '../db/plan-events.ts';
import { findPlan, type Plan } from '../db/plans.ts';
import { claimPublishAttempt, listPublishAttempts, markSending, recordOutcome } from '../db/publish-attempts.ts';
import type { DestinationKind, PublishState } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { finishVariants, renderCitations } from '../publish/citations-render.ts';
import { markdownToHtml } from '../publish/html.ts';
import { openStoredDestination } from '../publish/stored-destination.ts';
import type { DeliveryResult, PublishContent } from '../publish/types.ts';
import type { JobDeps } from './deps.ts';
import { settledPlanEvent, timeOf } from '../domain/publish-schedule.ts';
import { parsePayload, publishJobPayload, type RevisionJobPayload } from './payloads.ts';
import { enqueuePublish, removePublishJobs, requestRender } from './queue.ts';

type ResolvedDestination = {
  key: string;
  name: string;
  kind: DestinationKind;
  makesPostLink: boolean;
  deliver: (idempotencyKey: string, attempt: { createdAt: Date; isAmbiguous: boolean; externalId: string | null }) => Promise<DeliveryResult>;
};

/** How long a destination that links to the blog post waits before it looks again for the post's URL. */
export const BLOG_WAIT_MS = 2_000;

type DestinationJob = RevisionJobPayload & { destinationKey: string };

/**
 * Publishes an approved plan to one destination, exactly once: each destination is its own job at
 * its own time. Every destination has an attempt row, written before anything is sent and carrying
 * one idempotency key for all tries. The first job to start moves the plan to publishing; the last
 * one to finish settles it. A scheduled plan still unapproved when its earliest job comes expires instead.
 */
export function makePublishPlan(deps: JobDeps): Task {
  return async (payload, helpers) => {
    const job = parsePayload(publishJobPayload, payload);
    const { teamId, planId, destinationKey } = job;
    if (destinationKey === undefined) return fanOut(deps, job, helpers);
    try {
      await publishDestination(deps, { ...job, destinationKey }, helpers);
    } catch (error) {
      if (helpers.job.attempts < helpers.job.max_attempts) throw error;
      // On the last attempt a failure outside the delivery must not leave the destination, or the plan, "Publishing".
      deps.logger.error({ err: error, planId, destinationKey }, 'publishing failed');
      const reason = error instanceof AppError && error.code !== 'INTERNAL' ? error.message : 'Publishing stopped on an unexpected error; the details are in the logs.';
      await failDestination(deps, { ...job, destinationKey }, reason);
      await requestRender(deps, teamId, planId, 0);
    }
  };
}

/** A job queued before times per destination: one job per destination, now. */
async function fanOut(deps: JobDeps, { teamId, planId, revision }: RevisionJobPayload, helpers: JobHelpers): Promise<void> {
  const plan = await findPlan(deps.db, teamId, planId);
  if (!plan || plan.revision !== revision) return;
  if (plan.publishDestinations.length > 0) {
    return enqueuePublish(deps.db, plan, plan.publishDestinations.map((key) => ({ key })), helpers.job.max_attempts);
  }
  const started = await startPublishing(deps, plan);
  if (started?.status === 'publishing') await settle(deps, started);
}

/** The first destination to start moves a scheduled plan to publishing, or expires it when it is short of approvals. */
async function startPublishing(deps: JobDeps, plan: Plan): Promise<Plan | null> {
  if (plan.status !== 'scheduled') return plan;
  if (!plan.approvedAt) {
    await expire(deps, plan);
    return null;
  }
  const started = await applyPlanEvent(deps.db, { teamId: plan.teamId, planId: plan.id }, { type: 'publish_started' });
  if (!started.isApplied) return findPlan(deps.db, plan.teamId, plan.id).then((current) => current ?? null);
  await requestRender(deps, plan.teamId, plan.id, 0);
  return started.plan;
}

async function publishDestination(deps: JobDeps, job: DestinationJob, helpers: JobHelpers): Promise<void> {
  const { teamId, planId, revision, destinationKey } = job;
  const found = await findPlan(deps.db, teamId, planId);
  // A reschedule that dropped this destination, or a new revision, leaves nothing to do here.
  if (!found || found.revision !== revision || !found.publishDestinations.includes(destinationKey)) return;
  const plan = await startPublishing(deps, found);
  if (plan?.status !== 'publishing') return;

  const slack = await deps.slackFor(teamId);
  const links: { post?: string } = {};
  const destination = await resolveDestination(deps, slack, plan, destinationKey, links);
  if (!destination.makesPostLink) {
    const blog = await blogPostState(deps, plan, destinationKey);
    if (blog.isWaiting) {
      // The post goes first: look again shortly, without using up this job's attempts.
      return enqueuePublish(deps.db, plan, [{ key: destinationKey, at: new Date(deps.now().getTime() + BLOG_WAIT_MS) }], helpers.job.max_attempts);
    }
    if (blog.url) links.post = blog.url;
  }

  const attempt = await claimPublishAttempt(deps.db, {
    teamId,
    planId,
    revision,
    destinationKey,
    destinationName: destination.name,
    destinationKind: destination.kind,
  });
  if (attempt.state !== 'delivered' && attempt.state !== 'failed') {
    // `sending` left behind means a crash mid-call: as ambiguous as a timeout.
    const isAmbiguous = attempt.state === 'unknown' || attempt.state === 'sending';
    await markSending(deps.db, { teamId, id: attempt.id });
    const result = await destination
      .deliver(attempt.idempotencyKey, { createdAt: attempt.createdAt, isAmbiguous, externalId: attempt.externalId })
      .catch((error: unknown) => toDeliveryError(error));
    const state = outcomeState(result, helpers.job.attempts >= helpers.job.max_attempts);
    await recordOutcome(deps.db, { teamId, id: attempt.id, state, url: result.url, externalId: result.externalId, reason: result.reason });
    if (state !== 'delivered' && state !== 'failed') {
      await requestRender(deps, teamId, planId, 0);
      throw new AppError('UPSTREAM_RETRYABLE', `Publishing to ${destination.name} will be retried.`);
    }
  }
  await settle(deps, plan);
  await requestRender(deps, teamId, planId, 0);
}

/**
 * Whether a destination that links to the post must wait for the plan's blog destinations, and the
 * post's URL once one delivered. A blog that failed for good does not hold the others back.
 */
async function blogPostState(deps: JobDeps, plan: Plan, exceptKey: string): Promise<{ isWaiting: boolean; url: string | null }> {
  const others = plan.publishDestinations.filter((key) => key !== exceptKey);
  const blogs = (await Promise.all(others.map(async (key) => ((await isBlogDestination(deps, plan.teamId, key)) ? key : null)))).filter(
    (key): key is string => key !== null,
  );
  if (blogs.length === 0) return { isWaiting: false, url: null };
  const attempts = await listPublishAttempts(deps.db, { teamId: plan.teamId, planId: plan.id, revision: plan.revision });
  const blogAttempts = blogs.map((key) => attempts.find((attempt) => attempt.destinationKey === key));
  const url = blogAttempts.find((attempt) => attempt?.state === 'delivered' && attempt.url)?.url ?? null;
  const isWaiting = blogAttempts.some((attempt) => attempt === undefined || (attempt.state !== 'delivered' && attempt.state !== 'failed'));
  return { isWaiting, url };
}

async function isBlogDestination(deps: JobDeps, teamId: string, key: string): Promise<boolean> {
  if (!key.startsWith('dest:')) return false;
  const row = await findDestination(deps.db, teamId, key.slice('dest:'.length));
  return row ? deps.destinations.find(row.kind)?.makesPostLink === true : false;
}

/** Once every destination delivered or failed, the plan is published, partly published, or failed. */
async function settle(deps: JobDeps, plan: Plan): Promise<void> {
  const attempts = await listPublishAttempts(deps.db, { teamId: plan.teamId, planId: plan.id, revision: plan.revision });
  const attemptOf = (key: string) => attempts.find((attempt) => attempt.destinationKey === key);
  const outcomes = plan.publishDestinations.map((key) => {
    const state = attemptOf(key)?.state;
    return state === 'delivered' || state === 'failed' ? state : 'open';
  });
  const event = settledPlanEvent(outcomes);
  if (event === null) return;
  const ref = { teamId: plan.teamId, planId: plan.id };
  if (event !== 'publish_failed') return void (await applyPlanEvent(deps.db, ref, { type: event }));
  const reasons = [...new Set(plan.publishDestinations.map((key) => attemptOf(key)?.reason).filter((reason): reason is string => Boolean(reason)))];
  const reason = reasons.length === 1 ? reasons[0]! : `No destination accepted the post. ${reasons[0] ?? ''}`.trim();
  await applyPlanEvent(deps.db, ref, { type: 'publish_failed', reason });
}

/** A destination whose job failed for good outside its delivery: recorded as failed, so the plan can settle. */
async function failDestination(deps: JobDeps, { teamId, planId, revision, destinationKey }: DestinationJob, reason: string): Promise<void> {
  const plan = await findPlan(deps.db, teamId, planId);
  if (!plan || plan.revision !== revision || plan.status !== 'publishing') return;
  const attempt = await claimPublishAttempt(deps.db, {
    teamId,
    planId,
    revision,
    destinationKey,
    destinationName: plan.publishTimes.find((time) => time.key === destinationKey)?.name ?? destinationKey,
    destinationKind: destinationKey.startsWith('slack:') ? 'slack_channel' : 'unknown',
  });
  if (attempt.state !== 'delivered') await recordOutcome(deps.db, { teamId, id: attempt.id, state: 'failed', reason });
  await settle(deps, plan);
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
  await removePublishJobs(deps.db, plan.id);
  await recordAudit(deps.db, { teamId: plan.teamId, planId: plan.id, actorId: 'system', action: 'expired', details: { scheduledAt: plan.scheduledAt?.toISOString() } });
  await requestRender(deps, plan.teamId, plan.id, 0);
}

/** The content as this destination publishes it: variants link to the blog post when there is one. */
async function contentFor(deps: JobDeps, plan: Plan, links: { post?: string }): Promise<PublishContent> {
  const stored = await loadPublishContent(deps, plan);
  return { ...stored, variants: finishVariants(stored.variants, links.post ?? null) };
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
  const scheduledAt = isAnnouncement ? null : timeOf(plan.publishTimes, key, plan.scheduledAt);
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
        content: await contentFor(deps, plan, links),
        idempotencyKey,
        attemptStartedAt: attempt.createdAt,
        ...(scheduledAt ? { scheduledAt } : {}),
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
