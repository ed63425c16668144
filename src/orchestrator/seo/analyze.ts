import { createRequire } from 'node:module';
import { Marked } from 'marked';
import type * as Yoast from 'yoastseo';
import type * as YoastEnglish from 'yoastseo/build/languageProcessing/languages/en/Researcher.js';
import { AppError } from '../../errors.ts';

// yoastseo is CommonJS and its English researcher sits behind an `exports.default`; require reads
// both the same way under Node and under vitest.
const require = createRequire(import.meta.url);
const { Paper, SeoAssessor, ContentAssessor }: typeof Yoast = require('yoastseo');
const { default: EnglishResearcher }: typeof YoastEnglish = require('yoastseo/build/languageProcessing/languages/en/Researcher.js');

export type ContentAnalysisInput = {
  markdown: string;
  keyphrase: string;
  keywords: string[];
  title: string;
  metaDescription: string;
  slug: string;
};

export type CheckRating = 'good' | 'ok' | 'bad';

export type ContentCheck = {
  /** Yoast's assessment identifier, such as `keyphraseDensity` or `passiveVoice`. */
  id: string;
  kind: 'seo' | 'readability';
  rating: CheckRating;
  /** Yoast's own score: 1–9 when rated, lower (even negative) as a penalty. */
  score: number;
  /** Yoast's feedback with its HTML stripped. */
  text: string;
};

export type ContentAnalysis = {
  seoScore: number;
  readabilityScore: number;
  wordCount: number;
  checks: ContentCheck[];
};

// Checks the writer cannot act on: we do not know the site's pages, and drafts carry no images.
// Left in, they cap every score and invite invented links and image URLs.
const UNACTIONABLE_SEO_CHECKS = ['internalLinks', 'images', 'imageKeyphrase'];

// Yoast's executeAssessment turns an assessment that threw into a result with this score.
const ASSESSMENT_ERROR_SCORE = -1;

/**
 * Runs Yoast's SEO and readability analysis on a Markdown draft. Synchronous and CPU-bound
 * (about a second for 1,200 words): on a server, call it through makeSeoPool.
 *
 * Both scores are Yoast's own overall scores, clamped to 0–100, so Yoast's traffic light reads the
 * same: above 70 green, 41–70 orange, 40 and below red. The SEO score is the mean check score as a
 * percentage of the best (9); the readability score is Yoast's penalty-based light: 30, 60 or 90.
 */
export function analyzeContent(input: ContentAnalysisInput): ContentAnalysis {
  const keyphrase = input.keyphrase.trim();
  if (!/[\p{L}\p{N}]/u.test(keyphrase)) {
    throw new AppError('INVALID_INPUT', 'Set a focus keyphrase before running the SEO analysis.');
  }
  const paper = new Paper(new Marked().parse(input.markdown, { async: false }), {
    keyword: keyphrase,
    // Secondary keywords go in as Yoast synonyms: one pass instead of a ~0.5 s related-keyphrase pass each.
    synonyms: input.keywords.map((keyword) => keyword.replaceAll(',', ' ').trim()).filter(Boolean).join(', '),
    title: input.title,
    titleWidth: estimateTitleWidth(input.title),
    description: input.metaDescription,
    slug: input.slug,
    locale: 'en_US',
  });
  const researcher = new EnglishResearcher(paper);
  const seo = new SeoAssessor(researcher);
  for (const id of UNACTIONABLE_SEO_CHECKS) seo.removeAssessment(id);
  seo.assess(paper);
  const readability = new ContentAssessor(researcher);
  readability.assess(paper);
  return {
    seoScore: clampScore(seo.calculateOverallScore()),
    readabilityScore: clampScore(readability.calculateOverallScore()),
    wordCount: researcher.getResearch('wordCountInText').count,
    checks: [...toChecks(seo, 'seo'), ...toChecks(readability, 'readability')],
  };
}

function toChecks(assessor: Yoast.Assessor, kind: ContentCheck['kind']): ContentCheck[] {
  return assessor
    .getValidResults()
    .filter((result) => result.getScore() !== ASSESSMENT_ERROR_SCORE)
    .map((result) => ({
      id: result.getIdentifier(),
      kind,
      rating: rateScore(result.getScore()),
      score: result.getScore(),
      text: stripHtml(result.getText()),
    }));
}

// Yoast's scoreToRating bands.
function rateScore(score: number): CheckRating {
  if (score > 7) return 'good';
  if (score > 4) return 'ok';
  return 'bad';
}

function stripHtml(html: string): string {
  return html.replace(/<[^>]*>/g, '');
}

function clampScore(score: number): number {
  return Math.min(100, Math.max(0, Math.round(score)));
}

// Arial advance widths (per 1,000 em) for ASCII 32–126. Yoast measures the SEO title in the browser
// in Arial 20px against Google's 600px; without a DOM we add up the font's widths instead.
const ARIAL_WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
  556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
  722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556,
  556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334,
  260, 334, 584,
];
const AVERAGE_ARIAL_WIDTH = 556;
const TITLE_FONT_SIZE = 20;

export function estimateTitleWidth(title: string): number {
  let units = 0;
  for (const character of title) units += ARIAL_WIDTHS[(character.codePointAt(0) ?? 0) - 32] ?? AVERAGE_ARIAL_WIDTH;
  return Math.round((units * TITLE_FONT_SIZE) / 1000);
}
