import type { App } from '@slack/bolt';
import type { BotDeps } from '../deps.ts';
import { ACTIONS } from '../ids.ts';

const REVIEW_ACTIONS = [ACTIONS.approve, ACTIONS.requestChanges, ACTIONS.reject, ACTIONS.schedule];

/** Review decisions arrive in the next release; until then the buttons say so. */
export function registerReviewActions(app: App, _deps: BotDeps): void {
  for (const actionId of REVIEW_ACTIONS) {
    app.action(actionId, async ({ ack, respond }) => {
      await ack();
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: 'Review decisions arrive in the next release. The plan stays in review until then.',
      }).catch(() => undefined);
    });
  }
}
