import pino from 'pino';
import { afterEach, beforeEach } from 'vitest';
import { makeLlmGateway, type LlmGateway } from '../../src/orchestrator/llm.ts';
import { startFakeOpenAI, type FakeOpenAI, type FakeOpenAIRequest } from './fake-openai.ts';

/** A fresh fake OpenAI and a real gateway pointed at it, for each test of the file. */
export function useFakeLlmGateway(): { readonly fake: FakeOpenAI; readonly llm: LlmGateway } {
  const current = {} as { fake: FakeOpenAI; llm: LlmGateway };
  beforeEach(async () => {
    current.fake = await startFakeOpenAI();
    current.llm = makeLlmGateway({
      apiKey: 'sk-test',
      baseURL: current.fake.url,
      model: 'gpt-test',
      timeoutMs: 2_000,
      retryBaseDelayMs: 5,
      retryMaxDelayMs: 20,
      logger: pino({ level: 'silent' }),
    });
  });
  afterEach(async () => {
    await current.fake.close();
  });
  return current;
}

export const userPromptOf = (request: FakeOpenAIRequest | undefined) => request?.body.messages?.[1]?.content ?? '';
