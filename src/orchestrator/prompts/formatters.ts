/** How a plan's brief, research, drafts and checks read inside a prompt. */
import type { BrandVoice } from '../../db/schema.ts';
import type { ContentCheck } from '../seo/analyze.ts';
import type { Draft, PlanBrief, Research } from '../types.ts';
import { fenceUntrusted } from './untrusted.ts';

/** Brand voice, the plan's tone and audience, and the marketer's brief: what every prompt must carry. */
export function buildVoiceBlock(brief: PlanBrief): string {
  const lines = [...formatBrandVoice(brief.brandVoice)];
  lines.push(`Tone for this piece: ${brief.tone?.trim() || "the brand's usual tone."}`);
  lines.push(`Audience: ${brief.audience?.trim() || 'not specified; write for readers new to the topic.'}`);
  const text = brief.brief?.trim();
  lines.push(text ? `Brief from the marketer:\n${text}` : 'Brief from the marketer: none.');
  return lines.join('\n');
}

export function formatBrandVoice(voice: BrandVoice | null): string[] {
  const description = voice?.description.trim();
  if (!voice || (!description && voice.dos.length === 0 && voice.donts.length === 0 && voice.examples.length === 0)) {
    return ['Brand voice: none configured; write in a clear, warm, professional voice.'];
  }
  const lines = [`Brand voice: ${description || 'see the rules below.'}`];
  const dos = voice.dos.map((rule) => rule.trim()).filter(Boolean);
  const donts = voice.donts.map((rule) => rule.trim()).filter(Boolean);
  const examples = voice.examples.map((example) => example.trim()).filter(Boolean);
  if (dos.length > 0) lines.push('Do:', ...dos.map((rule) => `- ${rule}`));
  if (donts.length > 0) lines.push("Don't:", ...donts.map((rule) => `- ${rule}`));
  if (examples.length > 0) {
    lines.push('Examples of the brand writing in this voice:');
    examples.forEach((example, index) => lines.push(`Example ${index + 1}:\n"""\n${example}\n"""`));
  }
  return lines;
}

export type PromptPage = { id: number; url: string; title: string; markdown: string };

export function formatPages(pages: readonly PromptPage[]): string {
  return pages.map((page) => fenceUntrusted('untrusted_source', { id: page.id, url: page.url, title: page.title }, page.markdown)).join('\n\n');
}

const NO_SOURCES = 'None: no research was done, so the post must have no [n] citations and no links.';
const NO_EVIDENCE = 'None: state no figures (no percentages, amounts of money, multipliers or numbers of three or more digits).';

/** The citable sources, one line each: number, title and URL. */
export function formatSourceList(research: Research | null): string {
  if (!research || research.sources.length === 0) return NO_SOURCES;
  const lines = research.sources.map((source) => `[${source.id}] ${source.title.replace(/\s+/g, ' ').trim()} (${source.url})`);
  return fenceUntrusted('untrusted_research', {}, lines.join('\n'));
}

/** The verified evidence items, grouped by source, each fenced with its source's number and URL. */
export function formatEvidence(research: Research | null): string {
  const evidence = research?.evidence ?? [];
  if (!research || evidence.length === 0) return NO_EVIDENCE;
  return research.sources
    .map((source) => {
      const items = evidence.filter((item) => item.sourceId === source.id);
      if (items.length === 0) return '';
      const lines = items.map((item) => `- ${item.id} (${item.kind}${item.note ? `: ${item.note}` : ''}): "${item.quote.replace(/\s+/g, ' ')}"`);
      return fenceUntrusted('untrusted_source', { id: source.id, url: source.url }, lines.join('\n'));
    })
    .filter(Boolean)
    .join('\n\n');
}

export function formatResearchNotes(research: Research | null, { withCompetitors }: { withCompetitors: boolean }): string {
  if (!research) return 'None: no research was done for this plan; plan from the topic, the keyphrase and the brief.';
  const lines: string[] = [];
  if (withCompetitors && research.intent) lines.push(`Search intent: ${research.intent}. Format that ranks: ${research.format ?? 'unclear'}.`);
  if (withCompetitors && research.medianWordCount > 0) lines.push(`Median competitor length: ${research.medianWordCount} words.`);
  if (withCompetitors && research.competitors.length > 0) {
    lines.push('Competitor pages:');
    for (const competitor of research.competitors) {
      const headings = competitor.headings.length > 0 ? ` Headings: ${competitor.headings.join('; ')}.` : '';
      lines.push(`- ${competitor.title} (${competitor.url}), ${competitor.wordCount} words. Angle: ${competitor.angle}${headings}`);
    }
  }
  if (research.keywords.length > 0) {
    lines.push('Terms the pages use, counted (term: uses across pages, pages using it):');
    for (const keyword of research.keywords) lines.push(`- ${keyword.term}: ${keyword.frequency}, ${keyword.competitorCount}`);
  }
  if (research.gaps.length > 0) lines.push('Content gaps:', ...research.gaps.map((gap) => `- ${gap}`));
  if (research.questions.length > 0) lines.push('Questions readers ask:', ...research.questions.map((question) => `- ${question}`));
  if (lines.length === 0) return 'None: research found nothing to note.';
  return fenceUntrusted('untrusted_research', {}, lines.join('\n'));
}

export function formatList(items: readonly string[], empty: string): string {
  const kept = items.map((item) => item.trim()).filter(Boolean);
  return kept.length > 0 ? kept.map((item) => `- ${item}`).join('\n') : empty;
}

export function formatKeywords(keywords: readonly string[]): string {
  const kept = keywords.map((keyword) => keyword.trim()).filter(Boolean);
  return kept.length > 0 ? kept.join(', ') : 'none';
}

/** A draft as the model sees it: its metadata, then its Markdown. */
export function formatDraft(draft: Draft): string {
  return [`Title: ${draft.title}`, `Slug: ${draft.slug}`, `Meta description: ${draft.metaDescription}`, '', '<post>', draft.markdown.trim(), '</post>'].join('\n');
}

const CHECK_KIND_GUIDANCE: Record<ContentCheck['kind'], (keyphrase: string) => string> = {
  seo: (keyphrase) => `SEO checks (focus keyphrase "${keyphrase}"; work it in naturally, never stuff it):`,
  readability: () => 'Readability checks (shorter sentences and paragraphs, active voice, transition words, as each asks):',
};

export function formatChecks(checks: readonly ContentCheck[], keyphrase: string): string {
  const sections: string[] = [];
  for (const kind of ['seo', 'readability'] as const) {
    const texts = [...new Set(checks.filter((check) => check.kind === kind).map((check) => check.text.trim()).filter(Boolean))];
    if (texts.length > 0) sections.push([CHECK_KIND_GUIDANCE[kind](keyphrase), ...texts.map((text) => `- ${text}`)].join('\n'));
  }
  return sections.length > 0 ? sections.join('\n\n') : 'None.';
}
