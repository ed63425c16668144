import type { KnownBlock, ModalView } from '@slack/types';
import { z } from 'zod';
import type { DestinationKind } from '../../../db/schema.ts';
import {
  applicationPasswordSchema,
  destinationUrlSchema,
  slackChannelDestinationSchema,
  webhookSecretSchema,
  wordpressDestinationSchema,
  type DestinationConfig,
} from '../../../publish/types.ts';
import { context } from '../../blocks/format.ts';
import { SETTINGS_INPUT_ACTION as A, SETTINGS_MODALS } from '../../ids.ts';
import { DESTINATION_KIND_LABELS } from './destinations-modal.ts';
import { inputBlock, option, parseMetadata, readForm, settingsModal, type ParseResult, type SubmittedView } from './form.ts';

const { callbackId, blocks: B } = SETTINGS_MODALS.destinationForm;

export const DESTINATION_NAME_MAX_LENGTH = 80;

export type DestinationFormOptions = {
  kind: DestinationKind;
  /** The destination being edited, as stored (its config holds no secret). */
  existing?: { id: string; name: string; config: Record<string, unknown> };
};

export type DestinationSubmission = {
  /** The destination being edited, or null for a new one. */
  id: string | null;
  kind: DestinationKind;
  name: string;
  /** The non-secret settings, as `destinationConfigSchema` accepts them. */
  config: DestinationConfig;
  /** The signing secret or application password to encrypt and store; null keeps the current one (edits only). */
  secret: string | null;
};

const metadataSchema = z.object({ kind: z.enum(['slack_channel', 'webhook', 'wordpress']), id: z.string().max(64).nullable() });
type DestinationFormMetadata = z.infer<typeof metadataSchema>;

const TITLES: Record<DestinationKind, { add: string; edit: string }> = {
  slack_channel: { add: 'Add a Slack channel', edit: 'Edit Slack channel' },
  webhook: { add: 'Add a webhook', edit: 'Edit webhook' },
  wordpress: { add: 'Add a WordPress site', edit: 'Edit WordPress site' },
};

const NEVER_SHOWN = 'It is stored encrypted and never shown again.';
const KEEP_SECRET = 'Leave empty to keep the current one; secrets are never shown again.';

/** The form for one destination, new (`existing` absent) or edited; pushed on top of the Destinations modal. */
export function buildDestinationFormModal({ kind, existing }: DestinationFormOptions): ModalView {
  const isEdit = existing !== undefined;
  const config = existing?.config ?? {};
  const text = (key: string): string => {
    const value = config[key];
    return typeof value === 'string' ? value : '';
  };
  const textInput = (initial: string, placeholder: string, maxLength?: number) => ({
    type: 'plain_text_input' as const,
    action_id: A,
    placeholder: { type: 'plain_text' as const, text: placeholder },
    ...(maxLength === undefined ? {} : { max_length: maxLength }),
    ...(initial === '' ? {} : { initial_value: initial }),
  });
  const metadata: DestinationFormMetadata = { kind, id: existing?.id ?? null };
  const placeholders: Record<DestinationKind, string> = { slack_channel: '#announcements', webhook: 'CMS webhook', wordpress: 'Company blog' };

  const blocks: KnownBlock[] = [
    inputBlock(B.name, 'Name', textInput(existing?.name ?? '', placeholders[kind], DESTINATION_NAME_MAX_LENGTH), {
      hint: 'How approvers see it when they schedule a plan.',
    }),
  ];
  if (kind === 'slack_channel') {
    const channelId = text('channelId');
    blocks.push(
      inputBlock(
        B.channel,
        'Channel',
        {
          type: 'conversations_select',
          action_id: A,
          filter: { include: ['public', 'private'], exclude_bot_users: true },
          ...(channelId ? { initial_conversation: channelId } : {}),
        },
        { hint: 'The announcement variant is posted there. Invite the app first: /invite @Content Broadcaster.' },
      ),
    );
  }
  if (kind === 'webhook') {
    blocks.push(
      inputBlock(B.url, 'URL', textInput(text('url'), 'https://example.com/hooks/content', 2000), {
        hint: 'https only (http is allowed for localhost). Each delivery is a signed JSON POST.',
      }),
      inputBlock(B.secret, isEdit ? 'New signing secret' : 'Signing secret', textInput('', 'At least 16 characters', 256), {
        optional: isEdit,
        hint: isEdit ? KEEP_SECRET : `The receiver checks each delivery's HMAC-SHA256 signature with it. ${NEVER_SHOWN}`,
      }),
    );
  }
  if (kind === 'wordpress') {
    const draft = option('Save as a draft', 'draft');
    const publish = option('Publish right away', 'publish');
    blocks.push(
      inputBlock(B.siteUrl, 'Site URL', textInput(text('siteUrl'), 'https://blog.example.com', 2000), {
        hint: 'https only (http is allowed for localhost).',
      }),
      inputBlock(B.username, 'WordPress user name', textInput(text('username'), 'content-bot', 60)),
      inputBlock(B.applicationPassword, isEdit ? 'New application password' : 'Application password', textInput('', 'abcd efgh ijkl mnop qrst uvwx', 64), {
        optional: isEdit,
        hint: isEdit ? KEEP_SECRET : `Create one in WordPress under Users → Profile → Application Passwords. ${NEVER_SHOWN}`,
      }),
      inputBlock(B.status, 'Posts are', {
        type: 'radio_buttons',
        action_id: A,
        options: [draft, publish],
        initial_option: text('status') === 'publish' ? publish : draft,
      }),
    );
  }
  blocks.push(context(`${DESTINATION_KIND_LABELS[kind]} · use Test in the list after saving to check that it works.`));
  return settingsModal({
    callbackId,
    title: isEdit ? TITLES[kind].edit : TITLES[kind].add,
    blocks,
    privateMetadata: JSON.stringify(metadata),
  });
}

const nameSchema = z
  .string()
  .transform((name) => name.trim().replace(/\s+/g, ' '))
  .refine((name) => name.length > 0, 'Give the destination a name.')
  .refine((name) => name.length <= DESTINATION_NAME_MAX_LENGTH, {
    error: (issue) => `Keep the name to ${DESTINATION_NAME_MAX_LENGTH} characters: this has ${String(issue.input).trim().length}.`,
  });

/** A secret field: required when creating, optional (empty keeps the current one) when editing. */
function secretSchema<S extends z.ZodType<string, string>>(schema: S, { isEdit, missing }: { isEdit: boolean; missing: string }) {
  return z.string().transform((raw, context) => {
    if (raw.trim() === '') {
      if (isEdit) return null;
      context.addIssue({ code: 'custom', message: missing });
      return z.NEVER;
    }
    const result = schema.safeParse(raw);
    if (result.success) return result.data;
    context.addIssue({ code: 'custom', message: result.error.issues[0]?.message ?? missing });
    return z.NEVER;
  });
}

/** Validates a destination form: name 1–80, URLs with validateDestinationUrl, secrets with the publish schemas. */
export function parseDestinationFormSubmission(view: SubmittedView): ParseResult<DestinationSubmission> {
  const form = readForm(view);
  const metadata = parseMetadata(view.private_metadata, metadataSchema);
  if (metadata === null) {
    form.fail(B.name, 'This form is out of date: close it and open Destinations again from the App Home.');
    return { ok: false, errors: form.errors };
  }
  const { kind, id } = metadata;
  const isEdit = id !== null;
  const name = form.check(B.name, nameSchema, form.text(B.name));

  let config: DestinationConfig | undefined;
  let secret: string | null | undefined = null;
  if (kind === 'slack_channel') {
    const channelId = form.check(B.channel, slackChannelDestinationSchema.shape.channelId, form.conversation(B.channel) ?? '');
    if (channelId !== undefined) config = { kind, channelId };
  } else if (kind === 'webhook') {
    const url = form.check(B.url, destinationUrlSchema, form.text(B.url));
    secret = form.check(
      B.secret,
      secretSchema(webhookSecretSchema, { isEdit, missing: 'Enter a signing secret of at least 16 characters; the receiver needs the same one.' }),
      form.text(B.secret),
    );
    if (url !== undefined) config = { kind, url };
  } else {
    const siteUrl = form.check(B.siteUrl, destinationUrlSchema, form.text(B.siteUrl));
    const username = form.check(B.username, wordpressDestinationSchema.shape.username, form.text(B.username));
    const status = form.check(B.status, wordpressDestinationSchema.shape.status.catch('draft'), form.option(B.status));
    secret = form.check(
      B.applicationPassword,
      secretSchema(applicationPasswordSchema, { isEdit, missing: 'Paste the application password WordPress showed you.' }),
      form.text(B.applicationPassword),
    );
    if (siteUrl !== undefined && username !== undefined && status !== undefined) config = { kind, siteUrl, username, status };
  }
  return form.finish(() => ({ id, kind, name: name ?? '', config: config ?? { kind: 'slack_channel', channelId: '' }, secret: secret ?? null }));
}
