/** The research reply: competitors, keywords, gaps, questions and numbered sources with their quotes. */
import type { KnownBlock } from '@slack/types';
import type { Research, ResearchSource } from '../../../orchestrator/types.ts';
import { context, escapeMrkdwn, formatNumber, pluralize, section, slackLink, truncate } from '../format.ts';
import { type ThreadReply, type ListPart, withParts, sourceLine, shortUrl, oneLine } from './layout.ts';

export type ResearchFailure = { url: string; reason: string };

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
