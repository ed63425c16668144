import { parentPort } from 'node:worker_threads';
import { isAppError, type ErrorCode } from '../../errors.ts';
import { analyzeContent, type ContentAnalysis, type ContentAnalysisInput } from './analyze.ts';

// An AppError loses its class crossing threads, so the reply carries its code for the pool to rebuild it.
export type SeoWorkerReply =
  | { ok: true; analysis: ContentAnalysis }
  | { ok: false; code: ErrorCode; message: string; stack: string | undefined };

if (!parentPort) throw new Error('worker.ts runs only as a worker thread; use makeSeoPool.');
const port = parentPort;

port.on('message', (input: ContentAnalysisInput) => {
  port.postMessage(analyze(input));
});

function analyze(input: ContentAnalysisInput): SeoWorkerReply {
  try {
    return { ok: true, analysis: analyzeContent(input) };
  } catch (error) {
    return {
      ok: false,
      code: isAppError(error) ? error.code : 'INTERNAL',
      message: error instanceof Error ? error.message : String(error),
      stack: error instanceof Error ? error.stack : undefined,
    };
  }
}
