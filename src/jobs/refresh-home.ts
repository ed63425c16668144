import type { Task } from 'graphile-worker';
import { z } from 'zod';
import { publishHome } from '../bot/services/publish-home.ts';
import type { JobDeps } from './deps.ts';
import { parsePayload } from './payloads.ts';

const payloadSchema = z.object({ teamId: z.string().min(1), userId: z.string().min(1) });

export function makeRefreshHome(deps: JobDeps): Task {
  return async (payload) => {
    const { teamId, userId } = parsePayload(payloadSchema, payload);
    await publishHome({ deps, client: await deps.slackFor(teamId), teamId, userId });
  };
}
