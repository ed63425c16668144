import { describe, expect, test } from 'vitest';
import { checkClaims, findClaimRegression, findFigures, splitSentences } from '../../src/orchestrator/claims.ts';
import { makeResearch, SOURCE_TEXTS } from './fixtures/scraped-pages.ts';

const figures = (text: string) => findFigures(text).map((figure) => `${figure.kind}:${figure.value}`);

describe('what a figure is', () => {
  test('percentages, in any of their spellings, are one figure', () => {
    for (const text of ['74%', '74 %', '74 percent', '74 per cent']) expect(figures(`Up ${text} this year`), text).toEqual(['percent:74']);
    expect(figures('Only 5% agree')).toEqual(['percent:5']);
  });

  test('money with a sign or a currency, scaled by words or letters', () => {
    for (const text of ['$1.2M', '$1.2 million', '$1,200,000', '$1.2m']) expect(figures(`Raised ${text} so far`), text).toEqual(['money:1200000']);
    expect(figures('It costs €40 or 5,000 dollars or 300 EUR')).toEqual(['money:40', 'money:5000', 'money:300']);
  });

  test('multipliers with x or ×', () => {
    expect(figures('3x faster, 3× cheaper and 2.5x smaller')).toEqual(['multiplier:3', 'multiplier:3', 'multiplier:2.5']);
  });

  test('plain numbers count from three digits; thousands separators are read', () => {
    expect(figures('250 people, 1,200 teams, 99 days and 12 weeks')).toEqual(['number:250', 'number:1200']);
    expect(figures('2 million users')).toEqual(['number:2000000']);
  });

  test('a four-digit year 1900–2100 is not a figure unless a % or a currency goes with it', () => {
    expect(figures('In 2024 and in 1999 and in 2100')).toEqual([]);
    expect(figures('In 1850 and 2500')).toEqual(['number:1850', 'number:2500']);
    expect(figures('2024% more and $2024 and 2024 dollars')).toEqual(['percent:2024', 'money:2024', 'money:2024']);
  });

  test('not figures: versions, codes, short numbers, a lone letter that could be a unit', () => {
    expect(figures('v2.0.1, COVID-19, B2B, page 12, 3 m tall')).toEqual([]);
  });
});

describe('splitSentences', () => {
  test('leaves headings and code out and gives a trailing citation to the sentence before', () => {
    const markdown = '# Title 500\n\nTeams grew 74% [1]. Another 3x jump. [2]\n\n- costs $300 [1]\n- no figure\n\n```\nconst x = 900;\n```';
    expect(splitSentences(markdown)).toEqual([
      { sentence: 'Teams grew 74% [1].', citedIds: [1] },
      { sentence: 'Another 3x jump. [2]', citedIds: [2] },
      { sentence: 'costs $300 [1]', citedIds: [1] },
      { sentence: 'no figure', citedIds: [] },
    ]);
  });
});

describe('checkClaims against the scraped pages', () => {
  const sources = { texts: SOURCE_TEXTS, evidence: makeResearch().evidence };

  test('passes a figure its cited source holds, in another spelling', () => {
    const check = checkClaims('Most beginners get it wrong: 74 percent use boiling water [1]. Matcha made $1,200,000 [2].', sources);
    expect(check).toMatchObject({ supported: 2, unsupported: [], uncitedFigures: 0 });
  });

  test('flags a figure absent from its cited source, even when another source holds it', () => {
    const check = checkClaims('Three quarters (75%) use boiling water [1]. Sales hit $1.2M [1].', sources);
    expect(check.supported).toBe(0);
    expect(check.unsupported).toEqual([
      { sentence: 'Three quarters (75%) use boiling water [1].', figure: '75%', reason: 'not_in_source' },
      { sentence: 'Sales hit $1.2M [1].', figure: '$1.2M', reason: 'not_in_source' },
    ]);
  });

  test('flags an uncited figure', () => {
    const check = checkClaims('Matcha grew 250% last year.', sources);
    expect(check).toMatchObject({ supported: 0, uncitedFigures: 1, unsupported: [{ sentence: 'Matcha grew 250% last year.', figure: '250%', reason: 'uncited' }] });
  });

  test('a citation of a source with no evidence item is weak; years and small numbers are not checked', () => {
    const check = checkClaims('In 2023, matcha grew [2]. Brew for 3 minutes [1].', sources);
    expect(check).toEqual({ supported: 0, unsupported: [], uncitedFigures: 0, weak: [2], supportedSourceIds: [1, 2] });
  });

  test('without research every figure is uncited', () => {
    expect(checkClaims('Up 3x [1].', { texts: [], evidence: [] })).toMatchObject({ uncitedFigures: 1 });
  });
});

describe('findClaimRegression', () => {
  const sources = { texts: SOURCE_TEXTS, evidence: makeResearch().evidence };
  const before = 'Most use boiling water: 74% [1]. Matcha is whisked [2].';

  test('a revision that drops a supporting citation is rejected', () => {
    const after = 'Most use boiling water: 74% [1]. Matcha is whisked.';
    expect(findClaimRegression(checkClaims(before, sources), checkClaims(after, sources), after)).toBe('it dropped the citation [2]');
  });

  test('a revision that adds an unsupported figure is rejected, one that rewords is not', () => {
    const added = `${before} Sales rose 900%.`;
    expect(findClaimRegression(checkClaims(before, sources), checkClaims(added, sources), added)).toBe('it added 1 unsupported figure ("900%")');
    const reworded = 'Matcha is whisked into water [2]. Beginners boil it: 74 percent do [1].';
    expect(findClaimRegression(checkClaims(before, sources), checkClaims(reworded, sources), reworded)).toBeNull();
  });
});
