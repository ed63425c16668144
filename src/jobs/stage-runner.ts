import type { Job } from 'graphile-worker';
import type { Transaction } from '../db/client.ts';
import { applyPlanEvent } from '../db/plan-events.ts';
import { findPlan, type Plan } from '../db/plans.ts';
import { findSucceededStageRun, finishStageRun, startStageRun, type StageRunKey } from '../db/stage-runs.ts';
import { asAppError, isAppError } from '../errors.ts';
import type { LlmUsage } from '../orchestrator/llm.ts';
import { STAGE_STATUS, type Stage } from '../domain/plan-states.ts';
import type { JobDeps } from './deps.ts';
import { requestRender } from './queue.ts';

export type StageResult<Output> = { output: Output; usage: LlmUsage; status?: 'succeeded' | 'skipped'; note?: string };

/**
 * Runs one attempt of one pipeline stage and records it as a stage run.
 * - A stage that already succeeded is not run again (a retry never pays twice).
 * - `complete` saves the results, moves the plan and enqueues what follows, in the same
 *   transaction that marks the run succeeded.
 * - A final failure (not retryable, or the job's last attempt) marks the plan failed, with the
 *   reason in one sentence; a retryable one is rethrown so graphile-worker retries with backoff.
 */
export async function runStage<Output>({
  deps,
  job,
  teamId,
  planId,
  stage,
  runKey,
  execute,
  complete,
}: {
  deps: JobDeps;
  job: Job;
  teamId: string;
  planId: string;
  stage: Stage;
  runKey: Omit<StageRunKey, 'teamId' | 'planId'>;
  execute: (plan: Plan) => Promise<StageResult<Output>>;
  complete: (tx: Transaction, plan: Plan, output: Output) => Promise<void>;
}): Promise<void> {
  const plan = await findPlan(deps.db, teamId, planId);
  const log = deps.logger.child({ planId, stage: runKey.stage, iteration: runKey.iteration ?? 0, attempt: job.attempts });
  if (!plan || plan.status !== STAGE_STATUS[stage] || plan.revision !== runKey.revision) {
    log.info({ status: plan?.status }, 'stage job no longer applies; skipping');
    return;
  }
  const key = { teamId, planId, ...runKey };
  if (await findSucceededStageRun(deps.db, key)) {
    log.info('stage already succeeded; skipping');
    return;
  }

  const runId = await startStageRun(deps.db, { ...key, attempt: job.attempts, jobId: String(job.id) });
  await requestRender(deps, teamId, planId);
  try {
    const result = await execute(plan);
    await deps.db.transaction(async (tx) => {
      await finishStageRun(tx, {
        teamId,
        runId,
        status: result.status ?? 'succeeded',
        output: result.output,
        error: result.note,
        tokensIn: result.usage.inputTokens,
        tokensOut: result.usage.outputTokens,
      });
      await complete(tx, plan, result.output);
    });
    await requestRender(deps, teamId, planId);
  } catch (error) {
    const appError = asAppError(error);
    const usage = (appError.details?.['usage'] as LlmUsage | undefined) ?? { inputTokens: 0, outputTokens: 0 };
    await finishStageRun(deps.db, {
      teamId,
      runId,
      status: 'failed',
      error: appError.message,
      tokensIn: usage.inputTokens,
      tokensOut: usage.outputTokens,
    });
    const isLastAttempt = job.attempts >= job.max_attempts;
    const isRetryable = isAppError(error, 'UPSTREAM_RETRYABLE') || !isAppError(error);
    if (isRetryable && !isLastAttempt) {
      log.warn({ err: error }, 'stage attempt failed; it will be retried');
      throw error;
    }
    log.error({ err: error }, 'stage failed');
    const reason = describeFailure(isAppError(error) ? appError.message : UNEXPECTED, job.attempts);
    await applyPlanEvent(deps.db, { teamId, planId }, { type: 'stage_failed', stage, reason });
    await requestRender(deps, teamId, planId, 0);
  }
}

const UNEXPECTED = 'An unexpected error stopped this stage; the details are in the logs.';

function describeFailure(message: string, attempts: number): string {
  const sentence = message.replace(/\.?$/, '.');
  return attempts > 1 ? `${sentence} (gave up after ${attempts} tries)` : sentence;
}
