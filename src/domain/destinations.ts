import { z } from 'zod';

/**
 * Destination kinds and their stored settings: pure data and validation, no I/O. The adapters in
 * src/publish/destinations/ use these schemas; a kind the app does not ship (a test's, a plug-in's) is
 * just another string id with its own adapter.
 */
export const BUILT_IN_DESTINATION_KINDS = ['slack_channel', 'webhook', 'wordpress', 'ghost', 'mailchimp'] as const;
/** A destination kind id: lowercase letters, digits and underscores (it ends up in action ids). */
export type DestinationKind = string;
export const destinationKindSchema = z.string().regex(/^[a-z][a-z0-9_]{1,39}$/);

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const MAX_URL_LENGTH = 2000;

/**
 * Checks a webhook or WordPress URL's syntax; returns a sentence for an inline error, or null when it is
 * fine. https is required; http is allowed only for localhost and 127.0.0.1, for local receivers and
 * tests. Where the URL may connect to is the network guard's decision, when it connects.
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
export type SlackChannelConfig = z.infer<typeof slackChannelDestinationSchema>;

export const webhookDestinationSchema = z.object({
  kind: z.literal('webhook'),
  url: destinationUrlSchema,
});
export type WebhookConfig = z.infer<typeof webhookDestinationSchema>;

/** A WordPress site's address: nothing after `?` or `#`, which would move the API path out of the request. */
const wordpressSiteUrlSchema = destinationUrlSchema.refine(
  (value) => !/[?#]/.test(value),
  "Enter the site's address without anything from ? or # on, such as https://blog.example.com.",
);

export const wordpressDestinationSchema = z.object({
  kind: z.literal('wordpress'),
  siteUrl: wordpressSiteUrlSchema,
  username: z.string().trim().min(1, 'Enter the WordPress user name.').max(60, 'A WordPress user name has at most 60 characters.'),
  status: z.enum(['draft', 'publish']),
});
export type WordpressConfig = z.infer<typeof wordpressDestinationSchema>;

/** An X account connected in the App Home: the thread variant is posted as a thread. */
export const xThreadDestinationSchema = z.object({
  kind: z.literal('x_thread'),
  accountId: z.uuid('Connect the X account again in the App Home.'),
});
export type XThreadConfig = z.infer<typeof xThreadDestinationSchema>;

/** A LinkedIn member connected in the App Home: the LinkedIn variant is posted as them. */
export const linkedinDestinationSchema = z.object({
  kind: z.literal('linkedin'),
  accountId: z.uuid('Connect the LinkedIn account again in the App Home.'),
});
export type LinkedinConfig = z.infer<typeof linkedinDestinationSchema>;

/**
 * A Mailchimp data center ("us21"): the part of the API key after the dash, and the first label of the
 * API host. Checked here because Mailchimp's own client builds the host by replacing the word "server"
 * with it, so anything else would send the key to another host.
 */
export const MAILCHIMP_SERVER_PREFIX = /^[a-z]+\d+$/;

const emailSchema = (what: string) => z.string().trim().pipe(z.email(`Enter ${what} as an email address, such as news@example.com.`));

/** A Mailchimp audience: the newsletter variant becomes a campaign to it, scheduled, sent, or kept as a draft. */
export const mailchimpDestinationSchema = z.object({
  kind: z.literal('mailchimp'),
  serverPrefix: z
    .string()
    .trim()
    .toLowerCase()
    .regex(MAILCHIMP_SERVER_PREFIX, 'Enter the server prefix: the letters and digits after the dash at the end of the API key, such as us21.'),
  listId: z
    .string()
    .trim()
    .regex(/^[a-z0-9]{4,20}$/i, "Enter the audience ID from Mailchimp's Audience → Settings → Audience name and defaults, such as a1b2c3d4e5."),
  fromName: z.string().trim().min(1, 'Enter the name the email comes from.').max(100, 'Keep the from name to 100 characters.'),
  replyTo: emailSchema('the reply-to address'),
  testEmail: emailSchema('the address Test sends to'),
  delivery: z.enum(['schedule', 'send', 'draft']),
});
export type MailchimpConfig = z.infer<typeof mailchimpDestinationSchema>;

/** A Mailchimp API key as Mailchimp shows it: 32 hex digits, a dash, and the server prefix. */
export const mailchimpApiKeySchema = z
  .string()
  .trim()
  .regex(/^[0-9a-f]{32}-[a-z]+\d+$/, 'Paste the API key Mailchimp showed: 32 letters and digits, a dash and the server prefix (…-us21).');

/** A Ghost site through its Admin API, with an Admin API key of a custom integration. */
export const ghostDestinationSchema = z
  .object({
    kind: z.literal('ghost'),
    adminUrl: wordpressSiteUrlSchema.transform((value) => value.replace(/\/+$/, '')),
    mode: z.enum(['draft', 'publish', 'publish_and_email']),
    /** The newsletter's slug; emailing is possible only when it is set. */
    newsletter: z
      .string()
      .trim()
      .regex(/^([a-z0-9-]{1,191})?$/, "Enter the newsletter's slug as Ghost shows it (Settings → Newsletters), such as default-newsletter, or leave it empty."),
  })
  .superRefine((config, context) => {
    if (config.mode === 'publish_and_email' && config.newsletter === '') {
      context.addIssue({ code: 'custom', path: ['newsletter'], message: 'Enter the newsletter to email, or choose to publish without emailing.' });
    }
  });
export type GhostConfig = z.infer<typeof ghostDestinationSchema>;

/** A Ghost Admin API key: a 24-hex id, a colon and a 64-hex secret. */
export const ghostAdminKeySchema = z
  .string()
  .trim()
  .regex(/^[0-9a-f]{24}:[0-9a-f]{64}$/, 'Paste the Admin API key of a Ghost custom integration: 24 hex digits, a colon and 64 hex digits.');

export const destinationConfigSchema = z.discriminatedUnion('kind', [
  slackChannelDestinationSchema,
  webhookDestinationSchema,
  wordpressDestinationSchema,
  mailchimpDestinationSchema,
  ghostDestinationSchema,
  xThreadDestinationSchema,
  linkedinDestinationSchema,
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
