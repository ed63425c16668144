import { z } from 'zod';
import { POST_URL_PLACEHOLDER, type VariantChannelId } from '../../domain/channels.ts';
import { findFigures } from '../../orchestrator/claims.ts';
import { stemWords, type EvidenceKind } from '../../orchestrator/evidence.ts';
import type { LlmGateway, LlmRequest } from '../../orchestrator/llm.ts';
import { toVisibleText } from '../../orchestrator/page-text.ts';
import { toSlug } from '../../orchestrator/stages/draft.ts';
import { trimAtWord } from '../../orchestrator/variant-repair.ts';
import type { PlanBrief } from '../../orchestrator/types.ts';

/**
 * A deterministic stand-in for the language model, for the offline demo. It answers each pipeline
 * call by its structured-output name, reading what it needs from the prompt the stage built (the
 * pages, the evidence, the post), so the stages run unchanged. The same prompt always gets the same
 * answer. It writes a first draft that misses a few SEO checks and a revision that passes them, so
 * the optimiser has something to do. Token counts are estimates (4 characters a token).
 */
export function makeOfflineWriter(brief: Pick<PlanBrief, 'topic' | 'keyphrase' | 'keywords'>): LlmGateway {
  return {
    async generate<T>(request: LlmRequest<T>) {
      const answer = answerFor(request, brief);
      const data = request.schema.parse(completeToSchema(answer, request.schema)) as T;
      const usage = { inputTokens: estimateTokens(request.system + request.user), outputTokens: estimateTokens(JSON.stringify(data)) };
      return { data, usage };
    },
  };
}

function answerFor(request: LlmRequest<unknown>, brief: Pick<PlanBrief, 'topic' | 'keyphrase' | 'keywords'>): unknown {
  const name = request.schemaName;
  if (name === 'research') return researchAnswer(request.user);
  if (name === 'outline') return { headings: headingsFor(brief.keyphrase, true) };
  if (name === 'draft') return writePost(brief, parseEvidence(request.user), false);
  if (name === 'revision') return writePost(brief, parseEvidence(request.user), true);
  if (name.startsWith('variant_')) return writeVariant(name.slice('variant_'.length) as VariantChannelId, parsePost(request.user), brief);
  throw new Error(`The offline writer has no answer for "${name}".`);
}

// --- Research ---

type PromptSource = { id: number; url: string; title: string; body: string };

function unescapeAttribute(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function parseSources(prompt: string): PromptSource[] {
  const pattern = /<untrusted_source id="(\d+)" url="([^"]*)"(?: title="([^"]*)")?>\n([\s\S]*?)\n<\/untrusted_source>/g;
  return [...prompt.matchAll(pattern)].map((match) => ({
    id: Number(match[1]),
    url: unescapeAttribute(match[2] ?? ''),
    title: unescapeAttribute(match[3] ?? ''),
    body: match[4] ?? '',
  }));
}

function sentencesOf(markdown: string): string[] {
  const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });
  const sentences: string[] = [];
  for (const block of markdown.split(/\n\s*\n/)) {
    if (/^\s*#/.test(block)) continue;
    for (const { segment } of segmenter.segment(block.replace(/\s+/g, ' '))) {
      const sentence = segment.trim();
      if (sentence.split(/\s+/).length >= 6) sentences.push(sentence);
    }
  }
  return sentences;
}

const STOP_WORDS = new Set('a an and are as at be but by can for from has have how in is it its of on or that the their them this to was we what when which who will with you your'.split(' '));

function researchAnswer(prompt: string) {
  const sources = parseSources(prompt);
  const evidence = sources.flatMap((source) => {
    const sentences = sentencesOf(source.body);
    const statistics = sentences.filter((sentence) => findFigures(sentence).length > 0).slice(0, 3);
    const definition = sentences.find((sentence) => / is (?:the|a|an|information|data) /.test(sentence) && findFigures(sentence).length === 0);
    return [
      ...statistics.map((quote) => ({ sourceId: source.id, quote, kind: 'statistic' as EvidenceKind, note: noteFor(quote) })),
      ...(definition ? [{ sourceId: source.id, quote: definition, kind: 'definition' as EvidenceKind, note: 'what it is' }] : []),
    ];
  });
  // Models paraphrase now and then; one reworded quote shows the verbatim check dropping it.
  const first = evidence[0];
  if (first) evidence.push({ ...first, quote: `${first.quote.replace(/[.!?]$/, '')}, in every case.`, note: 'a reworded quote' });
  const headingsOf = (body: string) => [...body.matchAll(/^#{2,3}\s+(.+)$/gm)].map((match) => match[1]!.trim());
  const allHeadings = sources.flatMap((source) => headingsOf(source.body));
  const text = sources.map((source) => source.title + ' ' + headingsOf(source.body).join(' ')).join(' ').toLowerCase();
  return {
    competitors: sources.map((source) => ({
      url: source.url,
      title: source.title,
      angle: `${firstSentence(source.body)}`,
      headings: headingsOf(source.body),
    })),
    intent: /\b(best|vs|compar|pricing)/.test(text) ? 'commercial' : 'informational',
    format: /case study/.test(text)
      ? 'case study'
      : /\b(best|vs|compar)/.test(text)
        ? 'comparison'
        : /what is|explained/.test(text)
          ? 'definition'
          : /\b\d+ ways\b/.test(text)
            ? 'list'
            : /how to|checklist/.test(text)
              ? 'how-to'
              : 'guide',
    terms: frequentTerms(sources.map((source) => toVisibleText(source.body))),
    evidence,
    gaps: allHeadings.length > 0 ? [`A worked example that follows "${allHeadings[0]}" step by step for a small team.`] : [],
    questions: allHeadings.slice(0, 3).map((heading) => `What should I know about ${heading.toLowerCase()}?`),
  };
}

function noteFor(quote: string): string {
  const figure = findFigures(quote)[0];
  return figure ? `a figure: ${figure.text}` : 'a claim';
}

function firstSentence(markdown: string): string {
  return sentencesOf(markdown)[0] ?? 'A page on the topic.';
}

/** Two-word phrases without stop words, used on at least two pages, most used first. */
function frequentTerms(pages: readonly string[]): string[] {
  const counts = new Map<string, { uses: number; pages: number }>();
  for (const page of pages) {
    const words = page.toLowerCase().match(/[a-z][a-z-]+/g) ?? [];
    const seen = new Set<string>();
    for (let index = 0; index + 1 < words.length; index += 1) {
      const [first, second] = [words[index]!, words[index + 1]!];
      if (STOP_WORDS.has(first) || STOP_WORDS.has(second)) continue;
      const phrase = `${first} ${second}`;
      const entry = counts.get(phrase) ?? { uses: 0, pages: 0 };
      entry.uses += 1;
      if (!seen.has(phrase)) entry.pages += 1;
      seen.add(phrase);
      counts.set(phrase, entry);
    }
  }
  return [...counts.entries()]
    .filter(([, entry]) => entry.pages >= 2 || entry.uses >= 3)
    .sort((a, b) => b[1].uses - a[1].uses || a[0].localeCompare(b[0]))
    .slice(0, 10)
    .map(([phrase]) => phrase);
}

// --- Draft and revision ---

type PromptEvidence = { sourceId: number; kind: string; quote: string };

/** The evidence block of a draft or revision prompt: quotes by source number. */
function parseEvidence(prompt: string): PromptEvidence[] {
  const blocks = /<untrusted_source id="(\d+)" url="[^"]*">\n([\s\S]*?)\n<\/untrusted_source>/g;
  return [...prompt.matchAll(blocks)].flatMap((block) =>
    [...(block[2] ?? '').matchAll(/^- E\d+ \((\w+)[^)]*\): "(.*)"$/gm)].map((item) => ({ sourceId: Number(block[1]), kind: item[1] ?? '', quote: item[2] ?? '' })),
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function headingsFor(keyphrase: string, withKeyphrase: boolean): string[] {
  const k = keyphrase.trim();
  return withKeyphrase
    ? [`## What ${k} means`, '## Why it matters', `## How to start with ${k}`, '### A simple checklist', '## Common mistakes to avoid', '## Next steps']
    : ['## What it means', '## Why it matters', '## How to start', '### A simple checklist', '## Common mistakes to avoid', '## Next steps'];
}

const EVIDENCE_LEADS = ['For example, one source reports', 'In addition, another finding stands out', 'Also, the research shows', 'On top of that, one study notes', 'Similarly, a second source finds'];

/** A sentence that quotes an evidence item and cites its source. */
function citeQuote(item: PromptEvidence, index: number): string {
  const quote = item.quote.replace(/[.!?]+$/, '');
  return `${EVIDENCE_LEADS[index % EVIDENCE_LEADS.length]}: "${quote}" [${item.sourceId}].`;
}

/**
 * The post. `isRevision` false: a first draft whose title, headings and meta description leave the
 * keyphrase out (Yoast marks it down); true: the same post with them fixed.
 */
function writePost(brief: Pick<PlanBrief, 'topic' | 'keyphrase' | 'keywords'>, evidence: readonly PromptEvidence[], isRevision: boolean) {
  const k = brief.keyphrase.trim().toLowerCase();
  const kc = capitalize(k);
  const [meaning, why, start, checklist, mistakes, next] = headingsFor(k, isRevision);
  const definition = evidence.find((item) => item.kind === 'definition');
  const statistics = evidence.filter((item) => item.kind === 'statistic').slice(0, 4);
  const keyword = brief.keywords[0]?.trim().toLowerCase();
  const title = isRevision ? fitTitle(`${kc}: a practical guide for busy teams`, `${kc}: a practical guide`) : 'A practical guide for busy teams';
  const meta = fitMeta(
    isRevision
      ? `Learn ${k} step by step: what it means, what the research says, and a simple checklist your team can start using this week.`
      : 'Learn what it means, what the research says, and a simple checklist your team can start using this week, step by step.',
  );
  const intro = isRevision
    ? `${kc} can feel like one more job on a long list. Yet it pays off when you treat it as a simple habit. This guide explains what it means, what the research says and how to start this week.`
    : `This can feel like one more job on a long list. Yet it pays off when you treat it as a simple habit. This guide explains what it means, what the research says and how to start this week.`;
  const paragraphs = [
    intro,
    meaning,
    definition
      ? `${citeQuote(definition, 0).replace(EVIDENCE_LEADS[0]!, 'One source puts it simply')}`
      : 'In short, it is a set of small steps that you repeat until they become routine.',
    `In practice, it comes down to doing a few things well. You set a clear goal. Then you follow a short plan and check the results. Most teams already have the pieces. What they lack is a routine that ties them together.`,
    why,
    ...(statistics.length > 0
      ? statistics.map((item, index) => citeQuote(item, index))
      : [`The pages we read agree on one point: teams that plan ahead get better results.`]),
    `These findings point the same way. Small, steady steps beat a big launch. So start with one change and measure it.`,
    start,
    `First, write down one goal. Keep it short and specific. Next, choose one owner who checks progress every week. Then share the plan with everyone involved, so nobody has to guess.`,
    `After that, run the plan for a month. Note what works and what gets in the way. Finally, keep the good parts and drop the rest.`,
    checklist,
    [
      '- Write one clear goal.',
      '- Pick an owner and a weekly check-in.',
      keyword ? `- Add ${keyword} to the plan from day one.` : '- List the tools and people involved.',
      '- Measure one simple signal each week.',
      '- Review the plan after a month.',
    ].join('\n'),
    mistakes,
    `The most common mistake is doing too much at once. Because every change takes time, a long plan stalls. Another mistake is skipping the review. Without it, the same problems come back.`,
    `Also, avoid copying another team's plan word for word. Their goals and people differ from yours. Instead, borrow the ideas that fit and test them first.`,
    next,
    `To sum up, treat ${k} as a habit, not a project. Start small this week. Then review, adjust and repeat. As a result, your team will see steady progress without extra stress.`,
  ];
  return { title, slug: toSlug(isRevision ? `${k} guide` : 'practical guide'), metaDescription: meta, markdown: paragraphs.join('\n\n') };
}

function fitTitle(preferred: string, fallback: string): string {
  if ([...preferred].length <= 60) return preferred;
  if ([...fallback].length <= 60) return fallback;
  return trimAtWord(fallback, 60).replace(/…$/, '');
}

/** Between 120 and 156 characters: padded with a closing phrase, or cut at a word. */
function fitMeta(text: string): string {
  let meta = text;
  if (meta.length < 120) meta = `${meta.replace(/\.$/, '')}, with tips that work.`;
  return meta.length > 156 ? trimAtWord(meta, 156) : meta;
}

// --- Variants ---

type PromptPost = { title: string; metaDescription: string; headings: string[] };

function parsePost(prompt: string): PromptPost {
  const title = /^Title: (.*)$/m.exec(prompt)?.[1]?.trim() ?? '';
  const metaDescription = /^Meta description: (.*)$/m.exec(prompt)?.[1]?.trim() ?? '';
  const post = /<post>\n([\s\S]*?)\n<\/post>/.exec(prompt)?.[1] ?? '';
  const headings = [...post.matchAll(/^##\s+(.+)$/gm)].map((match) => match[1]!.trim()).filter((heading) => !/^next steps$/i.test(heading));
  return { title, metaDescription, headings };
}

function writeVariant(channel: VariantChannelId, post: PromptPost, brief: Pick<PlanBrief, 'keyphrase'>): unknown {
  const k = brief.keyphrase.trim().toLowerCase();
  const hook = `${capitalize(k)} works best as a small weekly habit, not a big project.`;
  const points = post.headings.slice(0, 3);
  const tag = `#${stemWords(k).length > 0 ? k.replace(/[^a-z0-9]+/g, '') : 'marketing'}`;
  if (channel === 'linkedin') {
    return { text: [hook, post.metaDescription, ['In the guide:', ...points.map((point) => `- ${point}`)].join('\n'), `Read the full guide: ${POST_URL_PLACEHOLDER}`, tag].join('\n\n') };
  }
  if (channel === 'x_thread') {
    return {
      posts: [hook, ...points.map((point) => trimAtWord(`${point}: the guide walks through it with a short checklist.`, 240)), `Read the full guide: ${POST_URL_PLACEHOLDER}`],
    };
  }
  if (channel === 'newsletter') {
    return {
      subject: trimAtWord(post.title, 60),
      preview: trimAtWord(post.metaDescription, 90),
      body: [hook, ...points.map((point) => `- ${point}`), `[Read the full guide](${POST_URL_PLACEHOLDER})`].join('\n\n'),
    };
  }
  return { text: [`*New post:* ${post.title}`, post.metaDescription, ...points.map((point) => `• ${point}`), `<${POST_URL_PLACEHOLDER}|Read the full guide>`].join('\n') };
}

// --- Schema following ---

/**
 * Fills what the answer lacks from the schema's own JSON Schema: a field added to a stage's schema
 * gets an empty string, list, zero, false, null or first enum value, so the demo keeps running.
 */
function completeToSchema(answer: unknown, schema: z.ZodType): unknown {
  const json = z.toJSONSchema(schema, { unrepresentable: 'any' }) as JsonSchema;
  // A new text field gets the answer's own summary rather than nothing.
  const summary = (answer as { metaDescription?: unknown }).metaDescription;
  return fill(answer, json, typeof summary === 'string' ? summary : '');
}

type JsonSchema = { type?: string | string[]; properties?: Record<string, JsonSchema>; required?: string[]; enum?: unknown[]; anyOf?: JsonSchema[]; items?: JsonSchema };

function fill(value: unknown, schema: JsonSchema, text: string): unknown {
  if (schema.properties && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const result: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const [key, property] of Object.entries(schema.properties)) {
      result[key] = key in result ? fill(result[key], property, text) : emptyOf(property, text);
    }
    return result;
  }
  if (Array.isArray(value) && schema.items) return value.map((item) => fill(item, schema.items!, text));
  return value;
}

function emptyOf(schema: JsonSchema, text: string): unknown {
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf) return schema.anyOf.some((option) => option.type === 'null') ? null : emptyOf(schema.anyOf[0] ?? {}, text);
  const type = Array.isArray(schema.type) ? (schema.type.includes('null') ? 'null' : schema.type[0]) : schema.type;
  if (type === 'string') return text;
  if (type === 'number' || type === 'integer') return 0;
  if (type === 'boolean') return false;
  if (type === 'array') return [];
  if (type === 'object') return fill({}, schema, text);
  return null;
}

function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
