import type { TaskCardBlock } from '@slack/types';
import { expect } from 'vitest';

const WORDS: Record<string, string> = { pending: 'waiting', in_progress: 'running', complete: 'done', error: 'failed' };

/** The message's one `plan` block; fails when there is none or more than one. */
export function planBlockOf(blocks: readonly unknown[]): { title: string; tasks: TaskCardBlock[] } {
  const plans = blocks.filter((block) => (block as { type?: string }).type === 'plan');
  expect(plans).toHaveLength(1);
  return plans[0] as { title: string; tasks: TaskCardBlock[] };
}

/** The text of a task's rich text details. */
export function taskDetails(task: TaskCardBlock): string {
  return JSON.stringify(task.details ?? '').match(/"text":"([^"]*)"/)?.[1] ?? '';
}

/** Each task of the plan block is said in words in the message's text fallback: its title, its state and its details. */
export function expectPlanBlockMatchesText(blocks: readonly unknown[], text: string): void {
  for (const task of planBlockOf(blocks).tasks) {
    const details = taskDetails(task);
    const isSkipped = details.startsWith('Skipped');
    const rest = details.replace(/^Skipped(: )?/, '');
    const said = `${task.title}: ${isSkipped ? 'skipped' : WORDS[task.status]}${rest ? `, ${rest}` : ''}`;
    expect(text, `"${said}" in "${text}"`).toContain(said);
  }
}
