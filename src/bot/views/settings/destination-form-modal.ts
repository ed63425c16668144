import type { KnownBlock, ModalView } from '@slack/types';
import { z } from 'zod';
import { destinationKindSchema, type DestinationKind } from '../../../domain/destinations.ts';
import type { DestinationAdapter, DestinationFormField, DestinationSecretField } from '../../../publish/destinations/adapter.ts';
import { builtInDestinations, type DestinationRegistry } from '../../../publish/registry.ts';
import { context } from '../../blocks/format.ts';
import { SETTINGS_INPUT_ACTION as A, SETTINGS_MODALS } from '../../ids.ts';
import { inputBlock, option, parseMetadata, readForm, settingsModal, type ParseResult, type SubmittedView } from './form.ts';

const { callbackId, blocks: B } = SETTINGS_MODALS.destinationForm;

export const DESTINATION_NAME_MAX_LENGTH = 80;

export type DestinationFormOptions = {
  kind: DestinationKind;
  /** The destination being edited, as stored (its config holds no secret). */
  existing?: { id: string; name: string; config: unknown };
  registry?: DestinationRegistry;
};

export type DestinationSubmission = {
  /** The destination being edited, or null for a new one. */
  id: string | null;
  kind: DestinationKind;
  name: string;
  /** The non-secret settings, as the kind's adapter's `configSchema` accepts them. */
  config: { kind: DestinationKind } & Record<string, unknown>;
  /** The signing secret or application password to encrypt and store; null keeps the current one (edits only). */
  secret: string | null;
};

const metadataSchema = z.object({ kind: destinationKindSchema, id: z.string().max(64).nullable() });
type DestinationFormMetadata = z.infer<typeof metadataSchema>;

const NEVER_SHOWN = 'It is stored encrypted and never shown again.';
const KEEP_SECRET = 'Leave empty to keep the current one; secrets are never shown again.';

function textInput(initial: string, placeholder: string, maxLength?: number) {
  return {
    type: 'plain_text_input' as const,
    action_id: A,
    placeholder: { type: 'plain_text' as const, text: placeholder },
    ...(maxLength === undefined ? {} : { max_length: maxLength }),
    ...(initial === '' ? {} : { initial_value: initial }),
  };
}

function fieldBlock(field: DestinationFormField, initial: string): KnownBlock {
  const hint = 'hint' in field && field.hint !== undefined ? { hint: field.hint } : {};
  switch (field.type) {
    case 'text':
      return inputBlock(field.blockId, field.label, textInput(initial, field.placeholder, field.maxLength), { ...hint, ...(field.optional ? { optional: true } : {}) });
    case 'channel':
      return inputBlock(
        field.blockId,
        field.label,
        {
          type: 'conversations_select',
          action_id: A,
          filter: { include: ['public', 'private'], exclude_bot_users: true },
          ...(initial ? { initial_conversation: initial } : {}),
        },
        hint,
      );
    case 'radio': {
      const options = field.options.map((choice) => option(choice.label, choice.value));
      const selected = options.find((choice) => choice.value === initial) ?? options.find((choice) => choice.value === field.initial);
      return inputBlock(field.blockId, field.label, { type: 'radio_buttons', action_id: A, options, ...(selected ? { initial_option: selected } : {}) });
    }
  }
}

function secretBlock(secret: DestinationSecretField, isEdit: boolean): KnownBlock {
  return inputBlock(secret.blockId, isEdit ? secret.editLabel : secret.label, textInput('', secret.placeholder, secret.maxLength), {
    optional: isEdit,
    hint: isEdit ? KEEP_SECRET : `${secret.hint} ${NEVER_SHOWN}`,
  });
}

/** The form for one destination, new (`existing` absent) or edited; pushed on top of the Destinations modal. */
export function buildDestinationFormModal({ kind, existing, registry = builtInDestinations }: DestinationFormOptions): ModalView {
  const adapter = registry.get(kind);
  const isEdit = existing !== undefined;
  const config: Record<string, unknown> = typeof existing?.config === 'object' && existing.config !== null ? { ...existing.config } : {};
  const initial = (name: string): string => {
    const value = config[name];
    return typeof value === 'string' ? value : '';
  };
  const metadata: DestinationFormMetadata = { kind, id: existing?.id ?? null };

  const blocks: KnownBlock[] = [
    inputBlock(B.name, 'Name', textInput(existing?.name ?? '', adapter.namePlaceholder, DESTINATION_NAME_MAX_LENGTH), {
      hint: 'How approvers see it when they schedule a plan.',
    }),
  ];
  // The secret goes right after the field it belongs with (the URL), before choices like a post status.
  const secretAfter = adapter.fields.findLastIndex((field) => field.type === 'text');
  adapter.fields.forEach((field, index) => {
    blocks.push(fieldBlock(field, initial(field.name)));
    if (adapter.secret && index === secretAfter) blocks.push(secretBlock(adapter.secret, isEdit));
  });
  if (adapter.secret && secretAfter < 0) blocks.push(secretBlock(adapter.secret, isEdit));
  blocks.push(context(`${adapter.label} · use Test in the list after saving to check that it works.`));
  return settingsModal({
    callbackId,
    title: isEdit ? adapter.editTitle : adapter.addLabel,
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
function secretSchema(secret: DestinationSecretField, isEdit: boolean) {
  return z.string().transform((raw, context) => {
    if (raw.trim() === '') {
      if (isEdit) return null;
      context.addIssue({ code: 'custom', message: secret.missing });
      return z.NEVER;
    }
    const result = secret.schema.safeParse(raw);
    if (result.success) return result.data;
    context.addIssue({ code: 'custom', message: result.error.issues[0]?.message ?? secret.missing });
    return z.NEVER;
  });
}

/** Reads a destination form with its kind's fields, and validates it with the kind's config schema. */
export function parseDestinationFormSubmission(view: SubmittedView, registry: DestinationRegistry = builtInDestinations): ParseResult<DestinationSubmission> {
  const form = readForm(view);
  const metadata = parseMetadata(view.private_metadata, metadataSchema);
  const adapter = metadata === null ? undefined : registry.find(metadata.kind);
  if (metadata === null || adapter === undefined) {
    form.fail(B.name, 'This form is out of date: close it and open Destinations again from the App Home.');
    return { ok: false, errors: form.errors };
  }
  const { kind, id } = metadata;
  const name = form.check(B.name, nameSchema, form.text(B.name));
  const config = parseConfig(adapter, form);
  const secret = adapter.secret ? form.check(adapter.secret.blockId, secretSchema(adapter.secret, id !== null), form.text(adapter.secret.blockId)) : null;
  return form.finish(() => ({ id, kind, name: name ?? '', config: config ?? { kind }, secret: secret ?? null }));
}

function parseConfig(adapter: DestinationAdapter, form: ReturnType<typeof readForm>): DestinationSubmission['config'] | undefined {
  const raw: Record<string, unknown> = { kind: adapter.kind };
  for (const field of adapter.fields) {
    if (field.type === 'text') raw[field.name] = form.text(field.blockId);
    else if (field.type === 'channel') raw[field.name] = form.conversation(field.blockId) ?? '';
    else raw[field.name] = form.option(field.blockId) ?? field.initial;
  }
  const parsed = adapter.configSchema.safeParse(raw);
  if (parsed.success) return parsed.data as DestinationSubmission['config'];
  for (const issue of parsed.error.issues) {
    const field = adapter.fields.find((candidate) => candidate.name === issue.path[0]) ?? adapter.fields[0];
    form.fail(field?.blockId ?? B.name, issue.message);
  }
  return undefined;
}
