import { z } from 'zod';
import { CHANNELS } from './channels.ts';

export const brandVoiceSchema = z.object({
  description: z.string(),
  dos: z.array(z.string()),
  donts: z.array(z.string()),
  examples: z.array(z.string()),
});
export type BrandVoice = z.infer<typeof brandVoiceSchema>;

/**
 * A workspace's settings: one schema, one set of defaults. The database columns take their defaults
 * from here, and a plan's snapshot is parsed with it, so an old snapshot missing a newer field gets
 * that field's default.
 */
export const workspaceSettingsSchema = z.object({
  approvers: z.array(z.string()).default([]),
  admins: z.array(z.string()).default([]),
  requiredApprovals: z.number().int().min(1).default(1),
  allowSelfApproval: z.boolean().default(false),
  defaultChannelId: z.string().nullable().default(null),
  defaultChannels: z.array(z.enum(CHANNELS)).default(['blog']),
  defaultTone: z.string().nullable().default(null),
  targetWords: z.number().int().positive().default(1200),
  brandVoice: brandVoiceSchema.nullable().default(null),
  seoThreshold: z.number().int().min(0).max(100).default(75),
  readabilityThreshold: z.number().int().min(0).max(100).default(60),
  maxRefinements: z.number().int().min(0).default(3),
  promptOverrides: z.record(z.string(), z.string()).default({}),
});
export type Settings = z.infer<typeof workspaceSettingsSchema>;

export const DEFAULT_SETTINGS: Settings = workspaceSettingsSchema.parse({});

/** What a plan keeps of the settings it was made with; `envApprovers` is SLACK_APPROVERS at that time. */
export const planSettingsSchema = workspaceSettingsSchema.extend({ envApprovers: z.array(z.string()).default([]) });
export type PlanSettings = z.infer<typeof planSettingsSchema>;

/**
 * Parses a plan's settings snapshot. A field that is missing or no longer valid gets its default,
 * so a plan made by an older version of the app keeps working.
 */
export function parsePlanSettings(snapshot: unknown): PlanSettings {
  const source = typeof snapshot === 'object' && snapshot !== null ? (snapshot as Record<string, unknown>) : {};
  const parsed = planSettingsSchema.safeParse(source);
  if (parsed.success) return parsed.data;
  const fallback: Record<string, unknown> = { ...source };
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    if (typeof field === 'string') delete fallback[field];
  }
  return planSettingsSchema.parse(fallback);
}

export function makePlanSettings(settings: Settings, envApprovers: readonly string[]): PlanSettings {
  return planSettingsSchema.parse({ ...settings, envApprovers: [...envApprovers] });
}
