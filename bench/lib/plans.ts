import type { EvidenceItem, SourceText } from '../../src/orchestrator/evidence.ts';
import type { ResearchSource } from '../../src/orchestrator/types.ts';
import type { PlanFormAnswers } from '../../tests/support/plan-modal-values.ts';
import { TEAM } from './constants.ts';
import type { BenchDatabase } from './database.ts';
import { pollUntil } from './harness.ts';
import { planSubmission, timedSend, type Timed } from './slack.ts';
import { markedAnswers, markedTopic } from './author.ts';

/** Submits the plan modal for a marked plan; returns the ack and the new plan's id. */
export async function submitMarkedPlan(
  appUrl: string,
  database: BenchDatabase,
  marker: string,
  answers: PlanFormAnswers,
): Promise<{ ack: Timed; planId: string; submittedAt: number }> {
  const submittedAt = Date.now();
  const ack = await timedSend(appUrl, planSubmission(`V0BENCH${marker.toUpperCase()}`, markedAnswers(marker, answers)));
  if (ack.status !== 200 || ack.body !== '') throw new Error(`submission of ${marker} answered HTTP ${ack.status} ${ack.error ?? ack.body.slice(0, 200)}`);
  const [row] = await database.sql<{ id: string }[]>`select id from content_plans where team_id = ${TEAM} and topic = ${markedTopic(marker)}`;
  if (!row) throw new Error(`no plan was created for ${marker}`);
  return { ack, planId: row.id, submittedAt };
}

/** Waits until the plan is in `status`; fails fast when it fails instead. Returns the epoch ms it was seen. */
export async function waitForPlanStatus(database: BenchDatabase, planId: string, status: string, { timeoutMs, intervalMs }: { timeoutMs: number; intervalMs: number }): Promise<number> {
  return pollUntil(
    async () => {
      const [row] = await database.sql<{ status: string; error: string | null }[]>`select status, error from content_plans where id = ${planId}`;
      if (row?.status === 'failed') throw new Error(`plan ${planId} failed: ${row.error}`);
      return row?.status === status ? Date.now() : undefined;
    },
    { timeoutMs, intervalMs, what: `plan ${planId} to reach ${status}` },
  );
}

export type StageRunRow = { planId: string; stage: string; iteration: number; attempt: number; status: string; startedAt: number; finishedAt: number | null };

export async function stageRunsOf(database: BenchDatabase, planIds: readonly string[]): Promise<StageRunRow[]> {
  return database.sql<StageRunRow[]>`
    select plan_id as "planId", stage, iteration, attempt, status,
           (extract(epoch from started_at) * 1000)::float8 as "startedAt",
           (extract(epoch from finished_at) * 1000)::float8 as "finishedAt"
    from stage_runs where plan_id in ${database.sql(planIds)} order by started_at`;
}

export type ContentItemRow = {
  planId: string;
  version: number;
  title: string;
  slug: string;
  metaDescription: string;
  markdown: string;
  seoScore: number | null;
  /** The plan's research, for the analysis as the app runs it: citations rendered, claims checked. */
  sources: ResearchSource[];
  texts: SourceText[];
  evidence: EvidenceItem[];
};

/** Every analysed version of the plans' drafts: one SEO analysis and one claim check each. */
export async function analysedItemsOf(database: BenchDatabase, planIds: readonly string[]): Promise<ContentItemRow[]> {
  return database.sql<ContentItemRow[]>`
    select i.plan_id as "planId", i.version, i.title, i.slug, i.meta_description as "metaDescription", i.markdown, i.seo_score as "seoScore",
      coalesce(r.data->'sources', '[]') as sources, coalesce(r.texts, '[]') as texts, coalesce(r.data->'evidence', '[]') as evidence
    from content_items i left join research_results r on r.plan_id = i.plan_id and r.team_id = i.team_id
    where i.plan_id in ${database.sql(planIds)} and i.analysis is not null order by i.plan_id, i.version`;
}
