import type { PublishedSource } from './citations-render.ts';

/** Everything a destination may publish: the approved revision of a plan. */
export type PublishContent = {
  plan: { id: string; number: number; topic: string; revision: number; keyphrase: string; keywords: string[] };
  /** `markdown` and `html` have their citations rendered as numbered links and end with the Sources list. */
  post: { title: string; slug: string; metaDescription: string; markdown: string; html: string };
  /** The sources the post cites, numbered as its links are. */
  sources: PublishedSource[];
  /** Channel variants by channel id (`slack_announcement`, `linkedin`, ...), finished: link filled, X posts numbered. */
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
  /** Refused here, before anything was sent: the URL's syntax, address or port is not allowed. */
  isRefusedBeforeSending?: boolean;
};

/** The outcome of an App Home "Test" button: a sentence either way. */
export type DestinationCheck = { ok: boolean; message: string; status?: number };

export type WordpressDestination = {
  kind: 'wordpress';
  siteUrl: string;
  username: string;
  applicationPassword: string;
  status: 'draft' | 'publish';
};

export {
  applicationPasswordSchema,
  destinationConfigSchema,
  destinationUrlSchema,
  slackChannelDestinationSchema,
  validateDestinationUrl,
  webhookDestinationSchema,
  webhookSecretSchema,
  wordpressDestinationSchema,
  type DestinationConfig,
} from '../domain/destinations.ts';
