import type { TweetV2 } from 'twitter-api-v2';
import { xThreadVariantSchema } from '../../domain/channels.ts';
import { xThreadDestinationSchema, type XThreadConfig } from '../../domain/destinations.ts';
import { listThreadPosts, recordThreadPost, type ConnectedAccountRow } from '../../db/connected-accounts.ts';
import { accountLabel, reportNeedsReconnect, xAccessToken, type NetworkDeps } from '../networks/accounts.ts';
import { describeXError, makeXClient } from '../networks/x-api.ts';
import type { DeliveryResult, PublishContent } from '../types.ts';
import { defineDestinationAdapter, type PublishCallContext, type Reconciliation } from './adapter.ts';

// Posts made a little before the attempt's recorded start still count: clocks differ.
const CLOCK_SKEW_MS = 2 * 60_000;

/** The thread's posts from the plan's X variant (link filled, numbered), or null when the plan has none. */
export function threadPostsOf(content: PublishContent): string[] | null {
  const parsed = xThreadVariantSchema.safeParse(content.variants['x_thread']);
  if (!parsed.success) return null;
  const posts = parsed.data.posts.map((post) => post.trim()).filter((post) => post !== '');
  return posts.length === 0 ? null : posts;
}

type TimelineTweet = Pick<TweetV2, 'id' | 'text' | 'entities' | 'referenced_tweets'>;

/**
 * A post's text as it can be compared with what X shows: X shortens each link to t.co in `text` (the
 * original is in `entities.urls[].expanded_url`), escapes &, < and >, and may differ in whitespace.
 */
export function normalizeTweetText(text: string, urls: readonly { url: string; expanded_url?: string }[] = []): string {
  let expanded = text;
  for (const { url, expanded_url: original } of urls) if (original) expanded = expanded.split(url).join(original);
  return expanded
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .normalize('NFC')
    .replace(/(https?:\/\/\S+?)\/(?=\s|$)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

function repliesTo(tweet: TimelineTweet, parentId: string | undefined): boolean {
  if (parentId === undefined) return !(tweet.referenced_tweets ?? []).some((reference) => reference.type === 'replied_to');
  return (tweet.referenced_tweets ?? []).some((reference) => reference.type === 'replied_to' && reference.id === parentId);
}

/**
 * Publishes a thread with our own loop: each post replies to the one before, and its id is stored
 * before the next is sent, so a retry resumes after the last post X has and never re-posts one.
 */
export function makeXThreadAdapter(deps: NetworkDeps) {
  const timelineSince = async (accessToken: string, account: ConnectedAccountRow, since: Date, timeoutMs: number): Promise<TimelineTweet[]> => {
    const client = makeXClient({ accessToken }, deps.networks.x, timeoutMs);
    const timeline = await client.v2.userTimeline(account.externalAccountId, {
      start_time: new Date(since.getTime() - CLOCK_SKEW_MS).toISOString(),
      max_results: 100,
      'tweet.fields': ['created_at', 'entities', 'referenced_tweets', 'conversation_id'],
    });
    return timeline.tweets;
  };

  const findPost = (tweets: readonly TimelineTweet[], text: string, parentId: string | undefined, taken: ReadonlySet<string>) => {
    const wanted = normalizeTweetText(text);
    return tweets.find((tweet) => !taken.has(tweet.id) && repliesTo(tweet, parentId) && normalizeTweetText(tweet.text, tweet.entities?.urls ?? []) === wanted);
  };

  const delivered = (account: ConnectedAccountRow, ids: readonly string[]): DeliveryResult => ({
    state: 'delivered',
    retryable: false,
    externalId: ids[0],
    url: `https://x.com/${account.displayName}/status/${ids[0]}`,
  });

  const access = async (context: PublishCallContext<XThreadConfig>) => {
    const result = await xAccessToken(deps, context.config.accountId, context.timeoutMs);
    if (!result.ok && result.needsReconnect) await reportNeedsReconnect(deps, context.slack, result.needsReconnect);
    return result;
  };

  return defineDestinationAdapter<XThreadConfig>({
    kind: 'x_thread',
    label: 'X account',
    shortLabel: 'X thread',
    addLabel: 'Connect an X account',
    editTitle: 'Edit X destination',
    namePlaceholder: '@company on X',
    configSchema: xThreadDestinationSchema,
    fields: [],
    connectedAccount: 'x',
    summary: () => 'Posts the X thread variant as a thread.',
    async test({ config, timeoutMs }) {
      const result = await xAccessToken(deps, config.accountId, timeoutMs);
      if (!result.ok) return { ok: false, message: result.result.reason ?? 'The account cannot be used.' };
      try {
        const me = await makeXClient({ accessToken: result.accessToken }, deps.networks.x, timeoutMs).v2.me();
        return { ok: true, message: `signed in to X as @${me.data.username}.` };
      } catch (error) {
        const failure = describeXError(error, { handle: accountLabel(result.account), afterSend: false, timeoutMs });
        return { ok: false, message: failure.result.reason ?? 'X did not answer.', ...(failure.result.status === undefined ? {} : { status: failure.result.status }) };
      }
    },

    async publish(context) {
      const posts = threadPostsOf(context.content);
      if (posts === null) return { state: 'failed', retryable: false, reason: 'This plan has no X thread to post; add the X thread channel to the plan, or unpick this destination.' };
      const granted = await access(context);
      if (!granted.ok) return granted.result;
      const { account, accessToken } = granted;
      const handle = accountLabel(account);
      const ref = { teamId: account.teamId, idempotencyKey: context.idempotencyKey };
      const ids = await listThreadPosts(deps.db, ref);
      const client = makeXClient({ accessToken }, deps.networks.x, context.timeoutMs);
      for (let position = ids.length; position < posts.length; position += 1) {
        const text = posts[position]!;
        const previous = ids.at(-1);
        try {
          const { data } = await client.v2.tweet({ text, ...(previous === undefined ? {} : { reply: { in_reply_to_tweet_id: previous } }) });
          await recordThreadPost(deps.db, { ...ref, position, tweetId: data.id });
          ids.push(data.id);
        } catch (error) {
          const failure = describeXError(error, { handle, afterSend: true, timeoutMs: context.timeoutMs });
          if (failure.kind === 'duplicate') {
            // X keeps no idempotency key and does not name the original: look for it in this attempt's window.
            let found: TimelineTweet | undefined;
            try {
              found = findPost(await timelineSince(accessToken, account, context.attemptStartedAt, context.timeoutMs), text, previous, new Set(ids));
            } catch {
              return { state: 'failed', retryable: true, status: 403, reason: `X refused post ${position + 1} of the thread as a duplicate and ${handle}'s posts could not be read to check it; it is tried again.` };
            }
            if (found) {
              await recordThreadPost(deps.db, { ...ref, position, tweetId: found.id });
              ids.push(found.id);
              continue;
            }
            return {
              ...failure.result,
              reason: `X refused post ${position + 1} of the thread as a duplicate of an earlier post by ${handle} that this plan did not make; edit the X thread variant, then retry.`,
            };
          }
          if (failure.kind === 'auth') await reportNeedsReconnect(deps, context.slack, { account, reason: failure.result.reason ?? 'X refused the token.' });
          const progress = ids.length === 0 ? '' : `Posted ${ids.length} of ${posts.length}. `;
          return { ...failure.result, reason: `${progress}${failure.result.reason ?? ''}`.trim() };
        }
      }
      return delivered(account, ids);
    },

    async reconcile(context): Promise<Reconciliation> {
      const posts = threadPostsOf(context.content);
      if (posts === null) return { outcome: 'absent' };
      const granted = await access(context);
      if (!granted.ok) return { outcome: 'absent' };
      const { account, accessToken } = granted;
      const ref = { teamId: account.teamId, idempotencyKey: context.idempotencyKey };
      const ids = await listThreadPosts(deps.db, ref);
      if (ids.length < posts.length) {
        let tweets: TimelineTweet[];
        try {
          tweets = await timelineSince(accessToken, account, context.attemptStartedAt, context.timeoutMs);
        } catch (error) {
          const failure = describeXError(error, { handle: accountLabel(account), afterSend: false, timeoutMs: context.timeoutMs });
          return { outcome: 'unknown', why: `The posts of ${accountLabel(account)} could not be read to check the last try (${failure.result.reason ?? 'no answer'})` };
        }
        // The post that was in flight, and only it, can be on X without its id stored.
        const found = findPost(tweets, posts[ids.length]!, ids.at(-1), new Set(ids));
        if (found) {
          await recordThreadPost(deps.db, { ...ref, position: ids.length, tweetId: found.id });
          ids.push(found.id);
        }
      }
      // Stored or found, the rest is posted by publish, which resumes after the last stored post.
      return ids.length === posts.length ? { outcome: 'found', result: delivered(account, ids) } : { outcome: 'absent' };
    },
  });
}
