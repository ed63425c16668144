import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { validateCitations } from '../citations.ts';
import type { LlmGateway, LlmUsage } from '../llm.ts';
import { buildDraftPrompt, buildOutlinePrompt } from '../prompts.ts';
import { addUsage, NO_USAGE, type Draft, type DraftOutcome, type PlanBrief, type Research } from '../types.ts';

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

export type WriteDraftOptions = {
  brief: PlanBrief;
  research: Research | null;
  llm: LlmGateway;
  /** Reviewer feedback when the plan came back with changes requested; empty for a first draft. */
  feedback: readonly string[];
  previousDraft: Draft | null;
  maxAttempts?: number;
};

type Checked = { draft: Draft; fatal: string[]; warnings: string[] };

/**
 * Stage 2: an outline, then the post. A post that cites unknown sources, links to pages that are not
 * sources, is empty, or breaks the title, meta description or slug rules is made again with the problems
 * named. The best attempt without citation problems wins; if none, UPSTREAM_RETRYABLE.
 */
export async function writeDraft({ brief, research, llm, feedback, previousDraft, maxAttempts = 3 }: WriteDraftOptions): Promise<DraftOutcome> {
  const outlinePrompt = buildOutlinePrompt({ brief, research, feedback });
  const outlineAnswer = await llm.generate({ stage: 'outline', schemaName: 'outline', schema: outlineAnswerSchema, ...outlinePrompt });
  const outline = outlineAnswer.data.headings.map((heading) => heading.trim()).filter(Boolean);
  let usage: LlmUsage = addUsage(NO_USAGE, outlineAnswer.usage);

  let best: Checked | undefined;
  let last: Checked | undefined;
  let attempts = 0;
  let violations: string[] = [];
  while (attempts < Math.max(1, maxAttempts)) {
    attempts += 1;
    const prompt = buildDraftPrompt({ brief, research, outline, feedback, previousDraft, violations });
    const answer = await llm.generate({ stage: 'draft', schemaName: 'draft', schema: draftAnswerSchema, ...prompt });
    usage = addUsage(usage, answer.usage);
    const draft = normalizeDraft(answer.data);
    last = { draft, fatal: findContentProblems(draft, research), warnings: findDraftFormatProblems(draft) };
    if (last.fatal.length === 0 && (!best || last.warnings.length <= best.warnings.length)) best = last;
    if (last.fatal.length === 0 && last.warnings.length === 0) break;
    violations = [...last.fatal, ...last.warnings];
  }
  if (!best) throw keptFailing('draft', attempts, last?.fatal ?? []);
  return { draft: best.draft, outline, warnings: best.warnings, attempts, usage };
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

/** The error when content problems outlast every attempt: it names the first one. */
export function keptFailing(what: 'draft' | 'revision', attempts: number, problems: readonly string[]): AppError {
  const tries = `${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}`;
  const first = problems[0];
  const message =
    first === undefined || first === EMPTY_BODY
      ? `The model returned an empty ${what} after ${tries}.`
      : `The ${what} kept citing sources or linking to pages that are not in the research after ${tries}: ${first}`;
  return new AppError('UPSTREAM_RETRYABLE', message, { details: { problems } });
}

function countCharacters(text: string): number {
  return [...text].length;
}
