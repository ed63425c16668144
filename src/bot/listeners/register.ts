import type { App } from '@slack/bolt';
import { registerHomeActions } from './actions/home-actions.ts';
import { registerManagePlan } from './actions/manage-plan.ts';
import { registerPostElsewhere } from './actions/post-elsewhere.ts';
import { registerRetryPlan } from './actions/retry-plan.ts';
import { registerRetryDestination } from './actions/retry-destination.ts';
import { registerReviewActions } from './actions/review-actions.ts';
import { registerCalendarPager, registerContentCommand } from './commands/content-command.ts';
import type { BotDeps } from '../deps.ts';
import { registerAppHomeOpened } from './events/app-home-opened.ts';
import { registerUninstall, UNINSTALL_EVENTS } from './events/uninstall.ts';
import { COMMAND } from '../ids.ts';
import { registerDecisionSubmissions } from './views/decision-submissions.ts';
import { registerPlanModalSubmission } from './views/plan-modal-submission.ts';
import { registerSettingsSubmissions } from './views/settings-submissions.ts';

/** What the app listens to; the manifest test checks manifest.yml against it. */
export const REGISTERED_COMMANDS = [COMMAND] as const;
export const REGISTERED_EVENTS = ['app_home_opened', ...UNINSTALL_EVENTS] as const;
export const USES_INTERACTIVITY = true;
export const USES_HOME_TAB = true;

export function registerListeners(app: App, deps: BotDeps): void {
  registerContentCommand(app, deps);
  registerCalendarPager(app, deps);
  registerPlanModalSubmission(app, deps);
  registerPostElsewhere(app, deps);
  registerHomeActions(app, deps);
  registerReviewActions(app, deps);
  registerRetryPlan(app, deps);
  registerRetryDestination(app, deps);
  registerManagePlan(app, deps);
  registerDecisionSubmissions(app, deps);
  registerSettingsSubmissions(app, deps);
  registerAppHomeOpened(app, deps);
  registerUninstall(app, deps);
}
