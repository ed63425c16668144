import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { ContentAnalysis } from '../orchestrator/seo/analyze.ts';
import type { Draft, Research } from '../orchestrator/types.ts';
import type { Executor } from './client.ts';
import { contentItems, contentVariants, refinements, researchResults } from './schema.ts';

export type ContentItem = typeof contentItems.$inferSelect;
export type ContentVariant = typeof contentVariants.$inferSelect;
export type Refinement = typeof refinements.$inferSelect;
export type ResearchResult = typeof researchResults.$inferSelect;

type PlanRef = { teamId: string; planId: string };

export async function saveResearch(
  db: Executor,
  { teamId, planId, research, skipReason, failures }: PlanRef & { research: Research | null; skipReason: string | null; failures: unknown[] },
): Promise<void> {
  await db
    .insert(researchResults)
    .values({ teamId, planId, skipped: research === null, skipReason, data: research, failures })
    .onConflictDoUpdate({
      target: [researchResults.teamId, researchResults.planId],
      set: { skipped: research === null, skipReason, data: research, failures },
    });
}

export async function findResearch(db: Executor, { teamId, planId }: PlanRef): Promise<ResearchResult | undefined> {
  const [row] = await db
    .select()
    .from(researchResults)
    .where(and(eq(researchResults.teamId, teamId), eq(researchResults.planId, planId)));
  return row;
}

export function researchOf(row: ResearchResult | undefined): Research | null {
  return (row?.data as Research | null | undefined) ?? null;
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
    analysis,
  }: PlanRef & { revision: number; origin: 'draft' | 'refinement'; draft: Draft; analysis: ContentAnalysis | null },
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
      markdown: draft.markdown,
      analysis,
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

/** The best-scoring version so far; on a tie the earlier one, which needed fewer changes. */
export function pickBestItem(items: readonly ContentItem[]): ContentItem | undefined {
  return items.reduce<ContentItem | undefined>((best, item) => ((item.seoScore ?? -1) > (best?.seoScore ?? -1) ? item : best), undefined);
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

export async function listRefinements(db: Executor, { teamId, planId, revision }: PlanRef & { revision: number }): Promise<Refinement[]> {
  return db
    .select()
    .from(refinements)
    .where(and(eq(refinements.teamId, teamId), eq(refinements.planId, planId), eq(refinements.revision, revision)))
    .orderBy(asc(refinements.iteration));
}

export async function saveVariant(
  db: Executor,
  { teamId, planId, revision, channel, content, violations }: PlanRef & { revision: number; channel: string; content: unknown; violations: string[] },
): Promise<void> {
  await db
    .insert(contentVariants)
    .values({ teamId, planId, revision, channel, content, violations })
    .onConflictDoUpdate({
      target: [contentVariants.teamId, contentVariants.planId, contentVariants.revision, contentVariants.channel],
      set: { content, violations },
    });
}

export async function listVariants(db: Executor, { teamId, planId, revision }: PlanRef & { revision: number }): Promise<ContentVariant[]> {
  return db
    .select()
    .from(contentVariants)
    .where(and(eq(contentVariants.teamId, teamId), eq(contentVariants.planId, planId), eq(contentVariants.revision, revision)))
    .orderBy(desc(contentVariants.id));
}
