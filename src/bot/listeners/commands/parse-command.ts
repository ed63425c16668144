export type ContentCommand =
  | { kind: 'new'; topic: string | undefined }
  | { kind: 'list' }
  | { kind: 'status'; number: string }
  | { kind: 'help'; unknown?: string };

/** Reads the text after /content. */
export function parseContentCommand(text: string): ContentCommand {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'new', topic: undefined };
  const [word = '', ...rest] = trimmed.split(/\s+/);
  const argument = rest.join(' ').trim();
  switch (word.toLowerCase()) {
    case 'new':
      return { kind: 'new', topic: argument || undefined };
    case 'list':
      return { kind: 'list' };
    case 'status':
      return { kind: 'status', number: argument.replace(/^#/, '') };
    case 'help':
      return { kind: 'help' };
    default:
      return { kind: 'help', unknown: word };
  }
}
