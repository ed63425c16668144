import type { KnownBlock, Overflow, SectionBlock } from '@slack/types';
import { canEditBrief } from '../../domain/brief-edit.ts';
import { nextPlanStatus, type FailedStage, type PlanStatus } from '../../domain/plan-states.ts';
import { ACTIONS, type ManageOption } from '../ids.ts';
import { context, escapeMrkdwn, plain, slackDate, truncate } from './format.ts';

export type ManageFacts = { planId: string; status: PlanStatus; approvedAt: Date | null; failedStage: FailedStage | null };

const OPTION_LABELS: Record<ManageOption, string> = { edit_brief: '✏️ Edit brief', cancel: '🛑 Cancel plan', delete: '🗑️ Delete plan' };

/**
 * The plan message's overflow menu, with only the options the plan's state allows (who may use them
 * is checked on press); null while the plan is being published, when none applies.
 */
export function buildManageMenu(plan: ManageFacts): Overflow | null {
  const options: ManageOption[] = [];
  if (canEditBrief(plan)) options.push('edit_brief');
  if (nextPlanStatus(plan.status, { type: 'cancelled' }) !== null) options.push('cancel');
  if (plan.status !== 'publishing' && plan.status !== 'partially_published') options.push('delete');
  if (options.length === 0) return null;
  return {
    type: 'overflow',
    action_id: ACTIONS.managePlan,
    options: options.map((option) => ({ text: plain(OPTION_LABELS[option]), value: manageValue(option, plan.planId) })),
  };
}

/** Puts the menu on the message's first section that has no accessory yet (the title). */
export function withManageMenu(blocks: KnownBlock[], plan: ManageFacts): KnownBlock[] {
  const menu = buildManageMenu(plan);
  if (!menu) return blocks;
  const index = blocks.findIndex((block) => block.type === 'section' && !(block as SectionBlock).accessory && (block as SectionBlock).text);
  if (index === -1) return blocks;
  const withMenu = [...blocks];
  withMenu[index] = { ...(blocks[index] as SectionBlock), accessory: menu };
  return withMenu;
}

export function manageValue(option: ManageOption, planId: string): string {
  return `${option}:${planId}`;
}

export function parseManageValue(value: string | undefined): { option: ManageOption; planId: string } | null {
  const match = /^(edit_brief|cancel|delete):(.+)$/.exec(value ?? '');
  return match ? { option: match[1] as ManageOption, planId: match[2] ?? '' } : null;
}

/** The root message with the management menu, and on a cancelled plan who cancelled it. */
export function withManagement(
  message: { text: string; blocks: KnownBlock[] },
  plan: ManageFacts,
  audit: readonly { action: string; actorId: string; createdAt: Date }[],
): { text: string; blocks: KnownBlock[] } {
  const blocks = withManageMenu(message.blocks, plan);
  const cancelled = plan.status === 'cancelled' ? audit.findLast((entry) => entry.action === 'plan_cancelled') : undefined;
  if (!cancelled) return { ...message, blocks };
  return { text: `${message.text} (cancelled by <@${cancelled.actorId}>)`, blocks: [...blocks, buildCancelledLine({ userId: cancelled.actorId, at: cancelled.createdAt })] };
}

/** "Cancelled by @mia · date", under a cancelled plan's message. */
export function buildCancelledLine({ userId, at }: { userId: string; at: Date }): KnownBlock {
  return context(`🛑 Cancelled by <@${userId}> ${slackDate(at)}`);
}

/** What a deleted plan's message is replaced with. */
export function buildTombstone({ number, userId, at }: { number: number; userId: string | null; at: Date }): { text: string; blocks: KnownBlock[] } {
  const text = `🗑️ Plan #${number} was deleted${userId ? ` by <@${userId}>` : ''} ${slackDate(at)}.`;
  return { text, blocks: [context(text)] };
}

/** What the old message says once the plan moved to another channel. */
export function buildMovedNotice({ number, topic, channelId, permalink }: { number: number; topic: string; channelId: string; permalink: string | null }): {
  text: string;
  blocks: KnownBlock[];
} {
  const link = permalink ? `: <${permalink}|open it>` : '';
  const text = `➡️ Plan #${number} “${escapeMrkdwn(truncate(topic, 150))}” moved to <#${channelId}>${link}.`;
  return { text, blocks: [context(text)] };
}
