import { WebAPIRateLimitedError } from '@slack/web-api';
import type { Task } from 'graphile-worker';
import { listRecentSlackPublications, saveReactions } from '../db/publish-attempts.ts';
import { isAppError } from '../errors.ts';
import type { JobDeps } from './deps.ts';
import { requestRender } from './queue.ts';

export const REACTIONS_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/** Collects the reactions on published Slack posts, so the plan's message can show them. */
export function makeCollectReactions(deps: JobDeps): Task {
  return async () => {
    const since = new Date(deps.now().getTime() - REACTIONS_WINDOW_MS);
    for (const publication of await listRecentSlackPublications(deps.db, since)) {
      const [channel, timestamp] = (publication.externalId ?? '').split(':');
      if (!channel || !timestamp) continue;
      try {
        const slack = await deps.slackFor(publication.teamId);
        const result = await slack.reactions.get({ channel, timestamp, full: true });
        const reactions = (result.message?.reactions ?? []).map((reaction) => ({ name: reaction.name ?? '', count: reaction.count ?? 0 }));
        await saveReactions(deps.db, { teamId: publication.teamId, id: publication.id, reactions });
        await requestRender(deps, publication.teamId, publication.planId);
      } catch (error) {
        // One unreadable post, or a workspace that uninstalled the app, must not stop the others;
        // a rate limit ends this round early.
        if (isAppError(error, 'NOT_FOUND')) {
          deps.logger.info({ teamId: publication.teamId }, 'skipping reactions of a workspace without an installation');
          continue;
        }
        deps.logger.warn({ err: error, planId: publication.planId }, 'could not read reactions');
        if (error instanceof WebAPIRateLimitedError) return;
      }
    }
  };
}
