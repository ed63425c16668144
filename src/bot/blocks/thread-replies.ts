/**
 * The plan thread's replies: research, draft, SEO report, one per channel variant and the decision
 * log. Each is re-rendered in place, so each builder takes everything it shows and stays within
 * Slack's limits whatever the size of what it is given: long lists are cut with "…and N more", and
 * what must be shown whole (the draft) goes to a file instead.
 */
import type { KnownBlock, MarkdownBlock } from '@slack/types';
import {
  countXPostCharacters,
  measureVariant,
  NEWSLETTER_PREVIEW_LIMIT,
  numberThread,
  parseVariant,
  X_POST_LIMIT,
  type VariantChannelId,
  type VariantMeasure,
} from '../../domain/channels.ts';
import type { CheckRating, ContentAnalysis, ContentCheck } from '../../orchestrator/seo/analyze.ts';
import type { Draft, Research, ResearchSource } from '../../orchestrator/types.ts';
import {
  context,
  countCharacters,
  cutText,
  escapeMrkdwn,
  formatNumber,
  joinLinesWithin,
  jsonLength,
  MARKDOWN_MESSAGE_LIMIT,
  MESSAGE_BLOCKS_JSON_LIMIT,
  plainSection,
  pluralize,
  section,
  SECTION_TEXT_LIMIT,
  slackDate,
  slackLink,
  splitText,
  truncate,
} from './format.ts';
import { defuseModelMrkdwn, showMarkdownLinkTargets } from './model-mrkdwn.ts';

export type ThreadReply = { text: string; blocks: KnownBlock[] };

/** The draft as a message, or, when the post does not fit in one, a short message and a file to upload with it. */
export type DraftReply =
  | ({ kind: 'message' } & ThreadReply)
  | ({ kind: 'file'; file: { filename: string; content: string } } & ThreadReply);

export type ResearchFailure = { url: string; reason: string };

export type Refinement = { iteration: number; scoreBefore: number; scoreAfter: number; instructions: string[]; rejectedReason?: string | null };

export type DecisionLogEntry = { actorId: string; action: string; at: Date; note?: string };

const MESSAGE_BLOCK_LIMIT = 50;

// What a section or context adds around its text in the payload, plus the comma between blocks.
const BLOCK_WRAPPER_JSON = Math.max(jsonLength(section('')), jsonLength(context(''))) - 2 + 1;

// Kept free for a closing note ("Posts 9–12 are not shown…") and rounding.
const NOTE_RESERVE = 300;

const RATING_ICONS: Record<CheckRating, string> = { good: '✅', ok: '⚠️', bad: '❌' };
const RATING_ORDER: Record<CheckRating, number> = { bad: 0, ok: 1, good: 2 };

/** The research reply: competitors, keywords, gaps, questions and numbered sources; one line when research was skipped. */
export function buildResearchReply({
  research,
  skippedReason,
  failures,
}: {
  research: Research | null;
  skippedReason: string | null;
  failures: ResearchFailure[];
}): ThreadReply {
  const failurePart: ListPart | null =
    failures.length === 0
      ? null
      : {
          head: `⚠️ Couldn't read ${pluralize(failures.length, 'page')}:\n`,
          lines: failures.map(
            (failure) => `• ${slackLink(failure.url, shortUrl(failure.url))}: ${escapeMrkdwn(truncate(oneLine(failure.reason), 160))}`,
          ),
          more: (hidden) => `…and ${formatNumber(hidden)} more`,
          as: 'context',
        };

  if (!research) {
    const reason = skippedReason ?? 'there is no research for this plan';
    const fixed: KnownBlock[] = [section(`➖ *Research skipped:* ${escapeMrkdwn(truncate(oneLine(reason), 500))}`)];
    return { text: `Research skipped: ${escapeMrkdwn(reason)}`, blocks: withParts(fixed, failurePart ? [failurePart] : []) };
  }

  const { competitors, keywords, gaps, questions, sources, evidence, quotes } = research;
  const summary = [
    pluralize(sources.length, 'source'),
    pluralize(quotes.kept, 'quote'),
    pluralize(competitors.length, 'competitor'),
    pluralize(keywords.length, 'keyword'),
  ];
  const facts = [
    research.intent ? `Intent: ${research.intent}` : '',
    research.format ? `format that ranks: ${research.format}` : '',
    research.medianWordCount > 0 ? `median length ${formatNumber(research.medianWordCount)} words` : '',
    quotes.dropped > 0 ? `${pluralize(quotes.dropped, 'quote')} dropped (not verbatim in its page)` : '',
  ].filter(Boolean);
  const fixed: KnownBlock[] = [section(`*🔎 Research* · ${summary.join(' · ')}${facts.length > 0 ? `\n${escapeMrkdwn(facts.join(' · '))}` : ''}`)];

  const parts: (ListPart | null)[] = [
    competitors.length === 0
      ? null
      : {
          head: '*Competitors*\n',
          lines: competitors.map((competitor, index) => {
            const facts = `${formatNumber(competitor.wordCount)} words · ${pluralize(competitor.headings.length, 'heading')}`;
            const link = slackLink(competitor.url, truncate(oneLine(competitor.title), 120));
            const angle = oneLine(competitor.angle);
            return `*${index + 1}.* ${link} · ${facts}${angle ? `\n_Angle:_ ${escapeMrkdwn(truncate(angle, 240))}` : ''}`;
          }),
          more: (hidden) => `…and ${pluralize(hidden, 'more competitor')}`,
        },
    keywords.length === 0 ? null : keywordTable(keywords, competitors.length),
    gaps.length === 0
      ? null
      : {
          head: '*Content gaps* · what competitors leave out\n',
          lines: gaps.map((gap) => `• ${escapeMrkdwn(truncate(oneLine(gap), 300))}`),
          more: (hidden) => `…and ${pluralize(hidden, 'more gap')}`,
        },
    questions.length === 0
      ? null
      : {
          head: '*Questions readers ask*\n',
          lines: questions.map((question) => `• ${escapeMrkdwn(truncate(oneLine(question), 300))}`),
          more: (hidden) => `…and ${pluralize(hidden, 'more question')}`,
        },
    sources.length === 0
      ? null
      : {
          head: '*Sources* · with the quotes verified in each\n',
          lines: sources.map((source) => sourceWithQuotes(source, evidence)),
          more: (hidden) => `…and ${pluralize(hidden, 'more source')}`,
        },
    failurePart,
  ];
  const text = `Research: ${summary.join(', ')}, ${pluralize(gaps.length, 'gap')}, ${pluralize(questions.length, 'reader question')}`;
  return { text, blocks: withParts(fixed, parts.filter((part) => part !== null)) };
}

/**
 * The draft reply: title, slug, meta description, the post in a `markdown` block and its sources.
 * A post that does not fit in one message comes back as a file (`kind: 'file'`) for the caller to
 * upload in the thread, with its opening and the sources in the message.
 */
export function buildDraftReply({
  draft,
  wordCount,
  sources,
  version,
}: {
  draft: Draft;
  wordCount: number;
  sources: ResearchSource[];
  version?: string;
}): DraftReply {
  const title = oneLine(draft.title);
  const metaLength = countCharacters(draft.metaDescription);
  const facts = [`Slug \`${escapeMrkdwn(truncate(draft.slug.replace(/`/g, "'"), 200))}\``, `${formatNumber(wordCount)} words`];
  if (version) facts.push(escapeMrkdwn(truncate(oneLine(version), 100)));
  const head: KnownBlock[] = [
    section(`*📄 ${escapeMrkdwn(truncate(title, 300))}*`),
    context(facts.join(' · ')),
    section(`*Meta description* · ${pluralize(metaLength, 'character')}\n${escapeMrkdwn(truncate(oneLine(draft.metaDescription), 1000))}`),
  ];
  // The reviewer sees where each link leads; citations of the sources are the app's own.
  const post = showMarkdownLinkTargets(draft.markdown.trim(), { trustedUrls: sources.map((source) => source.url) });
  const sourcesText = sources.length === 0 ? null : `*Sources*\n${sources.map(sourceLine).join('\n')}`;
  const text = `Draft: ${escapeMrkdwn(title)} · ${formatNumber(wordCount)} words`;

  const message: KnownBlock[] = [
    ...head,
    post === '' ? section('_The draft is empty._') : markdownBlock(post),
    ...(sourcesText ? [section(sourcesText)] : []),
  ];
  const fits =
    post.length <= MARKDOWN_MESSAGE_LIMIT &&
    (sourcesText?.length ?? 0) <= SECTION_TEXT_LIMIT &&
    jsonLength(message) <= MESSAGE_BLOCKS_JSON_LIMIT;
  if (fits) return { kind: 'message', text, blocks: message };

  const filename = `${fileSlug(draft.slug)}.md`;
  const opening = cutText(post, { maxLength: 1500 });
  const isCut = opening.length < post.length;
  const size = pluralize(countCharacters(post), 'character');
  const notice = section(
    `📎 The full draft (${size}) is attached as \`${filename}\`: it is too long for one Slack message.${isCut ? ' It opens:' : ''}`,
  );
  const fixed: KnownBlock[] = [...head, notice];
  if (post !== '') fixed.push(markdownBlock(isCut ? `${closeOpenFence(opening)}\n\n…` : post));
  const sourcesPart: ListPart[] =
    sources.length === 0
      ? []
      : [{ head: '*Sources*\n', lines: sources.map(sourceLine), more: (hidden) => `…and ${pluralize(hidden, 'more source')} (all in the file)` }];
  return {
    kind: 'file',
    text: `${text} · attached as ${filename}`,
    blocks: withParts(fixed, sourcesPart),
    file: { filename, content: draftFile(draft, sources) },
  };
}

/** The SEO report: both scores against the target, every check with Yoast's sentence, and the revision history. */
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
    parts.push({
      head: `*${label} checks* · ${describeRatings(checks)}\n`,
      lines: checks.map((check) => `${RATING_ICONS[check.rating]} ${formatCheckText(check.text)}`),
      more: (hidden) => `…and ${pluralize(hidden, 'more check')}`,
    });
  }

  const history = [...refinements].sort((a, b) => a.iteration - b.iteration);
  const noRevisions = meetsTarget ? `None needed: the first draft met the target of ${threshold}.` : 'None yet.';
  parts.push({
    head: '*Revisions* · score before → after, and what the writer was asked\n',
    lines: history.length === 0 ? [noRevisions] : history.map(describeRefinement),
    more: (hidden) => `…and ${pluralize(hidden, 'later revision')}`,
  });

  const revisions = pluralize(history.length, 'revision');
  const text = `SEO report: SEO ${analysis.seoScore} (target ${threshold}), readability ${analysis.readabilityScore}, ${revisions}`;
  return { text, blocks: withParts(fixed, parts) };
}

/**
 * One channel variant as it would be posted, its length against the channel's limit and the rules
 * it breaks. Throws INVALID_INPUT (from parseVariant) when `content` does not have the channel's shape.
 */
export function buildVariantReply({
  channel,
  content,
  violations,
}: {
  channel: VariantChannelId;
  content: unknown;
  violations: string[];
}): ThreadReply {
  switch (channel) {
    case 'linkedin': {
      const variant = parseVariant(channel, content);
      return textVariantReply(measureVariant(channel, variant), violations, variant.text, 'plain');
    }
    case 'slack_announcement': {
      const variant = parseVariant(channel, content);
      return textVariantReply(measureVariant(channel, variant), violations, variant.text, 'mrkdwn');
    }
    case 'x_thread': {
      const variant = parseVariant(channel, content);
      return xThreadReply(measureVariant(channel, variant), violations, numberThread(variant.posts));
    }
    case 'newsletter': {
      const variant = parseVariant(channel, content);
      return newsletterReply(measureVariant(channel, variant), violations, variant);
    }
  }
}

/** The decision log: one line per decision with who and when, oldest first; the latest kept when they do not all fit. */
export function buildDecisionLogReply(entries: DecisionLogEntry[]): ThreadReply {
  const sorted = [...entries].sort((a, b) => a.at.getTime() - b.at.getTime());
  const lines = sorted.map((entry) => {
    const note = entry.note ? ` — “${escapeMrkdwn(truncate(oneLine(entry.note), 300))}”` : '';
    return `• ${formatActor(entry.actorId)} ${escapeMrkdwn(describeAction(entry.action))} · ${slackDate(entry.at)}${note}`;
  });
  const body = joinLinesWithin(lines.length === 0 ? ['No decisions yet.'] : lines, {
    head: '*🗂 Decision log*\n',
    more: (hidden) => `_${pluralize(hidden, 'earlier decision')} not shown_`,
    keep: 'last',
  });
  const latest = sorted.at(-1);
  const text = latest
    ? `Decision log: ${pluralize(sorted.length, 'decision')}; latest: ${escapeMrkdwn(describeAction(latest.action))}`
    : 'Decision log: no decisions yet';
  return { text, blocks: [section(body)] };
}

/** A list rendered as one section (or context), cut to its share of the message. */
type ListPart = {
  head: string;
  lines: string[];
  more: (hidden: number) => string;
  tail?: string;
  as?: 'section' | 'context';
};

/** The fixed blocks, then one block per part, the parts sharing fairly what the payload has left. */
function withParts(fixed: KnownBlock[], parts: ListPart[]): KnownBlock[] {
  const available = MESSAGE_BLOCKS_JSON_LIMIT - jsonLength(fixed) - parts.length * BLOCK_WRAPPER_JSON - NOTE_RESERVE;
  const wants = parts.map((part) => jsonLength(joinLinesWithin(part.lines, part)));
  const shares = shareFairly(wants, available);
  return [
    ...fixed,
    ...parts.map((part, index) => {
      const text = joinLinesWithin(part.lines, { ...part, maxJson: shares[index] ?? 0 });
      return part.as === 'context' ? context(text) : section(text);
    }),
  ];
}

/** Splits `total` so that no one gets more than they want and what the modest leave goes to the rest. */
function shareFairly(wants: readonly number[], total: number): number[] {
  const shares = wants.map(() => 0);
  const order = wants.map((_, index) => index).sort((a, b) => (wants[a] ?? 0) - (wants[b] ?? 0));
  let left = Math.max(0, total);
  order.forEach((index, position) => {
    const share = Math.min(wants[index] ?? 0, Math.floor(left / (order.length - position)));
    shares[index] = share;
    left -= share;
  });
  return shares;
}

function keywordTable(keywords: Research['keywords'], competitorCount: number): ListPart {
  const termWidth = Math.min(30, Math.max('Keyword'.length, ...keywords.map((keyword) => oneLine(keyword.term).length)));
  const frequencyWidth = 'Frequency'.length;
  const row = (term: string, frequency: string, competitors: string) =>
    // Backticks would close the code block early; escaping keeps the columns, as entities render as one character.
    escapeMrkdwn(`${truncate(term, termWidth).padEnd(termWidth)}  ${frequency.padStart(frequencyWidth)}  ${competitors}`.replace(/`/g, "'"));
  return {
    head: `*Keywords* · how often competitors use them\n\`\`\`\n${row('Keyword', 'Frequency', 'Competitors')}\n`,
    lines: keywords.map((keyword) =>
      row(
        oneLine(keyword.term),
        formatNumber(keyword.frequency),
        competitorCount > 0 ? `${keyword.competitorCount} of ${competitorCount}` : formatNumber(keyword.competitorCount),
      ),
    ),
    tail: '\n```',
    more: (hidden) => `…and ${pluralize(hidden, 'more keyword')}`,
  };
}

function sourceWithQuotes(source: ResearchSource, evidence: Research['evidence']): string {
  const quotes = evidence.filter((item) => item.sourceId === source.id).slice(0, 3);
  return [sourceLine(source), ...quotes.map((item) => `> “${escapeMrkdwn(truncate(oneLine(item.quote), 200))}”`)].join('\n');
}

function sourceLine(source: ResearchSource): string {
  return `[${source.id}] ${slackLink(source.url, truncate(oneLine(source.title) || shortUrl(source.url), 150))}`;
}

function textVariantReply(measure: VariantMeasure, violations: string[], text: string, style: 'plain' | 'mrkdwn'): ThreadReply {
  const blocks = variantHead(measure, violations);
  // Shown as mrkdwn: mentions are shown as written without notifying, and links show their targets.
  const shown = style === 'mrkdwn' ? defuseModelMrkdwn(text, { mentions: 'visible' }) : text;
  // At most five pieces of 3,000 fit in the payload, hence five wrappers.
  const fitting = cutText(shown, { maxJson: MESSAGE_BLOCKS_JSON_LIMIT - jsonLength(blocks) - 5 * BLOCK_WRAPPER_JSON - NOTE_RESERVE });
  const pieces = splitText(fitting, SECTION_TEXT_LIMIT).filter((piece) => piece.trim() !== '');
  if (pieces.length === 0) blocks.push(context('_(empty)_'));
  for (const piece of pieces) blocks.push(style === 'plain' ? plainSection(piece) : section(piece));
  if (fitting.length < shown.length) {
    const hidden = countCharacters(shown) - countCharacters(fitting);
    blocks.push(context(`✂️ The rest (${pluralize(hidden, 'more character')}) does not fit in this message.`));
  }
  return { text: variantText(measure, violations), blocks };
}

function xThreadReply(measure: VariantMeasure, violations: string[], posts: string[]): ThreadReply {
  const blocks = variantHead(measure, violations);
  let used = jsonLength(blocks);
  let shown = 0;
  for (const [index, post] of posts.entries()) {
    const length = countXPostCharacters(post);
    const pair: KnownBlock[] = [
      context(`*${index + 1}/${posts.length}* · ${length} / ${X_POST_LIMIT}${length > X_POST_LIMIT ? ' ⚠️' : ''}`),
      post.trim() === '' ? context('_(empty post)_') : plainSection(cutText(post, { maxLength: SECTION_TEXT_LIMIT })),
    ];
    const cost = jsonLength(pair);
    if (used + cost > MESSAGE_BLOCKS_JSON_LIMIT - NOTE_RESERVE || blocks.length + pair.length > MESSAGE_BLOCK_LIMIT - 1) break;
    blocks.push(...pair);
    used += cost;
    shown += 1;
  }
  if (shown < posts.length) {
    blocks.push(context(`Posts ${shown + 1}–${posts.length} are not shown: the thread is too long for one message.`));
  }
  return { text: variantText(measure, violations), blocks };
}

function newsletterReply(measure: VariantMeasure, violations: string[], variant: { subject: string; preview: string; body: string }): ThreadReply {
  const blocks = variantHead(measure, violations, `preview ${countCharacters(variant.preview)} / ${NEWSLETTER_PREVIEW_LIMIT}`);
  blocks.push(plainSection(`Subject: ${truncate(variant.subject, 1000) || '(none)'}\nPreview: ${truncate(variant.preview, 1000) || '(none)'}`));
  const body = showMarkdownLinkTargets(variant.body.trim());
  if (body === '') {
    blocks.push(context('_(empty body)_'));
  } else {
    const room = MESSAGE_BLOCKS_JSON_LIMIT - jsonLength(blocks) - BLOCK_WRAPPER_JSON - NOTE_RESERVE;
    const shown = cutText(body, { maxLength: MARKDOWN_MESSAGE_LIMIT - 10, maxJson: room });
    blocks.push(markdownBlock(closeOpenFence(shown)));
    if (shown.length < body.length) {
      const hidden = countCharacters(body) - countCharacters(shown);
      blocks.push(context(`✂️ The body goes on for ${pluralize(hidden, 'more character')}, more than this message holds.`));
    }
  }
  return { text: variantText(measure, violations), blocks };
}

function variantHead(measure: VariantMeasure, violations: string[], extra?: string): KnownBlock[] {
  const icon = violations.length > 0 ? '⚠️' : '✅';
  const blocks: KnownBlock[] = [section(`${icon} *${escapeMrkdwn(measure.label)}*${extra ? ` · ${escapeMrkdwn(extra)}` : ''}`)];
  if (violations.length > 0) {
    const lines = violations.map((violation) => `• ${escapeMrkdwn(truncate(oneLine(violation), 400))}`);
    const list = joinLinesWithin(lines, {
      head: "⚠️ *Breaks the channel's rules:*\n",
      more: (hidden) => `…and ${formatNumber(hidden)} more`,
      maxJson: 2500,
    });
    blocks.push(section(list));
  }
  return blocks;
}

function variantText(measure: VariantMeasure, violations: string[]): string {
  const broken = violations.length > 0 ? ` · breaks ${pluralize(violations.length, 'rule')}` : '';
  return `${measure.label}${broken}`;
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
    `*Revision ${refinement.iteration}* · ${outcome}`,
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

const ACTION_DESCRIPTIONS: Record<string, string> = {
  plan_created: 'created the plan',
};

function describeAction(action: string): string {
  return ACTION_DESCRIPTIONS[action] ?? oneLine(action.replace(/[_.]+/g, ' '));
}

function formatActor(actorId: string): string {
  return /^[UWB][A-Z0-9]{2,}$/.test(actorId) ? `<@${actorId}>` : escapeMrkdwn(truncate(oneLine(actorId), 80));
}

function markdownBlock(text: string): MarkdownBlock {
  return { type: 'markdown', text };
}

/** The whole draft as a Markdown file: front matter for a CMS, the post, then its sources. */
function draftFile(draft: Draft, sources: ResearchSource[]): string {
  // JSON strings are valid YAML double-quoted scalars, so any title survives.
  const frontMatter = [
    '---',
    `title: ${JSON.stringify(draft.title)}`,
    `slug: ${JSON.stringify(draft.slug)}`,
    `description: ${JSON.stringify(draft.metaDescription)}`,
    '---',
  ];
  const parts = [frontMatter.join('\n'), draft.markdown.trim()];
  if (sources.length > 0) parts.push(`## Sources\n\n${sources.map(markdownSourceLine).join('\n')}`);
  return `${parts.join('\n\n')}\n`;
}

function markdownSourceLine(source: ResearchSource): string {
  const label = (oneLine(source.title) || source.url).replace(/([\\[\]])/g, '\\$1');
  let href: string | null = null;
  try {
    href = new URL(source.url).href;
  } catch {
    href = null;
  }
  // `\[1\]` so the number is not read as a link reference.
  return href ? `- \\[${source.id}\\] [${label}](<${href}>)` : `- \\[${source.id}\\] ${label}`;
}

/** A file name from the slug: lowercase letters, digits and dashes only. */
function fileSlug(slug: string): string {
  const safe = slug
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 100);
  return safe || 'draft';
}

/** A cut inside a fenced code block would swallow what follows; close it. */
function closeOpenFence(markdown: string): string {
  const fences = markdown.match(/^ {0,3}(`{3,}|~{3,})/gm) ?? [];
  const last = fences.at(-1);
  return fences.length % 2 === 1 && last ? `${markdown}\n${last.trim()}` : markdown;
}

function shortUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return truncate(`${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`, 80);
  } catch {
    return truncate(url, 80);
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
