import { describe, expect, test } from 'vitest';
import { isAppError } from '../../src/errors.ts';
import { analyzeContent, estimateTitleWidth, type ContentAnalysis } from '../../src/orchestrator/seo/analyze.ts';
import { failedChecks } from '../../src/orchestrator/stages/optimize.ts';
import { goodPost, longPost, poorPost } from './fixtures/seo-texts.ts';

const checkOf = (analysis: ContentAnalysis, id: string) => analysis.checks.find((check) => check.id === id);

describe('analyzeContent', () => {
  const good = analyzeContent(goodPost);
  const poor = analyzeContent(poorPost);

  test('a post built around the keyphrase scores clearly higher than one that never mentions it', () => {
    expect(good.seoScore).toBeGreaterThanOrEqual(90);
    expect(poor.seoScore).toBeLessThanOrEqual(70);
    expect(good.seoScore - poor.seoScore).toBeGreaterThanOrEqual(25);
  });

  test('the keyphrase checks pass for the good post and fail for the poor one', () => {
    for (const id of ['introductionKeyword', 'keyphraseDensity', 'keyphraseInSEOTitle', 'subheadingsKeyword', 'slugKeyword']) {
      expect(checkOf(good, id)?.rating, id).toBe('good');
      expect(checkOf(poor, id)?.rating, id).not.toBe('good');
    }
    expect(checkOf(good, 'keyphraseDensity')?.text).toBe('Keyphrase density: The keyphrase was found 7 times. This is great!');
  });

  test('readability: short active sentences under subheadings beat long passive ones', () => {
    expect(good.readabilityScore).toBe(90);
    expect(poor.readabilityScore).toBe(30);
    expect(checkOf(poor, 'passiveVoice')).toMatchObject({ kind: 'readability', rating: 'bad' });
  });

  test('counts words and keeps Yoast feedback as plain text', () => {
    expect(good.wordCount).toBeGreaterThan(540);
    expect(good.wordCount).toBeLessThan(620);
    expect(good.checks.length).toBeGreaterThan(15);
    for (const check of [...good.checks, ...poor.checks]) {
      expect(check.text).not.toMatch(/<[a-z/]/i);
      expect(check.text.length).toBeGreaterThan(10);
    }
  });

  test('leaves out checks a writer cannot act on', () => {
    const ids = good.checks.map((check) => check.id);
    expect(ids).not.toContain('internalLinks');
    expect(ids).not.toContain('images');
    expect(ids).toContain('externalLinks');
  });

  test('the meta description check fails at 50 characters and passes at 140', () => {
    const short = analyzeContent({ ...goodPost, metaDescription: `Remote onboarding ${'x'.repeat(32)}` });
    const shortCheck = checkOf(short, 'metaDescriptionLength');
    expect(shortCheck?.rating).toBe('ok');
    expect(shortCheck?.text).toContain('too short');
    expect(failedChecks(short)).toContainEqual(shortCheck);

    const fitting = analyzeContent({ ...goodPost, metaDescription: `Remote onboarding ${'x'.repeat(122)}` });
    expect(checkOf(fitting, 'metaDescriptionLength')?.rating).toBe('good');
    expect(failedChecks(fitting).map((check) => check.id)).not.toContain('metaDescriptionLength');
  });

  test('secondary keywords count as synonyms', () => {
    const viaKeyword = analyzeContent({
      ...goodPost,
      keyphrase: 'employee induction',
      keywords: ['remote onboarding'],
    });
    const withoutKeyword = analyzeContent({ ...goodPost, keyphrase: 'employee induction', keywords: [] });
    expect(checkOf(viaKeyword, 'introductionKeyword')?.rating).toBe('good');
    expect(checkOf(withoutKeyword, 'introductionKeyword')?.rating).toBe('bad');
  });

  test('an over-long SEO title fails the width check', () => {
    const analysis = analyzeContent({ ...goodPost, title: `${goodPost.title}, with templates, examples and a checklist` });
    expect(checkOf(analysis, 'titleWidth')?.rating).toBe('bad');
  });

  test('rejects a missing keyphrase as invalid input', () => {
    let error: unknown;
    try {
      analyzeContent({ ...goodPost, keyphrase: ' ?! ' });
    } catch (caught) {
      error = caught;
    }
    expect(isAppError(error, 'INVALID_INPUT')).toBe(true);
  });

  test('measures one 1,200-word analysis', () => {
    const started = performance.now();
    const analysis = analyzeContent(longPost);
    const elapsed = performance.now() - started;
    console.log(`SEO analysis of ${analysis.wordCount} words took ${Math.round(elapsed)} ms`);
    expect(analysis.wordCount).toBeGreaterThan(1150);
    expect(elapsed).toBeLessThan(5000);
  });
});

describe('failedChecks', () => {
  test('lists bad checks before ok ones and leaves out good ones', () => {
    const analysis: ContentAnalysis = {
      seoScore: 50,
      readabilityScore: 60,
      wordCount: 100,
      checks: [
        { id: 'a', kind: 'seo', rating: 'ok', score: 6, text: 'A' },
        { id: 'b', kind: 'seo', rating: 'good', score: 9, text: 'B' },
        { id: 'c', kind: 'readability', rating: 'bad', score: 3, text: 'C' },
      ],
    };
    expect(failedChecks(analysis).map((check) => check.id)).toEqual(['c', 'a']);
  });
});

describe('estimateTitleWidth', () => {
  test('adds up Arial widths at 20px', () => {
    expect(estimateTitleWidth('iiii')).toBe(18);
    expect(estimateTitleWidth('WWWW')).toBe(76);
    expect(estimateTitleWidth(goodPost.title)).toBeGreaterThan(400);
    expect(estimateTitleWidth(goodPost.title)).toBeLessThan(600);
  });
});
