/**
 * `npm run draft -- --topic "…" --keyphrase "…" [--offline] …`: one post through the whole pipeline
 * in this process (no Slack, no database), with live progress on stderr. Usage: DRAFT_USAGE in args.ts.
 */
import { performance } from 'node:perf_hooks';
import { loadCliConfig } from '../config.ts';
import { isAppError } from '../errors.ts';
import { DRAFT_USAGE, parseDraftArgs, UsageError } from './args.ts';
import { runPipeline, StageFailure } from './pipeline.ts';
import { makeProgress } from './progress.ts';
import { buildReport, writeDraftFiles } from './report.ts';
import { makeCliRuntime, OFFLINE_NOTICE } from './runtime.ts';

async function runDraftCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let args;
  let runtime;
  let config;
  try {
    args = parseDraftArgs(argv);
    if (args === 'help') {
      process.stdout.write(`${DRAFT_USAGE}\n`);
      return 0;
    }
    config = loadCliConfig(env);
    runtime = await makeCliRuntime(config, { isOffline: args.isOffline, logLevel: env['LOG_LEVEL'] || 'silent', seoWorkers: 1 });
  } catch (error) {
    if (error instanceof UsageError || isAppError(error, 'CONFIG')) {
      process.stderr.write(`draft: ${error.message}\n\n${DRAFT_USAGE}\n`);
      return 2;
    }
    throw error;
  }

  const { brief, settings, outDir, isOffline } = args;
  const progress = makeProgress({ isOffline });
  if (isOffline) progress.warn(OFFLINE_NOTICE);
  for (const warning of runtime.warnings) progress.warn(warning);
  const startedAt = performance.now();
  try {
    const result = await runPipeline({
      brief,
      settings,
      llm: runtime.llmFor(brief),
      scraper: runtime.scraper,
      seo: runtime.seo,
      tokenPricePer1k: isOffline ? 0 : config.tokenPricePer1k,
      onEvent: (event) => progress.onEvent(event),
    });
    progress.stop();
    const report = buildReport(result, { brief, settings, model: runtime.model, isOffline, totalMs: Math.round(performance.now() - startedAt), warnings: runtime.warnings });
    const files = writeDraftFiles(outDir, report);
    const { seo, readability } = report.scores;
    process.stdout.write(
      [
        ...(isOffline ? [OFFLINE_NOTICE] : []),
        `"${report.post.title}": SEO ${seo.before} → ${seo.after}, readability ${readability.before} → ${readability.after}; ` +
          `${report.claims.supported} figures supported, ${report.claims.unsupported.length} unsupported; ` +
          `${report.variants.filter((variant) => variant.withinLimits).length}/${report.variants.length} variants within limits.`,
        `Wrote ${files.length} files to ${outDir}:`,
        ...files.map((file) => `  ${file}`),
        '',
      ].join('\n'),
    );
    return 0;
  } catch (error) {
    if (error instanceof StageFailure) {
      progress.fail(error.stage, error.causeMessage);
      progress.stop();
      process.stderr.write(`draft: the ${error.stage} stage failed: ${error.causeMessage}\n`);
      return 1;
    }
    progress.stop();
    throw error;
  } finally {
    await runtime.close();
  }
}

process.exitCode = await runDraftCommand(process.argv.slice(2), process.env).catch((error: unknown) => {
  process.stderr.write(`draft: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
});
