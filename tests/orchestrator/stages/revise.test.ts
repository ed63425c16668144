import { teaBrief } from '../fixtures/tea-brief.ts';
import { useFakeLlmGateway, userPromptOf } from '../../support/fake-llm-gateway.ts';
import { describe, expect, test } from 'vitest';
import type { ContentCheck } from '../../../src/orchestrator/seo/analyze.ts';
import { reviseDraft } from '../../../src/orchestrator/stages/revise.ts';
import type { Draft, Research } from '../../../src/orchestrator/types.ts';

const brief = teaBrief();
const research: Research = { competitors: [], keywords: [], gaps: [], questions: [], sources: [{ id: 1, url: 'https://a.test/tea', title: 'Tea guide' }] };
const draft: Draft = { title: 'Green tea at home', slug: 'green-tea', metaDescription: 'About tea.', markdown: 'Tea is good [1].' };
const revised: Draft = { ...draft, markdown: 'Green tea is good [1]. Green tea is calm.' };
const checks: ContentCheck[] = [
  { id: 'keyphraseDensity', kind: 'seo', rating: 'bad', score: 4, text: 'Keyphrase density: The keyphrase was found 0 times. Focus on your keyphrase!' },
  { id: 'sentenceLength', kind: 'readability', rating: 'bad', score: 3, text: 'Sentence length: 40% of the sentences contain more than 20 words.' },
];

const gateway = useFakeLlmGateway();

const userOf = userPromptOf;
const usage = { prompt_tokens: 50, completion_tokens: 5 };

describe('reviseDraft', () => {
  test("sends the failed checks' texts and returns them as the instructions", async () => {
    gateway.fake.enqueue({ json: revised, usage });

    const outcome = await reviseDraft({ brief, research, draft, failedChecks: checks, llm: gateway.llm });

    expect(outcome).toEqual({ draft: revised, instructions: checks.map((check) => check.text), attempts: 1, usage: { inputTokens: 50, outputTokens: 5 } });
    const [request] = gateway.fake.requests;
    expect(request?.body.response_format).toMatchObject({ json_schema: { name: 'revision' } });
    for (const check of checks) expect(userOf(request)).toContain(`- ${check.text}`);
    expect(userOf(request)).toContain('Tea is good [1].');
    expect(`${request?.body.messages?.[0]?.content}`).toContain('No jargon');
  });

  test('a revision citing an unknown source is made again with the violation named, then fails if it persists', async () => {
    gateway.fake.enqueue({ json: { ...revised, markdown: 'Tea [3].' } }, { json: revised });
    await expect(reviseDraft({ brief, research, draft, failedChecks: checks, llm: gateway.llm })).resolves.toMatchObject({ draft: revised, attempts: 2 });
    expect(userOf(gateway.fake.requests[1])).toContain('- Citation [3] does not match any source');

    gateway.fake.enqueue({ json: { ...revised, markdown: 'Tea [3].' } }, { json: { ...revised, markdown: 'Tea [3].' } });
    await expect(reviseDraft({ brief, research, draft, failedChecks: checks, llm: gateway.llm })).rejects.toMatchObject({
      code: 'UPSTREAM_RETRYABLE',
      message: expect.stringMatching(/^The revision kept citing .* after 2 attempts: Citation \[3\]/),
    });
  });

  test('no failed checks means no call', async () => {
    await expect(reviseDraft({ brief, research, draft, failedChecks: [], llm: gateway.llm })).resolves.toEqual({ draft, instructions: [], attempts: 0, usage: { inputTokens: 0, outputTokens: 0 } });
    expect(gateway.fake.requests).toHaveLength(0);
  });
});
