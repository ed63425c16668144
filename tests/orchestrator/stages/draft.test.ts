import type { FakeOpenAIRequest } from '../../support/fake-openai.ts';
import { teaBrief } from '../fixtures/tea-brief.ts';
import { useFakeLlmGateway, userPromptOf } from '../../support/fake-llm-gateway.ts';
import { describe, expect, test } from 'vitest';
import { AppError } from '../../../src/errors.ts';
import { findDraftFormatProblems, normalizeDraft, toSlug, writeDraft, TAKEAWAY_MAX_CHARS } from '../../../src/orchestrator/stages/draft.ts';
import type { Draft } from '../../../src/orchestrator/types.ts';
import { makeResearch, SOURCE_TEXTS } from '../fixtures/scraped-pages.ts';

const brief = teaBrief({
  keywords: ['matcha'],
  audience: 'Beginners',
  brandVoice: { description: 'Calm and kind.', dos: ['Say you'], donts: ['No jargon'], examples: ['Pour, wait, sip.'] },
});

const research = makeResearch();
const texts = SOURCE_TEXTS;

const META = 'Learn how to brew green tea at home: the right water temperature, steeping time and leaves, with simple tips for a better cup every day.';
const good: Draft = {
  title: 'How to Brew Green Tea at Home',
  slug: 'brew-green-tea',
  metaDescription: META,
  markdown: 'Green tea rewards patience [1].\n\n## Water\n\nUse water at 80 °C [2]. See [the guide](https://a.test/tea).',
};
const withCitation = (markdown: string): Draft => ({ ...good, markdown });

const gateway = useFakeLlmGateway();

const schemaName = (request: FakeOpenAIRequest) => (request.body.response_format as { json_schema?: { name?: string } } | undefined)?.json_schema?.name;
const userOf = userPromptOf;

/** Answers by structured-output name, each name's answers in order; anything unscripted gets a 400. */
function script(answers: Record<string, unknown[]>) {
  gateway.fake.onRequest((request) => {
    const next = answers[schemaName(request) ?? '']?.shift();
    return next === undefined ? { status: 400 } : { json: next, usage: { prompt_tokens: 100, completion_tokens: 10 } };
  });
}

const outline = { headings: ['## Water', '### Temperature', ' '] };

describe('writeDraft', () => {
  test('makes an outline, then a post that passes first time', async () => {
    script({ outline: [outline], draft: [good] });

    const outcome = await writeDraft({ brief, research, texts, llm: gateway.llm, feedback: [], previousDraft: null });

    expect(outcome).toEqual({
      draft: good,
      // A server that leaves the takeaway out still gives a draft.
      takeaway: null,
      outline: ['## Water', '### Temperature'],
      warnings: [],
      repairs: [],
      claims: { supported: 0, unsupported: [], uncitedFigures: 0, weak: [2], supportedSourceIds: [1, 2] },
      attempts: 1,
      usage: { inputTokens: 200, outputTokens: 20 },
    });
    expect(gateway.fake.requests.map(schemaName)).toEqual(['outline', 'draft']);
    for (const request of gateway.fake.requests) {
      const text = `${request.body.messages?.[0]?.content}\n${userOf(request)}`;
      for (const expected of ['Calm and kind.', 'No jargon', 'Tone for this piece: Playful', 'Mention the sampler box.']) expect(text).toContain(expected);
    }
    expect(userOf(gateway.fake.requests[1])).toContain('## Water\n### Temperature');
    expect(userOf(gateway.fake.requests[1])).toContain('[2] Matcha facts (https://b.test/matcha)');
    expect(userOf(gateway.fake.requests[1])).toContain(
      '<untrusted_source id="1" url="https://a.test/tea">\n- E1 (statistic: common mistake): "74% of first-time brewers use boiling water."',
    );
  });

  test('the draft call returns a takeaway beside the meta description, with no extra call', async () => {
    const takeaway = `  Brew green tea below boiling.\n It keeps the sweetness. ${'And more. '.repeat(60)}`;
    script({ outline: [outline], draft: [{ ...good, takeaway }] });
    const outcome = await writeDraft({ brief, research, texts, llm: gateway.llm, feedback: [], previousDraft: null });
    expect(outcome.takeaway?.startsWith('Brew green tea below boiling. It keeps the sweetness. And more.')).toBe(true);
    expect([...(outcome.takeaway ?? '')].length).toBeLessThanOrEqual(TAKEAWAY_MAX_CHARS);
    expect(gateway.fake.requests.map(schemaName)).toEqual(['outline', 'draft']);
    const format = gateway.fake.requests[1]?.body.response_format as { json_schema: { schema: { required: string[] } } };
    expect(format.json_schema.schema.required).toContain('takeaway');
    expect(gateway.fake.requests[1]?.body.messages?.[0]?.content).toContain('takeaway: exactly two short sentences for the approver');
  });

  test('an unknown citation is made again with the violation named', async () => {
    script({ outline: [outline], draft: [withCitation('Tea is old [9].'), good] });

    const outcome = await writeDraft({ brief, research, texts, llm: gateway.llm, feedback: ['Shorter intro'], previousDraft: null });

    expect(outcome.attempts).toBe(2);
    expect(outcome.draft).toEqual(good);
    expect(outcome.usage).toEqual({ inputTokens: 300, outputTokens: 30 });
    expect(userOf(gateway.fake.requests[1])).not.toContain('Citation [9]');
    expect(userOf(gateway.fake.requests[2])).toContain('- Citation [9] does not match any source');
    expect(userOf(gateway.fake.requests[0])).toContain('- Shorter intro');
  });

  test('an invented URL is made again with the violation named', async () => {
    script({ outline: [outline], draft: [withCitation('Read [this](https://invented.test/study) [1].'), good] });

    const outcome = await writeDraft({ brief, research, texts, llm: gateway.llm, feedback: [], previousDraft: null });

    expect(outcome.attempts).toBe(2);
    expect(userOf(gateway.fake.requests[2])).toContain('- The link https://invented.test/study is not one of the sources');
  });

  test('a link to a non-source that survives the one retry is unlinked, not retried again, and recorded', async () => {
    const linked = withCitation('Tea rewards patience [1]. Learn more in [our guide](https://us.test/guide).');
    script({ outline: [outline], draft: [linked, linked, linked] });

    const outcome = await writeDraft({ brief, research, texts, llm: gateway.llm, feedback: [], previousDraft: null });

    expect(gateway.fake.requests.map(schemaName)).toEqual(['outline', 'draft', 'draft']);
    expect(outcome.attempts).toBe(2);
    expect(outcome.draft.markdown).toBe('Tea rewards patience [1]. Learn more in our guide.');
    expect(outcome.repairs).toEqual([{ kind: 'unlinked', detail: 'Unlinked "our guide" from https://us.test/guide: not a source.' }]);
  });

  test('figures are claim-checked against the sources the sentence cites', async () => {
    script({ outline: [outline], draft: [withCitation('Beginners boil it: 74% do [1]. Sales grew 900% [2]. Matcha is 3x better.')] });

    const outcome = await writeDraft({ brief, research, texts, llm: gateway.llm, feedback: [], previousDraft: null });

    expect(outcome.claims).toMatchObject({
      supported: 1,
      uncitedFigures: 1,
      unsupported: [
        { sentence: 'Sales grew 900% [2].', figure: '900%', reason: 'not_in_source' },
        { sentence: 'Matcha is 3x better.', figure: '3x', reason: 'uncited' },
      ],
    });
  });

  test('an empty body on both attempts fails the stage, not as a retryable error', async () => {
    script({ outline: [outline], draft: [withCitation(''), withCitation(' ')] });

    const error = await writeDraft({ brief, research, texts, llm: gateway.llm, feedback: [], previousDraft: null }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'UPSTREAM', message: expect.stringMatching(/^The model returned an empty draft after 2 attempts/) });
  });

  test('without research, any citation or link is a violation', async () => {
    script({ outline: [outline], draft: [good, withCitation('Plain text.')] });

    const outcome = await writeDraft({ brief, research: null, texts: [], llm: gateway.llm, feedback: [], previousDraft: null });

    expect(outcome.draft.markdown).toBe('Plain text.');
    const retry = userOf(gateway.fake.requests[2]);
    expect(retry).toContain('Citation [1] does not match any source');
    expect(retry).toContain('The link https://a.test/tea is not one of the sources');
  });

  test('title and meta description problems are retried once, then the title is cut and a short meta description is a warning', async () => {
    const long = { ...good, title: 'A very long title about brewing green tea at home that goes on and on', metaDescription: 'Too short.' };
    script({ outline: [outline], draft: [long, long, long] });

    const outcome = await writeDraft({ brief, research, texts, llm: gateway.llm, feedback: [], previousDraft: null });

    expect(outcome.attempts).toBe(2);
    expect(outcome.draft.title).toBe('A very long title about brewing green tea at home that goes');
    expect(outcome.repairs.map((repair) => repair.kind)).toEqual(['trimmed_title']);
    expect(outcome.warnings).toEqual(['The meta description is 10 characters; make it between 120 and 156.']);
    expect(userOf(gateway.fake.requests[2])).toContain('- The title is 69 characters; make it at most 60.');
  });

  test('the previous draft reaches the prompt when revising after feedback', async () => {
    script({ outline: [outline], draft: [good] });
    await writeDraft({ brief, research, texts, llm: gateway.llm, feedback: ['Add cold brew'], previousDraft: { ...good, title: 'Old title' } });
    expect(userOf(gateway.fake.requests[1])).toContain('Title: Old title');
    expect(userOf(gateway.fake.requests[1])).toContain('- Add cold brew');
  });
});

describe('draft helpers', () => {
  test('normalizeDraft shapes the slug and drops an H1 that repeats the title', () => {
    expect(normalizeDraft({ ...good, slug: 'Brew Green_Tea!', markdown: '# How to brew green tea at home\n\nBody.' })).toEqual({ ...good, slug: 'brew-green-tea', markdown: 'Body.' });
    expect(normalizeDraft({ ...good, slug: '!!!' }).slug).toBe('how-to-brew-green-tea-at-home');
    expect(toSlug('Crème brûlée’s secrets')).toBe('creme-brulees-secrets');
  });

  test('findDraftFormatProblems accepts a good draft', () => {
    expect(findDraftFormatProblems(good)).toEqual([]);
    expect(findDraftFormatProblems({ ...good, slug: 'Bad Slug' })).toEqual([expect.stringContaining('The slug "Bad Slug"')]);
  });
});
