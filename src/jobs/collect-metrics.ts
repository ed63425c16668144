import { createHash } from 'node:crypto';
import { WebAPIRateLimitedError } from '@slack/web-api';
import type { Task } from 'graphile-worker';
import { buildPerformanceReply } from '../bot/blocks/replies/performance.ts';
import { findDeliveredAttempt, lastCollectedAt, latestPlanMetrics, listMetricCandidates, saveMetricSnapshot } from '../db/metrics.ts';
import { findPlan } from '../db/plans.ts';
import { findThreadReply, saveThreadReply } from '../db/thread-replies.ts';
import { isMetricsCollectionDue } from '../domain/metrics-schedule.ts';
import { isAppError } from '../errors.ts';
import { collectMetrics, TransientMetricsError, type MetricsDeps } from '../publish/metrics.ts';
import type { JobDeps } from './deps.ts';
import { requestMetricsCollection, requestPerformanceReply } from './queue.ts';

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

type CollectPayload = { teamId: string; attemptId: number };

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
    const { teamId, attemptId } = payload as CollectPayload;
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
    const { teamId, planId } = payload as { teamId: string; planId: string };
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
    const contentHash = createHash('sha256').update(JSON.stringify(reply)).digest('hex');
    const saved = await findThreadReply(deps.db, { teamId, planId, key: PERFORMANCE_REPLY_KEY });
    if (saved?.contentHash === contentHash) return;
    const slack = await deps.slackFor(teamId);
    const channel = plan.messageChannelId;
    if (saved?.ts) {
      await slack.chat.update({ channel, ts: saved.ts, ...reply });
      await saveThreadReply(deps.db, { teamId, planId, key: PERFORMANCE_REPLY_KEY, ts: saved.ts, contentHash });
      return;
    }
    const posted = await slack.chat.postMessage({ channel, thread_ts: plan.messageTs, ...reply, unfurl_links: false, unfurl_media: false });
    if (posted.ts) await saveThreadReply(deps.db, { teamId, planId, key: PERFORMANCE_REPLY_KEY, ts: posted.ts, contentHash });
  };
}
