import { teaBrief } from '../fixtures/tea-brief.ts';
import { useFakeLlmGateway, userPromptOf } from '../../support/fake-llm-gateway.ts';
import { describe, expect, test } from 'vitest';
import { writeVariant } from '../../../src/orchestrator/stages/variant.ts';
import type { Draft } from '../../../src/orchestrator/types.ts';

const brief = teaBrief({ channels: ['blog', 'x_thread', 'newsletter'] });
const draft: Draft = { title: 'Green tea at home', slug: 'green-tea', metaDescription: 'About tea.', markdown: 'Green tea is good [1].\n\n## Water\n\nUse 80 °C.' };

const gateway = useFakeLlmGateway();

const userOf = userPromptOf;
const tooLong = { posts: ['Green tea '.repeat(30).trim(), 'Short one.'] };

describe('writeVariant', () => {
  test('a post over 280 characters is made again with the violation named, then cut at a word and the cut recorded', async () => {
    const stillLong = { posts: ['Tea! '.repeat(60).trim(), 'Read on: {{post_url}}'] };
    gateway.fake.enqueue({ json: tooLong, usage: { prompt_tokens: 40, completion_tokens: 20 } }, { json: stillLong, usage: { prompt_tokens: 60, completion_tokens: 20 } });

    const outcome = await writeVariant({ brief, channel: 'x_thread', draft, llm: gateway.llm });

    expect(outcome).toEqual({
      channel: 'x_thread',
      content: { posts: [`${'Tea! '.repeat(54).trim()}…`, 'Read on: {{post_url}}'] },
      violations: [],
      repairs: [{ kind: 'trimmed_variant', detail: 'Cut post 1 of the X thread at a word to fit 280 characters.' }],
      attempts: 2,
      usage: { inputTokens: 100, outputTokens: 40 },
    });
    expect(gateway.fake.requests.map((request) => request.body.response_format)).toEqual([
      expect.objectContaining({ json_schema: expect.objectContaining({ name: 'variant_x_thread' }) }),
      expect.objectContaining({ json_schema: expect.objectContaining({ name: 'variant_x_thread' }) }),
    ]);
    const retry = userOf(gateway.fake.requests[1]);
    expect(retry).toContain('- Post 1 is 304 characters; the limit is 280');
    expect(retry).toContain('- End with one call to action that links to the article with {{post_url}}');
    expect(retry).toContain('"Short one."');
    const system = `${gateway.fake.requests[0]?.body.messages?.[0]?.content}`;
    expect(system).toContain('at most 280 characters');
    expect(system).toContain('No jargon');
  });

  test('a variant within the rules is returned after one call', async () => {
    const newsletter = { subject: 'Brew better green tea', preview: 'Three steps, one calm cup.', body: 'Hello tea friends.\n\n[Read the guide]({{post_url}})' };
    gateway.fake.enqueue({ json: newsletter });

    const outcome = await writeVariant({ brief, channel: 'newsletter', draft, llm: gateway.llm });

    expect(outcome).toMatchObject({ channel: 'newsletter', content: newsletter, violations: [], repairs: [], attempts: 1 });
    expect(gateway.fake.requests[0]?.body.response_format).toMatchObject({ json_schema: { name: 'variant_newsletter' } });
    expect(userOf(gateway.fake.requests[0])).toContain('Green tea is good [1].');
  });
});
