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

/** What people did with a post: every metric but impressions and opens, which count readers, not actions. */
const INTERACTIONS: readonly MetricName[] = ['likes', 'reposts', 'replies', 'comments', 'clicks', 'reactions'];

export function interactionsOf(values: MetricValues): number {
  return INTERACTIONS.reduce((sum, name) => sum + (values[name] ?? 0), 0);
}

export type EngagementItem = { planNumber: number; topic: string; kind: string; values: MetricValues };

export type EngagementSummary = {
  /** Per destination kind: how many items, and each metric's total (null when no item's connection could read it). */
  perChannel: { kind: string; items: number; totals: MetricValues }[];
  /** The plans whose items drew the most interactions, at most `top`. */
  topPosts: { planNumber: number; topic: string; interactions: number }[];
};

/** Totals per destination kind and the top plans by interactions, from each item's latest snapshot. */
export function summarizeEngagement(items: readonly EngagementItem[], top = 5): EngagementSummary {
  const channels = new Map<string, { items: number; totals: MetricValues }>();
  const plans = new Map<number, { planNumber: number; topic: string; interactions: number }>();
  for (const item of items) {
    const channel = channels.get(item.kind) ?? { items: 0, totals: {} };
    channel.items += 1;
    for (const name of METRICS_BY_KIND[item.kind] ?? []) {
      if (!(name in item.values)) continue;
      const value = item.values[name];
      const sum = channel.totals[name];
      channel.totals[name] = value === null || value === undefined ? (sum ?? null) : (sum ?? 0) + value;
    }
    channels.set(item.kind, channel);
    const plan = plans.get(item.planNumber) ?? { planNumber: item.planNumber, topic: item.topic, interactions: 0 };
    plan.interactions += interactionsOf(item.values);
    plans.set(item.planNumber, plan);
  }
  const kinds = Object.keys(METRICS_BY_KIND);
  return {
    perChannel: [...channels]
      .map(([kind, channel]) => ({ kind, ...channel }))
      .sort((a, b) => kinds.indexOf(a.kind) - kinds.indexOf(b.kind)),
    topPosts: [...plans.values()]
      .filter((plan) => plan.interactions > 0)
      .sort((a, b) => b.interactions - a.interactions || a.planNumber - b.planNumber)
      .slice(0, top),
  };
}

export const METRIC_KIND_LABELS: Readonly<Record<string, string>> = { x_thread: 'X', linkedin: 'LinkedIn', mailchimp: 'Mailchimp', slack_channel: 'Slack' };
