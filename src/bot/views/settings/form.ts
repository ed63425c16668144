/** What the settings modals share: reading `view.state.values`, field schemas and small block builders. */
import type { InputBlock, ModalView, PlainTextOption } from '@slack/types';
import { z } from 'zod';
import { plain } from '../../blocks/format.ts';
import { SETTINGS_INPUT_ACTION } from '../../ids.ts';

/** A parser's answer: the value, or one sentence per block id for `response_action: 'errors'`. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

/** The parts of a submitted view the parsers read (Bolt's `body.view` fits). */
export type SubmittedView = { state?: { values?: unknown } | undefined; private_metadata?: string | undefined };

const optionSchema = z.looseObject({ value: z.string() });

// Only the fields the modals use; anything else Slack sends is kept and ignored.
const stateValueSchema = z.looseObject({
  value: z.string().nullish(),
  selected_option: optionSchema.nullish(),
  selected_options: z.array(optionSchema).nullish(),
  selected_users: z.array(z.string()).nullish(),
  selected_user: z.string().nullish(),
  selected_conversation: z.string().nullish(),
});
type StateValue = z.infer<typeof stateValueSchema>;

const blockStateSchema = z.record(z.string(), z.unknown());

/** Reads one modal's state; every reader returns an empty value for a block that is missing or malformed. */
export function readForm(view: SubmittedView) {
  const blocks = blockStateSchema.safeParse(view.state?.values ?? {});
  const errors: Record<string, string> = {};

  const read = (blockId: string, actionId: string = SETTINGS_INPUT_ACTION): StateValue | undefined => {
    const block = blocks.success ? blocks.data[blockId] : undefined;
    const actions = blockStateSchema.safeParse(block ?? {});
    if (!actions.success) return undefined;
    const value = stateValueSchema.safeParse(actions.data[actionId]);
    return value.success ? value.data : undefined;
  };

  return {
    errors,
    text: (blockId: string): string => read(blockId)?.value ?? '',
    option: (blockId: string, actionId?: string): string | null => read(blockId, actionId)?.selected_option?.value ?? null,
    options: (blockId: string): string[] => (read(blockId)?.selected_options ?? []).map((option) => option.value),
    users: (blockId: string): string[] => read(blockId)?.selected_users ?? [],
    /** One picked person; null when none is picked, undefined when the block is not in the form. */
    user: (blockId: string): string | null | undefined => {
      const value = read(blockId);
      return value === undefined ? undefined : (value.selected_user ?? null);
    },
    conversation: (blockId: string): string | null => read(blockId)?.selected_conversation ?? null,
    /** Validates one field; on failure keeps the first issue's sentence under the block id and returns undefined. */
    check<S extends z.ZodType>(blockId: string, schema: S, input: unknown): z.output<S> | undefined {
      const result = schema.safeParse(input);
      if (result.success) return result.data;
      errors[blockId] ??= result.error.issues[0]?.message ?? 'Check this value.';
      return undefined;
    },
    fail(blockId: string, message: string): void {
      errors[blockId] ??= message;
    },
    /** The value when every field passed, else the errors. */
    finish<T>(build: () => T): ParseResult<T> {
      if (Object.keys(errors).length > 0) return { ok: false, errors };
      return { ok: true, value: build() };
    },
  };
}

/** A whole number in a range, from a number_input's text: "Use a number from 0 to 100." */
export function wholeNumberSchema(min: number, max: number) {
  const range = `from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}`;
  return z
    .string()
    .nullish()
    .transform((raw, context) => {
      const text = (raw ?? '').trim().replace(/,/g, '');
      if (text === '') {
        context.addIssue({ code: 'custom', message: `Enter a number ${range}.` });
        return z.NEVER;
      }
      const value = Number(text);
      if (!/^[+-]?\d+(\.\d+)?$/.test(text) || value < min || value > max) {
        context.addIssue({ code: 'custom', message: `Use a number ${range}.` });
        return z.NEVER;
      }
      if (!Number.isInteger(value)) {
        context.addIssue({ code: 'custom', message: `Use a whole number ${range}.` });
        return z.NEVER;
      }
      return value;
    });
}

/** Optional text: trimmed, null when empty, at most `max` characters. */
export function optionalTextSchema(max: number, what: string) {
  return z
    .string()
    .transform((text) => text.trim())
    .refine((text) => text.length <= max, {
      error: (issue) => `Keep ${what} to ${max.toLocaleString('en-US')} characters: this has ${String(issue.input).trim().length.toLocaleString('en-US')}.`,
    })
    .transform((text) => (text === '' ? null : text));
}

/** One rule a line, list markers removed, blank lines skipped: at most `maxLines` of `maxLength` each. */
export function linesSchema({ maxLines, maxLength }: { maxLines: number; maxLength: number }) {
  return z.string().transform((text, context) => {
    const lines = text
      .split('\n')
      .map((line) => line.replace(/^\s*(?:[-*•]|\d+[.)])\s+/, '').trim())
      .filter((line) => line !== '');
    if (lines.length > maxLines) {
      context.addIssue({ code: 'custom', message: `Use at most ${maxLines} rules, one per line: this has ${lines.length}.` });
      return z.NEVER;
    }
    const long = lines.findIndex((line) => line.length > maxLength);
    if (long >= 0) {
      context.addIssue({ code: 'custom', message: `Keep each rule to ${maxLength} characters: rule ${long + 1} has ${lines[long]?.length ?? 0}.` });
      return z.NEVER;
    }
    return lines;
  });
}

/** Parses JSON private_metadata with a schema; null when it is missing or not what the builder wrote. */
export function parseMetadata<S extends z.ZodType>(raw: string | undefined, schema: S): z.output<S> | null {
  try {
    const result = schema.safeParse(JSON.parse(raw ?? ''));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

export function inputBlock(
  blockId: string,
  label: string,
  element: InputBlock['element'],
  { optional = false, hint, dispatchAction = false }: { optional?: boolean; hint?: string; dispatchAction?: boolean } = {},
): InputBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label),
    element,
    ...(optional ? { optional: true } : {}),
    ...(hint ? { hint: plain(hint) } : {}),
    ...(dispatchAction ? { dispatch_action: true } : {}),
  };
}

export function option(label: string, value: string): PlainTextOption {
  return { text: plain(label), value };
}

/** A settings modal: title (≤ 24 characters), Save and Cancel. */
export function settingsModal({
  callbackId,
  title,
  blocks,
  privateMetadata,
  submit = 'Save',
}: {
  callbackId: string;
  title: string;
  blocks: ModalView['blocks'];
  privateMetadata?: string;
  submit?: string | null;
}): ModalView {
  return {
    type: 'modal',
    callback_id: callbackId,
    title: plain(title.slice(0, 24)),
    ...(submit === null ? { close: plain('Done') } : { submit: plain(submit), close: plain('Cancel') }),
    ...(privateMetadata === undefined ? {} : { private_metadata: privateMetadata }),
    blocks,
  };
}
