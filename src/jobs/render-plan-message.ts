import { createHash } from 'node:crypto';
import { WebAPIRateLimitedError, type WebClient } from '@slack/web-api';
import type { Task } from 'graphile-worker';
import { buildPlanMessage } from '../bot/blocks/plan-message.ts';
import { derivePlanMessageModel } from '../bot/blocks/plan-message-model.ts';
import { slackDate } from '../bot/blocks/format.ts';
import type { ReviewView } from '../bot/blocks/plan-message.ts';
import { listApprovals } from '../db/approvals.ts';
import { listPlanAudit, type AuditEntry } from '../db/audit.ts';
import { listPublishAttempts } from '../db/publish-attempts.ts';
import { HOME_RELEVANT_STATUSES, type PlanStatus } from '../domain/plan-states.ts';
import { reviewPolicyOf } from '../domain/review-policy.ts';
import {
  buildDecisionLogReply,
  buildDraftReply,
  buildResearchReply,
  buildSeoReply,
  buildVariantReply,
} from '../bot/blocks/thread-replies.ts';
import type { Database } from '../db/client.ts';
import { findResearch, listContentItems, listRefinements, listVariants, researchOf } from '../db/content.ts';
import { findPlan, type Plan } from '../db/plans.ts';
import { listStageRuns, type StageRun } from '../db/stage-runs.ts';
import { listThreadReplies, saveThreadReply } from '../db/thread-replies.ts';
import { isVariantChannel } from '../domain/channels.ts';
import type { ContentAnalysis } from '../orchestrator/seo/analyze.ts';
import type { JobDeps } from './deps.ts';
import { countWords } from './draft-plan.ts';
import { parsePayload, planJobPayload } from './payloads.ts';
import { requestHomeRefresh, requestRender } from './queue.ts';
import { parsePlanSettings } from '../domain/settings.ts';

type MessageReply = { kind?: 'message'; text: string; blocks: unknown[] };
type FileReply = { kind: 'file'; text: string; blocks: unknown[]; file: { filename: string; content: string } };
type ReplySpec = { key: string; reply: MessageReply | FileReply };

/** Renders the plan's root message and its thread replies from the database. */
export function makeRenderPlanMessage(deps: JobDeps): Task {
  return async (payload) => {
    const { teamId, planId } = parsePayload(planJobPayload, payload);
    const plan = await findPlan(deps.db, teamId, planId);
    if (!plan?.messageTs || !plan.messageChannelId) return;
    const runs = await listStageRuns(deps.db, teamId, planId);
    const slack = await deps.slackFor(teamId);
    try {
      const facts = await collectScoreFacts(deps.db, plan, runs);
      const review = await loadReviewView(deps.db, plan);
      const message = buildPlanMessage(derivePlanMessageModel(plan, runs, facts, review));
      await slack.chat.update({ channel: plan.messageChannelId, ts: plan.messageTs, ...message });
      await syncThreadReplies(deps.db, slack, plan, await collectReplies(deps.db, plan, runs));
      if (HOME_RELEVANT_STATUSES.includes(plan.status)) await requestHomeRefresh(deps, teamId, plan.authorId);
      // Named approvers see the plan appear in, and leave, their "Waiting for you".
      if (review) for (const approverId of review.approverIds) await requestHomeRefresh(deps, teamId, approverId);
    } catch (error) {
      if (!(error instanceof WebAPIRateLimitedError)) throw error;
      deps.logger.info({ planId, retryAfter: error.retryAfter }, 'Slack rate limited the render; rendering again after Retry-After');
      await requestRender(deps, teamId, planId, error.retryAfter * 1000, { isRetryAfter: true });
    }
  };
}

async function collectScoreFacts(db: Database, plan: Plan, runs: readonly StageRun[]) {
  if (plan.seoScore === null) return undefined;
  const ref = { teamId: plan.teamId, planId: plan.id, revision: plan.revision };
  const [items, refinements, research] = await Promise.all([listContentItems(db, ref), listRefinements(db, ref), findResearch(db, ref)]);
  const shown = items.find((item) => item.isCurrent) ?? items.at(-1);
  const analysis = shown?.analysis as ContentAnalysis | null | undefined;
  const hasOptimizeRun = runs.some((run) => run.stage === 'optimize');
  return {
    revisions: hasOptimizeRun ? refinements.length : 0,
    words: analysis?.wordCount ?? (shown ? countWords(shown.markdown) : 0),
    sources: researchOf(research)?.sources.length ?? 0,
  };
}

const REVIEW_STATUSES: readonly PlanStatus[] = ['in_review', 'approved', 'scheduled', 'publishing', 'published', 'rejected', 'expired'];

async function loadReviewView(db: Database, plan: Plan): Promise<ReviewView | undefined> {
  const ref = { teamId: plan.teamId, planId: plan.id, revision: plan.revision };
  const decisions = await listPlanAudit(db, plan.teamId, plan.id, ['changes_requested', 'rejected']);
  const isReviewed = REVIEW_STATUSES.includes(plan.status) || plan.publishDestinations.length > 0;
  if (!isReviewed && decisions.length === 0 && plan.revision === 0) return undefined;
  const policy = reviewPolicyOf(plan);
  const [approvals, attempts] = await Promise.all([listApprovals(db, ref), listPublishAttempts(db, ref)]);
  const rejection = decisions.findLast((entry) => entry.action === 'rejected');
  return {
    revision: plan.revision,
    requiredApprovals: policy.requiredApprovals,
    approverIds: policy.approverIds,
    approvals: approvals.map((approval) => ({ userId: approval.approverId, at: approval.createdAt })),
    isApproved: plan.approvedAt !== null,
    scheduledAt: plan.scheduledAt,
    feedback: decisions
      .filter((entry) => entry.action === 'changes_requested')
      .map((entry) => ({ userId: entry.actorId, at: entry.createdAt, text: String(entry.details['feedback'] ?? '') })),
    rejection:
      plan.status === 'rejected' && rejection
        ? { userId: rejection.actorId, at: rejection.createdAt, reason: String(rejection.details['reason'] ?? '') }
        : null,
    publications: attempts.map((attempt) => ({
      name: attempt.destinationName,
      state: attempt.state,
      url: attempt.url,
      reason: attempt.reason,
      reactions: attempt.reactions ? attempt.reactions.reduce((sum, reaction) => sum + reaction.count, 0) : null,
    })),
  };
}

async function collectReplies(db: Database, plan: Plan, runs: readonly StageRun[]): Promise<ReplySpec[]> {
  const ref = { teamId: plan.teamId, planId: plan.id, revision: plan.revision };
  const specs: ReplySpec[] = [];
  const researchDone = runs.some((run) => run.stage === 'research' && (run.status === 'succeeded' || run.status === 'skipped'));
  const researchRow = await findResearch(db, ref);
  const research = researchOf(researchRow);
  if (researchDone && researchRow) {
    specs.push({
      key: 'research',
      reply: buildResearchReply({
        research,
        skippedReason: researchRow.skipReason,
        failures: (researchRow.failures as { url: string; reason: string }[]) ?? [],
      }),
    });
  }

  const items = await listContentItems(db, ref);
  const current = items.find((item) => item.isCurrent);
  const shown = current ?? items[0];
  if (shown) {
    const analysis = shown.analysis as ContentAnalysis | null;
    specs.push({
      key: `draft:r${plan.revision}`,
      reply: buildDraftReply({
        draft: { title: shown.title, slug: shown.slug, metaDescription: shown.metaDescription, markdown: shown.markdown },
        wordCount: analysis?.wordCount ?? countWords(shown.markdown),
        sources: research?.sources ?? [],
        version: `version ${shown.version}`,
      }),
    });
  }
  if (current?.analysis) {
    specs.push({
      key: `seo:r${plan.revision}`,
      reply: buildSeoReply({
        analysis: current.analysis as ContentAnalysis,
        threshold: parsePlanSettings(plan.settings).seoThreshold,
        refinements: (await listRefinements(db, ref)).map((refinement) => ({
          iteration: refinement.iteration,
          scoreBefore: refinement.scoreBefore,
          scoreAfter: refinement.scoreAfter,
          instructions: refinement.instructions,
        })),
      }),
    });
  }
  const variants = await listVariants(db, ref);
  for (const channel of plan.channels.filter(isVariantChannel)) {
    const variant = variants.find((candidate) => candidate.channel === channel);
    if (!variant) continue;
    specs.push({ key: `variant:${channel}:r${plan.revision}`, reply: buildVariantReply({ channel, content: variant.content, violations: variant.violations }) });
  }
  const decisions = (await listPlanAudit(db, plan.teamId, plan.id)).filter((entry) => entry.action !== 'plan_created');
  if (decisions.length > 0) {
    specs.push({ key: 'decisions', reply: buildDecisionLogReply(decisions.map(toDecisionLogEntry)) });
  }
  return specs;
}

function toDecisionLogEntry(entry: AuditEntry) {
  const details = entry.details;
  const note =
    typeof details['feedback'] === 'string'
      ? details['feedback']
      : typeof details['reason'] === 'string'
        ? details['reason']
        : typeof details['at'] === 'string'
          ? `for ${slackDate(new Date(details['at']))}`
          : undefined;
  return { actorId: entry.actorId, action: entry.action, at: entry.createdAt, ...(note ? { note } : {}) };
}

/** Posts each reply once and later updates it in place, only when its content changed. */
async function syncThreadReplies(db: Database, slack: WebClient, plan: Plan, specs: readonly ReplySpec[]): Promise<void> {
  const channel = plan.messageChannelId;
  const threadTs = plan.messageTs;
  if (!channel || !threadTs) return;
  const existing = new Map((await listThreadReplies(db, plan.teamId, plan.id)).map((reply) => [reply.key, reply]));
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
    const message = { text: reply.text, blocks: reply.blocks as never };
    if (saved?.ts && !saved.ts.startsWith('file:')) {
      await slack.chat.update({ channel, ts: saved.ts, ...message });
      await save(saved.ts);
      continue;
    }
    const posted = await slack.chat.postMessage({ channel, thread_ts: threadTs, ...message, unfurl_links: false, unfurl_media: false });
    if (posted.ts) await save(posted.ts);
  }
}
