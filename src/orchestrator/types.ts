import type { BrandVoice } from '../db/schema.ts';
import type { ChannelId, VariantChannelId } from '../domain/channels.ts';
import type { ClaimCheck } from './claims.ts';
import type { Repair } from './citations.ts';
import type { EvidenceItem, SourceText, TermCount } from './evidence.ts';
import type { LlmUsage } from './llm.ts';

/** Everything the writing stages know about a plan: the marketer's answers and the workspace settings it was made with. */
export type PlanBrief = {
  topic: string;
  keyphrase: string;
  keywords: string[];
  audience: string | null;
  tone: string | null;
  brief: string | null;
  channels: ChannelId[];
  competitorUrls: string[];
  skipResearch: boolean;
  targetWords: number;
  brandVoice: BrandVoice | null;
  /** Workspace prompt overrides by prompt name; an override replaces the default for its stage. */
  promptOverrides: Record<string, string>;
};

export type ResearchSource = { id: number; url: string; title: string };

export const SEARCH_INTENTS = ['informational', 'commercial', 'transactional', 'navigational'] as const;
export type SearchIntent = (typeof SEARCH_INTENTS)[number];

export const CONTENT_FORMATS = ['guide', 'list', 'comparison', 'how-to', 'review', 'definition', 'case study', 'news', 'other'] as const;
export type ContentFormat = (typeof CONTENT_FORMATS)[number];

export type Research = {
  /** Word counts are the scraped pages' own, counted in code. */
  competitors: { url: string; title: string; angle: string; headings: string[]; wordCount: number }[];
  /** Counted in code from the scraped text (stemmed, case-insensitive), never by the model. */
  keywords: TermCount[];
  gaps: string[];
  questions: string[];
  sources: ResearchSource[];
  intent: SearchIntent | null;
  format: ContentFormat | null;
  /** The median length in words of the scraped pages. */
  medianWordCount: number;
  /** Passages verified verbatim in their source's stored text. */
  evidence: EvidenceItem[];
  quotes: { kept: number; dropped: number };
};

/** Research and the stored text of its sources: what every check and revision reads. */
export type Grounding = { research: Research | null; texts: SourceText[] };

export type ResearchOutcome =
  | { kind: 'skipped'; reason: string; usage: LlmUsage }
  | { kind: 'done'; research: Research; texts: SourceText[]; failures: { url: string; reason: string }[]; usage: LlmUsage };

export type Draft = { title: string; slug: string; metaDescription: string; markdown: string };

export type DraftOutcome = {
  draft: Draft;
  /** Two sentences for the approver, from the draft call; null when the model gave none. */
  takeaway: string | null;
  outline: string[];
  /** Rule breaks left after the last try that code cannot repair (a short meta description). */
  warnings: string[];
  /** What code fixed after the model's one retry. */
  repairs: Repair[];
  claims: ClaimCheck;
  attempts: number;
  usage: LlmUsage;
};

export type RevisionOutcome = {
  draft: Draft;
  instructions: string[];
  repairs: Repair[];
  claims: ClaimCheck;
  attempts: number;
  usage: LlmUsage;
  /** Set when there is no revision to keep (the model returned no body). */
  rejected?: string;
};

export type VariantOutcome = {
  channel: VariantChannelId;
  content: unknown;
  /** Rule breaks left after the last try and the repairs; shown to reviewers. */
  violations: string[];
  /** What code cut to fit the channel after the model's one retry; shown to reviewers. */
  repairs: Repair[];
  attempts: number;
  usage: LlmUsage;
};

export const NO_USAGE: LlmUsage = { inputTokens: 0, outputTokens: 0 };

export function addUsage(a: LlmUsage, b: LlmUsage): LlmUsage {
  return { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens };
}
