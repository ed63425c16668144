import {
  CHANNEL_LABELS,
  findVariantProblems,
  hasPostLink,
  LINKEDIN_HOOK_LIMIT,
  POST_URL_PLACEHOLDER,
  validateVariant,
  X_POST_LIMIT,
  X_THREAD_MAX_POSTS,
  type VariantChannelId,
  type VariantOf,
} from '../domain/channels.ts';
import type { Repair } from './citations.ts';

/** The call to action added when the model left out the link, per channel. */
const DEFAULT_CALLS_TO_ACTION: Record<VariantChannelId, string> = {
  linkedin: `Read the full article: ${POST_URL_PLACEHOLDER}`,
  x_thread: `Read the full article: ${POST_URL_PLACEHOLDER}`,
  newsletter: `[Read the full article](${POST_URL_PLACEHOLDER})`,
  slack_announcement: `<${POST_URL_PLACEHOLDER}|Read the full article>`,
};

/**
 * The longest start of `text`, cut at a word and ended with "…", for which `fits` holds (it must
 * hold for shorter texts whenever it holds for a longer one). The empty string when nothing fits.
 */
export function trimToFit(text: string, fits: (candidate: string) => boolean): string {
  if (fits(text)) return text;
  const cuts = [...text.matchAll(/\s+/g)].map((match) => match.index);
  let low = 0;
  let high = cuts.length - 1;
  let best = '';
  while (low <= high) {
    const middle = Math.floor((low + high) / 2);
    const candidate = `${text.slice(0, cuts[middle]).replace(/[\s,;:.-]+$/, '')}…`;
    if (fits(candidate)) {
      best = candidate;
      low = middle + 1;
    } else high = middle - 1;
  }
  return best;
}

/** Cuts a text at a word to at most `max` characters (code points); unchanged when it fits. */
export function trimAtWord(text: string, max: number): string {
  return trimToFit(text, (candidate) => [...candidate].length <= max);
}

type Closing = { body: string; closing: string; separator: string };

/**
 * Splits a text into what may be cut and its closing call to action: the paragraph with the link or,
 * when the link is in the only paragraph, the sentence with it.
 */
function splitClosing(text: string): Closing {
  const at = text.lastIndexOf(POST_URL_PLACEHOLDER);
  if (at === -1) return { body: text, closing: '', separator: '' };
  const paragraphStart = text.lastIndexOf('\n\n', at);
  if (paragraphStart > 0) return { body: text.slice(0, paragraphStart).trimEnd(), closing: text.slice(paragraphStart).trim(), separator: '\n\n' };
  const sentenceStart = Math.max(...['. ', '! ', '? ', '\n'].map((mark) => text.lastIndexOf(mark, at)));
  if (sentenceStart <= 0) return { body: text, closing: '', separator: '' };
  return { body: text.slice(0, sentenceStart + 1).trimEnd(), closing: text.slice(sentenceStart + 1).trim(), separator: ' ' };
}

const join = ({ closing, separator }: Closing, body: string) => (closing === '' ? body : `${body}${separator}${closing}`);

/**
 * The repair after the model's one retry: a missing link gets the channel's call to action, and what
 * is over a limit is cut at a word, keeping the closing call to action. Returns the repaired variant,
 * what was done, and the violations still left (an empty post, say, cannot be repaired).
 */
export function repairVariant<C extends VariantChannelId>(
  channel: C,
  variant: VariantOf<C>,
): { variant: VariantOf<C>; repairs: Repair[]; violations: string[] } {
  const label = CHANNEL_LABELS[channel];
  const repairs: Repair[] = [];
  const note = (detail: string) => repairs.push({ kind: 'trimmed_variant', detail });
  const isValid = (candidate: VariantOf<C>) => validateVariant(channel, candidate).length === 0;
  const passes = (candidate: VariantOf<C>, rule: RegExp) => !validateVariant(channel, candidate).some((violation) => rule.test(violation));
  let current = variant;
  const hasLink = hasPostLink(current);
  const cta = DEFAULT_CALLS_TO_ACTION[channel];

  // Each branch keeps the variant's own type; the casts only tell TypeScript what `channel` already says.
  if (channel === 'x_thread') {
    let posts = [...(current as VariantOf<'x_thread'>).posts];
    if (!hasLink) {
      posts.push(cta);
      note(`Added a closing post linking to the article to the ${label}.`);
    }
    if (posts.length > X_THREAD_MAX_POSTS) {
      const closingIndex = posts.findLastIndex((post) => post.includes(POST_URL_PLACEHOLDER));
      const closing = closingIndex >= 0 ? posts[closingIndex]! : posts.at(-1)!;
      const others = posts.filter((_, index) => index !== (closingIndex >= 0 ? closingIndex : posts.length - 1));
      posts = [...others.slice(0, X_THREAD_MAX_POSTS - 1), closing];
      note(`Cut the ${label} to ${X_THREAD_MAX_POSTS} posts, keeping the closing one.`);
    }
    posts = posts.map((post, index) => {
      const fits = (candidate: string) =>
        passes({ posts: posts.map((other, at) => (at === index ? candidate : other)) } as VariantOf<C>, new RegExp(`^Post ${index + 1} is \\d`));
      const parts = splitClosing(post);
      const trimmed = trimToFit(parts.body, (candidate) => fits(join(parts, candidate)));
      if (trimmed === parts.body) return post;
      note(`Cut post ${index + 1} of the ${label} at a word to fit ${X_POST_LIMIT} characters.`);
      return join(parts, trimmed);
    });
    current = { posts } as VariantOf<C>;
  } else if (channel === 'newsletter') {
    let { subject, preview, body } = current as VariantOf<'newsletter'>;
    if (!hasLink) {
      body = `${body.trim()}\n\n${cta}`;
      note(`Added a call to action linking to the article to the ${label} body.`);
    }
    const fitsSubject = (candidate: string) => passes({ subject: candidate, preview, body } as VariantOf<C>, /^The subject is \d/);
    const trimmedSubject = trimToFit(subject, fitsSubject);
    if (trimmedSubject !== subject) note(`Cut the ${label} subject at a word to fit its limit.`);
    const fitsPreview = (candidate: string) => passes({ subject: trimmedSubject, preview: candidate, body } as VariantOf<C>, /^The preview is \d/);
    const trimmedPreview = trimToFit(preview, fitsPreview);
    if (trimmedPreview !== preview) note(`Cut the ${label} preview at a word to fit its limit.`);
    current = { subject: trimmedSubject, preview: trimmedPreview, body } as VariantOf<C>;
  } else {
    let text = (current as VariantOf<'linkedin' | 'slack_announcement'>).text.trim();
    if (!hasLink) {
      text = `${text}\n\n${cta}`;
      note(`Added a call to action linking to the article to the ${label}.`);
    }
    const parts = splitClosing(text);
    const trimmed = trimToFit(parts.body, (candidate) => passes({ text: join(parts, candidate) } as VariantOf<C>, /characters; (the|Slack's) limit/));
    if (trimmed !== parts.body) note(`Cut the ${label} at a word to fit its limit, keeping the call to action.`);
    text = join(parts, trimmed);
    if (channel === 'linkedin' && !isValid({ text } as VariantOf<C>)) {
      const broken = breakHook(text);
      if (broken !== text) note(`Broke the ${label} hook onto its own line within ${LINKEDIN_HOOK_LIMIT} characters.`);
      text = broken;
    }
    current = { text } as VariantOf<C>;
  }
  return { variant: current, repairs, violations: findVariantProblems(channel, current) };
}

/** Puts a line break after the last sentence end (else the last word) within the LinkedIn hook limit. */
function breakHook(text: string): string {
  const lineEnd = text.indexOf('\n');
  const firstLine = lineEnd === -1 ? text : text.slice(0, lineEnd);
  if ([...firstLine].length <= LINKEDIN_HOOK_LIMIT) return text;
  const window = firstLine.slice(0, LINKEDIN_HOOK_LIMIT);
  const sentenceEnd = Math.max(window.lastIndexOf('. '), window.lastIndexOf('! '), window.lastIndexOf('? '));
  const cut = sentenceEnd > 0 ? sentenceEnd + 1 : window.lastIndexOf(' ');
  if (cut <= 0) return text;
  return `${text.slice(0, cut).trimEnd()}\n${text.slice(cut).trimStart()}`;
}
