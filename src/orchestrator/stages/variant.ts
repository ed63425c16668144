import type { z } from 'zod';
import { CHANNEL_LABELS, findVariantProblems, VARIANT_SCHEMAS, type VariantChannelId, type VariantOf } from '../../domain/channels.ts';
import type { LlmGateway, LlmUsage } from '../llm.ts';
import { buildVariantPrompt } from '../prompts/builders.ts';
import { addUsage, NO_USAGE, type Draft, type PlanBrief, type VariantOutcome } from '../types.ts';
import { repairVariant } from '../variant-repair.ts';

export type WriteVariantOptions<C extends VariantChannelId> = {
  brief: PlanBrief;
  channel: C;
  draft: Draft;
  llm: LlmGateway;
  /** For a change asked of this variant: the reviewers' feedback, and the variant they reviewed, to edit. */
  feedback?: readonly string[];
  previous?: unknown;
  maxAttempts?: number;
};

/**
 * Stage 4, one channel: the post adapted to the channel's rules, ending with a call to action that
 * links to the article through POST_URL_PLACEHOLDER. A variant that breaks the rules is made again
 * once with the violations named; if it still does, code repairs it (adds the missing link, cuts at a
 * word what is over a limit) and records each repair. What cannot be repaired stays as a violation.
 */
export async function writeVariant<C extends VariantChannelId>({
  brief,
  channel,
  draft,
  llm,
  feedback = [],
  previous = null,
  maxAttempts = 2,
}: WriteVariantOptions<C>): Promise<VariantOutcome> {
  const schemas: { [K in VariantChannelId]: z.ZodType<VariantOf<K>> } = VARIANT_SCHEMAS;
  const schema: z.ZodType<VariantOf<C>> = schemas[channel];
  let usage: LlmUsage = NO_USAGE;
  let content: VariantOf<C> | null = null;
  let violations: string[] = [];
  let attempts = 0;
  while (attempts < Math.max(1, maxAttempts)) {
    attempts += 1;
    const prompt = buildVariantPrompt({ brief, channel, draft, feedback, previousAttempt: content ?? previous, violations });
    const answer = await llm.generate({
      stage: `${CHANNEL_LABELS[channel]} variant`,
      schemaName: `variant_${channel}`,
      schema,
      ...prompt,
    });
    usage = addUsage(usage, answer.usage);
    content = answer.data;
    violations = findVariantProblems(channel, content);
    if (violations.length === 0) break;
  }
  if (content === null || violations.length === 0) return { channel, content, violations, repairs: [], attempts, usage };
  const repaired = repairVariant(channel, content);
  return { channel, content: repaired.variant, violations: repaired.violations, repairs: repaired.repairs, attempts, usage };
}
