import { createLogUpdate } from 'log-update';
import { CHANNEL_LABELS, type VariantChannelId } from '../domain/channels.ts';
import { STAGES, type PipelineEvent, type StageName } from './pipeline.ts';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const STAGE_LABELS: Record<StageName, string> = { research: 'Research', draft: 'Draft', optimize: 'SEO passes', variants: 'Variants' };

type StageLine = { status: 'waiting' | 'running' | 'done' | 'skipped' | 'failed'; startedAt: number; ms: number; summary: string };

export type Progress = {
  onEvent(event: PipelineEvent): void;
  warn(message: string): void;
  fail(stage: StageName, message: string): void;
  stop(): void;
};

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function formatUsage(usage: { inputTokens: number; outputTokens: number }, costUsd: number, isOffline: boolean): string {
  const tokens = `${usage.inputTokens.toLocaleString('en-US')} tokens in, ${usage.outputTokens.toLocaleString('en-US')} out`;
  return isOffline ? `${tokens} (estimated; offline, no cost)` : `${tokens}, about $${costUsd.toFixed(4)}`;
}

/**
 * Progress on stderr. On a terminal: one line per stage with a spinner and its elapsed time, the
 * optimisation passes and variants under their stage, and tokens and cost so far, redrawn in place
 * (log-update). Otherwise: one plain line per event, for logs and CI.
 */
export function makeProgress({ stream = process.stderr, isOffline, label }: { stream?: NodeJS.WriteStream; isOffline: boolean; label?: string }): Progress {
  const prefix = label ? `[${label}] ` : '';
  if (!stream.isTTY) {
    const line = (text: string) => stream.write(`${prefix}${text}\n`);
    return {
      onEvent(event) {
        if (event.type === 'stage_started') line(`${event.stage}: started`);
        else if (event.type === 'stage_finished') line(`${event.stage}: done in ${seconds(event.ms)}: ${event.summary}`);
        else if (event.type === 'stage_skipped') line(`${event.stage}: skipped: ${event.reason}`);
        else if (event.type === 'pass') line(describePass(event.output));
        else if (event.type === 'variant') line(describeVariant(event.channel, event.violations, event.ms));
        else line(`usage: ${formatUsage(event.usage, event.costUsd, isOffline)}`);
      },
      warn: (message) => line(`warning: ${message}`),
      fail: (stage, message) => line(`${stage}: failed: ${message}`),
      stop: () => {},
    };
  }

  const logUpdate = createLogUpdate(stream);
  const stages = new Map<StageName, StageLine>(STAGES.map((stage) => [stage, { status: 'waiting', startedAt: 0, ms: 0, summary: '' }]));
  const passes: string[] = [];
  const variants: string[] = [];
  const warnings: string[] = [];
  let usageLine = '';
  let frame = 0;
  const render = () => {
    const lines = [...warnings.map((warning) => `⚠ ${warning}`)];
    for (const [stage, state] of stages) {
      const elapsed = state.status === 'running' ? Date.now() - state.startedAt : state.ms;
      const icon = { waiting: '·', running: SPINNER[frame % SPINNER.length], done: '✔', skipped: '↷', failed: '✖' }[state.status];
      const time = state.status === 'waiting' || state.status === 'skipped' ? '' : ` (${seconds(elapsed)})`;
      lines.push(`${icon} ${STAGE_LABELS[stage]}${time}${state.summary ? `: ${state.summary}` : ''}`);
      if (stage === 'optimize') lines.push(...passes.map((pass) => `    ${pass}`));
      if (stage === 'variants') lines.push(...variants.map((variant) => `    ${variant}`));
    }
    if (usageLine) lines.push(`  ${usageLine}`);
    logUpdate(lines.join('\n'));
  };
  const timer = setInterval(() => {
    frame += 1;
    render();
  }, 100);
  return {
    onEvent(event) {
      const state = 'stage' in event ? stages.get(event.stage)! : undefined;
      if (event.type === 'stage_started' && state) Object.assign(state, { status: 'running', startedAt: Date.now() });
      else if (event.type === 'stage_finished' && state) Object.assign(state, { status: 'done', ms: event.ms, summary: event.summary });
      else if (event.type === 'stage_skipped' && state) Object.assign(state, { status: 'skipped', summary: event.reason });
      else if (event.type === 'pass') passes.push(describePass(event.output));
      else if (event.type === 'variant') variants.push(describeVariant(event.channel, event.violations, event.ms));
      else if (event.type === 'usage') usageLine = formatUsage(event.usage, event.costUsd, isOffline);
      render();
    },
    warn(message) {
      warnings.push(message);
      render();
    },
    fail(stage, message) {
      Object.assign(stages.get(stage)!, { status: 'failed', ms: Date.now() - stages.get(stage)!.startedAt, summary: message });
      render();
    },
    stop() {
      clearInterval(timer);
      render();
      logUpdate.done();
    },
  };
}

function describePass(output: { iteration: number; scoreBefore: number; scoreAfter: number; readability: number; rejected?: string }): string {
  if (output.iteration === 0) return `analysis: SEO ${output.scoreAfter}, readability ${output.readability}`;
  if (output.rejected) return `pass ${output.iteration}: rejected (${output.rejected}); SEO stays ${output.scoreBefore}`;
  return `pass ${output.iteration}: SEO ${output.scoreBefore} → ${output.scoreAfter}, readability ${output.readability}`;
}

function describeVariant(channel: VariantChannelId, violations: readonly string[], ms: number): string {
  return `${CHANNEL_LABELS[channel]} done in ${seconds(ms)}: ${violations.length === 0 ? 'within limits' : `${violations.length} problem(s) left`}`;
}
