import type { KnownBlock } from '@slack/types';
import { formatMetricValues } from '../../../domain/metrics.ts';
import { context, escapeMrkdwn, section, slackDate, truncate } from '../format.ts';

export type PerformanceItem = {
  destinationName: string;
  destinationKind: string;
  url: string | null;
  values: Partial<Record<string, number | null>>;
  note: string | null;
  collectedAt: Date;
};

/** Destinations named one by one; a plan rarely has more, and the reply stays well under 50 blocks. */
const MAX_ITEMS = 20;

/** The plan's "Performance" reply: what each published item earned at its latest collection. Pure. */
export function buildPerformanceReply(items: readonly PerformanceItem[]): { text: string; blocks: KnownBlock[] } {
  const shown = items.slice(0, MAX_ITEMS);
  const lines = shown.map((item) => {
    const name = escapeMrkdwn(truncate(item.destinationName, 80));
    const title = item.url ? `<${item.url}|${name}>` : name;
    const numbers = formatMetricValues(item.destinationKind, item.values);
    const note = item.note ? `\n_${escapeMrkdwn(truncate(item.note, 300))}_` : '';
    return `*${title}*\n${numbers || 'No numbers yet.'}${note}`;
  });
  const latest = shown.reduce<Date | undefined>((last, item) => (last === undefined || item.collectedAt > last ? item.collectedAt : last), undefined);
  const blocks: KnownBlock[] = [
    section('*:bar_chart: Performance*'),
    ...lines.map((line) => section(line)),
    ...(items.length > MAX_ITEMS ? [context(`…and ${items.length - MAX_ITEMS} more destinations.`)] : []),
    context(`${latest ? `Updated ${slackDate(latest)}. ` : ''}Read hourly for 48 hours after publishing, then daily for 30 days.`),
  ];
  const text = ['Performance', ...shown.map((item) => `${item.destinationName}: ${formatMetricValues(item.destinationKind, item.values) || 'no numbers yet'}`)].join('\n');
  return { text, blocks };
}
