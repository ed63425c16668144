export { COMPETITOR_PAGE, seedCompetitors } from '../../tests/support/scripted-author.ts';
import type { FakeOpenAI, FakeOpenAIRequest } from '../../tests/support/fake-openai.ts';
import type { FakeFirecrawl } from '../../tests/support/fake-firecrawl.ts';
import type { PlanFormAnswers } from '../../tests/support/plan-modal-values.ts';
import { GOOD_DRAFT, promptText, researchAnswer, schemaNameOf, VARIANTS, WEAK_DRAFT, WORSE_DRAFT } from '../../tests/support/scripted-author.ts';

/** Each benchmark plan's topic carries a marker, so every LLM call can be attributed to its plan. */
export function markedTopic(marker: string): string {
  return `Remote onboarding for small teams (${marker})`;
}

/**
 * The marker goes in the topic, the audience and the brief: not every prompt carries the topic
 * (the revision prompt does not), but every one carries the voice block with audience and brief.
 */
export function markedAnswers(marker: string, answers: PlanFormAnswers): PlanFormAnswers {
  return {
    ...answers,
    topic: markedTopic(marker),
    audience: `Ops leads at small companies (${marker})`,
    brief: `Practical. Include a checklist. (${marker})`,
  };
}

export function planMarker(prefix: string, index: number): string {
  return `${prefix}${index}x`;
}

/** One request the fake OpenAI received; `receivedAt` is epoch ms, comparable with the database's timestamps. */
export type LlmCallRecord = { marker: string | undefined; name: string; receivedAt: number };

/**
 * Plays the model like tests/support/scripted-author.ts, but per plan: every plan gets the weak
 * draft (SEO below 75), then the worse one, then the good one, so each plan runs research, outline,
 * draft, two revisions (three SEO analyses) and one call per variant channel.
 */
export function scriptBenchAuthor(openai: FakeOpenAI, markerPattern: RegExp): LlmCallRecord[] {
  const drafts = [WEAK_DRAFT, WORSE_DRAFT, GOOD_DRAFT];
  const draftIndexByPlan = new Map<string, number>();
  const calls: LlmCallRecord[] = [];
  const usage = { prompt_tokens: 1000, completion_tokens: 200 };
  openai.onRequest((request) => {
    const name = schemaNameOf(request);
    const text = promptText(request);
    const marker = markerPattern.exec(text)?.[0];
    calls.push({ marker, name, receivedAt: Date.now() });
    if (name === 'research') return { json: researchAnswer(text), usage };
    if (name === 'outline') return { json: { headings: ['## Why remote onboarding needs a plan', '## The first week'] }, usage };
    if (name === 'draft' || name === 'revision') {
      const key = marker ?? 'unmarked';
      const index = draftIndexByPlan.get(key) ?? 0;
      draftIndexByPlan.set(key, index + 1);
      return { json: drafts[Math.min(index, drafts.length - 1)], usage };
    }
    const variant = VARIANTS[name];
    if (variant) return { json: variant, usage };
    return { status: 400, body: { error: { message: `unscripted call ${name}` } } };
  });
  return calls;
}

/**
 * The critical path's LLM calls: research, outline and draft (and any redone draft), each revision,
 * and the variants once since they run in parallel (the slowest channel's number of calls).
 */
export function sequentialCallCount(calls: readonly Pick<LlmCallRecord, 'name'>[]): { sequential: number; byName: Record<string, number> } {
  const byName: Record<string, number> = {};
  for (const call of calls) byName[call.name] = (byName[call.name] ?? 0) + 1;
  const variantCalls = Object.entries(byName).filter(([name]) => name.startsWith('variant_')).map(([, count]) => count);
  const sequential =
    (byName['research'] ?? 0) + (byName['outline'] ?? 0) + (byName['draft'] ?? 0) + (byName['revision'] ?? 0) + (variantCalls.length ? Math.max(...variantCalls) : 0);
  return { sequential, byName };
}

export type { FakeOpenAIRequest };
