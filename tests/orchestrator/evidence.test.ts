import { describe, expect, test } from 'vitest';
import { countTerms, medianOf, verifyEvidence, type ProposedEvidence } from '../../src/orchestrator/evidence.ts';
import { normalizeForQuote } from '../../src/orchestrator/page-text.ts';
import { SOURCE_TEXTS } from './fixtures/scraped-pages.ts';

const item = (sourceId: number, quote: string): ProposedEvidence => ({ sourceId, quote, kind: 'statistic', note: '' });

describe('verifyEvidence on scraped pages', () => {
  test('keeps quotes found verbatim whatever the whitespace, curly quotes, dashes and Markdown of the page', () => {
    const { kept, dropped } = verifyEvidence(
      [
        // The page wraps this over two lines inside curly quotes and a link; the model writes it on one.
        item(1, '74% of first-time brewers use boiling water.'),
        // En dash on the page, hyphen here; bold on the page, plain here.
        item(1, 'Brew green tea at 80 °C for 2-3 minutes.'),
        // Em dash on the page, "--" is not a dash: "-" is.
        item(1, 'Hotter water makes it bitter - that is the tannins.'),
        // A non-breaking space on the page, straight apostrophe here, curly on the page? (straight on both)
        item(2, "Matcha sales reached $1.2 million in the shop's first year. Growth was 250 percent over 2023."),
        // Wrapped in quotation marks by the model.
        item(2, '“Matcha is a powdered green tea: the whole leaf is whisked into water.”'),
      ],
      SOURCE_TEXTS,
    );
    expect(dropped).toEqual([]);
    expect(kept.map((evidence) => [evidence.id, evidence.sourceId])).toEqual([
      ['E1', 1],
      ['E2', 1],
      ['E3', 1],
      ['E4', 2],
      ['E5', 2],
    ]);
  });

  test('drops paraphrases, changed figures, quotes from the wrong source and unknown sources, and counts them', () => {
    const { kept, dropped } = verifyEvidence(
      [
        item(1, '75% of first-time brewers use boiling water.'),
        item(1, 'Most first-time brewers use boiling water.'),
        item(2, '74% of first-time brewers use boiling water.'),
        item(9, 'Matcha is a powdered green tea.'),
        item(1, '   '),
        item(1, '74 % of first-time brewers use boiling water.'),
        item(1, 'Hotter water makes it bitter -- that is the tannins.'),
      ],
      SOURCE_TEXTS,
    );
    expect(kept).toEqual([]);
    expect(dropped.map((evidence) => evidence.reason)).toEqual([
      'the quote is not in source 1',
      'the quote is not in source 1',
      'the quote is not in source 2',
      'source 9 does not exist',
      'the quote is empty',
      'the quote is not in source 1',
      'the quote is not in source 1',
    ]);
  });

  test('a quote repeated from the same source is kept once', () => {
    const { kept } = verifyEvidence([item(2, 'Matcha is a powdered green tea'), item(2, 'Matcha  is a powdered green tea')], SOURCE_TEXTS);
    expect(kept).toHaveLength(1);
  });

  test('normalizeForQuote changes only whitespace, quotes and dashes', () => {
    expect(normalizeForQuote('“It’s\u00a0ready” —\n2–3\tmin')).toBe('"It\'s ready" - 2-3 min');
    expect(normalizeForQuote('Case Matters')).not.toBe(normalizeForQuote('case matters'));
  });
});

describe('countTerms', () => {
  test('counts stemmed, case-insensitive words and phrases across pages, and the pages that use them', () => {
    const pages = ['Remote teams onboard. Remote onboarding works; TEAM onboarding too.', 'A remote team. Onboarded quickly.', 'Nothing here.'];
    expect(countTerms(['team', 'remote onboarding', 'onboarding', 'Remote Onboarding', 'absent'], pages)).toEqual([
      { term: 'team', frequency: 3, competitorCount: 2 },
      { term: 'remote onboarding', frequency: 1, competitorCount: 1 },
      { term: 'onboarding', frequency: 4, competitorCount: 2 },
      { term: 'absent', frequency: 0, competitorCount: 0 },
    ]);
  });

  test('medianOf', () => {
    expect(medianOf([900, 100, 500])).toBe(500);
    expect(medianOf([100, 200])).toBe(150);
    expect(medianOf([])).toBe(0);
  });
});
