/**
 * What the reviewer learns about a post's grounding: the claim check, the repairs code made to the
 * model's answers, and a warning when the post was written without research. Pure builders for the
 * root message's summary line and the quality part of the SEO reply.
 */
import type { KnownBlock } from '@slack/types';
import type { Repair } from '../../../orchestrator/citations.ts';
import type { ClaimCheck } from '../../../orchestrator/claims.ts';
import { escapeMrkdwn, formatNumber, section, SECTION_TEXT_LIMIT, truncate } from '../format.ts';

export type QualityView = {
  /** Null for a version made before claim checks existed. */
  claims: ClaimCheck | null;
  /** The post's repairs, then the variants'. */
  repairs: readonly Repair[];
  /** Set when research was skipped or found no sources: why. */
  withoutResearch: string | null;
};

const plural = (count: number, one: string, many = `${one}s`) => `${formatNumber(count)} ${count === 1 ? one : many}`;

const REPAIR_LABELS: Record<Repair['kind'], (count: number) => string> = {
  unlinked: (count) => `${plural(count, 'link')} removed (not a source)`,
  dropped_citation: (count) => `${plural(count, 'unknown citation')} dropped`,
  trimmed_title: () => 'title cut to fit',
  trimmed_meta: () => 'meta description cut to fit',
  trimmed_variant: (count) => `${plural(count, 'variant cut', 'variant cuts')} to fit`,
};

/** "2 links removed (not a source) · title cut to fit", in a fixed order; empty when there were none. */
export function summarizeRepairs(repairs: readonly Repair[]): string {
  return (Object.keys(REPAIR_LABELS) as Repair['kind'][])
    .map((kind) => [kind, repairs.filter((repair) => repair.kind === kind).length] as const)
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => REPAIR_LABELS[kind](count))
    .join(' · ');
}

/** A sentence shortened around its figure, so the reviewer sees the claim at a glance. */
function excerpt(sentence: string, figure: string, max = 90): string {
  const text = sentence.replace(/\s+/g, ' ').trim();
  if (text.length <= max) return text;
  const at = Math.max(0, text.indexOf(figure));
  const start = Math.max(0, Math.min(at - Math.floor(max / 2), text.length - max));
  return `${start > 0 ? '…' : ''}${text.slice(start, start + max).trim()}${start + max < text.length ? '…' : ''}`;
}

/**
 * The root message's quality line: "Claims: 12 supported · ⚠️ 1 unsupported ("…73% fewer…") · 1 link
 * removed (not a source)", and a warning line when the post was written without research.
 */
export function buildQualitySummary(view: QualityView): string | null {
  const lines: string[] = [];
  if (view.withoutResearch) lines.push(`⚠️ *Written without research: no sources.* ${escapeMrkdwn(truncate(view.withoutResearch, 200))}`);
  const parts: string[] = [];
  if (view.claims) {
    const { supported, unsupported } = view.claims;
    parts.push(`${plural(supported, 'claim')} supported`);
    const first = unsupported[0];
    if (first) {
      parts.push(`⚠️ ${formatNumber(unsupported.length)} unsupported (“${escapeMrkdwn(excerpt(first.sentence, first.figure, 70))}”)`);
    } else parts.push('0 unsupported');
  }
  const repairs = summarizeRepairs(view.repairs);
  if (repairs) parts.push(repairs);
  if (parts.length > 0) lines.push(`*Claims:* ${parts.join(' · ')}`);
  return lines.length > 0 ? lines.join('\n') : null;
}

/** The quality part of the SEO reply: the claim check with each unsupported sentence quoted, and every repair. */
export function buildQualityBlocks(view: QualityView): KnownBlock[] {
  const lines: string[] = ['*🔍 Claim check* · every figure against the sources its sentence cites'];
  if (view.withoutResearch) lines.push(`⚠️ Written without research: no sources. ${escapeMrkdwn(truncate(view.withoutResearch, 300))}`);
  const claims = view.claims;
  if (!claims) lines.push('_Not checked: this version was made before claim checks._');
  else {
    lines.push(`${claims.unsupported.length === 0 ? '✅' : '⚠️'} ${plural(claims.supported, 'claim')} supported · ${formatNumber(claims.unsupported.length)} unsupported`);
    for (const claim of claims.unsupported.slice(0, 10)) {
      const why = claim.reason === 'uncited' ? 'no citation' : 'not in the cited source';
      lines.push(`• “${escapeMrkdwn(excerpt(claim.sentence, claim.figure, 240))}” · *${escapeMrkdwn(claim.figure)}*: ${why}`);
    }
    if (claims.unsupported.length > 10) lines.push(`• …and ${plural(claims.unsupported.length - 10, 'more')}`);
    if (claims.weak.length > 0) {
      lines.push(`Weak citations (no evidence found in the source): ${claims.weak.map((id) => `[${id}]`).join(', ')}`);
    }
  }
  const blocks: KnownBlock[] = [section(truncate(lines.join('\n'), SECTION_TEXT_LIMIT))];
  if (view.repairs.length > 0) {
    const repairLines = view.repairs.slice(0, 15).map((repair) => `• ${escapeMrkdwn(truncate(repair.detail, 240))}`);
    if (view.repairs.length > 15) repairLines.push(`• …and ${plural(view.repairs.length - 15, 'more')}`);
    blocks.push(section(truncate(`*🛠 Repairs made* · code fixed what the model did not\n${repairLines.join('\n')}`, SECTION_TEXT_LIMIT)));
  }
  return blocks;
}
