const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** Metrics are read hourly while a post is young, then daily, and not at all after this. */
export const HOURLY_FOR_MS = 48 * HOUR_MS;
export const COLLECT_FOR_MS = 30 * DAY_MS;

/**
 * When a published item's metrics are next read, after `now` (the last collection, or the publication
 * itself): on the hour after publishing for 48 hours, then once a day (counted from publishing) until
 * 30 days; null once the 30 days are over.
 */
export function nextMetricsCollection(publishedAt: Date, now: Date): Date | null {
  const start = publishedAt.getTime();
  const elapsed = Math.max(0, now.getTime() - start);
  const step = elapsed < HOURLY_FOR_MS ? HOUR_MS : DAY_MS;
  // The next step boundary strictly after `now`, counted from publishing.
  const next = start + (Math.floor(elapsed / step) + 1) * step;
  if (next > start + COLLECT_FOR_MS) return null;
  return new Date(next);
}

/** Whether a collection is due at `now`, given when the item was published and last collected. */
export function isMetricsCollectionDue(publishedAt: Date, lastCollectedAt: Date | null, now: Date): boolean {
  const next = nextMetricsCollection(publishedAt, lastCollectedAt ?? publishedAt);
  return next !== null && next.getTime() <= now.getTime();
}
