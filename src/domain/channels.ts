import { z } from 'zod';
import { AppError } from '../errors.ts';

export const CHANNELS = ['blog', 'linkedin', 'x_thread', 'newsletter', 'slack_announcement'] as const;
export type ChannelId = (typeof CHANNELS)[number];

export const CHANNEL_LABELS: Record<ChannelId, string> = {
  blog: 'Blog',
  linkedin: 'LinkedIn',
  x_thread: 'X thread',
  newsletter: 'Newsletter',
  slack_announcement: 'Slack announcement',
};

export function isChannelId(value: unknown): value is ChannelId {
  return CHANNELS.some((channel) => channel === value);
}

/** The blog has no variant: the draft itself is the blog post. */
export type VariantChannelId = Exclude<ChannelId, 'blog'>;
export const VARIANT_CHANNELS: readonly VariantChannelId[] = ['linkedin', 'x_thread', 'newsletter', 'slack_announcement'];

export function isVariantChannel(channel: ChannelId): channel is VariantChannelId {
  return channel !== 'blog';
}

export const X_POST_LIMIT = 280;
export const X_URL_LENGTH = 23;
export const X_THREAD_MAX_POSTS = 8;
export const LINKEDIN_LIMIT = 3000;
export const LINKEDIN_HOOK_LIMIT = 210;
export const NEWSLETTER_SUBJECT_LIMIT = 60;
export const NEWSLETTER_PREVIEW_LIMIT = 90;
export const SLACK_TEXT_LIMIT = 3000;

// The schemas carry only the shape (and the limits as descriptions for the model): a variant that
// breaks a limit should still parse, so validateVariant can turn it into revision instructions.
export const linkedinVariantSchema = z.object({
  text: z
    .string()
    .describe(
      `The whole post, at most ${LINKEDIN_LIMIT} characters. The first line is the hook: end it with a line break within ${LINKEDIN_HOOK_LIMIT} characters.`,
    ),
});

export const xThreadVariantSchema = z.object({
  posts: z
    .array(z.string().describe(`One post, at most ${X_POST_LIMIT} characters; every URL counts as ${X_URL_LENGTH}.`))
    .describe(`The thread, at most ${X_THREAD_MAX_POSTS} posts.`),
});

export const newsletterVariantSchema = z.object({
  subject: z.string().describe(`Email subject line, at most ${NEWSLETTER_SUBJECT_LIMIT} characters.`),
  preview: z.string().describe(`Preview text shown after the subject, at most ${NEWSLETTER_PREVIEW_LIMIT} characters.`),
  body: z.string().describe('The newsletter body in Markdown.'),
});

export const slackAnnouncementVariantSchema = z.object({
  text: z.string().describe(`Slack mrkdwn, at most ${SLACK_TEXT_LIMIT} characters.`),
});

export const VARIANT_SCHEMAS = {
  linkedin: linkedinVariantSchema,
  x_thread: xThreadVariantSchema,
  newsletter: newsletterVariantSchema,
  slack_announcement: slackAnnouncementVariantSchema,
} as const;

export type LinkedinVariant = z.infer<typeof linkedinVariantSchema>;
export type XThreadVariant = z.infer<typeof xThreadVariantSchema>;
export type NewsletterVariant = z.infer<typeof newsletterVariantSchema>;
export type SlackAnnouncementVariant = z.infer<typeof slackAnnouncementVariantSchema>;

type VariantByChannel = {
  linkedin: LinkedinVariant;
  x_thread: XThreadVariant;
  newsletter: NewsletterVariant;
  slack_announcement: SlackAnnouncementVariant;
};
export type VariantOf<C extends VariantChannelId> = VariantByChannel[C];

export type VariantMeasure = { length: number; limit: number; label: string };

/** Checks a stored or received variant against its channel's shape; throws INVALID_INPUT when it does not fit. */
export function parseVariant<C extends VariantChannelId>(channel: C, raw: unknown): VariantOf<C> {
  const schemas: { [K in VariantChannelId]: z.ZodType<VariantOf<K>> } = VARIANT_SCHEMAS;
  const schema: z.ZodType<VariantOf<C>> = schemas[channel];
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new AppError('INVALID_INPUT', `The ${CHANNEL_LABELS[channel]} variant has the wrong shape; generate it again.`, {
      cause: result.error,
    });
  }
  return result.data;
}

const URL_PATTERN = /https?:\/\/[^\s<>]*[^\s<>.,;:!?'")\]]/gi;
const EMOJI_PATTERN = /\p{Extended_Pictographic}/u;
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * Length as X counts it: every http(s) URL is 23 (t.co), an emoji is 2, and so is any character
 * outside the ranges twitter-text weighs as 1 (Latin, Greek, Cyrillic... and common punctuation), such as CJK.
 */
export function countXCharacters(text: string): number {
  const normalized = text.normalize('NFC');
  const urlCount = normalized.match(URL_PATTERN)?.length ?? 0;
  let length = urlCount * X_URL_LENGTH;
  for (const { segment } of graphemes.segment(normalized.replace(URL_PATTERN, ''))) {
    if (EMOJI_PATTERN.test(segment)) {
      length += 2;
      continue;
    }
    for (const character of segment) length += xWeight(character.codePointAt(0) ?? 0);
  }
  return length;
}

function xWeight(codePoint: number): number {
  const isLight =
    codePoint <= 0x10ff ||
    (codePoint >= 0x2000 && codePoint <= 0x200d) ||
    (codePoint >= 0x2010 && codePoint <= 0x201f) ||
    (codePoint >= 0x2032 && codePoint <= 0x2037);
  return isLight ? 1 : 2;
}

/** Characters as people count them (code points), not UTF-16 units. */
function countCharacters(text: string): number {
  return [...text].length;
}

const formatNumber = (value: number): string => value.toLocaleString('en-US');

function linkedinHookLength(text: string): number {
  const trimmed = text.trimStart();
  const lineBreak = trimmed.indexOf('\n');
  return countCharacters(lineBreak === -1 ? trimmed : trimmed.slice(0, lineBreak));
}

const VIOLATIONS: { [C in VariantChannelId]: (variant: VariantOf<C>) => string[] } = {
  linkedin: ({ text }) => {
    if (text.trim() === '') return ['The post is empty.'];
    const violations: string[] = [];
    const length = countCharacters(text);
    if (length > LINKEDIN_LIMIT) {
      violations.push(`The post is ${formatNumber(length)} characters; the limit is ${formatNumber(LINKEDIN_LIMIT)}.`);
    }
    const hookLength = linkedinHookLength(text);
    if (hookLength > LINKEDIN_HOOK_LIMIT) {
      violations.push(
        `The hook (the first line) is ${formatNumber(hookLength)} characters; end it with a line break within ${LINKEDIN_HOOK_LIMIT} so it shows before "…see more".`,
      );
    }
    return violations;
  },
  x_thread: ({ posts }) => {
    if (posts.length === 0) return ['The thread has no posts.'];
    const violations: string[] = [];
    if (posts.length > X_THREAD_MAX_POSTS) {
      violations.push(`The thread has ${posts.length} posts; the limit is ${X_THREAD_MAX_POSTS}.`);
    }
    posts.forEach((post, index) => {
      const length = countXCharacters(post);
      if (post.trim() === '') violations.push(`Post ${index + 1} is empty.`);
      else if (length > X_POST_LIMIT) {
        violations.push(
          `Post ${index + 1} is ${length} characters; the limit is ${X_POST_LIMIT} (URLs count as ${X_URL_LENGTH}).`,
        );
      }
    });
    return violations;
  },
  newsletter: ({ subject, preview, body }) => {
    const violations: string[] = [];
    const subjectLength = countCharacters(subject);
    const previewLength = countCharacters(preview);
    if (subject.trim() === '') violations.push('The subject is empty.');
    if (subjectLength > NEWSLETTER_SUBJECT_LIMIT) {
      violations.push(`The subject is ${subjectLength} characters; the limit is ${NEWSLETTER_SUBJECT_LIMIT}.`);
    }
    if (previewLength > NEWSLETTER_PREVIEW_LIMIT) {
      violations.push(`The preview is ${previewLength} characters; the limit is ${NEWSLETTER_PREVIEW_LIMIT}.`);
    }
    if (body.trim() === '') violations.push('The body is empty.');
    return violations;
  },
  slack_announcement: ({ text }) => {
    if (text.trim() === '') return ['The announcement is empty.'];
    const length = countCharacters(text);
    if (length <= SLACK_TEXT_LIMIT) return [];
    return [
      `The announcement is ${formatNumber(length)} characters; Slack's limit for a section is ${formatNumber(SLACK_TEXT_LIMIT)}.`,
    ];
  },
};

/** Where a variant links to the article; filled at publish with the first blog destination's URL. */
export const POST_URL_PLACEHOLDER = '{{post_url}}';

/**
 * The link's length while the URL is unknown: X counts any URL as 23 (t.co); elsewhere a URL is
 * allowed 100 characters, longer than most blog post addresses.
 */
export const POST_URL_ALLOWANCE = 100;
const STAND_IN_URL = `https://example.com/${'x'.repeat(POST_URL_ALLOWANCE - 'https://example.com/'.length)}`;

/**
 * Puts the article's URL where the placeholder is; with no URL (no blog destination) every line that
 * holds the placeholder is left out, with the blank lines around it.
 */
export function fillPostUrl(text: string, url: string | null): string {
  if (!text.includes(POST_URL_PLACEHOLDER)) return text;
  if (url !== null) return text.split(POST_URL_PLACEHOLDER).join(url);
  return text
    .split('\n')
    .filter((line) => !line.includes(POST_URL_PLACEHOLDER))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const THREAD_NUMBERING = /\s*\(?\b\d{1,2}\s*\/\s*\d{1,2}\)?\s*$|^\s*\(?\d{1,2}\s*\/\s*\d{1,2}\)?[\s.:)-]*/g;

/** A thread's posts numbered "1/N" at the end, replacing any numbering the model wrote. */
export function numberThread(posts: readonly string[]): string[] {
  const kept = posts.map((post) => post.replace(THREAD_NUMBERING, '').trim()).filter((post) => post !== '');
  return kept.map((post, index) => `${post}\n\n${index + 1}/${kept.length}`);
}

/**
 * The variant as it is posted: the link filled (or its lines left out) and, for X, the posts numbered.
 * Validation and measures use it with a stand-in URL, so limits hold with the link in place.
 */
export function finalizeVariant<C extends VariantChannelId>(channel: C, variant: VariantOf<C>, postUrl: string | null): VariantOf<C> {
  const fill = (text: string) => fillPostUrl(text, postUrl);
  const finalized: { [K in VariantChannelId]: (variant: VariantOf<K>) => VariantOf<K> } = {
    linkedin: ({ text }) => ({ text: fill(text) }),
    x_thread: ({ posts }) => ({ posts: numberThread(posts.map(fill)) }),
    newsletter: ({ subject, preview, body }) => ({ subject: fill(subject), preview: fill(preview), body: fill(body) }),
    slack_announcement: ({ text }) => ({ text: fill(text) }),
  };
  const finalize: (variant: VariantOf<C>) => VariantOf<C> = finalized[channel];
  return finalize(variant);
}

/** A post's length as X will count it once posted: the link placeholder counts as a URL, 23. */
export function countXPostCharacters(post: string): number {
  return countXCharacters(fillPostUrl(post, STAND_IN_URL));
}

/** True when some text field of the variant carries the link placeholder. */
export function hasPostLink(variant: unknown): boolean {
  return JSON.stringify(variant).includes(POST_URL_PLACEHOLDER);
}

/**
 * Every rule the variant breaks, as sentences fit for a revision prompt; empty when it is valid.
 * Lengths are measured on the finished variant: link in place and, for X, the posts numbered.
 */
export function validateVariant<C extends VariantChannelId>(channel: C, variant: VariantOf<C>): string[] {
  const violationsOf: (variant: VariantOf<C>) => string[] = VIOLATIONS[channel];
  return violationsOf(finalizeVariant(channel, variant, STAND_IN_URL));
}

/** The channel's rules, and the one every variant shares: a call to action linking to the article. */
export function findVariantProblems<C extends VariantChannelId>(channel: C, variant: VariantOf<C>): string[] {
  const problems = validateVariant(channel, variant);
  if (!hasPostLink(variant)) problems.push(`End with one call to action that links to the article with ${POST_URL_PLACEHOLDER}, written exactly so.`);
  return problems;
}

const MEASURES: { [C in VariantChannelId]: (variant: VariantOf<C>) => VariantMeasure } = {
  linkedin: ({ text }) => measure('LinkedIn ·', countCharacters(text), LINKEDIN_LIMIT),
  x_thread: ({ posts }) => {
    const longest = Math.max(0, ...posts.map(countXCharacters));
    const postCount = `${posts.length} ${posts.length === 1 ? 'post' : 'posts'}`;
    return measure(`X thread · ${postCount} · longest`, longest, X_POST_LIMIT);
  },
  newsletter: ({ subject }) => measure('Newsletter · subject', countCharacters(subject), NEWSLETTER_SUBJECT_LIMIT),
  slack_announcement: ({ text }) => measure('Slack announcement ·', countCharacters(text), SLACK_TEXT_LIMIT),
};

function measure(heading: string, length: number, limit: number): VariantMeasure {
  return { length, limit, label: `${heading} ${formatNumber(length)} / ${formatNumber(limit)}` };
}

/** The length that matters for the channel against its limit, with a label for display ("LinkedIn · 1,412 / 3,000"). */
export function measureVariant<C extends VariantChannelId>(channel: C, variant: VariantOf<C>): VariantMeasure {
  const measureOf: (variant: VariantOf<C>) => VariantMeasure = MEASURES[channel];
  return measureOf(finalizeVariant(channel, variant, STAND_IN_URL));
}
