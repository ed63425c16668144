import type { WebClient } from '@slack/web-api';
import type { z } from 'zod';
import type { DestinationKind } from '../../domain/destinations.ts';
import type { DestinationNetworkPolicy } from '../network-guard.ts';
import type { DeliveryResult, DestinationCheck, PublishContent } from '../types.ts';

/** One input of a destination's settings form; `name` is its key in the stored config. */
export type DestinationFormField =
  | { type: 'text'; name: string; blockId: string; label: string; placeholder: string; maxLength: number; hint?: string; optional?: boolean }
  | { type: 'channel'; name: string; blockId: string; label: string; hint?: string }
  | { type: 'radio'; name: string; blockId: string; label: string; options: readonly { label: string; value: string }[]; initial: string };

/** The secret a kind needs (signing secret, password): typed once, stored encrypted, never shown again. */
export type DestinationSecretField = {
  blockId: string;
  label: string;
  /** The label when editing, where an empty field keeps the stored secret. */
  editLabel: string;
  placeholder: string;
  maxLength: number;
  hint: string;
  /** Validates and normalises what was typed. */
  schema: z.ZodType<string, string>;
  /** Said when it is left empty on a new destination. */
  missing: string;
  /**
   * Who the secret is for, from the config (origin, user name). When an edit changes it, the stored
   * secret must be typed again, so a secret never follows its destination to another host.
   */
  scope(config: unknown): string;
};

/** What every call gets: the destination's parsed config and decrypted secret ('' when it has none). */
export type DestinationCallContext<C> = {
  config: C;
  secret: string;
  /** The workspace's Slack client, for kinds that post to Slack. */
  slack: WebClient;
  timeoutMs: number;
  /** Where HTTP calls to admin-supplied URLs may connect. */
  network: DestinationNetworkPolicy;
};

export type PublishCallContext<C> = DestinationCallContext<C> & {
  content: PublishContent;
  /** Stable across every try of one attempt. */
  idempotencyKey: string;
  /** The published post's URL when another destination made one (announcements link to it). */
  link?: string;
  /** When this destination was scheduled to publish (its job runs then); absent for a plan published right away. */
  scheduledAt?: Date;
  /** When the attempt was first claimed: the earliest a previous try can have published. */
  attemptStartedAt: Date;
  /** The destination's id for what an earlier try delivered, when it was recorded (a Slack `<channel>:<ts>`). */
  recordedExternalId?: string;
};

/**
 * What reconciling an ambiguous try found: it arrived (`found`), it did not (`absent`: publish again),
 * or it cannot be told (`unknown`: publish again, and say that a duplicate is possible).
 */
export type Reconciliation = { outcome: 'found'; result: DeliveryResult } | { outcome: 'absent' } | { outcome: 'unknown'; why: string };

/**
 * One destination kind: everything the app needs to configure, test and publish to it. Adding a kind
 * is one adapter file, its test, and one line in the registry.
 */
export type DestinationAdapter<C extends { kind: string } = { kind: string }> = {
  kind: DestinationKind;
  /** "Webhook": the list and the form. */
  label: string;
  /** "webhook": after a destination's name in the schedule modal ("CMS (webhook)"). */
  shortLabel: string;
  /** "Add a webhook": the button, and the form's title when adding. */
  addLabel: string;
  /** "Edit webhook": the form's title when editing (at most 24 characters). */
  editTitle: string;
  namePlaceholder: string;
  /** The stored, non-secret settings; rows are parsed with it, never cast. */
  configSchema: z.ZodType<C>;
  fields: readonly DestinationFormField[];
  secret?: DestinationSecretField;
  /**
   * Set for kinds that post as an account an admin connects in the App Home (X, LinkedIn): such a
   * destination is made by connecting the account, so the Destinations modal offers no Add button.
   */
  connectedAccount?: 'x' | 'linkedin';
  /** Published first: its delivered URL is "the post" that announcements link to. */
  makesPostLink?: boolean;
  /** What identifies it to a person in the list: a URL or a channel mention, never the secret. */
  summary(config: C): string;
  /** The App Home's Test button. */
  test(context: DestinationCallContext<C>): Promise<DestinationCheck>;
  publish(context: PublishCallContext<C>): Promise<DeliveryResult>;
  /**
   * Called before publishing again after an ambiguous outcome (`unknown`, or a crash while sending),
   * with the same idempotency key: did the earlier try arrive?
   */
  reconcile(context: PublishCallContext<C>): Promise<Reconciliation>;
};

/** Keeps an adapter's config type while letting the registry hold every kind. */
export function defineDestinationAdapter<C extends { kind: string }>(adapter: DestinationAdapter<C>): DestinationAdapter<C> {
  return adapter;
}
