import type { LlmGateway, LlmUsage } from '../llm.ts';
import { buildRevisionPrompt } from '../prompts/builders.ts';
import type { ContentCheck } from '../seo/analyze.ts';
import type { SourceText } from '../evidence.ts';
import { addUsage, NO_USAGE, type Draft, type PlanBrief, type Research, type RevisionOutcome } from '../types.ts';
import { draftAnswerSchema, findContentProblems, finishDraft, normalizeDraft } from './draft.ts';

export type ReviseDraftOptions = {
  brief: PlanBrief;
  research: Research | null;
  texts: readonly SourceText[];
  draft: Draft;
  /** The checks to fix, as the SEO analysis reports them (`failedChecks(analysis)`). */
  failedChecks: readonly ContentCheck[];
  llm: LlmGateway;
  maxAttempts?: number;
};

/**
 * One optimisation step: the post revised with the failed checks' own feedback as instructions,
 * keeping voice and citations. A revision that cites unknown sources or links elsewhere is made once
 * more with the problems named, then repaired in code (finishDraft) and claim-checked. Title, meta and
 * slug lengths are not retried here: the next analysis scores them.
 */
export async function reviseDraft({ brief, research, texts, draft, failedChecks, llm, maxAttempts = 2 }: ReviseDraftOptions): Promise<RevisionOutcome> {
  const instructions = [...new Set(failedChecks.map((check) => check.text.trim()).filter(Boolean))];
  if (instructions.length === 0) return { ...finishDraft(draft, research, texts), instructions, attempts: 0, usage: NO_USAGE };

  let usage: LlmUsage = NO_USAGE;
  let violations: string[] = [];
  let attempts = 0;
  let revised: Draft | undefined;
  while (attempts < Math.max(1, maxAttempts)) {
    attempts += 1;
    const prompt = buildRevisionPrompt({ brief, research, draft, checks: failedChecks, violations });
    const answer = await llm.generate({ stage: 'revision', schemaName: 'revision', schema: draftAnswerSchema, ...prompt });
    usage = addUsage(usage, answer.usage);
    const candidate = normalizeDraft(answer.data, draft.slug);
    if (candidate.markdown !== '' || !revised) revised = candidate;
    violations = findContentProblems(candidate, research);
    if (violations.length === 0) break;
  }
  // Nothing to keep: the optimiser records the pass as rejected and goes on with the version it had.
  if (!revised || revised.markdown === '') {
    return { ...finishDraft(draft, research, texts), instructions, attempts, usage, rejected: `the model returned an empty revision after ${attempts} attempts` };
  }
  return { ...finishDraft(revised, research, texts), instructions, attempts, usage };
}
