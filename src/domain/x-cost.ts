/** USD per post created through the X API; a post with a URL costs more (X's pay-per-use pricing). */
export type XPriceTable = { perPost: number; perPostWithUrl: number };

export type XThreadCost = { posts: number; postsWithUrl: number; usd: number };

// X links http(s) URLs and bare domains alike; either makes the post a "post with a URL".
const URL_PATTERN = /\bhttps?:\/\/\S+|\bwww\.[a-z0-9-]+\.[a-z]{2,}\S*/i;

export function hasUrl(text: string): boolean {
  return URL_PATTERN.test(text);
}

/** What posting this thread costs at these prices. */
export function estimateXThreadCost(posts: readonly string[], prices: XPriceTable): XThreadCost {
  const postsWithUrl = posts.filter(hasUrl).length;
  const plain = posts.length - postsWithUrl;
  // Rounded to a tenth of a cent, so the sum of many posts does not show float noise.
  const usd = Math.round((plain * prices.perPost + postsWithUrl * prices.perPostWithUrl) * 1000) / 1000;
  return { posts: posts.length, postsWithUrl, usd };
}

/** "≈ $0.23 (3 posts, 1 with a link)": the schedule modal's line for an X destination. */
export function describeXThreadCost(cost: XThreadCost): string {
  const posts = `${cost.posts} ${cost.posts === 1 ? 'post' : 'posts'}`;
  const links = cost.postsWithUrl === 0 ? '' : `, ${cost.postsWithUrl} with a link`;
  return `≈ $${cost.usd.toFixed(cost.usd < 1 ? 3 : 2)} on X (${posts}${links})`;
}
