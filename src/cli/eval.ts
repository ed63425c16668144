/**
 * `npm run eval -- [--offline] [--briefs FILE] [--settings FILE] [--voice FILE] [--out DIR] [--baseline FILE]`:
 * runs a set of briefs through the pipeline (the bundled ones by default), concurrently up to
 * LLM_CONCURRENCY, and prints one row per brief and a total; writes results.json and results.csv, and
 * each brief's files under briefs/<slug>/. With --baseline it also prints the change against an
 * earlier results.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadCliConfig } from '../config.ts';
import { isAppError } from '../errors.ts';
import { makeLimiter } from '../orchestrator/llm.ts';
import { toSlug } from '../orchestrator/stages/draft.ts';
import { readDataFile, readSettingsFile, readVoiceFile, toBrief, toOptimizeSettings, UsageError, type BriefInput, type RunSettings } from './args.ts';
import { compareResults, formatTable, toCsv, type BriefResult, type EvalResults, summarize } from './eval-results.ts';
import { loadRecordedTopics } from './offline/corpus.ts';
import { runPipeline, StageFailure } from './pipeline.ts';
import { buildReport, roundCost, writeDraftFiles } from './report.ts';
import { makeCliRuntime, OFFLINE_NOTICE } from './runtime.ts';

const EVAL_USAGE = `Usage: npm run eval -- [--offline] [--briefs FILE] [--settings FILE] [--voice FILE] [--out DIR] [--baseline FILE]

Runs each brief through the whole pipeline and puts numbers on the result.
  --offline         recorded pages and the deterministic offline writer (no keys, no network)
  --briefs FILE     YAML or JSON list of briefs: topic, keyphrase, keywords, channels, urls, audience, tone, brief
                    (default: the ${loadRecordedTopics().length} bundled topics)
  --settings FILE   thresholds and prompt overrides to judge, as for draft
  --voice FILE      brand voice, as for draft
  --out DIR         where results.json, results.csv and each brief's files go (default ./eval-results)
  --baseline FILE   an earlier results.json: prints the change against it
Briefs run concurrently up to LLM_CONCURRENCY. Exit codes: 0 all briefs done; 1 a brief failed; 2 bad arguments.`;

const ALL_VARIANTS = ['linkedin', 'x_thread', 'newsletter', 'slack'];

function bundledBriefs(): BriefInput[] {
  return loadRecordedTopics().map((topic) => ({ topic: topic.topic, keyphrase: topic.keyphrase, keywords: topic.keywords, channels: ALL_VARIANTS }));
}

function readBriefs(file: string): BriefInput[] {
  const data = readDataFile('--briefs', file);
  const list = Array.isArray(data) ? data : (data as { briefs?: unknown } | null)?.briefs;
  if (!Array.isArray(list) || list.length === 0) throw new UsageError(`--briefs: ${file} must hold a list of briefs (or { briefs: [...] }).`);
  return list as BriefInput[];
}

async function runEvalCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let options;
  let runtime;
  let config;
  let briefs;
  let settings: RunSettings = {};
  let baseline: EvalResults | undefined;
  try {
    options = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        offline: { type: 'boolean', default: false },
        briefs: { type: 'string' },
        settings: { type: 'string' },
        voice: { type: 'string' },
        out: { type: 'string', default: 'eval-results' },
        baseline: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
    if (options.help) {
      process.stdout.write(`${EVAL_USAGE}\n`);
      return 0;
    }
    if (options.settings) settings = readSettingsFile(options.settings);
    const voice = options.voice ? readVoiceFile(options.voice) : (settings.brandVoice ?? null);
    briefs = (options.briefs ? readBriefs(options.briefs) : bundledBriefs()).map((input, index) => {
      try {
        return toBrief(input, settings, voice);
      } catch (error) {
        throw new UsageError(`brief ${index + 1}: ${(error as Error).message}`);
      }
    });
    if (options.baseline) baseline = readDataFile('--baseline', options.baseline) as EvalResults;
    config = loadCliConfig(env);
    runtime = await makeCliRuntime(config, { isOffline: options.offline, logLevel: env['LOG_LEVEL'] || 'silent' });
  } catch (error) {
    if (error instanceof UsageError || isAppError(error, 'CONFIG') || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`eval: ${(error as Error).message}\n\n${EVAL_USAGE}\n`);
      return 2;
    }
    throw error;
  }

  const isOffline = options.offline;
  const optimizeSettings = toOptimizeSettings(settings);
  if (isOffline) process.stderr.write(`${OFFLINE_NOTICE}\n`);
  for (const warning of runtime.warnings) process.stderr.write(`warning: ${warning}\n`);
  const limit = makeLimiter(config.llmConcurrency);
  const outDir = options.out;
  const startedAt = performance.now();
  const rows: BriefResult[] = await Promise.all(
    briefs.map((brief) =>
      limit(async (): Promise<BriefResult> => {
        const id = toSlug(brief.keyphrase) || 'brief';
        const briefStartedAt = performance.now();
        const base = { id, topic: brief.topic, keyphrase: brief.keyphrase };
        try {
          const result = await runPipeline({
            brief,
            settings: optimizeSettings,
            llm: runtime.llmFor(brief),
            scraper: runtime.scraper,
            seo: runtime.seo,
            tokenPricePer1k: isOffline ? 0 : config.tokenPricePer1k,
          });
          const ms = Math.round(performance.now() - briefStartedAt);
          const report = buildReport(result, { brief, settings: optimizeSettings, model: runtime.model, isOffline, totalMs: ms, warnings: runtime.warnings });
          writeDraftFiles(path.join(outDir, 'briefs', id), report);
          process.stderr.write(`${id}: done in ${(ms / 1000).toFixed(1)} s, SEO ${report.scores.seo.before} → ${report.scores.seo.after}\n`);
          return {
            ...base,
            seo: { before: report.scores.seo.before, after: report.scores.seo.after },
            readability: { before: report.scores.readability.before, after: report.scores.readability.after },
            meetsThresholds: report.scores.meetsThresholds,
            passes: report.passes.length,
            quotes: report.research.quotes,
            claims: { supported: report.claims.supported, unsupported: report.claims.unsupported.length },
            repairs: report.repairs.length + report.variants.reduce((sum, variant) => sum + variant.repairs.length, 0),
            variants: { within: report.variants.filter((variant) => variant.withinLimits).length, total: report.variants.length },
            tokens: { in: report.usage.inputTokens, out: report.usage.outputTokens },
            costUsd: roundCost(report.usage.costUsd),
            ms,
            error: null,
          };
        } catch (error) {
          const message = error instanceof StageFailure ? `the ${error.stage} stage failed: ${error.causeMessage}` : String((error as Error).message ?? error);
          process.stderr.write(`${id}: ${message}\n`);
          return { ...base, error: message, ms: Math.round(performance.now() - briefStartedAt) };
        }
      }),
    ),
  );
  await runtime.close();

  const results: EvalResults = {
    notice: isOffline ? OFFLINE_NOTICE : null,
    mode: isOffline ? 'offline' : 'live',
    model: runtime.model,
    settings: optimizeSettings,
    briefs: rows,
    total: summarize(rows, Math.round(performance.now() - startedAt)),
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(outDir, 'results.csv'), toCsv(results));
  const lines = [...(isOffline ? [OFFLINE_NOTICE, ''] : []), formatTable(results)];
  if (baseline) lines.push('', `Change against ${options.baseline}:`, '', compareResults(baseline, results));
  lines.push('', `Wrote ${path.join(outDir, 'results.json')} and ${path.join(outDir, 'results.csv')}.`, '');
  process.stdout.write(lines.join('\n'));
  return rows.some((row) => row.error) ? 1 : 0;
}

process.exitCode = await runEvalCommand(process.argv.slice(2), process.env).catch((error: unknown) => {
  process.stderr.write(`eval: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
});
