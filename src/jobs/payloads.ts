import { z } from 'zod';
import { changeScopeSchema, WHOLE_PLAN } from '../domain/plan-states.ts';
import { AppError } from '../errors.ts';

export const planJobPayload = z.object({ teamId: z.string().min(1), planId: z.uuid() });
export type PlanJobPayload = z.infer<typeof planJobPayload>;

/** Research of the first revision carries no revision; research after a brief edit does. */
export const researchJobPayload = planJobPayload.extend({ revision: z.number().int().min(0).default(0) });

export const revisionJobPayload = planJobPayload.extend({ revision: z.number().int().min(0) });
export type RevisionJobPayload = z.infer<typeof revisionJobPayload>;

/** Revise jobs queued before scopes existed carry none: they redo the whole plan. */
export const reviseJobPayload = revisionJobPayload.extend({ scope: changeScopeSchema.default(WHOLE_PLAN) });
export type ReviseJobPayload = z.infer<typeof reviseJobPayload>;

export const variantJobPayload = revisionJobPayload.extend({ channel: z.enum(['linkedin', 'x_thread', 'newsletter', 'slack_announcement']) });
export type VariantJobPayload = z.infer<typeof variantJobPayload>;

export const optimizeJobPayload = revisionJobPayload.extend({ iteration: z.number().int().min(0) });
export type OptimizeJobPayload = z.infer<typeof optimizeJobPayload>;

export const postMessageJobPayload = planJobPayload.extend({ channelId: z.string().min(1), fallbackChannelId: z.string().min(1).nullable() });
export const collectMetricsJobPayload = z.object({ teamId: z.string().min(1), attemptId: z.number().int() });
export const moveJobPayload = planJobPayload.extend({ channelId: z.string().min(1), actorId: z.string().min(1) });

/** Payloads arrive as unknown JSON and are checked at the door. */
export function parsePayload<T>(schema: z.ZodType<T>, payload: unknown): T {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new AppError('INVALID_INPUT', `invalid job payload: ${parsed.error.message}`);
  return parsed.data;
}

/** A publish job for one destination; without `destinationKey` (jobs queued before times per destination) it fans out. */
export const publishJobPayload = revisionJobPayload.extend({ destinationKey: z.string().min(1).optional() });
export type PublishJobPayload = z.infer<typeof publishJobPayload>;
