/** The engagement numbers a published item can bring back, in the order they are shown. */
export const METRIC_NAMES = ['impressions', 'likes', 'reposts', 'replies', 'comments', 'opens', 'clicks', 'reactions'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** null: the connection cannot read this metric. */
export type MetricValues = Partial<Record<MetricName, number | null>>;

export const METRIC_LABELS: Record<MetricName, string> = {
  impressions: 'impressions',
  likes: 'likes',
  reposts: 'reposts',
  replies: 'replies',
  comments: 'comments',
  opens: 'opens',
  clicks: 'clicks',
  reactions: 'reactions',
};

/** Which metrics come back from each destination kind; kinds not listed bring none back. */
export const METRICS_BY_KIND: Readonly<Record<string, readonly MetricName[]>> = {
  x_thread: ['impressions', 'likes', 'reposts', 'replies'],
  linkedin: ['likes', 'comments'],
  mailchimp: ['opens', 'clicks'],
  slack_channel: ['reactions'],
};

export const NOT_AVAILABLE = 'not available with this connection';

export function collectsMetrics(kind: string): boolean {
  return kind in METRICS_BY_KIND;
}

/** Every metric of the kind as unreadable: a connection that cannot read them is never shown as 0. */
export function unavailableValues(kind: string): MetricValues {
  return Object.fromEntries((METRICS_BY_KIND[kind] ?? []).map((name) => [name, null]));
}

/**
 * "1,204 impressions · 31 likes", or "likes and comments not available with this connection";
 * empty when nothing was read yet (a campaign not sent).
 */
export function formatMetricValues(kind: string, values: MetricValues): string {
  const names = (METRICS_BY_KIND[kind] ?? []).filter((name) => name in values);
  const readable = names.filter((name) => typeof values[name] === 'number');
  const unreadable = names.filter((name) => values[name] === null);
  const parts = readable.map((name) => `${(values[name] as number).toLocaleString('en-US')} ${METRIC_LABELS[name]}`);
  if (unreadable.length > 0) parts.push(`${unreadable.map((name) => METRIC_LABELS[name]).join(' and ')} ${NOT_AVAILABLE}`);
  return parts.join(' · ');
}
