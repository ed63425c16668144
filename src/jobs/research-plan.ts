import type { Task } from 'graphile-worker';
import { saveResearch } from '../db/content.ts';
import { applyPlanEvent } from '../db/plan-events.ts';
import { researchTopic } from '../orchestrator/stages/research.ts';
import type { SourceText } from '../orchestrator/evidence.ts';
import type { Research } from '../orchestrator/types.ts';
import type { JobDeps } from './deps.ts';
import { parsePayload, researchJobPayload } from './payloads.ts';
import { toPlanBrief } from './pipeline.ts';
import { enqueueDraft } from './queue.ts';
import { runStage } from './stage-runner.ts';

export type ResearchStageOutput = {
  skipped: string | null;
  sources: Research['sources'];
  failures: { url: string; reason: string }[];
  quotes?: Research['quotes'];
};

/** Stage 1: search and scrape competitors, then one structured call that summarises them and proposes evidence. */
export function makeResearchPlan(deps: JobDeps): Task {
  return async (payload, helpers) => {
    const { teamId, planId, revision } = parsePayload(researchJobPayload, payload);
    await applyPlanEvent(deps.db, { teamId, planId }, { type: 'stage_started', stage: 'research' });
    let research: Research | null = null;
    let texts: SourceText[] = [];
    await runStage<ResearchStageOutput>({
      deps,
      job: helpers.job,
      teamId,
      planId,
      stage: 'research',
      runKey: { stage: 'research', revision },
      execute: async (plan) => {
        const outcome = await researchTopic({ brief: toPlanBrief(plan), scraper: deps.scraper, llm: deps.llm });
        if (outcome.kind === 'skipped') {
          return { status: 'skipped', note: outcome.reason, usage: outcome.usage, output: { skipped: outcome.reason, sources: [], failures: [] } };
        }
        research = outcome.research;
        texts = outcome.texts;
        return {
          usage: outcome.usage,
          output: { skipped: null, sources: outcome.research.sources, failures: outcome.failures, quotes: outcome.research.quotes },
        };
      },
      complete: async (tx, plan, output) => {
        await saveResearch(tx, { teamId, planId, research, texts, skipReason: output.skipped, failures: output.failures });
        const moved = await applyPlanEvent(tx, { teamId, planId }, { type: 'stage_succeeded', stage: 'research' });
        if (moved.isApplied) await enqueueDraft(tx, plan, deps.maxAttempts);
      },
    });
  };
}
