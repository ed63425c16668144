import type { BrandVoice } from '../db/schema.ts';
import type { ChannelId, VariantChannelId } from '../domain/channels.ts';
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

export type Research = {
  competitors: { url: string; title: string; angle: string; headings: string[]; wordCount: number }[];
  keywords: { term: string; frequency: number; competitorCount: number }[];
  gaps: string[];
  questions: string[];
  sources: ResearchSource[];
};

export type ResearchOutcome =
  | { kind: 'skipped'; reason: string; usage: LlmUsage }
  | { kind: 'done'; research: Research; failures: { url: string; reason: string }[]; usage: LlmUsage };

export type Draft = { title: string; slug: string; metaDescription: string; markdown: string };

export type DraftOutcome = {
  draft: Draft;
  outline: string[];
  /** Rule breaks left after the last try that are not fatal (title or meta description length). */
  warnings: string[];
  attempts: number;
  usage: LlmUsage;
};

export type RevisionOutcome = { draft: Draft; instructions: string[]; attempts: number; usage: LlmUsage };

export type VariantOutcome = {
  channel: VariantChannelId;
  content: unknown;
  /** Rule breaks left after the last try; shown to reviewers, never silently cut. */
  violations: string[];
  attempts: number;
  usage: LlmUsage;
};

export const NO_USAGE: LlmUsage = { inputTokens: 0, outputTokens: 0 };

export function addUsage(a: LlmUsage, b: LlmUsage): LlmUsage {
  return { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens };
}
