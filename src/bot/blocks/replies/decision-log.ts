/** The decision log reply: one line per decision, with who and when. */
import { escapeMrkdwn, joinLinesWithin, pluralize, section, slackDate, truncate } from '../format.ts';
import { type ThreadReply, oneLine } from './layout.ts';

export type DecisionLogEntry = { actorId: string; action: string; at: Date; note?: string };

/** The decision log: one line per decision with who and when, oldest first; the latest kept when they do not all fit. */
export function buildDecisionLogReply(entries: DecisionLogEntry[]): ThreadReply {
  const sorted = [...entries].sort((a, b) => a.at.getTime() - b.at.getTime());
  const lines = sorted.map((entry) => {
    const note = entry.note ? ` — “${escapeMrkdwn(truncate(oneLine(entry.note), 300))}”` : '';
    return `• ${formatActor(entry.actorId)} ${escapeMrkdwn(describeAction(entry.action))} · ${slackDate(entry.at)}${note}`;
  });
  const body = joinLinesWithin(lines.length === 0 ? ['No decisions yet.'] : lines, {
    head: '*🗂 Decision log*\n',
    more: (hidden) => `_${pluralize(hidden, 'earlier decision')} not shown_`,
    keep: 'last',
  });
  const latest = sorted.at(-1);
  const text = latest
    ? `Decision log: ${pluralize(sorted.length, 'decision')}; latest: ${escapeMrkdwn(describeAction(latest.action))}`
    : 'Decision log: no decisions yet';
  return { text, blocks: [section(body)] };
}

const ACTION_DESCRIPTIONS: Record<string, string> = {
  plan_created: 'created the plan',
  brief_edited: 'edited the brief',
  plan_cancelled: 'cancelled the plan',
};

function describeAction(action: string): string {
  return ACTION_DESCRIPTIONS[action] ?? oneLine(action.replace(/[_.]+/g, ' '));
}

function formatActor(actorId: string): string {
  return /^[UWB][A-Z0-9]{2,}$/.test(actorId) ? `<@${actorId}>` : escapeMrkdwn(truncate(oneLine(actorId), 80));
}
