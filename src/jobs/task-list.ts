import type { TaskList } from 'graphile-worker';
import type { JobDeps } from './deps.ts';
import { makeDraftPlan } from './draft-plan.ts';
import { makeGenerateVariant } from './generate-variant.ts';
import { makeOptimizePlan } from './optimize-plan.ts';
import { TASKS } from './pipeline.ts';
import { makeRenderPlanMessage } from './render-plan-message.ts';
import { makeResearchPlan } from './research-plan.ts';

export function makeTaskList(deps: JobDeps): TaskList {
  return {
    [TASKS.research]: makeResearchPlan(deps),
    [TASKS.draft]: makeDraftPlan(deps),
    [TASKS.optimize]: makeOptimizePlan(deps),
    [TASKS.variant]: makeGenerateVariant(deps),
    [TASKS.render]: makeRenderPlanMessage(deps),
  };
}
