import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify as toYaml } from 'yaml';
import { CHANNEL_LABELS, POST_URL_PLACEHOLDER, type VariantChannelId } from '../domain/channels.ts';
import { findCitedIds, type Repair } from '../orchestrator/citations.ts';
import type { ClaimCheck } from '../orchestrator/claims.ts';
import type { EvidenceItem } from '../orchestrator/evidence.ts';
import type { ContentAnalysis, ContentCheck } from '../orchestrator/seo/analyze.ts';
import type { OptimizeSettings } from '../orchestrator/stages/optimize.ts';
import { countWords } from '../orchestrator/text.ts';
import type { PlanBrief, Research } from '../orchestrator/types.ts';
import { renderCitations } from '../publish/citations-render.ts';
import { escapeHtml, markdownToHtml } from '../publish/html.ts';
import type { PipelineResult, StageName } from './pipeline.ts';
import { renderReportHtml, variantText } from './report-html.ts';
import { OFFLINE_NOTICE } from './runtime.ts';

export type VariantReport = {
  channel: VariantChannelId;
  label: string;
  content: unknown;
  /** The length that matters against its limit, as the review message shows it. */
  measure: string | null;
  withinLimits: boolean;
  violations: string[];
  repairs: Repair[];
};

/** Everything report.json holds; report.html shows the same. */
export type DraftReport = {
  notice: string | null;
  mode: 'offline' | 'live';
  model: string;
  brief: Pick<PlanBrief, 'topic' | 'keyphrase' | 'keywords' | 'channels' | 'audience' | 'tone' | 'competitorUrls'>;
  post: { title: string; slug: string; metaDescription: string; words: number; markdown: string };
  scores: {
    seo: { before: number; after: number; threshold: number };
    readability: { before: number; after: number; threshold: number };
    meetsThresholds: boolean;
    checks: ContentCheck[];
  };
  passes: { iteration: number; scoreBefore: number; scoreAfter: number; readability: number; instructions: string[]; rejected: string | null }[];
  claims: ClaimCheck;
  citations: { cited: number[]; resolved: { number: number; sourceId: number; title: string; url: string }[]; unresolved: number[] };
  repairs: Repair[];
  warnings: string[];
  research: {
    skipped: string | null;
    sources: Research['sources'];
    failures: { url: string; reason: string }[];
    quotes: { kept: number; dropped: number };
    evidence: EvidenceItem[];
    intent: string | null;
    format: string | null;
  };
  variants: VariantReport[];
  usage: { inputTokens: number; outputTokens: number; costUsd: number };
  timings: Record<StageName, number> & { totalMs: number };
};

export function buildReport(
  result: PipelineResult,
  { brief, settings, model, isOffline, totalMs, warnings }: { brief: PlanBrief; settings: OptimizeSettings; model: string; isOffline: boolean; totalMs: number; warnings: string[] },
): DraftReport {
  const best = result.best;
  const first = result.versions[0]!;
  const analysis = best.analysis as ContentAnalysis | null;
  const sources = result.research?.sources ?? [];
  const rendered = renderCitations(best.markdown, sources);
  const cited = findCitedIds(best.markdown);
  const claims = best.claims ?? { supported: 0, unsupported: [], uncitedFigures: 0, weak: [], supportedSourceIds: [] };
  return {
    notice: isOffline ? OFFLINE_NOTICE : null,
    mode: isOffline ? 'offline' : 'live',
    model,
    brief: {
      topic: brief.topic,
      keyphrase: brief.keyphrase,
      keywords: brief.keywords,
      channels: brief.channels,
      audience: brief.audience,
      tone: brief.tone,
      competitorUrls: brief.competitorUrls,
    },
    post: { title: best.title, slug: best.slug, metaDescription: best.metaDescription, words: countWords(best.markdown), markdown: best.markdown },
    scores: {
      seo: { before: first.seoScore ?? 0, after: best.seoScore ?? 0, threshold: settings.seoThreshold },
      readability: { before: first.readabilityScore ?? 0, after: best.readabilityScore ?? 0, threshold: settings.readabilityThreshold },
      meetsThresholds: (best.seoScore ?? 0) >= settings.seoThreshold && (best.readabilityScore ?? 0) >= settings.readabilityThreshold,
      checks: analysis?.checks ?? [],
    },
    passes: result.passes
      .filter((pass) => pass.iteration > 0)
      .map((pass) => ({
        iteration: pass.iteration,
        scoreBefore: pass.scoreBefore,
        scoreAfter: pass.scoreAfter,
        readability: pass.readability,
        instructions: pass.instructions,
        rejected: pass.rejected ?? null,
      })),
    claims,
    citations: { cited, resolved: rendered.sources, unresolved: cited.filter((id) => !rendered.sources.some((source) => source.sourceId === id)) },
    repairs: best.repairs,
    warnings: [...warnings, ...(result.researchSkipped ? [result.researchSkipped] : []), ...result.warnings],
    research: {
      skipped: result.researchSkipped,
      sources,
      failures: result.failures,
      quotes: result.research?.quotes ?? { kept: 0, dropped: 0 },
      evidence: result.research?.evidence ?? [],
      intent: result.research?.intent ?? null,
      format: result.research?.format ?? null,
    },
    variants: result.variants.map((variant) => ({
      channel: variant.channel,
      label: CHANNEL_LABELS[variant.channel],
      content: variant.content,
      measure: variant.measure?.label ?? null,
      withinLimits: variant.content !== null && variant.violations.length === 0,
      violations: variant.violations,
      repairs: variant.repairs,
    })),
    usage: { ...result.usage, costUsd: roundCost(result.costUsd) },
    timings: { ...result.stageMs, totalMs },
  };
}

export function roundCost(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}

/** The files the draft command writes; returns their paths. */
export function writeDraftFiles(outDir: string, report: DraftReport): string[] {
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  const write = (name: string, text: string) => {
    const file = path.join(outDir, name);
    writeFileSync(file, text);
    written.push(file);
  };
  const published = renderCitations(report.post.markdown, report.research.sources).markdown;
  const notice = report.notice ? `> ${report.notice}\n\n` : '';
  const frontMatter = {
    title: report.post.title,
    slug: report.post.slug,
    meta_description: report.post.metaDescription,
    keyphrase: report.brief.keyphrase,
    scores: { seo: report.scores.seo.after, readability: report.scores.readability.after },
    ...(report.notice ? { notice: report.notice } : {}),
  };
  write('post.md', `---\n${toYaml(frontMatter, { lineWidth: 0 }).trim()}\n---\n\n${notice}${published}\n`);
  write('post.html', renderPostHtml(report, published));
  for (const variant of report.variants) write(`${variant.channel}.md`, renderVariantMarkdown(variant, report.notice));
  write('report.json', `${JSON.stringify(report, null, 2)}\n`);
  write('report.html', renderReportHtml(report));
  return written;
}

function renderPostHtml(report: DraftReport, published: string): string {
  const notice = report.notice ? `<p class="notice"><strong>${escapeHtml(report.notice)}</strong></p>\n` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(report.post.title)}</title>
<meta name="description" content="${escapeHtml(report.post.metaDescription)}">
</head>
<body>
<article>
${notice}<h1>${escapeHtml(report.post.title)}</h1>
${markdownToHtml(published)}
</article>
</body>
</html>
`;
}

function renderVariantMarkdown(variant: VariantReport, notice: string | null): string {
  const lines = [`# ${variant.label}`, ''];
  if (notice) lines.push(`> ${notice}`, '');
  lines.push(`${variant.measure ?? 'no content'} · ${variant.withinLimits ? 'within limits' : 'breaks a rule'}`);
  for (const violation of variant.violations) lines.push(`- Problem: ${violation}`);
  for (const repair of variant.repairs) lines.push(`- Repaired: ${repair.detail}`);
  lines.push('', `The article's link goes where ${POST_URL_PLACEHOLDER} is.`, '', '---', '', variantText(variant.channel, variant.content), '');
  return lines.join('\n');
}
