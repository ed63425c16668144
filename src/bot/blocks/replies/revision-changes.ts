/** The "What changed" reply of a revision: what its scope redid, measured against the version reviewers read. */
import { CHANNEL_LABELS } from '../../../domain/channels.ts';
import type { ChangeScope } from '../../../domain/plan-states.ts';
import type { BeforeAfter, RevisionDiff, WordChange } from '../../../orchestrator/revision-diff.ts';
import { context, escapeMrkdwn, formatNumber, joinLinesWithin, pluralize, section, truncate } from '../format.ts';
import { type ThreadReply, oneLine } from './layout.ts';

export type RevisionChangesView = {
  /** The plan's revision, counted from 0 (shown from 1). */
  revision: number;
  scope: ChangeScope;
  request: { userId: string; feedback: string } | null;
} & ({ kind: 'post'; diff: RevisionDiff } | { kind: 'variant'; words: WordChange });

/** Up to this many claim sentences are quoted each way; the rest are counted. */
const QUOTED_CLAIMS = 5;

export function buildRevisionChangesReply(view: RevisionChangesView): ThreadReply {
  const shown = view.revision + 1;
  const head = `*🔁 What changed in revision ${shown}* · ${describeScope(view.scope)}`;
  const requested = view.request
    ? context(`Asked by <@${view.request.userId}>: “${escapeMrkdwn(truncate(oneLine(view.request.feedback), 300))}”`)
    : null;
  const lines = view.kind === 'post' ? describePostChanges(view.diff) : describeVariantChanges(view.scope, view.words);
  const body = joinLinesWithin(lines, { head: `${head}\n`, more: (hidden) => `_${pluralize(hidden, 'more line')} not shown_` });
  return {
    text: `What changed in revision ${shown}: ${view.kind === 'post' ? summarizePost(view.diff) : summarizeWords(view.words)}`,
    blocks: requested ? [section(body), requested] : [section(body)],
  };
}

function describeScope(scope: ChangeScope): string {
  switch (scope.kind) {
    case 'plan':
      return 'the whole plan';
    case 'blog':
      return 'the blog post (outline kept)';
    case 'variant':
      return `the ${CHANNEL_LABELS[scope.channel]} variant only`;
  }
}

function describePostChanges(diff: RevisionDiff): string[] {
  const { sections, claims } = diff;
  const lines = [
    `• *Sections:* ${[
      `${sections.changed.length} changed${listNames(sections.changed)}`,
      `${sections.added.length} added${listNames(sections.added)}`,
      `${sections.removed.length} removed${listNames(sections.removed)}`,
      `${sections.unchanged} unchanged`,
    ].join(' · ')}`,
    `• ${summarizeWords(diff.words)}`,
    `• *Scores:* SEO ${beforeAfter(diff.seo)} · Readability ${beforeAfter(diff.readability)}`,
    `• *Claims:* ${claims.added.length} added · ${claims.removed.length} removed · supported ${beforeAfter(claims.supported)} · unsupported ${beforeAfter(claims.unsupported)}`,
    ...quoteClaims('+', claims.added),
    ...quoteClaims('−', claims.removed),
  ];
  const retitled = [diff.isTitleChanged ? 'title' : null, diff.isMetaDescriptionChanged ? 'meta description' : null].filter(Boolean);
  if (retitled.length > 0) lines.push(`• New ${retitled.join(' and ')}`);
  return lines;
}

function describeVariantChanges(scope: ChangeScope, words: WordChange): string[] {
  const label = scope.kind === 'variant' ? CHANNEL_LABELS[scope.channel] : 'Variant';
  return [`• *${label}:* ${summarizeWords(words)}`, '• The blog post and the other variants are unchanged.'];
}

function summarizePost(diff: RevisionDiff): string {
  const touched = diff.sections.changed.length + diff.sections.added.length + diff.sections.removed.length;
  return `${pluralize(touched, 'section')} changed, ${summarizeWords(diff.words)}, SEO ${beforeAfter(diff.seo)}`;
}

function summarizeWords(words: WordChange): string {
  return `+${formatNumber(words.added)} / −${formatNumber(words.removed)} words (${formatNumber(words.before)} → ${formatNumber(words.after)})`;
}

function beforeAfter({ before, after }: BeforeAfter): string {
  return `${before ?? '–'} → ${after ?? '–'}`;
}

function listNames(names: readonly string[]): string {
  if (names.length === 0) return '';
  const shown = names.slice(0, 4).map((name) => escapeMrkdwn(truncate(oneLine(name), 60)));
  return ` (${shown.join(', ')}${names.length > shown.length ? `, +${names.length - shown.length}` : ''})`;
}

function quoteClaims(sign: '+' | '−', claims: readonly string[]): string[] {
  const quoted = claims.slice(0, QUOTED_CLAIMS).map((claim) => `    ${sign} “${escapeMrkdwn(truncate(oneLine(claim), 200))}”`);
  if (claims.length > QUOTED_CLAIMS) quoted.push(`    ${sign} _and ${claims.length - QUOTED_CLAIMS} more_`);
  return quoted;
}
