/**
 * Slack's Block Kit limits as a pure validator, so the fake Slack API (and
 * builder tests) refuse what Slack would refuse. Each violation reads like
 * Slack's own `invalid_blocks` / `invalid_arguments` messages:
 * `must be less than 3001 characters [json-pointer:/blocks/0/text/text]`.
 *
 * Lengths are counted in UTF-16 code units (`String.length`), which is at
 * least Slack's count, so a block that passes here is not too long there.
 */

export type BlockKitSurface = 'message' | 'modal' | 'home';

export const BLOCK_KIT_LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  blockId: 255,
  actionId: 255,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  inputLabel: 2000,
  inputHint: 2000,
  optionText: 75,
  optionDescription: 75,
  optionValue: 150,
  optionGroupLabel: 75,
  actionsElements: 25,
  contextElements: 10,
  /** All `markdown` blocks of one message together. */
  markdownText: 12_000,
  viewTitle: 24,
  viewSubmit: 24,
  viewClose: 24,
  privateMetadata: 3000,
  callbackId: 255,
  externalId: 255,
  /** `JSON.stringify(blocks).length` above which messages fail with `msg_blocks_too_long` (reported, not documented). */
  messageBlocksJson: 13_000,
} as const;

/** How many options each kind of menu takes. */
const MAX_OPTIONS: Readonly<Record<string, number>> = {
  static_select: 100,
  multi_static_select: 100,
  overflow: 5,
  checkboxes: 10,
  radio_buttons: 10,
};

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function at(pointer: string): string {
  return ` [json-pointer:${pointer}]`;
}

function tooLong(max: number, pointer: string): string {
  return `must be less than ${max + 1} characters${at(pointer)}`;
}

function tooMany(max: number, pointer: string): string {
  return `no more than ${max} items allowed${at(pointer)}`;
}

/** Checks a string field: present strings longer than `max` and, if `required`, empty ones. */
function checkString(
  out: string[],
  value: unknown,
  max: number,
  pointer: string,
  { required = false }: { required?: boolean } = {},
): void {
  if (value === undefined || value === null) {
    if (required) out.push(`missing required field${at(pointer)}`);
    return;
  }
  if (typeof value !== 'string') {
    out.push(`expected string, got ${Array.isArray(value) ? 'array' : typeof value}${at(pointer)}`);
    return;
  }
  if (required && value.length === 0) out.push(`must be more than 0 characters${at(pointer)}`);
  if (value.length > max) out.push(tooLong(max, pointer));
}

/** Checks a text object's `text` (`{ type, text }`). */
function checkTextObject(
  out: string[],
  value: unknown,
  max: number,
  pointer: string,
  { required = false }: { required?: boolean } = {},
): void {
  if (value === undefined || value === null) {
    if (required) out.push(`missing required field${at(pointer)}`);
    return;
  }
  if (!isObject(value)) {
    out.push(`expected object${at(pointer)}`);
    return;
  }
  checkString(out, value.text, max, `${pointer}/text`, { required: true });
}

function checkOption(out: string[], option: unknown, pointer: string): void {
  if (!isObject(option)) {
    out.push(`expected object${at(pointer)}`);
    return;
  }
  checkTextObject(out, option.text, BLOCK_KIT_LIMITS.optionText, `${pointer}/text`, { required: true });
  checkString(out, option.value, BLOCK_KIT_LIMITS.optionValue, `${pointer}/value`);
  checkTextObject(out, option.description, BLOCK_KIT_LIMITS.optionDescription, `${pointer}/description`);
}

function checkOptions(out: string[], options: unknown, max: number, pointer: string): void {
  if (options === undefined) return;
  if (!Array.isArray(options)) {
    out.push(`expected array${at(pointer)}`);
    return;
  }
  if (options.length > max) out.push(tooMany(max, pointer));
  options.forEach((option, i) => checkOption(out, option, `${pointer}/${i}`));
}

/** An interactive or display element inside a block (accessory, actions element, input element). */
function checkElement(out: string[], element: unknown, pointer: string): void {
  if (!isObject(element)) {
    out.push(`expected object${at(pointer)}`);
    return;
  }
  if (typeof element.type !== 'string') {
    out.push(`missing required field: type${at(pointer)}`);
    return;
  }
  checkString(out, element.action_id, BLOCK_KIT_LIMITS.actionId, `${pointer}/action_id`);

  if (element.type === 'button') {
    checkTextObject(out, element.text, BLOCK_KIT_LIMITS.buttonText, `${pointer}/text`, { required: true });
    checkString(out, element.value, BLOCK_KIT_LIMITS.buttonValue, `${pointer}/value`);
    checkString(out, element.url, BLOCK_KIT_LIMITS.buttonUrl, `${pointer}/url`);
    return;
  }

  const maxOptions = MAX_OPTIONS[element.type];
  if (maxOptions !== undefined) checkOptions(out, element.options, maxOptions, `${pointer}/options`);
  if (Array.isArray(element.option_groups)) {
    element.option_groups.forEach((group: unknown, g) => {
      const groupPointer = `${pointer}/option_groups/${g}`;
      if (!isObject(group)) {
        out.push(`expected object${at(groupPointer)}`);
        return;
      }
      checkTextObject(out, group.label, BLOCK_KIT_LIMITS.optionGroupLabel, `${groupPointer}/label`, { required: true });
      checkOptions(out, group.options, 100, `${groupPointer}/options`);
    });
  }
}

/** Element action_ids must be unique within one block. */
function checkUniqueActionIds(out: string[], elements: { element: unknown; pointer: string }[]): void {
  const seen = new Set<string>();
  for (const { element, pointer } of elements) {
    if (!isObject(element) || typeof element.action_id !== 'string') continue;
    if (seen.has(element.action_id)) {
      out.push(`duplicate action_id "${element.action_id}" in the same block${at(`${pointer}/action_id`)}`);
    }
    seen.add(element.action_id);
  }
}

function checkBlock(out: string[], block: Json, pointer: string): void {
  switch (block.type) {
    case 'section': {
      const hasText = block.text !== undefined;
      const hasFields = block.fields !== undefined;
      if (!hasText && !hasFields) {
        out.push(`must provide either text or fields${at(pointer)}`);
      }
      checkTextObject(out, block.text, BLOCK_KIT_LIMITS.sectionText, `${pointer}/text`);
      if (hasFields) {
        if (!Array.isArray(block.fields)) {
          out.push(`expected array${at(`${pointer}/fields`)}`);
        } else {
          if (block.fields.length > BLOCK_KIT_LIMITS.sectionFields) {
            out.push(tooMany(BLOCK_KIT_LIMITS.sectionFields, `${pointer}/fields`));
          }
          block.fields.forEach((field: unknown, i) =>
            checkTextObject(out, field, BLOCK_KIT_LIMITS.sectionFieldText, `${pointer}/fields/${i}`, { required: true }),
          );
        }
      }
      if (block.accessory !== undefined) checkElement(out, block.accessory, `${pointer}/accessory`);
      return;
    }
    case 'header':
      checkTextObject(out, block.text, BLOCK_KIT_LIMITS.headerText, `${pointer}/text`, { required: true });
      return;
    case 'actions': {
      if (!Array.isArray(block.elements)) {
        out.push(`expected array${at(`${pointer}/elements`)}`);
        return;
      }
      if (block.elements.length > BLOCK_KIT_LIMITS.actionsElements) {
        out.push(tooMany(BLOCK_KIT_LIMITS.actionsElements, `${pointer}/elements`));
      }
      const elements = block.elements.map((element: unknown, i) => ({ element, pointer: `${pointer}/elements/${i}` }));
      for (const { element, pointer: p } of elements) checkElement(out, element, p);
      checkUniqueActionIds(out, elements);
      return;
    }
    case 'context':
      if (!Array.isArray(block.elements)) {
        out.push(`expected array${at(`${pointer}/elements`)}`);
        return;
      }
      if (block.elements.length > BLOCK_KIT_LIMITS.contextElements) {
        out.push(tooMany(BLOCK_KIT_LIMITS.contextElements, `${pointer}/elements`));
      }
      return;
    case 'input':
      checkTextObject(out, block.label, BLOCK_KIT_LIMITS.inputLabel, `${pointer}/label`, { required: true });
      checkTextObject(out, block.hint, BLOCK_KIT_LIMITS.inputHint, `${pointer}/hint`);
      if (block.element === undefined) out.push(`missing required field: element${at(pointer)}`);
      else checkElement(out, block.element, `${pointer}/element`);
      return;
    case 'markdown':
      // The 12,000 characters are counted over the whole message in findBlockKitViolations.
      checkString(out, block.text, BLOCK_KIT_LIMITS.markdownText, `${pointer}/text`, { required: true });
      return;
    case 'plan':
      checkString(out, block.title, Number.MAX_SAFE_INTEGER, `${pointer}/title`, { required: true });
      if (block.tasks === undefined) return;
      if (!Array.isArray(block.tasks)) {
        out.push(`expected array${at(`${pointer}/tasks`)}`);
        return;
      }
      block.tasks.forEach((task: unknown, i) => checkTaskCard(out, task, `${pointer}/tasks/${i}`));
      return;
    case 'task_card':
      checkTaskCard(out, block, pointer);
      return;
    default:
      // Other block types (divider, image, rich_text, table...) have no limits checked here.
      return;
  }
}

const TASK_STATUSES = ['pending', 'in_progress', 'complete', 'error'];

/** A `task_card`, alone or in a plan's tasks: its id, title and status, rich text details and output, url sources. */
function checkTaskCard(out: string[], task: unknown, pointer: string): void {
  if (!isObject(task)) {
    out.push(`expected object${at(pointer)}`);
    return;
  }
  if (task.type !== 'task_card') out.push(`must be "task_card"${at(`${pointer}/type`)}`);
  checkString(out, task.task_id, Number.MAX_SAFE_INTEGER, `${pointer}/task_id`, { required: true });
  checkString(out, task.title, Number.MAX_SAFE_INTEGER, `${pointer}/title`, { required: true });
  if (task.status !== undefined && !TASK_STATUSES.includes(String(task.status))) {
    out.push(`must be one of ${TASK_STATUSES.map((status) => `"${status}"`).join(', ')}${at(`${pointer}/status`)}`);
  }
  for (const field of ['details', 'output'] as const) {
    const value = task[field];
    if (value === undefined) continue;
    if (!isObject(value) || value.type !== 'rich_text' || !Array.isArray(value.elements)) {
      out.push(`must be a rich_text block${at(`${pointer}/${field}`)}`);
    }
  }
  if (task.sources === undefined) return;
  if (!Array.isArray(task.sources)) {
    out.push(`expected array${at(`${pointer}/sources`)}`);
    return;
  }
  task.sources.forEach((source: unknown, i) => {
    const sourcePointer = `${pointer}/sources/${i}`;
    if (!isObject(source) || source.type !== 'url') {
      out.push(`must be a url source element${at(sourcePointer)}`);
      return;
    }
    checkString(out, source.url, BLOCK_KIT_LIMITS.buttonUrl, `${sourcePointer}/url`, { required: true });
    checkString(out, source.text, Number.MAX_SAFE_INTEGER, `${sourcePointer}/text`, { required: true });
  });
}

/**
 * What Slack would refuse in `blocks` on the given surface; empty when Slack
 * would take them. `pointer` prefixes the json-pointers (`/view/blocks` for views).
 */
export function findBlockKitViolations(blocks: unknown, surface: BlockKitSurface, pointer = '/blocks'): string[] {
  if (!Array.isArray(blocks)) return [`expected array${at(pointer)}`];
  const out: string[] = [];
  const maxBlocks = surface === 'message' ? BLOCK_KIT_LIMITS.messageBlocks : BLOCK_KIT_LIMITS.viewBlocks;
  if (blocks.length > maxBlocks) out.push(tooMany(maxBlocks, pointer));

  const blockIds = new Set<string>();
  const types = new Set(blocks.map((block: unknown) => (isObject(block) ? block.type : undefined)));
  if (types.has('plan') && types.has('task_card')) out.push(`plan and task_card blocks cannot be mixed in one message${at(pointer)}`);
  let markdownTotal = 0;
  let markdownReported = false;
  blocks.forEach((block: unknown, i) => {
    const blockPointer = `${pointer}/${i}`;
    if (!isObject(block)) {
      out.push(`expected object${at(blockPointer)}`);
      return;
    }
    if (typeof block.type !== 'string') {
      out.push(`missing required field: type${at(blockPointer)}`);
      return;
    }
    if (block.block_id !== undefined) {
      checkString(out, block.block_id, BLOCK_KIT_LIMITS.blockId, `${blockPointer}/block_id`);
      if (typeof block.block_id === 'string') {
        if (blockIds.has(block.block_id)) {
          out.push(`duplicate block_id "${block.block_id}"${at(`${blockPointer}/block_id`)}`);
        }
        blockIds.add(block.block_id);
      }
    }
    checkBlock(out, block, blockPointer);
    if (block.type === 'markdown' && typeof block.text === 'string') {
      markdownTotal += block.text.length;
      if (markdownTotal > BLOCK_KIT_LIMITS.markdownText && !markdownReported && block.text.length <= BLOCK_KIT_LIMITS.markdownText) {
        markdownReported = true;
        out.push(
          `markdown blocks must total at most ${BLOCK_KIT_LIMITS.markdownText} characters per message, ` +
            `found ${markdownTotal} by this block${at(`${blockPointer}/text`)}`,
        );
      }
    }
  });
  return out;
}

/** Whether Slack would answer `msg_blocks_too_long` for a message with these blocks. */
export function isMessageBlocksTooLong(blocks: unknown, maxJsonChars: number = BLOCK_KIT_LIMITS.messageBlocksJson): boolean {
  return Array.isArray(blocks) && JSON.stringify(blocks).length > maxJsonChars;
}

/**
 * What Slack would refuse in a view (views.open/update/push/publish): the
 * view's own fields and its blocks, with json-pointers under `/view`.
 */
export function findViewViolations(view: unknown, pointer = '/view'): string[] {
  if (!isObject(view)) return [`expected object${at(pointer)}`];
  const out: string[] = [];
  if (view.type !== 'modal' && view.type !== 'home') {
    out.push(`must be one of "modal", "home"${at(`${pointer}/type`)}`);
    return out;
  }
  const surface: BlockKitSurface = view.type;
  if (surface === 'modal') {
    checkTextObject(out, view.title, BLOCK_KIT_LIMITS.viewTitle, `${pointer}/title`, { required: true });
  } else {
    checkTextObject(out, view.title, BLOCK_KIT_LIMITS.viewTitle, `${pointer}/title`);
  }
  checkTextObject(out, view.submit, BLOCK_KIT_LIMITS.viewSubmit, `${pointer}/submit`);
  checkTextObject(out, view.close, BLOCK_KIT_LIMITS.viewClose, `${pointer}/close`);
  checkString(out, view.private_metadata, BLOCK_KIT_LIMITS.privateMetadata, `${pointer}/private_metadata`);
  checkString(out, view.callback_id, BLOCK_KIT_LIMITS.callbackId, `${pointer}/callback_id`);
  checkString(out, view.external_id, BLOCK_KIT_LIMITS.externalId, `${pointer}/external_id`);
  out.push(...findBlockKitViolations(view.blocks, surface, `${pointer}/blocks`));
  if (surface === 'modal' && view.submit === undefined && Array.isArray(view.blocks)) {
    const inputIndex = view.blocks.findIndex((block: unknown) => isObject(block) && block.type === 'input');
    if (inputIndex >= 0) {
      out.push(`must define \`submit\` to use an \`input\` block in modals${at(`${pointer}/blocks/${inputIndex}`)}`);
    }
  }
  return out;
}
