import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { repairCitations, validateCitations, type Repair } from '../citations.ts';
import { checkClaims, type ClaimCheck } from '../claims.ts';
import type { SourceText } from '../evidence.ts';
import type { LlmGateway, LlmUsage } from '../llm.ts';
import { buildDraftPrompt, buildOutlinePrompt } from '../prompts/builders.ts';
import { addUsage, NO_USAGE, type Draft, type DraftOutcome, type PlanBrief, type Research } from '../types.ts';
import { trimAtWord } from '../variant-repair.ts';

export const TITLE_MAX_CHARS = 60;
export const META_DESCRIPTION_MIN_CHARS = 120;
export const META_DESCRIPTION_MAX_CHARS = 156;

export const outlineAnswerSchema = z.object({
  headings: z.array(z.string()).describe('Section headings in order, each starting with "## " (H2) or "### " (H3).'),
});

/** The post, as the draft and revision calls return it. */
export const draftAnswerSchema = z.object({
  title: z.string().describe(`At most ${TITLE_MAX_CHARS} characters, with the focus keyphrase.`),
  slug: z.string().describe('Lowercase words joined by hyphens.'),
  metaDescription: z
    .string()
    .describe(`Between ${META_DESCRIPTION_MIN_CHARS} and ${META_DESCRIPTION_MAX_CHARS} characters, with the focus keyphrase.`),
  markdown: z.string().describe('The body in Markdown with H2/H3 sections and [n] citations; no H1.'),
});

export const TAKEAWAY_MAX_CHARS = 300;

/**
 * The draft call's answer: the post, and beside it two sentences for the approver (no extra call).
 * A server that leaves the takeaway out still gives a usable draft.
 */
export const draftCallSchema = draftAnswerSchema.extend({
  takeaway: z
    .string()
    .nullable()
    .default(null)
    .describe('Two short sentences for the approver: what the post argues and what the reader leaves with.'),
});

export type WriteDraftOptions = {
  brief: PlanBrief;
  research: Research | null;
  /** The sources' stored text, for the claim check. */
  texts: readonly SourceText[];
  llm: LlmGateway;
  /** Reviewer feedback when the plan came back with changes requested; empty for a first draft. */
  feedback: readonly string[];
  previousDraft: Draft | null;
  /** The outline to keep (a change to the blog post only): given, no outline is asked for. */
  keptOutline?: readonly string[] | null;
  maxAttempts?: number;
};

/**
 * Stage 2: an outline (unless one is kept), then the post. A post that cites unknown sources, links to pages that are not
 * sources, is empty, or breaks the title, meta description or slug rules is made once more with the
 * problems named (`maxAttempts` 2). What is still wrong then is repaired in code (finishDraft), never
 * retried: only an empty body, which nothing can repair, fails the stage, and not as retryable.
 */
export async function writeDraft({
  brief,
  research,
  texts,
  llm,
  feedback,
  previousDraft,
  keptOutline = null,
  maxAttempts = 2,
}: WriteDraftOptions): Promise<DraftOutcome> {
  let outline = keptOutline ? [...keptOutline] : [];
  let usage: LlmUsage = NO_USAGE;
  if (outline.length === 0) {
    const outlinePrompt = buildOutlinePrompt({ brief, research, feedback });
    const outlineAnswer = await llm.generate({ stage: 'outline', schemaName: 'outline', schema: outlineAnswerSchema, ...outlinePrompt });
    outline = outlineAnswer.data.headings.map((heading) => heading.trim()).filter(Boolean);
    usage = addUsage(usage, outlineAnswer.usage);
  }

  let draft: Draft | undefined;
  let takeaway: string | null = null;
  let attempts = 0;
  let violations: string[] = [];
  while (attempts < Math.max(1, maxAttempts)) {
    attempts += 1;
    const prompt = buildDraftPrompt({ brief, research, outline, feedback, previousDraft, violations });
    const answer = await llm.generate({ stage: 'draft', schemaName: 'draft', schema: draftCallSchema, ...prompt });
    usage = addUsage(usage, answer.usage);
    const candidate = normalizeDraft(answer.data);
    // An empty answer never replaces one with a body.
    if (candidate.markdown !== '' || !draft) {
      draft = candidate;
      takeaway = normalizeTakeaway(answer.data.takeaway) ?? takeaway;
    }
    violations = [...findContentProblems(candidate, research), ...findDraftFormatProblems(candidate)];
    if (violations.length === 0) break;
  }
  if (!draft || draft.markdown === '') throw keptFailing('draft', attempts);
  return { ...finishDraft(draft, research, texts), takeaway, outline, attempts, usage };
}

/** One line of at most TAKEAWAY_MAX_CHARS characters, or null when the model gave none. */
export function normalizeTakeaway(takeaway: string | null): string | null {
  const line = takeaway?.replace(/\s+/g, ' ').trim() ?? '';
  if (line === '') return null;
  return countCharacters(line) > TAKEAWAY_MAX_CHARS ? trimAtWord(line, TAKEAWAY_MAX_CHARS) : line;
}

export type FinishedDraft = { draft: Draft; repairs: Repair[]; warnings: string[]; claims: ClaimCheck };

/**
 * The deterministic end of every draft and revision: non-source links unlinked, unknown citations
 * dropped, an over-long title or meta description cut at a word, each recorded as a Repair; then the
 * claim check against the sources' stored text. `warnings` are what is left (a short meta description).
 */
export function finishDraft(draft: Draft, research: Research | null, texts: readonly SourceText[]): FinishedDraft {
  const fixed = repairCitations(draft.markdown, research?.sources ?? []);
  const repairs = [...fixed.repairs];
  let { title, metaDescription } = draft;
  if (countCharacters(title) > TITLE_MAX_CHARS) {
    title = trimAtWord(title, TITLE_MAX_CHARS).replace(/…$/, '');
    repairs.push({ kind: 'trimmed_title', detail: `Cut the title at a word to ${countCharacters(title)} characters (the limit is ${TITLE_MAX_CHARS}).` });
  }
  if (countCharacters(metaDescription) > META_DESCRIPTION_MAX_CHARS) {
    metaDescription = trimAtWord(metaDescription, META_DESCRIPTION_MAX_CHARS);
    repairs.push({
      kind: 'trimmed_meta',
      detail: `Cut the meta description at a word to ${countCharacters(metaDescription)} characters (the limit is ${META_DESCRIPTION_MAX_CHARS}).`,
    });
  }
  const finished: Draft = { ...draft, title, metaDescription, markdown: fixed.markdown };
  const claims = checkClaims(finished.markdown, { texts, evidence: research?.evidence ?? [] });
  return { draft: finished, repairs, warnings: findDraftFormatProblems(finished), claims };
}

const EMPTY_BODY = 'The post body (markdown) is empty; write the whole post.';

/**
 * Problems no draft may keep: citations or links that no research source backs (with no research, any
 * citation or link at all), and an empty body.
 */
export function findContentProblems(draft: Draft, research: Research | null): string[] {
  if (draft.markdown.trim() === '') return [EMPTY_BODY];
  return validateCitations(draft.markdown, research?.sources ?? []);
}

/** Title, meta description and slug rules, as sentences for a prompt; empty when they all hold. */
export function findDraftFormatProblems(draft: Draft): string[] {
  const problems: string[] = [];
  const titleLength = countCharacters(draft.title);
  if (titleLength === 0) problems.push('The title is empty.');
  else if (titleLength > TITLE_MAX_CHARS) {
    problems.push(`The title is ${titleLength} characters; make it at most ${TITLE_MAX_CHARS}.`);
  }
  const metaLength = countCharacters(draft.metaDescription);
  if (metaLength < META_DESCRIPTION_MIN_CHARS || metaLength > META_DESCRIPTION_MAX_CHARS) {
    problems.push(
      `The meta description is ${metaLength} characters; make it between ${META_DESCRIPTION_MIN_CHARS} and ${META_DESCRIPTION_MAX_CHARS}.`,
    );
  }
  if (!isSlug(draft.slug)) problems.push(`The slug "${draft.slug}" must be lowercase words joined by hyphens (a-z, 0-9 and "-").`);
  return problems;
}

export function isSlug(slug: string): boolean {
  return /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(slug);
}

/** Lowercase ASCII words joined by hyphens: accents dropped, anything else a separator. */
export function toSlug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * Tidies what the model returned: trimmed fields, a slug made slug-shaped (from the title when the
 * slug is unusable, else `fallbackSlug`), and a leading H1 that repeats the title dropped.
 */
export function normalizeDraft(answer: Draft, fallbackSlug = ''): Draft {
  const title = answer.title.trim();
  const slug = toSlug(answer.slug) || toSlug(title) || fallbackSlug;
  let markdown = answer.markdown.trim();
  const h1 = /^#[ \t]+(.+?)[ \t#]*(?:\r?\n|$)/.exec(markdown);
  if (h1 && h1[1]?.trim().toLowerCase() === title.toLowerCase()) markdown = markdown.slice(h1[0].length).trim();
  return { title, slug, metaDescription: answer.metaDescription.trim(), markdown };
}

/**
 * The error when the model returned no body on every attempt. Not retryable as a job: repeating the
 * same calls would likely return the same; the thread offers Retry once the prompt or model is looked at.
 */
export function keptFailing(what: 'draft', attempts: number): AppError {
  const tries = `${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}`;
  return new AppError('UPSTREAM', `The model returned an empty ${what} after ${tries}; check the prompt overrides in the App Home, then retry.`);
}

function countCharacters(text: string): number {
  return [...text].length;
}
