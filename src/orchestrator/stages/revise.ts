import type { LlmGateway, LlmUsage } from '../llm.ts';
import { buildRevisionPrompt } from '../prompts.ts';
import type { ContentCheck } from '../seo/analyze.ts';
import { addUsage, NO_USAGE, type Draft, type PlanBrief, type Research, type RevisionOutcome } from '../types.ts';
import { draftAnswerSchema, findContentProblems, keptFailing, normalizeDraft } from './draft.ts';

export type ReviseDraftOptions = {
  brief: PlanBrief;
  research: Research | null;
  draft: Draft;
  /** The checks to fix, as the SEO analysis reports them (`failedChecks(analysis)`). */
  failedChecks: readonly ContentCheck[];
  llm: LlmGateway;
  maxAttempts?: number;
};

/**
 * One optimisation step: the post revised with the failed checks' own feedback as instructions,
 * keeping voice and citations. A revision that cites unknown sources or links elsewhere is made again
 * with the problems named; if it still does after `maxAttempts`, UPSTREAM_RETRYABLE. Title, meta and
 * slug lengths are not retried here: the next analysis scores them.
 */
export async function reviseDraft({ brief, research, draft, failedChecks, llm, maxAttempts = 2 }: ReviseDraftOptions): Promise<RevisionOutcome> {
  const instructions = [...new Set(failedChecks.map((check) => check.text.trim()).filter(Boolean))];
  if (instructions.length === 0) return { draft, instructions, attempts: 0, usage: NO_USAGE };

  let usage: LlmUsage = NO_USAGE;
  let violations: string[] = [];
  let attempts = 0;
  while (attempts < Math.max(1, maxAttempts)) {
    attempts += 1;
    const prompt = buildRevisionPrompt({ brief, research, draft, checks: failedChecks, violations });
    const answer = await llm.generate({ stage: 'revision', schemaName: 'revision', schema: draftAnswerSchema, ...prompt });
    usage = addUsage(usage, answer.usage);
    const revised = normalizeDraft(answer.data, draft.slug);
    violations = findContentProblems(revised, research);
    if (violations.length === 0) return { draft: revised, instructions, attempts, usage };
  }
  throw keptFailing('revision', attempts, violations);
}
