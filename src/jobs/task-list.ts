import type { TaskList } from 'graphile-worker';
import type { JobDeps } from './deps.ts';
import { makeRenderPlanMessage } from './render-plan-message.ts';

export function makeTaskList(deps: JobDeps): TaskList {
  return {
    render_plan_message: makeRenderPlanMessage(deps),
  };
}
