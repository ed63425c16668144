import type { KnownBlock } from '@slack/types';
import type { AuditEntry } from '../../db/audit.ts';
import { DECISION_ACTIONS } from '../../db/audit.ts';
import { researchOf, type ContentItem, type ContentVariant, type ResearchResult } from '../../db/content.ts';
import type { PlanSnapshot } from '../../db/plan-snapshot.ts';
import type { StageRun } from '../../db/stage-runs.ts';
import { CHANNEL_LABELS, isVariantChannel, measureVariant, parseVariant, validateVariant, type ChannelId, type VariantChannelId } from '../../domain/channels.ts';
import { parseChangeScope, type ChangeScope, type PlanStatus } from '../../domain/plan-states.ts';
import { reviewPolicyOf } from '../../domain/review-policy.ts';
import { parsePlanSettings } from '../../domain/settings.ts';
import type { ContentAnalysis } from '../../orchestrator/seo/analyze.ts';
import { pickBestItem } from '../../orchestrator/stages/optimize.ts';
import { diffRevisions, diffWords, variantText, type RevisionSide } from '../../orchestrator/revision-diff.ts';
import { countWords } from '../../orchestrator/text.ts';
import { derivePublications } from './destination-lines.ts';
import { formatNumber, slackDate } from './format.ts';
import { buildPlanMessage, type ChannelView, type ReviewView, type SeoProgress } from './plan-message.ts';
import { withManagement } from './plan-manage.ts';
import { BRIEF_FIELD_LABELS, type BriefField } from '../../domain/brief-edit.ts';
import { derivePlanMessageModel, type MessageFacts } from './plan-message-model.ts';
import { buildQualityBlocks, buildQualitySummary, type QualityView } from './replies/quality.ts';
import { buildDecisionLogReply } from './replies/decision-log.ts';
import { buildDraftCanvas, buildDraftReply } from './replies/draft.ts';
import { buildResearchReply } from './replies/research.ts';
import { buildRevisionChangesReply, type RevisionChangesView } from './replies/revision-changes.ts';
import { buildSeoReply } from './replies/seo.ts';
import { buildVariantReply } from './replies/variant.ts';

type MessageReply = { kind?: 'message'; text: string; blocks: KnownBlock[] };
/** The thread reply key of a revision's draft; its permalink is the "Read the draft" link. */
export const draftReplyKey = (revision: number) => `draft:r${revision}`;
/** The key under which the draft's canvas is recorded with the thread replies (ts holds the canvas id). */
export const CANVAS_KEY = 'canvas';
type FileReply = { kind: 'file'; text: string; blocks: KnownBlock[]; file: { filename: string; content: string } };
export type ReplySpec = { key: string; reply: MessageReply | FileReply };

/** What a plan shows in Slack: its root message, and the replies in its thread in order. */
export type PlanView = {
  message: { text: string; blocks: KnownBlock[] };
  replies: ReplySpec[];
  /** The draft as a canvas, published when the workspace allows it; absent before there is a draft. */
  canvas: { title: string; markdown: string } | undefined;
  review: ReviewView | undefined;
};

/** Builds a plan's whole Slack view from its snapshot; pure. */
export function buildPlanView(snapshot: PlanSnapshot): PlanView {
  const current = currentRevisionOf(snapshot);
  const review = buildReviewView(snapshot, current);
  const built = buildPlanMessage(derivePlanMessageModel(snapshot.plan, shownRuns(snapshot), messageFactsOf(snapshot, current), review));
  const { plan } = snapshot;
  const message = withManagement(built, { planId: plan.id, status: plan.status, approvedAt: plan.approvedAt, failedStage: plan.failedStage }, snapshot.audit);
  return { message, replies: buildReplies(snapshot, current), canvas: buildCanvas(snapshot, current), review };
}

/** The same version the draft reply shows, as a canvas. */
function buildCanvas(snapshot: PlanSnapshot, current: CurrentRevision): PlanView['canvas'] {
  const shown = current.items.find((item) => item.isCurrent) ?? current.items[0];
  if (!shown) return undefined;
  return buildDraftCanvas({
    draft: { title: shown.title, slug: shown.slug, metaDescription: shown.metaDescription, markdown: shown.markdown },
    sources: researchOf(snapshot.research)?.sources ?? [],
    version: `revision ${snapshot.plan.revision + 1}, version ${shown.version}`,
  });
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

/** The version the root message describes: the kept one, else the best so far, else the first. */
function shownItemOf(snapshot: PlanSnapshot, current: CurrentRevision): ContentItem | undefined {
  const analysed = current.items.filter((item) => item.seoScore !== null);
  return (
    current.items.find((item) => item.isCurrent) ??
    pickBestItem(analysed, parsePlanSettings(snapshot.plan.settings)) ??
    current.items[0]
  );
}

function messageFactsOf(snapshot: PlanSnapshot, current: CurrentRevision): MessageFacts {
  const { plan } = snapshot;
  const shown = shownItemOf(snapshot, current);
  const research = researchOf(snapshot.research);
  const analysis = shown?.analysis as ContentAnalysis | null | undefined;
  const facts: MessageFacts = {
    seo: seoProgressOf(snapshot, current, shown),
    channelViews: plan.channels.map((channel) => channelViewOf(channel, current.variants)),
    warnings: warningsOf(snapshot, current),
    ...(research && research.sources.length > 0
      ? { researchSources: research.sources.filter((source) => /^https?:\/\//.test(source.url)).map((source) => ({ url: source.url, title: source.title })) }
      : {}),
  };
  const draftLink = findDraftLink(snapshot);
  if (draftLink) facts.draftLink = draftLink;
  if (!shown) return facts;
  facts.article = {
    title: shown.title,
    metaDescription: shown.metaDescription,
    takeaway: current.items.find((item) => item.takeaway)?.takeaway ?? null,
    words: analysis?.wordCount ?? countWords(shown.markdown),
    sources: research?.sources.length ?? 0,
    ...(research?.medianWordCount ? { competitorWords: research.medianWordCount } : {}),
  };
  const quality = buildQualitySummary(qualityViewOf(shown, snapshot.research, current.variants));
  if (quality) facts.quality = quality;
  return facts;
}

/** SEO and readability of the revision's first analysed draft and of the version shown, and the passes run. */
function seoProgressOf(snapshot: PlanSnapshot, current: CurrentRevision, shown: ContentItem | undefined): SeoProgress {
  const scoresOf = (item: ContentItem | undefined) =>
    item && item.seoScore !== null && item.readabilityScore !== null ? { seo: item.seoScore, readability: item.readabilityScore } : null;
  const first = current.items.find((item) => item.seoScore !== null);
  return {
    initial: scoresOf(first),
    best: scoresOf(shown?.seoScore !== null ? shown : first),
    passes: current.refinements.length,
    passBudget: parsePlanSettings(snapshot.plan.settings).maxRefinements,
  };
}

/** "LinkedIn 1,412/3,000", "X thread 5 posts" once the variant exists; the channel's name before. */
function channelViewOf(channel: ChannelId, variants: readonly ContentVariant[]): ChannelView {
  const name = CHANNEL_LABELS[channel];
  if (!isVariantChannel(channel)) return { channel, label: name };
  const variant = variants.findLast((candidate) => candidate.channel === channel);
  const measured = variant ? measureStoredVariant(channel, variant.content) : null;
  // A newsletter's subject length says little at a glance; its reply has the detail.
  return { channel, label: measured && channel !== 'newsletter' ? `${name} ${measured.short}` : name };
}

function measureStoredVariant(channel: VariantChannelId, content: unknown): { label: string; short: string; isOverLimit: boolean } | null {
  try {
    const variant = parseVariant(channel, content);
    const measure = measureVariant(channel, variant);
    const posts = 'posts' in variant && Array.isArray(variant.posts) ? variant.posts.length : null;
    const short = posts !== null ? `${formatNumber(posts)} ${posts === 1 ? 'post' : 'posts'}` : `${formatNumber(measure.length)}/${formatNumber(measure.limit)}`;
    return { label: measure.label, short, isOverLimit: measure.length > measure.limit || validateVariant(channel, variant).length > 0 };
  } catch {
    return null;
  }
}

/** What an approver must know before deciding: variants that break their channel's rules, pages research could not read. */
function warningsOf(snapshot: PlanSnapshot, current: CurrentRevision): string[] {
  const warnings: string[] = [];
  for (const channel of snapshot.plan.channels.filter(isVariantChannel)) {
    const variant = current.variants.findLast((candidate) => candidate.channel === channel);
    if (!variant) continue;
    const measured = measureStoredVariant(channel, variant.content);
    if (!measured) warnings.push(`${CHANNEL_LABELS[channel]}: the variant has the wrong shape; request changes to write it again.`);
    else if (measured.isOverLimit || variant.violations.length > 0) {
      const rules = variant.violations.length > 0 ? `breaks ${variant.violations.length === 1 ? '1 rule' : `${variant.violations.length} rules`}` : 'over its limit';
      warnings.push(`${measured.label}: ${rules} (see its reply)`);
    }
  }
  const failures = (snapshot.research?.failures as { url: string; reason: string }[] | undefined) ?? [];
  for (const failure of failures) warnings.push(`Research could not read ${failure.url}: ${failure.reason}`);
  return warnings;
}

/** The canvas when one was published, else the current draft reply's permalink. */
function findDraftLink(snapshot: PlanSnapshot): MessageFacts['draftLink'] {
  const { replies } = snapshot;
  const canvas = replies.find((reply) => reply.key === CANVAS_KEY);
  if (canvas?.permalink) return { url: canvas.permalink, kind: 'canvas' };
  const draft = replies.find((reply) => reply.key === draftReplyKey(madeInRevisions(snapshot).post));
  return draft?.permalink ? { url: draft.permalink, kind: 'reply' } : undefined;
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
 * The thread's replies in the order they are posted (a thread is ordered by post time): the draft,
 * quality and SEO, the variants, research, then the decision log. Research waits until the first
 * pass has posted its draft, SEO report and variants, or until the plan failed.
 */
function buildReplies(snapshot: PlanSnapshot, current: CurrentRevision): ReplySpec[] {
  const { plan, runs, research: researchRow } = snapshot;
  const madeIn = madeInRevisions(snapshot);
  const specs: ReplySpec[] = [];
  const research = researchOf(researchRow);

  const currentItem = current.items.find((item) => item.isCurrent);
  const shown = currentItem ?? current.items[0];
  if (shown) {
    const analysis = shown.analysis as ContentAnalysis | null;
    specs.push({
      key: draftReplyKey(madeIn.post),
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

  const isResearchDone = runs.some((run) => run.stage === 'research' && (run.status === 'succeeded' || run.status === 'skipped'));
  const isFirstPassRunning = plan.revision === 0 && FIRST_PASS_STATUSES.includes(plan.status);
  const isResearchPosted = snapshot.replies.some((reply) => reply.key === 'research');
  const isResearchDue = isResearchPosted || plan.status === 'failed' || (shown !== undefined && !isFirstPassRunning);
  if (isResearchDone && researchRow && isResearchDue) {
    specs.push({
      key: 'research',
      reply: buildResearchReply({
        research,
        skippedReason: researchRow.skipReason,
        failures: (researchRow.failures as { url: string; reason: string }[]) ?? [],
      }),
    });
  }

  const shownActions: readonly string[] = DECISION_ACTIONS;
  const decisions = snapshot.audit.filter((entry) => shownActions.includes(entry.action) && entry.action !== 'plan_created');
  if (decisions.length > 0) {
    specs.push({ key: 'decisions', reply: buildDecisionLogReply(decisions.map(toDecisionLogEntry)) });
  }
  return specs;
}

/** While the first pass is in these, replies that come before research are still to be posted. */
const FIRST_PASS_STATUSES: readonly PlanStatus[] = ['queued', 'researching', 'drafting', 'optimizing', 'generating_variants'];

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

/** Said before a change request's feedback in the decision log; nothing for the whole plan. */
function describeScopeShort(scope: ChangeScope): string {
  if (scope.kind === 'blog') return 'Blog post only: ';
  if (scope.kind === 'variant') return `${CHANNEL_LABELS[scope.channel]} only: `;
  return '';
}
