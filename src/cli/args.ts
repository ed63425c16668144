import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CHANNELS, type ChannelId } from '../domain/channels.ts';
import { DEFAULT_SETTINGS, workspaceSettingsSchema } from '../domain/settings.ts';
import { findPromptTemplateProblems, isPromptName } from '../orchestrator/prompts/templates.ts';
import type { OptimizeSettings } from '../orchestrator/stages/optimize.ts';
import { toSlug } from '../orchestrator/stages/draft.ts';
import type { PlanBrief } from '../orchestrator/types.ts';

/** Bad arguments: the command prints the message and its usage, and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const DRAFT_USAGE = `Usage: npm run draft -- --topic "…" --keyphrase "…" [options]

Runs the whole pipeline (research, draft, SEO passes, variants) in this process, with no Slack and no database.

Options:
  --topic TEXT          what the post is about (required)
  --keyphrase TEXT      the focus keyphrase (required)
  --keywords LIST       secondary keywords, comma-separated
  --channels LIST       variants to write: linkedin,x_thread,newsletter,slack (default linkedin,x_thread,newsletter)
  --urls URL…           competitor pages to read first (repeat the flag or list them after it)
  --audience TEXT       who the post is for
  --tone TEXT           tone for this piece
  --brief TEXT          the marketer's brief
  --voice FILE          brand voice, YAML or JSON: description, dos, donts, examples
  --settings FILE       YAML or JSON: targetWords, seoThreshold, readabilityThreshold, maxRefinements, promptOverrides
  --out DIR             where to write the files (default ./drafts/<slug>)
  --offline             no keys, no network: recorded pages and a deterministic writer (a demo)
  -h, --help            this help

Environment: OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL, FIRECRAWL_API_KEY, FIRECRAWL_API_URL,
LLM_CONCURRENCY, LLM_TIMEOUT_MS, LLM_MAX_RETRIES, SEO_WORKERS, TOKEN_PRICE_PER_1K (as for the worker).
Exit codes: 0 done; 1 the pipeline failed (the message names the stage); 2 bad arguments.`;

const CHANNEL_ALIASES: Record<string, ChannelId> = { slack: 'slack_announcement', x: 'x_thread', twitter: 'x_thread' };
export const DEFAULT_VARIANT_CHANNELS: ChannelId[] = ['linkedin', 'x_thread', 'newsletter'];

export type DraftArgs = { brief: PlanBrief; settings: OptimizeSettings; outDir: string; isOffline: boolean };

/** A brief as the eval's briefs file and the draft flags give it. */
export const briefInputSchema = z
  .object({
    topic: z.string().trim().min(1),
    keyphrase: z.string().trim().min(1),
    keywords: z.array(z.string()).default([]),
    channels: z.array(z.string()).optional(),
    urls: z.array(z.string()).default([]),
    audience: z.string().nullable().default(null),
    tone: z.string().nullable().default(null),
    brief: z.string().nullable().default(null),
  })
  .strict();
export type BriefInput = z.input<typeof briefInputSchema>;

const settingsFileSchema = workspaceSettingsSchema
  .pick({ targetWords: true, seoThreshold: true, readabilityThreshold: true, maxRefinements: true, promptOverrides: true, brandVoice: true })
  .partial()
  .strict();

const voiceFileSchema = z
  .object({
    description: z.string().default(''),
    dos: z.array(z.string()).default([]),
    donts: z.array(z.string()).default([]),
    examples: z.array(z.string()).default([]),
  })
  .strict();

export type RunSettings = z.infer<typeof settingsFileSchema>;

export function parseDraftArgs(argv: readonly string[]): DraftArgs | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        topic: { type: 'string' },
        keyphrase: { type: 'string' },
        keywords: { type: 'string' },
        channels: { type: 'string' },
        urls: { type: 'string', multiple: true },
        audience: { type: 'string' },
        tone: { type: 'string' },
        brief: { type: 'string' },
        voice: { type: 'string' },
        settings: { type: 'string' },
        out: { type: 'string' },
        offline: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const strayed = positionals.filter((value) => !/^https?:\/\//i.test(value));
  if (strayed.length > 0) throw new UsageError(`Unexpected argument "${strayed[0]}".`);
  if (positionals.length > 0 && !values.urls) throw new UsageError(`Unexpected argument "${positionals[0]}": list competitor pages after --urls.`);
  const settings = values.settings ? readSettingsFile(values.settings) : {};
  const voice = values.voice ? readVoiceFile(values.voice) : (settings.brandVoice ?? null);
  const brief = toBrief(
    {
      topic: values.topic ?? '',
      keyphrase: values.keyphrase ?? '',
      keywords: splitList(values.keywords ?? ''),
      channels: values.channels === undefined ? undefined : splitList(values.channels),
      urls: [...(values.urls ?? []).flatMap(splitList), ...positionals],
      audience: values.audience ?? null,
      tone: values.tone ?? null,
      brief: values.brief ?? null,
    },
    settings,
    voice,
  );
  return {
    brief,
    settings: toOptimizeSettings(settings),
    outDir: values.out ?? `drafts/${toSlug(brief.keyphrase) || 'post'}`,
    isOffline: values.offline,
  };
}

/** A brief from flags or a briefs file, with the settings' target length, voice and prompt overrides. */
export function toBrief(input: BriefInput, settings: RunSettings, voice: PlanBrief['brandVoice']): PlanBrief {
  if (!input.topic?.trim()) throw new UsageError('--topic is required.');
  if (!input.keyphrase?.trim()) throw new UsageError('--keyphrase is required.');
  const parsed = briefInputSchema.parse(input);
  const channels = parseChannels(parsed.channels ?? DEFAULT_VARIANT_CHANNELS);
  for (const url of parsed.urls) {
    if (!URL.canParse(url) || !/^https?:/i.test(url)) throw new UsageError(`--urls: "${url}" is not an http(s) URL.`);
  }
  return {
    topic: parsed.topic,
    keyphrase: parsed.keyphrase,
    keywords: parsed.keywords.map((keyword) => keyword.trim()).filter(Boolean),
    audience: parsed.audience,
    tone: parsed.tone,
    brief: parsed.brief,
    channels,
    competitorUrls: parsed.urls,
    skipResearch: false,
    targetWords: settings.targetWords ?? DEFAULT_SETTINGS.targetWords,
    brandVoice: voice,
    promptOverrides: settings.promptOverrides ?? {},
  };
}

function parseChannels(names: readonly string[]): ChannelId[] {
  const channels: ChannelId[] = ['blog'];
  for (const raw of names) {
    const name = raw.trim().toLowerCase();
    const channel = CHANNEL_ALIASES[name] ?? CHANNELS.find((known) => known === name);
    if (!channel) throw new UsageError(`--channels: "${raw}" is not a channel; use ${[...CHANNELS.filter((c) => c !== 'slack_announcement'), 'slack'].join(', ')}.`);
    if (!channels.includes(channel)) channels.push(channel);
  }
  return channels;
}

export function toOptimizeSettings(settings: RunSettings): OptimizeSettings {
  return {
    seoThreshold: settings.seoThreshold ?? DEFAULT_SETTINGS.seoThreshold,
    readabilityThreshold: settings.readabilityThreshold ?? DEFAULT_SETTINGS.readabilityThreshold,
    maxRefinements: settings.maxRefinements ?? DEFAULT_SETTINGS.maxRefinements,
  };
}

/** Reads a YAML or JSON file (JSON is YAML); a missing or malformed file is a usage error naming the flag. */
export function readDataFile(flag: string, file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${flag}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  try {
    return parseYaml(text);
  } catch (error) {
    throw new UsageError(`${flag}: ${file} is not valid YAML or JSON (${(error as Error).message.split('\n')[0]}).`);
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'the file'}: ${issue.message}`).join('; ');
}

export function readSettingsFile(file: string): RunSettings {
  const parsed = settingsFileSchema.safeParse(readDataFile('--settings', file) ?? {});
  if (!parsed.success) throw new UsageError(`--settings: ${describeIssues(parsed.error)}.`);
  for (const [name, template] of Object.entries(parsed.data.promptOverrides ?? {})) {
    if (!isPromptName(name)) throw new UsageError(`--settings: promptOverrides.${name} is not a prompt; use research, outline, draft, revise or variant.`);
    const problems = findPromptTemplateProblems(name, template);
    if (problems.length > 0) throw new UsageError(`--settings: promptOverrides.${name}: ${problems.join(' ')}`);
  }
  return parsed.data;
}

export function readVoiceFile(file: string): NonNullable<PlanBrief['brandVoice']> {
  const parsed = voiceFileSchema.safeParse(readDataFile('--voice', file) ?? {});
  if (!parsed.success) throw new UsageError(`--voice: ${describeIssues(parsed.error)}.`);
  return parsed.data;
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
