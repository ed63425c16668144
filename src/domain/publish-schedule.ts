/**
 * A time per destination: pure rules for when each destination of a plan publishes, and what the
 * plan's status becomes once they are done. Kind-agnostic: a destination is a blog when its adapter
 * makes the post others link to (`makesPostLink`).
 */

/** One destination's time as a plan stores it; `name` is the destination's name when it was scheduled. */
export type DestinationTime = { key: string; name: string; at: string };

/** A destination chosen in the schedule modal, with its time. */
export type TimedDestination = { key: string; name: string; isBlog: boolean; at: Date };

/** The earliest time: the plan's `scheduledAt`, when a plan short of approvals expires. */
export function earliestTime(times: readonly { at: Date | string }[]): Date | null {
  const values = times.map((time) => new Date(time.at).getTime());
  return values.length === 0 ? null : new Date(Math.min(...values));
}

/**
 * Blog destinations go first, because the other destinations' variants link to the post: a
 * non-blog destination before the latest blog time is refused (not moved), naming the blog. Returns
 * a sentence per refused destination key.
 */
export function blogFirstProblems(destinations: readonly TimedDestination[], formatTime: (at: Date) => string): Record<string, string> {
  const blogs = destinations.filter((destination) => destination.isBlog);
  if (blogs.length === 0) return {};
  const lastBlog = blogs.reduce((latest, blog) => (blog.at.getTime() > latest.at.getTime() ? blog : latest));
  const problems: Record<string, string> = {};
  for (const destination of destinations) {
    if (destination.isBlog || destination.at.getTime() >= lastBlog.at.getTime()) continue;
    problems[destination.key] = `Publish this at or after ${lastBlog.name} (${formatTime(lastBlog.at)}): it links to the blog post, so the post goes first.`;
  }
  return problems;
}

export function toDestinationTimes(destinations: readonly { key: string; name: string; at: Date }[]): DestinationTime[] {
  return destinations.map(({ key, name, at }) => ({ key, name, at: at.toISOString() }));
}

/** When `key` publishes: its own time, or the plan's time for plans scheduled before times per destination. */
export function timeOf(times: readonly DestinationTime[], key: string, fallback: Date | null): Date | null {
  const own = times.find((time) => time.key === key);
  return own ? new Date(own.at) : fallback;
}

export type DestinationOutcome = 'delivered' | 'failed';

/**
 * The plan event once every destination is done, or null while any remains: `published` when all
 * delivered (or there were none), `partially_published` when some failed, `publish_failed` when all did.
 */
export function settledPlanEvent(outcomes: readonly (DestinationOutcome | 'open')[]): 'published' | 'partially_published' | 'publish_failed' | null {
  if (outcomes.some((outcome) => outcome === 'open')) return null;
  const failed = outcomes.filter((outcome) => outcome === 'failed').length;
  if (failed === 0) return 'published';
  return failed === outcomes.length ? 'publish_failed' : 'partially_published';
}
