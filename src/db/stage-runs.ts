import { and, asc, desc, eq, lt, sql } from 'drizzle-orm';
import type { Stage } from '../domain/plan-states.ts';
import type { Database, Executor } from './client.ts';
import { stageRuns } from './schema.ts';

export type StageRun = typeof stageRuns.$inferSelect;
export type StageRunKey = { teamId: string; planId: string; stage: Stage | `variant:${string}`; revision: number; iteration?: number };

export async function listStageRuns(db: Database, teamId: string, planId: string): Promise<StageRun[]> {
  return db
    .select()
    .from(stageRuns)
    .where(and(eq(stageRuns.teamId, teamId), eq(stageRuns.planId, planId)))
    .orderBy(asc(stageRuns.id));
}

/** The output of a stage that already succeeded, so a retry never pays for it again. */
export async function findSucceededStageRun(db: Database, key: StageRunKey): Promise<StageRun | undefined> {
  const [run] = await db
    .select()
    .from(stageRuns)
    .where(
      and(
        eq(stageRuns.teamId, key.teamId),
        eq(stageRuns.planId, key.planId),
        eq(stageRuns.stage, key.stage),
        eq(stageRuns.revision, key.revision),
        eq(stageRuns.iteration, key.iteration ?? 0),
        eq(stageRuns.status, 'succeeded'),
      ),
    )
    .limit(1);
  return run;
}

/** The output of the latest succeeded run of a stage in a revision before `beforeRevision`, or undefined. */
export async function findLatestStageOutput(
  db: Executor,
  { teamId, planId, stage, beforeRevision }: { teamId: string; planId: string; stage: Stage; beforeRevision: number },
): Promise<unknown> {
  const [run] = await db
    .select({ output: stageRuns.output })
    .from(stageRuns)
    .where(
      and(
        eq(stageRuns.teamId, teamId),
        eq(stageRuns.planId, planId),
        eq(stageRuns.stage, stage),
        lt(stageRuns.revision, beforeRevision),
        eq(stageRuns.status, 'succeeded'),
      ),
    )
    .orderBy(desc(stageRuns.revision), desc(stageRuns.id))
    .limit(1);
  return run?.output ?? undefined;
}

export async function startStageRun(db: Database, key: StageRunKey & { attempt: number; jobId: string }): Promise<number> {
  const [run] = await db
    .insert(stageRuns)
    .values({
      teamId: key.teamId,
      planId: key.planId,
      stage: key.stage,
      revision: key.revision,
      iteration: key.iteration ?? 0,
      attempt: key.attempt,
      jobId: key.jobId,
      status: 'running',
    })
    .returning({ id: stageRuns.id });
  if (!run) throw new Error('could not record the stage run');
  return run.id;
}

export async function finishStageRun(
  db: Database,
  {
    teamId,
    runId,
    status,
    output,
    error,
    tokensIn = 0,
    tokensOut = 0,
  }: { teamId: string; runId: number; status: 'succeeded' | 'failed' | 'skipped'; output?: unknown; error?: string; tokensIn?: number; tokensOut?: number },
): Promise<void> {
  await db
    .update(stageRuns)
    .set({
      status,
      output: output ?? null,
      error: error ?? null,
      tokensIn: sql`${stageRuns.tokensIn} + ${tokensIn}`,
      tokensOut: sql`${stageRuns.tokensOut} + ${tokensOut}`,
      finishedAt: new Date(),
    })
    .where(and(eq(stageRuns.teamId, teamId), eq(stageRuns.id, runId)));
}
