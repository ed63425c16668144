import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { ContentAnalysis } from '../orchestrator/seo/analyze.ts';
import type { Repair } from '../orchestrator/citations.ts';
import type { ClaimCheck } from '../orchestrator/claims.ts';
import type { SourceText } from '../orchestrator/evidence.ts';
import type { Draft, Grounding, Research } from '../orchestrator/types.ts';
import type { Executor } from './client.ts';
import { contentItems, contentVariants, refinements, researchResults } from './schema.ts';

export type ContentItem = typeof contentItems.$inferSelect;
export type ContentVariant = typeof contentVariants.$inferSelect;
export type Refinement = typeof refinements.$inferSelect;
export type ResearchResult = typeof researchResults.$inferSelect;

type PlanRef = { teamId: string; planId: string };

export async function saveResearch(
  db: Executor,
  {
    teamId,
    planId,
    research,
    texts,
    skipReason,
    failures,
  }: PlanRef & { research: Research | null; texts: SourceText[]; skipReason: string | null; failures: unknown[] },
): Promise<void> {
  await db
    .insert(researchResults)
    .values({ teamId, planId, skipped: research === null, skipReason, data: research, texts, failures })
    .onConflictDoUpdate({
      target: [researchResults.teamId, researchResults.planId],
      set: { skipped: research === null, skipReason, data: research, texts, failures },
    });
}

export async function findResearch(db: Executor, { teamId, planId }: PlanRef): Promise<ResearchResult | undefined> {
  const [row] = await db
    .select()
    .from(researchResults)
    .where(and(eq(researchResults.teamId, teamId), eq(researchResults.planId, planId)));
  return row;
}

/** The stored research, with the fields research made before evidence existed filled in empty. */
export function researchOf(row: Pick<ResearchResult, 'data'> | undefined): Research | null {
  const data = row?.data as Partial<Research> | null | undefined;
  if (!data) return null;
  return {
    competitors: data.competitors ?? [],
    keywords: data.keywords ?? [],
    gaps: data.gaps ?? [],
    questions: data.questions ?? [],
    sources: data.sources ?? [],
    intent: data.intent ?? null,
    format: data.format ?? null,
    medianWordCount: data.medianWordCount ?? 0,
    evidence: data.evidence ?? [],
    quotes: data.quotes ?? { kept: 0, dropped: 0 },
  };
}

/** Research and its sources' stored text, as the draft, revisions and claim checks read them. */
export function groundingOf(row: ResearchResult | undefined): Grounding {
  return { research: researchOf(row), texts: row?.texts ?? [] };
}

/** Adds the next version of the draft for a revision. */
export async function addContentItem(
  db: Executor,
  {
    teamId,
    planId,
    revision,
    origin,
    draft,
    takeaway = null,
    analysis,
    claims,
    repairs,
  }: PlanRef & {
    revision: number;
    origin: 'draft' | 'refinement';
    draft: Draft;
    takeaway?: string | null;
    analysis: ContentAnalysis | null;
    claims: ClaimCheck | null;
    repairs: Repair[];
  },
): Promise<ContentItem> {
  const [row] = await db
    .insert(contentItems)
    .values({
      teamId,
      planId,
      revision,
      version: sql`(select coalesce(max(version), 0) + 1 from content_items where team_id = ${teamId} and plan_id = ${planId} and revision = ${revision})`,
      origin,
      title: draft.title,
      slug: draft.slug,
      metaDescription: draft.metaDescription,
      takeaway,
      markdown: draft.markdown,
      analysis,
      claims,
      repairs,
      seoScore: analysis?.seoScore ?? null,
      readabilityScore: analysis?.readabilityScore ?? null,
    })
    .returning();
  if (!row) throw new Error('could not save the draft');
  return row;
}

export async function setItemAnalysis(db: Executor, { teamId, itemId, analysis }: { teamId: string; itemId: number; analysis: ContentAnalysis }) {
  await db
    .update(contentItems)
    .set({ analysis, seoScore: analysis.seoScore, readabilityScore: analysis.readabilityScore })
    .where(and(eq(contentItems.teamId, teamId), eq(contentItems.id, itemId)));
}

export async function listContentItems(db: Executor, { teamId, planId, revision }: PlanRef & { revision: number }): Promise<ContentItem[]> {
  return db
    .select()
    .from(contentItems)
    .where(and(eq(contentItems.teamId, teamId), eq(contentItems.planId, planId), eq(contentItems.revision, revision)))
    .orderBy(asc(contentItems.version));
}

export async function markCurrentItem(db: Executor, { teamId, planId, itemId }: PlanRef & { itemId: number }): Promise<void> {
  await db
    .update(contentItems)
    .set({ isCurrent: sql`${contentItems.id} = ${itemId}` })
    .where(and(eq(contentItems.teamId, teamId), eq(contentItems.planId, planId)));
}

export async function findCurrentItem(db: Executor, { teamId, planId }: PlanRef): Promise<ContentItem | undefined> {
  const [row] = await db
    .select()
    .from(contentItems)
    .where(and(eq(contentItems.teamId, teamId), eq(contentItems.planId, planId), eq(contentItems.isCurrent, true)))
    .limit(1);
  return row;
}

export async function addRefinement(db: Executor, values: typeof refinements.$inferInsert): Promise<void> {
  await db.insert(refinements).values(values).onConflictDoNothing();
}

export async function saveVariant(
  db: Executor,
  {
    teamId,
    planId,
    revision,
    channel,
    content,
    violations,
    repairs,
  }: PlanRef & { revision: number; channel: string; content: unknown; violations: string[]; repairs: Repair[] },
): Promise<void> {
  await db
    .insert(contentVariants)
    .values({ teamId, planId, revision, channel, content, violations, repairs })
    .onConflictDoUpdate({
      target: [contentVariants.teamId, contentVariants.planId, contentVariants.revision, contentVariants.channel],
      set: { content, violations, repairs },
    });
}

export async function listVariants(db: Executor, { teamId, planId, revision }: PlanRef & { revision: number }): Promise<ContentVariant[]> {
  return db
    .select()
    .from(contentVariants)
    .where(and(eq(contentVariants.teamId, teamId), eq(contentVariants.planId, planId), eq(contentVariants.revision, revision)))
    .orderBy(desc(contentVariants.id));
}

/**
 * Starts a revision from the previous one's content: the current version of the draft, and the
 * variants of the channels kept, so a brief edit that only adds or drops a channel, or a change asked
 * of one variant, writes nothing else again. The draft keeps its version number, so its thread reply
 * reads the same. Returns the channels whose variants were carried.
 */
export async function carryContentForward(
  db: Executor,
  { teamId, planId, fromRevision, toRevision, channels }: PlanRef & { fromRevision: number; toRevision: number; channels: readonly string[] },
): Promise<string[]> {
  const [item] = await db.execute<{ id: number }>(sql`
    insert into content_items (team_id, plan_id, revision, version, origin, title, slug, meta_description, takeaway, markdown, analysis, claims, repairs, seo_score, readability_score)
    select team_id, plan_id, ${toRevision}, version, 'carried', title, slug, meta_description, takeaway, markdown, analysis, claims, repairs, seo_score, readability_score
    from content_items where team_id = ${teamId} and plan_id = ${planId} and is_current
    limit 1
    returning id`);
  if (item) await markCurrentItem(db, { teamId, planId, itemId: Number(item.id) });
  if (channels.length === 0) return [];
  const carried = await db.execute<{ channel: string }>(sql`
    insert into content_variants (team_id, plan_id, revision, channel, content, violations, repairs)
    select team_id, plan_id, ${toRevision}, channel, content, violations, repairs
    from content_variants
    where team_id = ${teamId} and plan_id = ${planId} and revision = ${fromRevision}
      and channel in (${sql.join(
        channels.map((channel) => sql`${channel}`),
        sql`, `,
      )})
    returning channel`);
  return carried.map((row) => row.channel);
}
