/** The draft reply: the post itself, or its opening and a Markdown file when it does not fit. */
import type { KnownBlock } from '@slack/types';
import type { Draft, ResearchSource } from '../../../orchestrator/types.ts';
import { context, countCharacters, cutText, escapeMrkdwn, formatNumber, jsonLength, MARKDOWN_MESSAGE_LIMIT, MESSAGE_BLOCKS_JSON_LIMIT, pluralize, section, SECTION_TEXT_LIMIT, truncate } from '../format.ts';
import { showMarkdownLinkTargets } from '../model-mrkdwn.ts';
import { type ThreadReply, type ListPart, withParts, sourceLine, markdownBlock, closeOpenFence, oneLine } from './layout.ts';

/** The draft as a message, or, when the post does not fit in one, a short message and a file to upload with it. */
export type DraftReply =
  | ({ kind: 'message' } & ThreadReply)
  | ({ kind: 'file'; file: { filename: string; content: string } } & ThreadReply);

/**
 * The draft reply: title, slug, meta description, the post in a `markdown` block and its sources.
 * A post that does not fit in one message comes back as a file (`kind: 'file'`) for the caller to
 * upload in the thread, with its opening and the sources in the message.
 */
export function buildDraftReply({
  draft,
  wordCount,
  sources,
  version,
}: {
  draft: Draft;
  wordCount: number;
  sources: ResearchSource[];
  version?: string;
}): DraftReply {
  const title = oneLine(draft.title);
  const metaLength = countCharacters(draft.metaDescription);
  const facts = [`Slug \`${escapeMrkdwn(truncate(draft.slug.replace(/`/g, "'"), 200))}\``, `${formatNumber(wordCount)} words`];
  if (version) facts.push(escapeMrkdwn(truncate(oneLine(version), 100)));
  const head: KnownBlock[] = [
    section(`*📄 ${escapeMrkdwn(truncate(title, 300))}*`),
    context(facts.join(' · ')),
    section(`*Meta description* · ${pluralize(metaLength, 'character')}\n${escapeMrkdwn(truncate(oneLine(draft.metaDescription), 1000))}`),
  ];
  // The reviewer sees where each link leads; citations of the sources are the app's own.
  const post = showMarkdownLinkTargets(draft.markdown.trim(), { trustedUrls: sources.map((source) => source.url) });
  const sourcesText = sources.length === 0 ? null : `*Sources*\n${sources.map(sourceLine).join('\n')}`;
  const text = `Draft: ${escapeMrkdwn(title)} · ${formatNumber(wordCount)} words`;

  const message: KnownBlock[] = [
    ...head,
    post === '' ? section('_The draft is empty._') : markdownBlock(post),
    ...(sourcesText ? [section(sourcesText)] : []),
  ];
  const fits =
    post.length <= MARKDOWN_MESSAGE_LIMIT &&
    (sourcesText?.length ?? 0) <= SECTION_TEXT_LIMIT &&
    jsonLength(message) <= MESSAGE_BLOCKS_JSON_LIMIT;
  if (fits) return { kind: 'message', text, blocks: message };

  const filename = `${fileSlug(draft.slug)}.md`;
  const opening = cutText(post, { maxLength: 1500 });
  const isCut = opening.length < post.length;
  const size = pluralize(countCharacters(post), 'character');
  const notice = section(
    `📎 The full draft (${size}) is attached as \`${filename}\`: it is too long for one Slack message.${isCut ? ' It opens:' : ''}`,
  );
  const fixed: KnownBlock[] = [...head, notice];
  if (post !== '') fixed.push(markdownBlock(isCut ? `${closeOpenFence(opening)}\n\n…` : post));
  const sourcesPart: ListPart[] =
    sources.length === 0
      ? []
      : [{ head: '*Sources*\n', lines: sources.map(sourceLine), more: (hidden) => `…and ${pluralize(hidden, 'more source')} (all in the file)` }];
  return {
    kind: 'file',
    text: `${text} · attached as ${filename}`,
    blocks: withParts(fixed, sourcesPart),
    file: { filename, content: draftFile(draft, sources) },
  };
}

/** The whole draft as a Markdown file: front matter for a CMS, the post, then its sources. */
function draftFile(draft: Draft, sources: ResearchSource[]): string {
  // JSON strings are valid YAML double-quoted scalars, so any title survives.
  const frontMatter = [
    '---',
    `title: ${JSON.stringify(draft.title)}`,
    `slug: ${JSON.stringify(draft.slug)}`,
    `description: ${JSON.stringify(draft.metaDescription)}`,
    '---',
  ];
  const parts = [frontMatter.join('\n'), draft.markdown.trim()];
  if (sources.length > 0) parts.push(`## Sources\n\n${sources.map(markdownSourceLine).join('\n')}`);
  return `${parts.join('\n\n')}\n`;
}

/**
 * The draft as a canvas: the title, the meta description, the post and its numbered sources.
 * Canvas mentions (`![](@U…)`, `![](#C…)`) in the model's text are shown as text, so the canvas notifies nobody.
 */
export function buildDraftCanvas({ draft, sources, version }: { draft: Draft; sources: readonly ResearchSource[]; version?: string }): {
  title: string;
  markdown: string;
} {
  const defuse = (text: string) => text.replace(/!\[([^\]]*)\]\(([@#])/g, '!\\[$1\\]($2');
  const parts = [
    `# ${oneLine(draft.title)}`,
    `> ${oneLine(draft.metaDescription)}`,
    `*Slug:* \`${draft.slug.replace(/`/g, "'")}\`${version ? ` · ${oneLine(version)}` : ''}`,
    defuse(draft.markdown.trim()),
  ];
  if (sources.length > 0) {
    parts.push(`## Sources\n\n${sources.map((source) => markdownSourceLine(source).replace(/\(<([^>]*)>\)$/, '($1)')).join('\n')}`);
  }
  return { title: truncate(`Draft: ${oneLine(draft.title)}`, 250), markdown: `${parts.join('\n\n')}\n` };
}

function markdownSourceLine(source: ResearchSource): string {
  const label = (oneLine(source.title) || source.url).replace(/([\\[\]])/g, '\\$1');
  let href: string | null = null;
  try {
    href = new URL(source.url).href;
  } catch {
    href = null;
  }
  // `\[1\]` so the number is not read as a link reference.
  return href ? `- \\[${source.id}\\] [${label}](<${href}>)` : `- \\[${source.id}\\] ${label}`;
}

/** A file name from the slug: lowercase letters, digits and dashes only. */
function fileSlug(slug: string): string {
  const safe = slug
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 100);
  return safe || 'draft';
}
