import { performance } from 'node:perf_hooks';
import { CHANNEL_LABELS, isVariantChannel, measureVariant, type VariantChannelId, type VariantMeasure } from '../domain/channels.ts';
import { asAppError } from '../errors.ts';
import type { Repair } from '../orchestrator/citations.ts';
import type { SourceText } from '../orchestrator/evidence.ts';
import type { LlmGateway, LlmUsage } from '../orchestrator/llm.ts';
import type { Scraper } from '../orchestrator/scraper.ts';
import type { ContentAnalysis } from '../orchestrator/seo/analyze.ts';
import type { SeoPool } from '../orchestrator/seo/pool.ts';
import { writeDraft } from '../orchestrator/stages/draft.ts';
import { pickBestItem, runOptimizePass, type OptimizePassOutput, type OptimizeSettings, type RankedVersion } from '../orchestrator/stages/optimize.ts';
import { researchTopic } from '../orchestrator/stages/research.ts';
import { writeVariant } from '../orchestrator/stages/variant.ts';
import { addUsage, NO_USAGE, type Draft, type PlanBrief, type Research } from '../orchestrator/types.ts';

export const STAGES = ['research', 'draft', 'optimize', 'variants'] as const;
export type StageName = (typeof STAGES)[number];

export type PipelineEvent =
  | { type: 'stage_started'; stage: StageName }
  | { type: 'stage_finished'; stage: StageName; ms: number; summary: string }
  | { type: 'stage_skipped'; stage: StageName; reason: string }
  | { type: 'pass'; output: OptimizePassOutput }
  | { type: 'variant'; channel: VariantChannelId; violations: string[]; ms: number }
  | { type: 'usage'; usage: LlmUsage; costUsd: number };

export type Version = RankedVersion & { analysis: ContentAnalysis | null; repairs: Repair[]; origin: 'draft' | 'refinement' };

export type VariantResult = {
  channel: VariantChannelId;
  content: unknown;
  violations: string[];
  repairs: Repair[];
  measure: VariantMeasure | null;
  attempts: number;
};

export type PipelineResult = {
  research: Research | null;
  texts: SourceText[];
  researchSkipped: string | null;
  failures: { url: string; reason: string }[];
  outline: string[];
  warnings: string[];
  versions: Version[];
  passes: OptimizePassOutput[];
  best: Version;
  variants: VariantResult[];
  usage: LlmUsage;
  costUsd: number;
  stageMs: Record<StageName, number>;
};

/** A stage failed: the CLI names it and its cause. */
export class StageFailure extends Error {
  readonly stage: StageName;
  readonly causeMessage: string;
  constructor(stage: StageName, causeMessage: string, options?: { cause?: unknown }) {
    super(`The ${stage} stage failed: ${causeMessage}`, options);
    this.name = 'StageFailure';
    this.stage = stage;
    this.causeMessage = causeMessage;
  }
}

export type RunPipelineOptions = {
  brief: PlanBrief;
  settings: OptimizeSettings;
  llm: LlmGateway;
  scraper: Scraper | undefined;
  seo: Pick<SeoPool, 'analyze'>;
  tokenPricePer1k: number;
  onEvent?: (event: PipelineEvent) => void;
};

/**
 * The plan's pipeline in this process, with no Slack and no database: the same stage functions the
 * jobs run (research, draft, optimisation passes, variants), in the same order and with the same
 * stopping rule, keeping in memory what the jobs store.
 */
export async function runPipeline({ brief, settings, llm, scraper, seo, tokenPricePer1k, onEvent = () => {} }: RunPipelineOptions): Promise<PipelineResult> {
  let usage: LlmUsage = NO_USAGE;
  const costOf = (total: LlmUsage) => ((total.inputTokens + total.outputTokens) / 1000) * tokenPricePer1k;
  const counted: LlmGateway = {
    async generate(request) {
      const answer = await llm.generate(request);
      usage = addUsage(usage, answer.usage);
      onEvent({ type: 'usage', usage, costUsd: costOf(usage) });
      return answer;
    },
  };
  const stageMs: Record<StageName, number> = { research: 0, draft: 0, optimize: 0, variants: 0 };
  const run = async <T>(stage: StageName, work: () => Promise<T>, summarize: (result: T) => string | { skipped: string }): Promise<T> => {
    onEvent({ type: 'stage_started', stage });
    const startedAt = performance.now();
    let result: T;
    try {
      result = await work();
    } catch (error) {
      throw new StageFailure(stage, asAppError(error).message, { cause: error });
    }
    stageMs[stage] = Math.round(performance.now() - startedAt);
    const summary = summarize(result);
    if (typeof summary === 'string') onEvent({ type: 'stage_finished', stage, ms: stageMs[stage], summary });
    else onEvent({ type: 'stage_skipped', stage, reason: summary.skipped });
    return result;
  };

  const research = await run(
    'research',
    () => researchTopic({ brief, scraper, llm: counted }),
    (outcome) =>
      outcome.kind === 'skipped'
        ? { skipped: outcome.reason }
        : `${outcome.research.sources.length} sources, ${outcome.research.quotes.kept} quotes kept, ${outcome.research.quotes.dropped} dropped`,
  );
  const grounding = research.kind === 'done' ? { research: research.research, texts: research.texts } : { research: null, texts: [] };

  const drafted = await run(
    'draft',
    () => writeDraft({ brief, research: grounding.research, texts: grounding.texts, llm: counted, feedback: [], previousDraft: null }),
    (outcome) => `${outcome.draft.title} (${outcome.claims.supported} claims supported, ${outcome.claims.unsupported.length} unsupported)`,
  );

  const versions: Version[] = [{ ...drafted.draft, seoScore: null, readabilityScore: null, analysis: null, claims: drafted.claims, repairs: drafted.repairs, origin: 'draft' }];
  const passes: OptimizePassOutput[] = [];
  await run(
    'optimize',
    async () => {
      for (let iteration = 0; ; iteration += 1) {
        const { output } = await runOptimizePass({ iteration, brief, settings, ...grounding, versions, seo, llm: counted });
        if (iteration === 0 && output.analysis) Object.assign(versions[0]!, scoresOf(output.analysis));
        else if (output.draft && output.analysis) {
          versions.push({ ...output.draft, ...scoresOf(output.analysis), claims: output.claims ?? null, repairs: output.repairs ?? [], origin: 'refinement' });
        }
        passes.push(output);
        onEvent({ type: 'pass', output });
        if (output.done) return;
      }
    },
    () => {
      const best = pickBestItem(versions, settings)!;
      return `SEO ${versions[0]?.seoScore ?? 0} → ${best.seoScore ?? 0}, readability ${versions[0]?.readabilityScore ?? 0} → ${best.readabilityScore ?? 0}, ${passes.length - 1} revision ${passes.length === 2 ? 'pass' : 'passes'}`;
    },
  );
  const best = pickBestItem(versions, settings)!;

  const channels = brief.channels.filter(isVariantChannel);
  const variants =
    channels.length === 0
      ? []
      : await run(
          'variants',
          () =>
            Promise.all(
              channels.map(async (channel) => {
                const startedAt = performance.now();
                const outcome = await writeVariant({ brief, channel, draft: toDraft(best), llm: counted });
                onEvent({ type: 'variant', channel, violations: outcome.violations, ms: Math.round(performance.now() - startedAt) });
                return {
                  channel,
                  content: outcome.content,
                  violations: outcome.violations,
                  repairs: outcome.repairs,
                  measure: outcome.content === null ? null : measureVariant(channel, outcome.content as never),
                  attempts: outcome.attempts,
                };
              }),
            ),
          (results) => results.map((result) => `${CHANNEL_LABELS[result.channel]} ${result.violations.length === 0 ? 'within limits' : 'has problems'}`).join(', '),
        );

  return {
    research: grounding.research,
    texts: grounding.texts,
    researchSkipped: research.kind === 'skipped' ? research.reason : null,
    failures: research.kind === 'done' ? research.failures : [],
    outline: drafted.outline,
    warnings: drafted.warnings,
    versions,
    passes,
    best,
    variants,
    usage,
    costUsd: costOf(usage),
    stageMs,
  };
}

function scoresOf(analysis: ContentAnalysis): Pick<Version, 'seoScore' | 'readabilityScore' | 'analysis'> {
  return { seoScore: analysis.seoScore, readabilityScore: analysis.readabilityScore, analysis };
}

function toDraft(version: Draft): Draft {
  return { title: version.title, slug: version.slug, metaDescription: version.metaDescription, markdown: version.markdown };
}

