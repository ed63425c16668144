import { createHash } from 'node:crypto';
import { WebAPIRateLimitedError, type WebClient } from '@slack/web-api';
import type { Task } from 'graphile-worker';
import { buildPlanView, type ReplySpec } from '../bot/blocks/plan-view.ts';
import { buildTombstone } from '../bot/blocks/plan-manage.ts';
import type { Database } from '../db/client.ts';
import { loadPlanSnapshot, type PlanSnapshot } from '../db/plan-snapshot.ts';
import { saveThreadReply } from '../db/thread-replies.ts';
import { HOME_RELEVANT_STATUSES } from '../domain/plan-states.ts';
import type { JobDeps } from './deps.ts';
import { parsePayload, planJobPayload } from './payloads.ts';
import { requestNoticesIfDue } from './plan-notices.ts';
import { requestHomeRefresh, requestRender } from './queue.ts';

/** Renders the plan's root message and its thread replies from one snapshot of the database. */
export function makeRenderPlanMessage(deps: Pick<JobDeps, 'db' | 'logger' | 'enqueue' | 'slackFor' | 'now'>): Task {
  return async (payload) => {
    const { teamId, planId } = parsePayload(planJobPayload, payload);
    const snapshot = await loadPlanSnapshot(deps.db, { teamId, planId });
    const plan = snapshot?.plan;
    if (!snapshot || !plan?.messageTs || !plan.messageChannelId) return;
    // Slack notifies nobody of mentions added by chat.update: what needs telling goes in new messages.
    await requestNoticesIfDue(deps, snapshot);
    const slack = await deps.slackFor(teamId);
    try {
      if (plan.deletedAt) {
        const deletion = snapshot.audit.findLast((entry) => entry.action === 'plan_deleted');
        await slack.chat.update({ channel: plan.messageChannelId, ts: plan.messageTs, ...buildTombstone({ number: plan.number, userId: deletion?.actorId ?? null, at: plan.deletedAt }) });
        return;
      }
      const view = buildPlanView(snapshot);
      await slack.chat.update({ channel: plan.messageChannelId, ts: plan.messageTs, ...view.message });
      await syncThreadReplies(deps.db, slack, snapshot, view.replies);
      if (HOME_RELEVANT_STATUSES.includes(plan.status)) await requestHomeRefresh(deps, teamId, plan.authorId);
      // Named approvers see the plan appear in, and leave, their "Waiting for you".
      if (view.review) for (const approverId of view.review.approverIds) await requestHomeRefresh(deps, teamId, approverId);
    } catch (error) {
      if (!(error instanceof WebAPIRateLimitedError)) throw error;
      deps.logger.info({ planId, retryAfter: error.retryAfter }, 'Slack rate limited the render; rendering again after Retry-After');
      await requestRender(deps, teamId, planId, error.retryAfter * 1000, { isRetryAfter: true });
    }
  };
}

/** Posts each reply once and later updates it in place, only when its content changed. */
async function syncThreadReplies(db: Database, slack: WebClient, { plan, replies }: PlanSnapshot, specs: readonly ReplySpec[]): Promise<void> {
  const channel = plan.messageChannelId;
  const threadTs = plan.messageTs;
  if (!channel || !threadTs) return;
  const existing = new Map(replies.map((reply) => [reply.key, reply]));
  for (const { key, reply } of specs) {
    const contentHash = createHash('sha256').update(JSON.stringify(reply)).digest('hex');
    const saved = existing.get(key);
    if (saved?.contentHash === contentHash) continue;
    const save = (ts: string) => saveThreadReply(db, { teamId: plan.teamId, planId: plan.id, key, ts, contentHash });

    if (reply.kind === 'file') {
      // A file cannot be edited in place; a new version is posted only when the draft changed.
      await slack.files.uploadV2({
        channel_id: channel,
        thread_ts: threadTs,
        filename: reply.file.filename,
        content: reply.file.content,
        initial_comment: reply.text,
      });
      await save(saved?.ts ?? `file:${contentHash.slice(0, 12)}`);
      continue;
    }
    const message = { text: reply.text, blocks: reply.blocks };
    if (saved?.ts && !saved.ts.startsWith('file:')) {
      await slack.chat.update({ channel, ts: saved.ts, ...message });
      await save(saved.ts);
      continue;
    }
    const posted = await slack.chat.postMessage({ channel, thread_ts: threadTs, ...message, unfurl_links: false, unfurl_media: false });
    if (posted.ts) await save(posted.ts);
  }
}
