import { z } from 'zod';

/** Everything a destination may publish: the approved revision of a plan. */
export type PublishContent = {
  plan: { id: string; number: number; topic: string; revision: number; keyphrase: string; keywords: string[] };
  post: { title: string; slug: string; metaDescription: string; markdown: string; html: string };
  /** Channel variants by channel id (`slack_announcement`, `linkedin`, ...), as stored. */
  variants: Record<string, unknown>;
  seo: { seoScore: number | null; readabilityScore: number | null };
};

/**
 * The outcome of one delivery to one destination.
 * - `delivered`: the destination has it; `url` and `externalId` say where, when known.
 * - `failed`: it does not have it. `retryable` says whether trying again may help.
 * - `unknown`: the request went out and no answer came back. Always retryable, but reconcile first:
 *   a webhook is re-sent with the same idempotency key, and `publishToWordpress` looks the post up by
 *   slug before it creates one.
 */
export type DeliveryResult = {
  state: 'delivered' | 'failed' | 'unknown';
  retryable: boolean;
  url?: string;
  externalId?: string;
  /** One sentence for the thread, saying what to do when something must be fixed. */
  reason?: string;
  /** The HTTP status the destination answered, when it answered. */
  status?: number;
  /** How long the destination asked us to wait (Retry-After), when it said. */
  retryAfterSeconds?: number;
};

/** The outcome of an App Home "Test" button: a sentence either way. */
export type DestinationCheck = { ok: boolean; message: string; status?: number };

export type SlackChannelDestination = { kind: 'slack_channel'; channelId: string };
export type WebhookDestination = { kind: 'webhook'; url: string; secret: string };
export type WordpressDestination = {
  kind: 'wordpress';
  siteUrl: string;
  username: string;
  applicationPassword: string;
  status: 'draft' | 'publish';
};
/** A destination with its secrets decrypted, as the clients need it. */
export type PublishDestination = SlackChannelDestination | WebhookDestination | WordpressDestination;
export type DestinationKind = PublishDestination['kind'];

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const MAX_URL_LENGTH = 2000;

/**
 * Checks a webhook or WordPress URL; returns a sentence for an inline error, or null when it is fine.
 * https is required; http is allowed only for localhost and 127.0.0.1, for local receivers and tests.
 */
export function validateDestinationUrl(url: string): string | null {
  const trimmed = url.trim();
  if (trimmed === '') return 'Enter a URL.';
  if (trimmed.length > MAX_URL_LENGTH) return `The URL is longer than ${MAX_URL_LENGTH.toLocaleString('en-US')} characters.`;
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return 'Enter a full URL that starts with https://, such as https://example.com/hooks/content.';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'The URL must start with https://.';
  if (parsed.protocol === 'http:' && !LOCAL_HOSTS.has(parsed.hostname)) {
    return 'The URL must start with https:// (http:// is allowed only for localhost and 127.0.0.1).';
  }
  if (parsed.username !== '' || parsed.password !== '') {
    return 'Remove the user name and password from the URL; enter credentials in their own fields.';
  }
  return null;
}

/** A destination URL, trimmed; refuses what `validateDestinationUrl` refuses, with its sentence. */
export const destinationUrlSchema = z
  .string()
  .trim()
  .superRefine((value, context) => {
    const problem = validateDestinationUrl(value);
    if (problem !== null) context.addIssue({ code: 'custom', message: problem });
  });

// The non-secret parts, as settings store them next to the encrypted secret and as modals submit them.
export const slackChannelDestinationSchema = z.object({
  kind: z.literal('slack_channel'),
  channelId: z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'Choose a channel.'),
});

export const webhookDestinationSchema = z.object({
  kind: z.literal('webhook'),
  url: destinationUrlSchema,
});

export const wordpressDestinationSchema = z.object({
  kind: z.literal('wordpress'),
  siteUrl: destinationUrlSchema,
  username: z.string().trim().min(1, 'Enter the WordPress user name.').max(60, 'A WordPress user name has at most 60 characters.'),
  status: z.enum(['draft', 'publish']),
});

export const destinationConfigSchema = z.discriminatedUnion('kind', [
  slackChannelDestinationSchema,
  webhookDestinationSchema,
  wordpressDestinationSchema,
]);
export type DestinationConfig = z.infer<typeof destinationConfigSchema>;

/** A webhook signing secret typed by an admin: long enough to resist guessing. */
export const webhookSecretSchema = z
  .string()
  .trim()
  .min(16, 'Use a signing secret of at least 16 characters.')
  .max(256, 'Use a signing secret of at most 256 characters.');

/**
 * A WordPress application password as WordPress shows it (24 letters and digits in groups of four);
 * WordPress ignores the spaces, and so do we.
 */
export const applicationPasswordSchema = z
  .string()
  .transform((value) => value.replace(/\s+/g, ''))
  .pipe(z.string().regex(/^[A-Za-z0-9]{24}$/, 'Paste the application password WordPress showed: 24 letters and digits (spaces are fine).'));
