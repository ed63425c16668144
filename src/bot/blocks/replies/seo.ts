/** The SEO report reply: both scores against the target, the checks, and the passes. */
import type { KnownBlock } from '@slack/types';
import type { CheckRating, ContentAnalysis, ContentCheck } from '../../../orchestrator/seo/analyze.ts';
import { escapeMrkdwn, formatNumber, pluralize, section, truncate } from '../format.ts';
import { type ThreadReply, type ListPart, withParts, oneLine } from './layout.ts';

export type Refinement = { iteration: number; scoreBefore: number; scoreAfter: number; instructions: string[]; rejectedReason?: string | null };

const RATING_ICONS: Record<CheckRating, string> = { good: '✅', ok: '⚠️', bad: '❌' };

const RATING_ORDER: Record<CheckRating, number> = { bad: 0, ok: 1, good: 2 };

/**
 * The SEO report: both scores against the target, the failing and improvable checks with Yoast's
 * sentence (the passing ones counted), and the SEO passes (rewrites aimed at the failing checks).
 */
export function buildSeoReply({
  analysis,
  threshold,
  refinements,
  quality = [],
}: {
  analysis: ContentAnalysis;
  threshold: number;
  refinements: Refinement[];
  /** The claim check and repairs (replies/quality.ts), shown first. */
  quality?: KnownBlock[];
}): ThreadReply {
  const meetsTarget = analysis.seoScore >= threshold;
  const fixed: KnownBlock[] = [
    ...quality,
    section(
      [
        '*📈 SEO report*',
        `${meetsTarget ? '✅' : '❌'} SEO *${analysis.seoScore}* · ${meetsTarget ? 'meets' : 'below'} the target of ${threshold}`,
        `${RATING_ICONS[rateTrafficLight(analysis.readabilityScore)]} Readability *${analysis.readabilityScore}* · ` +
          `${formatNumber(analysis.wordCount)} words`,
      ].join('\n'),
    ),
  ];

  const parts: ListPart[] = [];
  for (const [kind, label] of [
    ['seo', 'SEO'],
    ['readability', 'Readability'],
  ] as const) {
    const checks = analysis.checks.filter((check) => check.kind === kind).sort((a, b) => RATING_ORDER[a.rating] - RATING_ORDER[b.rating]);
    if (checks.length === 0) continue;
    const toImprove = checks.filter((check) => check.rating !== 'good');
    const passing = checks.length - toImprove.length;
    const passed = `${RATING_ICONS.good} ${pluralize(passing, 'check')} ${passing === 1 ? 'passes' : 'pass'}`;
    parts.push({
      head: `*${label} checks* · ${describeRatings(checks)}\n`,
      lines: [...toImprove.map((check) => `${RATING_ICONS[check.rating]} ${formatCheckText(check.text)}`), ...(passing > 0 ? [passed] : [])],
      more: (hidden) => `…and ${pluralize(hidden, 'more check')}`,
    });
  }

  const history = [...refinements].sort((a, b) => a.iteration - b.iteration);
  const noPasses = meetsTarget ? `None needed: the first draft met the target of ${threshold}.` : 'None yet.';
  parts.push({
    head: '*SEO passes* · score before → after, and what the writer was asked\n',
    lines: history.length === 0 ? [noPasses] : history.map(describeRefinement),
    more: (hidden) => `…and ${pluralize(hidden, 'later pass', 'later passes')}`,
  });

  const passes = pluralize(history.length, 'SEO pass', 'SEO passes');
  const text = `SEO report: SEO ${analysis.seoScore} (target ${threshold}), readability ${analysis.readabilityScore}, ${passes}`;
  return { text, blocks: withParts(fixed, parts) };
}

/** Turns mentions that notify (`<@U…>`, `<!here>`, `<!channel>`, `<!everyone>`, `<!subteam^…>`) into visible text. */
function describeRatings(checks: ContentCheck[]): string {
  const count = (rating: CheckRating) => checks.filter((check) => check.rating === rating).length;
  const parts = [
    [count('bad'), 'problem'],
    [count('ok'), 'improvement'],
    [count('good'), 'good result'],
  ] as const;
  return parts
    .filter(([n]) => n > 0)
    .map(([n, label]) => pluralize(n, label))
    .join(' · ');
}

/** Yoast's sentences read "Label: feedback"; the label goes bold. */
function formatCheckText(text: string): string {
  const match = /^([^:\n]{1,60}): ([\s\S]*)$/.exec(oneLine(text));
  if (!match) return escapeMrkdwn(truncate(oneLine(text), 400));
  return `*${escapeMrkdwn(match[1] ?? '')}:* ${escapeMrkdwn(truncate(match[2] ?? '', 400))}`;
}

function describeRefinement(refinement: Refinement): string {
  const gain = refinement.scoreAfter - refinement.scoreBefore;
  const outcome = refinement.rejectedReason
    ? `❌ rejected: ${escapeMrkdwn(truncate(oneLine(refinement.rejectedReason), 200))}`
    : `SEO ${refinement.scoreBefore} → ${refinement.scoreAfter} (${gain >= 0 ? '+' : ''}${gain})`;
  const lines = [
    `*Pass ${refinement.iteration}* · ${outcome}`,
    ...refinement.instructions.slice(0, 3).map((instruction) => `• ${escapeMrkdwn(truncate(oneLine(instruction), 160))}`),
  ];
  const unshown = refinement.instructions.length - 3;
  if (unshown > 0) lines.push(`• …and ${pluralize(unshown, 'more instruction')}`);
  return lines.join('\n');
}

// Yoast's traffic light: above 70 green, 41–70 orange, 40 and below red.
function rateTrafficLight(score: number): CheckRating {
  if (score > 70) return 'good';
  if (score > 40) return 'ok';
  return 'bad';
}
