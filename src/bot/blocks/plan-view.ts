import type { KnownBlock } from '@slack/types';
import type { AuditEntry } from '../../db/audit.ts';
import { DECISION_ACTIONS } from '../../db/audit.ts';
import { researchOf, type ContentItem, type ContentVariant, type ResearchResult } from '../../db/content.ts';
import type { PlanSnapshot } from '../../db/plan-snapshot.ts';
import type { StageRun } from '../../db/stage-runs.ts';
import { CHANNEL_LABELS, isVariantChannel } from '../../domain/channels.ts';
import { parseChangeScope, type ChangeScope, type PlanStatus } from '../../domain/plan-states.ts';
import { reviewPolicyOf } from '../../domain/review-policy.ts';
import { parsePlanSettings } from '../../domain/settings.ts';
import type { ContentAnalysis } from '../../orchestrator/seo/analyze.ts';
import { pickBestItem } from '../../orchestrator/stages/optimize.ts';
import { diffRevisions, diffWords, variantText, type RevisionSide } from '../../orchestrator/revision-diff.ts';
import { countWords } from '../../orchestrator/text.ts';
import { slackDate } from './format.ts';
import { derivePublications } from './destination-lines.ts';
import { buildPlanMessage, type ReviewView } from './plan-message.ts';
import { withManagement } from './plan-manage.ts';
import { BRIEF_FIELD_LABELS, type BriefField } from '../../domain/brief-edit.ts';
import { derivePlanMessageModel, type ScoreFacts } from './plan-message-model.ts';
import { buildQualityBlocks, buildQualitySummary, type QualityView } from './replies/quality.ts';
import { buildDecisionLogReply } from './replies/decision-log.ts';
import { buildDraftReply } from './replies/draft.ts';
import { buildResearchReply } from './replies/research.ts';
import { buildRevisionChangesReply, type RevisionChangesView } from './replies/revision-changes.ts';
import { buildSeoReply } from './replies/seo.ts';
import { buildVariantReply } from './replies/variant.ts';

type MessageReply = { kind?: 'message'; text: string; blocks: KnownBlock[] };
type FileReply = { kind: 'file'; text: string; blocks: KnownBlock[]; file: { filename: string; content: string } };
export type ReplySpec = { key: string; reply: MessageReply | FileReply };

/** What a plan shows in Slack: its root message, and the replies in its thread in order. */
export type PlanView = { message: { text: string; blocks: KnownBlock[] }; replies: ReplySpec[]; review: ReviewView | undefined };

/** Builds a plan's whole Slack view from its snapshot; pure. */
export function buildPlanView(snapshot: PlanSnapshot): PlanView {
  const current = currentRevisionOf(snapshot);
  const review = buildReviewView(snapshot, current);
  const built = buildPlanMessage(derivePlanMessageModel(snapshot.plan, shownRuns(snapshot), scoreFactsOf(snapshot, current), review));
  const { plan } = snapshot;
  const message = withManagement(built, { planId: plan.id, status: plan.status, approvedAt: plan.approvedAt, failedStage: plan.failedStage }, snapshot.audit);
  return { message, replies: buildReplies(snapshot, current), review };
}

type CurrentRevision = Pick<PlanSnapshot, 'items' | 'refinements' | 'variants' | 'approvals' | 'publishAttempts'>;

function currentRevisionOf(snapshot: PlanSnapshot): CurrentRevision {
  const revision = snapshot.plan.revision;
  const isCurrent = (row: { revision: number }) => row.revision === revision;
  const postRevision = madeInRevisions(snapshot).post;
  return {
    items: snapshot.items.filter(isCurrent),
    // A variant-only revision keeps the post, and with it the passes that optimised it.
    refinements: snapshot.refinements.filter((row) => row.revision === postRevision),
    variants: snapshot.variants.filter(isCurrent),
    approvals: snapshot.approvals.filter(isCurrent),
    publishAttempts: snapshot.publishAttempts.filter(isCurrent),
  };
}

function scoreFactsOf(snapshot: PlanSnapshot, current: CurrentRevision): ScoreFacts | undefined {
  if (snapshot.plan.seoScore === null) return undefined;
  const shown = current.items.find((item) => item.isCurrent) ?? current.items.at(-1);
  const analysis = shown?.analysis as ContentAnalysis | null | undefined;
  const hasOptimizeRun = snapshot.runs.some((run) => run.stage === 'optimize');
  const research = researchOf(snapshot.research);
  const quality = shown ? buildQualitySummary(qualityViewOf(shown, snapshot.research, current.variants)) : null;
  return {
    revisions: hasOptimizeRun ? current.refinements.length : 0,
    words: analysis?.wordCount ?? (shown ? countWords(shown.markdown) : 0),
    sources: research?.sources.length ?? 0,
    ...(research?.medianWordCount ? { competitorWords: research.medianWordCount } : {}),
    ...(quality ? { quality } : {}),
  };
}

/** The claim check and repairs of the version shown, and why there are no sources when there are none. */
function qualityViewOf(
  item: Pick<ContentItem, 'claims' | 'repairs'>,
  researchRow: Pick<ResearchResult, 'data' | 'skipReason'> | undefined,
  variants: readonly Pick<ContentVariant, 'repairs'>[],
): QualityView {
  const research = researchOf(researchRow);
  const withoutResearch =
    research && research.sources.length > 0 ? null : (researchRow?.skipReason ?? 'Research found no sources for this plan.');
  return { claims: item.claims ?? null, repairs: [...(item.repairs ?? []), ...variants.flatMap((variant) => variant.repairs ?? [])], withoutResearch };
}

const REVIEW_STATUSES: readonly PlanStatus[] = ['in_review', 'approved', 'scheduled', 'publishing', 'published', 'partially_published', 'rejected', 'expired'];

function buildReviewView({ plan, audit }: PlanSnapshot, current: CurrentRevision): ReviewView | undefined {
  const decisions = audit.filter((entry) => entry.action === 'changes_requested' || entry.action === 'rejected');
  const isReviewed = REVIEW_STATUSES.includes(plan.status) || plan.publishDestinations.length > 0;
  if (!isReviewed && decisions.length === 0 && plan.revision === 0) return undefined;
  const policy = reviewPolicyOf(plan);
  const rejection = decisions.findLast((entry) => entry.action === 'rejected');
  return {
    revision: plan.revision,
    requiredApprovals: policy.requiredApprovals,
    approverIds: policy.approverIds,
    approvals: current.approvals.map((approval) => ({ userId: approval.approverId, at: approval.createdAt })),
    isApproved: plan.approvedAt !== null,
    scheduledAt: plan.scheduledAt,
    feedback: decisions
      .filter((entry) => entry.action === 'changes_requested')
      .map((entry) => ({ userId: entry.actorId, at: entry.createdAt, text: String(entry.details['feedback'] ?? '') })),
    rejection:
      plan.status === 'rejected' && rejection
        ? { userId: rejection.actorId, at: rejection.createdAt, reason: String(rejection.details['reason'] ?? '') }
        : null,
    publications: derivePublications(plan, current.publishAttempts),
  };
}

/**
 * The revision in which the post, and each variant, were last written: a variant-only revision carries
 * the rest forward unchanged, and their replies keep the keys of the revision that wrote them, so the
 * thread does not repeat them.
 */
function madeInRevisions({ plan, audit }: Pick<PlanSnapshot, 'plan' | 'audit'>): { post: number; variant: (channel: string) => number } {
  const scopes = new Map<number, ChangeScope>();
  for (const entry of audit) {
    if (entry.action === 'changes_requested') scopes.set(Number(entry.details['revision']) + 1, parseChangeScope(entry.details['scope']));
  }
  const walkBack = (isKept: (scope: ChangeScope) => boolean) => {
    let revision = plan.revision;
    for (let scope = scopes.get(revision); revision > 0 && scope && isKept(scope); scope = scopes.get(revision)) revision -= 1;
    return revision;
  };
  return {
    post: walkBack((scope) => scope.kind === 'variant'),
    variant: (channel) => walkBack((scope) => scope.kind === 'variant' && scope.channel !== channel),
  };
}

/**
 * The runs behind what the message shows: research runs once per plan; the draft, SEO and each variant
 * are those of the revision that last wrote them (the current one, unless a variant-only change kept them).
 */
function shownRuns(snapshot: PlanSnapshot): StageRun[] {
  const madeIn = madeInRevisions(snapshot);
  return snapshot.runs.filter((run) => {
    if (run.stage === 'research') return true;
    if (run.stage.startsWith('variant:')) return run.revision === madeIn.variant(run.stage.slice('variant:'.length));
    return run.revision === madeIn.post;
  });
}

function buildReplies(snapshot: PlanSnapshot, current: CurrentRevision): ReplySpec[] {
  const { plan, runs, research: researchRow } = snapshot;
  const madeIn = madeInRevisions(snapshot);
  const specs: ReplySpec[] = [];
  const research = researchOf(researchRow);
  const isResearchDone = runs.some((run) => run.stage === 'research' && (run.status === 'succeeded' || run.status === 'skipped'));
  if (isResearchDone && researchRow) {
    specs.push({
      key: 'research',
      reply: buildResearchReply({
        research,
        skippedReason: researchRow.skipReason,
        failures: (researchRow.failures as { url: string; reason: string }[]) ?? [],
      }),
    });
  }

  const currentItem = current.items.find((item) => item.isCurrent);
  const shown = currentItem ?? current.items[0];
  if (shown) {
    const analysis = shown.analysis as ContentAnalysis | null;
    specs.push({
      key: `draft:r${madeIn.post}`,
      reply: buildDraftReply({
        draft: { title: shown.title, slug: shown.slug, metaDescription: shown.metaDescription, markdown: shown.markdown },
        wordCount: analysis?.wordCount ?? countWords(shown.markdown),
        sources: research?.sources ?? [],
        version: `version ${shown.version}`,
      }),
    });
  }
  if (currentItem?.analysis) {
    specs.push({
      key: `seo:r${madeIn.post}`,
      reply: buildSeoReply({
        analysis: currentItem.analysis as ContentAnalysis,
        threshold: parsePlanSettings(plan.settings).seoThreshold,
        refinements: current.refinements.map((refinement) => ({
          iteration: refinement.iteration,
          scoreBefore: refinement.scoreBefore,
          scoreAfter: refinement.scoreAfter,
          instructions: refinement.instructions,
          rejectedReason: refinement.rejectedReason,
        })),
        quality: buildQualityBlocks(qualityViewOf(currentItem, researchRow, current.variants)),
      }),
    });
  }
  for (const channel of plan.channels.filter(isVariantChannel)) {
    const variant = current.variants.findLast((candidate) => candidate.channel === channel);
    if (!variant) continue;
    specs.push({ key: `variant:${channel}:r${madeIn.variant(channel)}`, reply: buildVariantReply({ channel, content: variant.content, violations: variant.violations }) });
  }
  const changes = buildRevisionChangesView(snapshot, current);
  if (changes) specs.push({ key: `changes:r${plan.revision}`, reply: buildRevisionChangesReply(changes) });
  const shownActions: readonly string[] = DECISION_ACTIONS;
  const decisions = snapshot.audit.filter((entry) => shownActions.includes(entry.action) && entry.action !== 'plan_created');
  if (decisions.length > 0) {
    specs.push({ key: 'decisions', reply: buildDecisionLogReply(decisions.map(toDecisionLogEntry)) });
  }
  return specs;
}

/**
 * Once a revision is back in review (or past it), what it changed against the version reviewers read
 * in the revision before: the post for a whole-plan or blog change, the one variant for a variant change.
 */
function buildRevisionChangesView(snapshot: PlanSnapshot, current: CurrentRevision): RevisionChangesView | null {
  const { plan } = snapshot;
  if (plan.revision === 0 || !REVIEW_STATUSES.includes(plan.status)) return null;
  const scope = parseChangeScope(plan.revisionScope);
  const requestEntry = snapshot.audit.findLast((entry) => entry.action === 'changes_requested' && entry.details['revision'] === plan.revision - 1);
  const request = requestEntry ? { userId: requestEntry.actorId, feedback: String(requestEntry.details['feedback'] ?? '') } : null;
  const base = { revision: plan.revision, scope, request };
  if (scope.kind === 'variant') {
    const find = (revision: number) =>
      snapshot.variants.find((variant) => variant.revision === revision && variant.channel === scope.channel)?.content;
    const before = find(plan.revision - 1);
    const after = find(plan.revision);
    if (before === undefined || after === undefined) return null;
    return { ...base, kind: 'variant', words: diffWords(variantText(before), variantText(after)) };
  }
  const previousItems = snapshot.items.filter((item) => item.revision === plan.revision - 1);
  const before = pickBestItem(previousItems, parsePlanSettings(plan.settings));
  const after = current.items.find((item) => item.isCurrent) ?? pickBestItem(current.items, parsePlanSettings(plan.settings));
  if (!before || !after) return null;
  return { ...base, kind: 'post', diff: diffRevisions(toRevisionSide(before), toRevisionSide(after)) };
}

function toRevisionSide(item: ContentItem): RevisionSide {
  return {
    draft: { title: item.title, slug: item.slug, metaDescription: item.metaDescription, markdown: item.markdown },
    seoScore: item.seoScore,
    readabilityScore: item.readabilityScore,
    claims: item.claims ?? null,
  };
}

function toDecisionLogEntry(entry: AuditEntry) {
  const details = entry.details;
  const note =
    typeof details['feedback'] === 'string'
      ? `${describeScopeShort(parseChangeScope(details['scope']))}${details['feedback']}`
      : typeof details['reason'] === 'string'
        ? details['reason']
        : typeof details['at'] === 'string'
          ? `for ${slackDate(new Date(details['at']))}`
          : Array.isArray(details['changed'])
            ? `changed ${details['changed'].map((field) => BRIEF_FIELD_LABELS[field as BriefField] ?? String(field)).join(', ')}`
            : undefined;
  return { actorId: entry.actorId, action: entry.action, at: entry.createdAt, ...(note ? { note } : {}) };
}

/** Said before a change request's feedback in the decision log; nothing for the whole plan. */
function describeScopeShort(scope: ChangeScope): string {
  if (scope.kind === 'blog') return 'Blog post only: ';
  if (scope.kind === 'variant') return `${CHANNEL_LABELS[scope.channel]} only: `;
  return '';
}
