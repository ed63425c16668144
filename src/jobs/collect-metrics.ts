import { WebAPIRateLimitedError } from '@slack/web-api';
import type { Task } from 'graphile-worker';
import { buildPerformanceReply } from '../bot/blocks/replies/performance.ts';
import { findDeliveredAttempt, lastCollectedAt, latestPlanMetrics, listMetricCandidates, saveMetricSnapshot } from '../db/metrics.ts';
import { findPlan } from '../db/plans.ts';
import { findThreadReply } from '../db/thread-replies.ts';
import { isMetricsCollectionDue } from '../domain/metrics-schedule.ts';
import { isAppError } from '../errors.ts';
import { collectMetrics, TransientMetricsError, type MetricsDeps } from '../publish/metrics.ts';
import type { JobDeps } from './deps.ts';
import { collectMetricsJobPayload, parsePayload, planJobPayload } from './payloads.ts';
import { requestMetricsCollection, requestPerformanceReply } from './queue.ts';
import { syncThreadReplies } from './render-plan-message.ts';

/** The thread reply key of the Performance reply (thread_replies.key). */
export const PERFORMANCE_REPLY_KEY = 'performance';

/** Cron: enqueues one collection per published item whose metrics are due. */
export function makeEnqueueMetricCollections(deps: JobDeps): Task {
  return async () => {
    const now = deps.now();
    for (const item of await listMetricCandidates(deps.db, now)) {
      if (isMetricsCollectionDue(item.deliveredAt, item.lastCollectedAt, now)) await requestMetricsCollection(deps, item);
    }
  };
}


function metricsDeps(deps: JobDeps): MetricsDeps | undefined {
  if (!deps.networks) return undefined;
  return {
    db: deps.db,
    logger: deps.logger,
    now: deps.now,
    encryptionKey: deps.encryptionKey,
    networks: deps.networks,
    destinations: deps.destinations,
    destinationNetwork: deps.destinationNetwork,
    mailchimpApiUrl: deps.mailchimpApiUrl,
    timeoutMs: deps.publishTimeoutMs,
  };
}

/** Reads one published item's metrics, stores a snapshot and asks for the plan's Performance reply. */
export function makeCollectMetrics(deps: JobDeps): Task {
  return async (payload) => {
    const { teamId, attemptId } = parsePayload(collectMetricsJobPayload, payload);
    const attempt = await findDeliveredAttempt(deps.db, teamId, attemptId);
    if (!attempt?.deliveredAt) return;
    const now = deps.now();
    // A collection already made for this slot (a repeated job) is not made again.
    if (!isMetricsCollectionDue(attempt.deliveredAt, await lastCollectedAt(deps.db, teamId, attemptId), now)) return;
    const networkDeps = metricsDeps(deps);
    if (!networkDeps) return;
    let slack;
    try {
      slack = await deps.slackFor(teamId);
    } catch (error) {
      if (isAppError(error, 'NOT_FOUND')) return;
      throw error;
    }
    try {
      const collected = await collectMetrics(networkDeps, slack, attempt);
      await saveMetricSnapshot(deps.db, { teamId, planId: attempt.planId, attemptId, values: collected.values, note: collected.note, collectedAt: now });
    } catch (error) {
      if (error instanceof TransientMetricsError || error instanceof WebAPIRateLimitedError) {
        deps.logger.warn({ err: error, attemptId }, 'could not read metrics now; the next round tries again');
        return;
      }
      throw error;
    }
    await requestPerformanceReply(deps, { teamId, planId: attempt.planId });
  };
}

/** Posts the plan's Performance reply once, then updates it in place with the latest numbers. */
export function makeUpdatePerformanceReply(deps: JobDeps): Task {
  return async (payload) => {
    const { teamId, planId } = parsePayload(planJobPayload, payload);
    const plan = await findPlan(deps.db, teamId, planId);
    if (!plan?.messageChannelId || !plan.messageTs) return;
    const metrics = await latestPlanMetrics(deps.db, teamId, planId);
    if (metrics.length === 0) return;
    const reply = buildPerformanceReply(
      metrics.map(({ attempt, snapshot }) => ({
        destinationName: attempt.destinationName,
        destinationKind: attempt.destinationKind,
        url: attempt.url,
        values: snapshot.values,
        note: snapshot.note,
        collectedAt: snapshot.collectedAt,
      })),
    );
    const saved = await findThreadReply(deps.db, { teamId, planId, key: PERFORMANCE_REPLY_KEY });
    const slack = await deps.slackFor(teamId);
    await syncThreadReplies(deps.db, slack, plan, [{ key: PERFORMANCE_REPLY_KEY, reply }], new Map(saved ? [[PERFORMANCE_REPLY_KEY, saved]] : []));
  };
}
