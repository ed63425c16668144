import type { TaskList } from 'graphile-worker';
import type { JobDeps } from './deps.ts';
import { makeDraftPlan } from './draft-plan.ts';
import { makeGenerateVariant } from './generate-variant.ts';
import { makeOptimizePlan } from './optimize-plan.ts';
import { TASKS } from './pipeline.ts';
import { makeRenderPlanMessage } from './render-plan-message.ts';
import { COLLECT_REACTIONS_TASK, makeCollectReactions } from './collect-reactions.ts';
import { makePublishPlan } from './publish-plan.ts';
import { makeRefreshHome, REFRESH_HOME_TASK } from './refresh-home.ts';
import { makeResearchPlan } from './research-plan.ts';
import { makeRevisePlan } from './revise-plan.ts';
import { PUBLISH_TASK, REVISE_TASK } from '../review/decisions.ts';

export function makeTaskList(deps: JobDeps): TaskList {
  return {
    [TASKS.research]: makeResearchPlan(deps),
    [TASKS.draft]: makeDraftPlan(deps),
    [TASKS.optimize]: makeOptimizePlan(deps),
    [TASKS.variant]: makeGenerateVariant(deps),
    [TASKS.render]: makeRenderPlanMessage(deps),
    [REVISE_TASK]: makeRevisePlan(deps),
    [PUBLISH_TASK]: makePublishPlan(deps),
    [COLLECT_REACTIONS_TASK]: makeCollectReactions(deps),
    [REFRESH_HOME_TASK]: makeRefreshHome(deps),
  };
}
