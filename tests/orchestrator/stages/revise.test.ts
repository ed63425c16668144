import { teaBrief } from '../fixtures/tea-brief.ts';
import { useFakeLlmGateway, userPromptOf } from '../../support/fake-llm-gateway.ts';
import { describe, expect, test } from 'vitest';
import type { ContentCheck } from '../../../src/orchestrator/seo/analyze.ts';
import { reviseDraft } from '../../../src/orchestrator/stages/revise.ts';
import type { Draft } from '../../../src/orchestrator/types.ts';
import { makeResearch, SOURCE_TEXTS } from '../fixtures/scraped-pages.ts';

const brief = teaBrief();
const research = makeResearch();
const texts = SOURCE_TEXTS;
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

    const outcome = await reviseDraft({ brief, research, texts, draft, failedChecks: checks, llm: gateway.llm });

    expect(outcome).toMatchObject({ draft: revised, instructions: checks.map((check) => check.text), repairs: [], attempts: 1, usage: { inputTokens: 50, outputTokens: 5 } });
    const [request] = gateway.fake.requests;
    expect(request?.body.response_format).toMatchObject({ json_schema: { name: 'revision' } });
    for (const check of checks) expect(userOf(request)).toContain(`- ${check.text}`);
    expect(userOf(request)).toContain('Tea is good [1].');
    expect(`${request?.body.messages?.[0]?.content}`).toContain('No jargon');
  });

  test('a revision citing an unknown source is made again with the violation named, then repaired if it persists', async () => {
    gateway.fake.enqueue({ json: { ...revised, markdown: 'Tea [3].' } }, { json: revised });
    await expect(reviseDraft({ brief, research, texts, draft, failedChecks: checks, llm: gateway.llm })).resolves.toMatchObject({ draft: revised, attempts: 2 });
    expect(userOf(gateway.fake.requests[1])).toContain('- Citation [3] does not match any source');

    gateway.fake.enqueue({ json: { ...revised, markdown: 'Tea [3] is calm [1].' } }, { json: { ...revised, markdown: 'Tea [3] is calm [1].' } });
    await expect(reviseDraft({ brief, research, texts, draft, failedChecks: checks, llm: gateway.llm })).resolves.toMatchObject({
      draft: { markdown: 'Tea is calm [1].' },
      repairs: [{ kind: 'dropped_citation', detail: 'Dropped citation [3]: no source has that number.' }],
      attempts: 2,
    });
  });

  test('an empty revision on both attempts is returned as rejected, keeping the draft', async () => {
    gateway.fake.enqueue({ json: { ...revised, markdown: '' } }, { json: { ...revised, markdown: '' } });
    await expect(reviseDraft({ brief, research, texts, draft, failedChecks: checks, llm: gateway.llm })).resolves.toMatchObject({
      draft,
      rejected: 'the model returned an empty revision after 2 attempts',
    });
  });

  test('no failed checks means no call', async () => {
    await expect(reviseDraft({ brief, research, texts, draft, failedChecks: [], llm: gateway.llm })).resolves.toMatchObject({ draft, instructions: [], attempts: 0, usage: { inputTokens: 0, outputTokens: 0 } });
    expect(gateway.fake.requests).toHaveLength(0);
  });
});
