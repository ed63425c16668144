import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeUsage = { prompt_tokens: number; completion_tokens: number };

/** One scripted answer of the fake. */
export type FakeOpenAIReply =
  /** A structured answer: `json` becomes the assistant message content. */
  | { json: unknown; usage?: FakeUsage; finishReason?: string }
  /** Content sent verbatim, e.g. malformed JSON. */
  | { raw: string; usage?: FakeUsage; finishReason?: string }
  | { refusal: string; usage?: FakeUsage }
  /** An HTTP error; `retryAfter` in seconds sets `retry-after`, `retryAfterMs` sets `retry-after-ms`. */
  | { status: number; body?: unknown; retryAfter?: number; retryAfterMs?: number; headers?: Record<string, string> }
  /** Never answers: for timeouts. */
  | { hang: true };

export type FakeChatMessage = { role: string; content: string };

export type FakeOpenAIRequest = {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or the raw text when it was not JSON. */
  body: { model?: string; messages?: FakeChatMessage[]; [key: string]: unknown };
};

export type FakeOpenAI = {
  /** Base URL including `/v1`, for the SDK's `baseURL`. */
  url: string;
  /** Every request received, in arrival order, whatever the answer. */
  requests: FakeOpenAIRequest[];
  /** Answers for the next requests, first in first out. */
  enqueue(...replies: FakeOpenAIReply[]): void;
  /** Answers requests when the queue is empty. */
  onRequest(handler: (request: FakeOpenAIRequest) => FakeOpenAIReply | Promise<FakeOpenAIReply>): void;
  /** Delay before every answer from now on. */
  setLatency(ms: number): void;
  readonly inFlight: number;
  readonly maxInFlight: number;
  close(): Promise<void>;
};

const ERROR_BODIES: Record<number, { message: string; type: string; code: string | null }> = {
  400: { message: 'Invalid request.', type: 'invalid_request_error', code: null },
  401: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' },
  403: { message: 'You are not allowed to sample from this model.', type: 'invalid_request_error', code: null },
  404: { message: 'The model does not exist.', type: 'invalid_request_error', code: 'model_not_found' },
  429: { message: 'Rate limit reached for requests.', type: 'requests', code: 'rate_limit_exceeded' },
};

/** An HTTP server on 127.0.0.1 that plays OpenAI's chat completions endpoint. */
export async function startFakeOpenAI({ latencyMs = 0 }: { latencyMs?: number } = {}): Promise<FakeOpenAI> {
  const requests: FakeOpenAIRequest[] = [];
  const queue: FakeOpenAIReply[] = [];
  let handler: ((request: FakeOpenAIRequest) => FakeOpenAIReply | Promise<FakeOpenAIReply>) | undefined;
  let latency = latencyMs;
  let inFlight = 0;
  let maxInFlight = 0;
  let completionCount = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    const request: FakeOpenAIRequest = {
      method: req.method ?? 'GET',
      path: new URL(req.url ?? '/', 'http://fake').pathname,
      headers: req.headers,
      body: parseJson(text),
    };
    requests.push(request);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.once('close', () => {
      inFlight -= 1;
    });

    if (request.method !== 'POST' || request.path !== '/v1/chat/completions') {
      await delay(latency);
      return send(res, 404, { error: { message: `fake OpenAI does not serve ${request.method} ${request.path}`, type: 'invalid_request_error', param: null, code: null } });
    }
    const reply = queue.shift() ?? (handler ? await handler(request) : undefined);
    if (reply && 'hang' in reply) return;
    await delay(latency);
    if (!reply) {
      return send(res, 400, { error: { message: 'fake OpenAI has no reply scripted for this request', type: 'invalid_request_error', param: null, code: null } });
    }
    if ('status' in reply) {
      const headers: Record<string, string> = { ...reply.headers };
      if (reply.retryAfter !== undefined) headers['retry-after'] = String(reply.retryAfter);
      if (reply.retryAfterMs !== undefined) headers['retry-after-ms'] = String(reply.retryAfterMs);
      const known = ERROR_BODIES[reply.status] ?? { message: 'The server had an error while processing your request.', type: 'server_error', code: null };
      return send(res, reply.status, reply.body ?? { error: { ...known, param: null } }, headers);
    }
    completionCount += 1;
    const content = 'json' in reply ? JSON.stringify(reply.json) : 'raw' in reply ? reply.raw : null;
    const refusal = 'refusal' in reply ? reply.refusal : null;
    const usage = reply.usage ?? {
      prompt_tokens: estimateTokens(JSON.stringify(request.body.messages ?? [])),
      completion_tokens: estimateTokens(content ?? refusal ?? ''),
    };
    send(res, 200, {
      id: `chatcmpl-fake${completionCount}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: request.body.model ?? 'fake-model',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content, refusal, annotations: [] },
          logprobs: null,
          finish_reason: ('finishReason' in reply && reply.finishReason) || 'stop',
        },
      ],
      usage: {
        ...usage,
        total_tokens: usage.prompt_tokens + usage.completion_tokens,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
      service_tier: 'default',
      system_fingerprint: 'fp_fake',
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { error: { message: String(error), type: 'server_error', param: null, code: null } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...replies) => void queue.push(...replies),
    onRequest: (next) => {
      handler = next;
    },
    setLatency: (ms) => {
      latency = ms;
    },
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    close: async () => {
      // Hanging requests would otherwise keep close() waiting forever.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req_fake_${Date.now()}`, ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): FakeOpenAIRequest['body'] {
  try {
    return JSON.parse(text) as FakeOpenAIRequest['body'];
  } catch {
    return { raw: text };
  }
}

function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
