import type { z } from 'zod';
import { CHANNEL_LABELS, VARIANT_SCHEMAS, validateVariant, type VariantChannelId, type VariantOf } from '../../domain/channels.ts';
import type { LlmGateway, LlmUsage } from '../llm.ts';
import { buildVariantPrompt } from '../prompts.ts';
import { addUsage, NO_USAGE, type Draft, type PlanBrief, type VariantOutcome } from '../types.ts';

export type WriteVariantOptions<C extends VariantChannelId> = {
  brief: PlanBrief;
  channel: C;
  draft: Draft;
  llm: LlmGateway;
  maxAttempts?: number;
};

/**
 * Stage 4, one channel: the post adapted to the channel's rules. A variant that breaks them is made
 * again with the violations named; if it still does after `maxAttempts`, the last one is returned with
 * its violations, to be shown to reviewers, never cut.
 */
export async function writeVariant<C extends VariantChannelId>({
  brief,
  channel,
  draft,
  llm,
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
    const prompt = buildVariantPrompt({ brief, channel, draft, previousAttempt: content, violations });
    const answer = await llm.generate({
      stage: `${CHANNEL_LABELS[channel]} variant`,
      schemaName: `variant_${channel}`,
      schema,
      ...prompt,
    });
    usage = addUsage(usage, answer.usage);
    content = answer.data;
    violations = validateVariant(channel, content);
    if (violations.length === 0) break;
  }
  return { channel, content, violations, attempts, usage };
}
