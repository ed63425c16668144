import type { TaskList } from 'graphile-worker';
import { makeCollectMetrics, makeEnqueueMetricCollections, makeUpdatePerformanceReply } from './collect-metrics.ts';
import { makeCollectReactions } from './collect-reactions.ts';
import type { JobDeps } from './deps.ts';
import { makeDraftPlan } from './draft-plan.ts';
import { makeGenerateVariant } from './generate-variant.ts';
import { makeMovePlanMessage } from './move-plan-message.ts';
import { makePostPlanMessage } from './post-plan-message.ts';
import { makeOptimizePlan } from './optimize-plan.ts';
import { makeSendPlanNotices } from './plan-notices.ts';
import { makePublishPlan } from './publish-plan.ts';
import { TASKS } from './queue.ts';
import { makeRefreshHome } from './refresh-home.ts';
import { makeRenderPlanMessage } from './render-plan-message.ts';
import { makeResearchPlan } from './research-plan.ts';
import { makeRevisePlan } from './revise-plan.ts';
import { makeRemindReviewers } from './review-reminder.ts';
import { makeStartWaitingPlans } from './plan-starter.ts';

export function makeTaskList(deps: JobDeps): TaskList {
  return {
    [TASKS.research]: makeResearchPlan(deps),
    [TASKS.draft]: makeDraftPlan(deps),
    [TASKS.optimize]: makeOptimizePlan(deps),
    [TASKS.variant]: makeGenerateVariant(deps),
    [TASKS.render]: makeRenderPlanMessage(deps),
    [TASKS.revise]: makeRevisePlan(deps),
    [TASKS.publish]: makePublishPlan(deps),
    [TASKS.collectReactions]: makeCollectReactions(deps),
    [TASKS.refreshHome]: makeRefreshHome(deps),
    [TASKS.movePlanMessage]: makeMovePlanMessage(deps),
    [TASKS.postPlanMessage]: makePostPlanMessage(deps),
    [TASKS.notices]: makeSendPlanNotices(deps),
    [TASKS.reviewReminder]: makeRemindReviewers(deps),
    [TASKS.enqueueMetrics]: makeEnqueueMetricCollections(deps),
    [TASKS.collectMetrics]: makeCollectMetrics(deps),
    [TASKS.performanceReply]: makeUpdatePerformanceReply(deps),
    [TASKS.startWaitingPlans]: makeStartWaitingPlans(deps),
  };
}
