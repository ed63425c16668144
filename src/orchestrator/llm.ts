import OpenAI, { APIConnectionError, APIError } from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { AppError } from '../errors.ts';

export type LlmUsage = { inputTokens: number; outputTokens: number };

export type LlmRequest<T> = {
  /** Pipeline stage, for logs and error messages (e.g. `draft`). */
  stage: string;
  /** Name of the structured-output schema sent to the model. */
  schemaName: string;
  /** Output schema; use `.nullable()` rather than `.optional()` for structured outputs. */
  schema: z.ZodType<T>;
  system: string;
  user: string;
  /** Omitted unless set: reasoning models accept only their default. */
  temperature?: number;
};

export type LlmGateway = {
  generate<T>(request: LlmRequest<T>): Promise<{ data: T; usage: LlmUsage }>;
};

export type LlmGatewayOptions = {
  apiKey: string;
  baseURL?: string;
  model: string;
  /** Calls in flight at once, shared by every caller of this gateway. */
  concurrency?: number;
  /** Per HTTP attempt. */
  timeoutMs?: number;
  /** Retries after the first attempt, for 408/409/429/5xx, timeouts and connection errors. */
  maxRetries?: number;
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  /** A longer Retry-After ends the call with a retryable error, so the job reschedules instead of blocking a worker. */
  maxRetryAfterMs?: number;
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
};

/** Runs at most `concurrency` tasks at once; the rest wait in FIFO order. */
export function makeLimiter(concurrency: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    if (active < concurrency) active += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter so a newcomer cannot take it in between.
      const next = waiting.shift();
      if (next) next();
      else active -= 1;
    }
  };
}

const RETRYABLE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

/**
 * Whether a job should try again: our own retryable AppErrors, HTTP 408/409/429/5xx (unless the server
 * says `x-should-retry: false`), timeouts and connection failures. Works for OpenAI and Firecrawl errors.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof AppError) return error.code === 'UPSTREAM_RETRYABLE';
  if (error instanceof APIConnectionError) return true;
  if (error instanceof APIError) {
    const shouldRetry = error.headers?.get('x-should-retry');
    if (shouldRetry === 'true') return true;
    if (shouldRetry === 'false') return false;
  }
  const status = statusOf(error);
  if (status !== undefined && status >= 400) return isRetryableStatus(status);
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_CODES.has(code);
}

export function makeLlmGateway({
  apiKey,
  // Explicit, or the SDK would read OPENAI_BASE_URL behind config's back.
  baseURL = 'https://api.openai.com/v1',
  model,
  concurrency = 8,
  timeoutMs = 60_000,
  maxRetries = 3,
  retryBaseDelayMs = 500,
  retryMaxDelayMs = 8_000,
  maxRetryAfterMs = 30_000,
  logger,
  sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}: LlmGatewayOptions): LlmGateway {
  // Retries are ours: configurable backoff, and no concurrency slot held while waiting.
  const client = new OpenAI({ apiKey, baseURL, timeout: timeoutMs, maxRetries: 0 });
  const limit = makeLimiter(concurrency);

  async function complete(request: LlmRequest<unknown>) {
    const body = {
      model,
      messages: [
        { role: 'system' as const, content: request.system },
        { role: 'user' as const, content: request.user },
      ],
      response_format: zodResponseFormat(request.schema, request.schemaName),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    };
    for (let attempt = 0; ; attempt += 1) {
      const startedAt = Date.now();
      try {
        const completion = await limit(() => client.chat.completions.create(body));
        logger.debug({ stage: request.stage, attempt, ms: Date.now() - startedAt, usage: completion.usage }, 'llm call done');
        return completion;
      } catch (error) {
        if (!isRetryable(error)) throw toAppError(error, request.stage);
        const retryAfterMs = retryAfterOf(error);
        if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) {
          throw toAppError(error, request.stage, { retryAfterMs });
        }
        if (attempt >= maxRetries) throw toAppError(error, request.stage);
        const delayMs = retryAfterMs ?? backoffMs(attempt, retryBaseDelayMs, retryMaxDelayMs);
        logger.warn(
          { stage: request.stage, attempt, status: statusOf(error), delayMs, err: error },
          'llm call failed, retrying',
        );
        await sleep(delayMs);
      }
    }
  }

  return {
    async generate<T>(request: LlmRequest<T>) {
      const completion = await complete(request);
      const usage = {
        inputTokens: completion.usage?.prompt_tokens ?? 0,
        outputTokens: completion.usage?.completion_tokens ?? 0,
      };
      const choice = completion.choices[0];
      const details = { stage: request.stage, finishReason: choice?.finish_reason, usage };
      if (choice?.message.refusal) {
        throw new AppError('UPSTREAM', `The model declined the ${request.stage} step: ${choice.message.refusal}`, {
          details,
        });
      }
      const content = choice?.message.content ?? '';
      let json: unknown;
      try {
        json = JSON.parse(content);
      } catch (error) {
        throw new AppError('UPSTREAM_RETRYABLE', `The model returned malformed JSON for the ${request.stage} step.`, {
          cause: error,
          details: { ...details, content: content.slice(0, 500) },
        });
      }
      const parsed = request.schema.safeParse(json);
      if (!parsed.success) {
        throw new AppError('UPSTREAM_RETRYABLE', `The model's answer for the ${request.stage} step did not match ${request.schemaName}.`, {
          cause: parsed.error,
          details: { ...details, issues: parsed.error.issues },
        });
      }
      return { data: parsed.data, usage };
    },
  };
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** Exponential with jitter: a random point in the upper half of the window, so callers spread out. */
function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  const windowMs = Math.min(baseMs * 2 ** attempt, maxMs);
  return windowMs / 2 + Math.random() * (windowMs / 2);
}

/** `retry-after-ms` (OpenAI), else `retry-after` in seconds or as an HTTP date. */
function retryAfterOf(error: unknown): number | undefined {
  if (!(error instanceof APIError) || !error.headers) return undefined;
  const millis = Number.parseFloat(error.headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(millis) && millis >= 0) return millis;
  const header = error.headers.get('retry-after');
  if (!header) return undefined;
  const seconds = Number.parseFloat(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

function toAppError(error: unknown, stage: string, extra: Record<string, unknown> = {}): AppError {
  const status = statusOf(error);
  const details = { stage, status, ...extra };
  const reason = error instanceof Error ? error.message : String(error);
  if (isRetryable(error)) {
    return new AppError('UPSTREAM_RETRYABLE', `The language model is unavailable for the ${stage} step (${reason}).`, {
      cause: error,
      details,
    });
  }
  const hint =
    status === 401
      ? 'check OPENAI_API_KEY'
      : status === 403
        ? "check that the API key's project may use this model"
        : status === 404
          ? 'check OPENAI_MODEL and OPENAI_BASE_URL'
          : 'check the prompt settings and the model';
  return new AppError('UPSTREAM', `The language model rejected the ${stage} step (${reason}): ${hint}.`, {
    cause: error,
    details,
  });
}
