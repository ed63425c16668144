import { createHash } from 'node:crypto';
import { ErrorCode, WebAPIRateLimitedError, type WebClient } from '@slack/web-api';
import type { Task } from 'graphile-worker';
import type { Logger } from 'pino';
import { buildTombstone } from '../bot/blocks/plan-manage.ts';
import { buildPlanView, CANVAS_KEY, type PlanView, type ReplySpec } from '../bot/blocks/plan-view.ts';
import type { Database } from '../db/client.ts';
import { loadPlanSnapshot, type PlanSnapshot } from '../db/plan-snapshot.ts';
import type { Plan } from '../db/plans.ts';
import { markReplyPosting, saveThreadReply, type ThreadReply } from '../db/thread-replies.ts';
import { HOME_RELEVANT_STATUSES } from '../domain/plan-states.ts';
import type { JobDeps } from './deps.ts';
import { parsePayload, planJobPayload } from './payloads.ts';
import { requestNoticesIfDue } from './plan-notices.ts';
import { requestHomeRefresh, requestRender } from './queue.ts';

/**
 * Renders the plan's thread replies, the draft's canvas and then its root message from one snapshot
 * of the database. The replies go first so the root message can link to the draft reply (or canvas).
 */
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
      const saved = new Map(snapshot.replies.map((reply) => [reply.key, reply]));
      const changed = await syncThreadReplies(deps.db, slack, plan, view.replies, saved);
      const canvasChanged = await syncDraftCanvas({ db: deps.db, slack, logger: deps.logger, plan, canvas: view.canvas, saved });
      const message = changed || canvasChanged ? buildPlanView({ ...snapshot, replies: [...saved.values()] }).message : view.message;
      await slack.chat.update({ channel: plan.messageChannelId, ts: plan.messageTs, ...message });
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

const hashOf = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/** Metadata on the plan's content replies: a post that was never recorded can be found in its thread. */
export const PLAN_REPLY_EVENT = 'plan_reply';

/**
 * Posts each reply once and later updates it in place, only when its content changed. The draft
 * reply's permalink is kept for the root message's "Read the draft". Returns whether anything changed;
 * `saved` is updated with what was recorded.
 *
 * A new reply's row is written without a ts before it is posted. A render that finds such a row
 * knows an earlier one may have died between Slack's answer and the save, so it looks for the reply
 * in the thread by its metadata and updates it, and posts only if it is not there.
 */
export async function syncThreadReplies(
  db: Database,
  slack: WebClient,
  plan: PlanSnapshot['plan'],
  specs: readonly ReplySpec[],
  saved: Map<string, ThreadReply>,
): Promise<boolean> {
  const channel = plan.messageChannelId;
  const threadTs = plan.messageTs;
  if (!channel || !threadTs) return false;
  let changed = false;
  let postedBefore: Promise<Map<string, string>> | undefined;
  for (const { key, reply } of specs) {
    const contentHash = hashOf(reply);
    const existing = saved.get(key);
    if (existing?.contentHash === contentHash) continue;
    changed = true;
    const isDraft = key.startsWith('draft:');
    const save = async (ts: string, permalink: string | null) => {
      saved.set(key, await saveThreadReply(db, { teamId: plan.teamId, planId: plan.id, key, ts, contentHash, permalink }));
    };

    if (reply.kind === 'file') {
      // A file cannot be edited in place; a new version is posted only when the draft changed.
      const uploaded = await slack.files.uploadV2({
        channel_id: channel,
        thread_ts: threadTs,
        filename: reply.file.filename,
        content: reply.file.content,
        initial_comment: reply.text,
      });
      await save(existing?.ts ?? `file:${contentHash.slice(0, 12)}`, isDraft ? (uploadedPermalink(uploaded) ?? existing?.permalink ?? null) : null);
      continue;
    }
    const message = { text: reply.text, blocks: reply.blocks };
    if (existing?.ts && !existing.ts.startsWith('file:')) {
      await slack.chat.update({ channel, ts: existing.ts, ...message });
      await save(existing.ts, existing.permalink);
      continue;
    }
    const unrecordedTs = existing && existing.ts === null ? (await (postedBefore ??= findPlanReplies(slack, channel, threadTs, plan.id))).get(key) : undefined;
    if (unrecordedTs) {
      await slack.chat.update({ channel, ts: unrecordedTs, ...message });
      await save(unrecordedTs, isDraft ? await findPermalink(slack, channel, unrecordedTs) : null);
      continue;
    }
    if (!existing) saved.set(key, await markReplyPosting(db, { teamId: plan.teamId, planId: plan.id, key }));
    const posted = await slack.chat.postMessage({
      channel,
      thread_ts: threadTs,
      ...message,
      unfurl_links: false,
      unfurl_media: false,
      metadata: { event_type: PLAN_REPLY_EVENT, event_payload: { plan_id: plan.id, key } },
    });
    if (!posted.ts) continue;
    await save(posted.ts, isDraft ? await findPermalink(slack, channel, posted.ts) : null);
  }
  return changed;
}

/** The ts of each of the plan's content replies in its thread, by reply key. */
async function findPlanReplies(slack: WebClient, channel: string, threadTs: string, planId: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let cursor: string | undefined;
  do {
    const page = await slack.conversations.replies({ channel, ts: threadTs, include_all_metadata: true, limit: 200, cursor });
    for (const message of page.messages ?? []) {
      const metadata = message.metadata as { event_type?: string; event_payload?: { plan_id?: unknown; key?: unknown } } | undefined;
      const key = metadata?.event_payload?.key;
      if (metadata?.event_type === PLAN_REPLY_EVENT && metadata.event_payload?.plan_id === planId && typeof key === 'string' && message.ts) found.set(key, message.ts);
    }
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor);
  return found;
}

async function findPermalink(slack: WebClient, channel: string, ts: string): Promise<string | null> {
  try {
    return (await slack.chat.getPermalink({ channel, message_ts: ts })).permalink ?? null;
  } catch (error) {
    if (error instanceof WebAPIRateLimitedError) throw error;
    return null;
  }
}

/** The uploaded file's permalink from files.uploadV2's answer (one completed upload of one file). */
function uploadedPermalink(result: unknown): string | null {
  const uploads = (result as { files?: { files?: { permalink?: unknown }[] }[] }).files;
  const permalink = uploads?.[0]?.files?.[0]?.permalink;
  return typeof permalink === 'string' ? permalink : null;
}

/** The draft's canvas row records why there is none with this prefix, so no render tries again. */
const UNAVAILABLE = 'unavailable:';

/**
 * Publishes the draft as a canvas in the plan's channel the first time, then replaces its content
 * when the draft changes (each revision). Without `canvases:write`, on a free workspace whose channel
 * already has its one canvas tab, or on any other refusal, the row records why and the root message
 * links to the draft reply instead. Returns whether the recorded canvas changed.
 */
async function syncDraftCanvas({
  db,
  slack,
  logger,
  plan,
  canvas,
  saved,
}: {
  db: Database;
  slack: WebClient;
  logger: Logger;
  plan: Plan;
  canvas: PlanView['canvas'];
  saved: Map<string, ThreadReply>;
}): Promise<boolean> {
  if (!canvas || !plan.messageChannelId) return false;
  const existing = saved.get(CANVAS_KEY);
  if (existing?.ts?.startsWith(UNAVAILABLE)) return false;
  const contentHash = hashOf(canvas);
  if (existing?.contentHash === contentHash) return false;
  const save = async (ts: string, permalink: string | null) => {
    saved.set(CANVAS_KEY, await saveThreadReply(db, { teamId: plan.teamId, planId: plan.id, key: CANVAS_KEY, ts, contentHash, permalink }));
  };
  const documentContent = { type: 'markdown' as const, markdown: canvas.markdown };
  try {
    if (existing?.ts) {
      await slack.canvases.edit({ canvas_id: existing.ts, changes: [{ operation: 'replace', document_content: documentContent }] });
      await save(existing.ts, existing.permalink);
      return false;
    }
    // A canvas tabbed in the plan's channel: its members can read it, and free workspaces require a channel.
    const created = await slack.canvases.create({ title: canvas.title, document_content: documentContent, channel_id: plan.messageChannelId });
    if (!created.canvas_id) return false;
    await save(created.canvas_id, canvasUrl(plan, created.canvas_id));
    return true;
  } catch (error) {
    if (error instanceof WebAPIRateLimitedError) throw error;
    const code = (error as { code?: unknown; data?: { error?: unknown } }).code === ErrorCode.PlatformError ? (error as { data?: { error?: unknown } }).data?.error : undefined;
    if (typeof code !== 'string') {
      logger.warn({ err: error, planId: plan.id }, 'could not publish the draft as a canvas; trying again at the next render');
      return false;
    }
    logger.info({ planId: plan.id, slackError: code }, 'the draft is not published as a canvas; the root message links to the draft reply');
    await save(`${UNAVAILABLE}${code}`, null);
    return true;
  }
}

/** A canvas opens at `https://<workspace>.slack.com/docs/<team>/<canvas>`; the workspace's address comes from the root message's permalink. */
function canvasUrl(plan: Plan, canvasId: string): string | null {
  if (!plan.messagePermalink) return null;
  try {
    return `${new URL(plan.messagePermalink).origin}/docs/${plan.teamId}/${canvasId}`;
  } catch {
    return null;
  }
}
