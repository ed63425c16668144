/**
 * Notifications as new messages (a mention added by chat.update notifies nobody): the call for
 * review in the thread, DMs for approvers outside the channel, reminders, and the author's notices.
 * Plain mrkdwn text: it is what the notification itself shows.
 */
import { escapeMrkdwn, pluralize, slackDate, slackLink, truncate } from '../format.ts';
import { oneLine } from './layout.ts';

export type NoticeMessage = { text: string };

type PlanLabel = { number: number; title: string };

const mention = (userId: string) => `<@${userId}>`;
const planName = ({ number, title }: PlanLabel) => `plan #${number} “${escapeMrkdwn(truncate(oneLine(title), 150))}”`;
const openLink = (permalink: string | undefined, label = 'Open the plan') => (permalink ? ` ${slackLink(permalink, label)}` : '');

export function buildReviewCall({
  plan,
  revision,
  shown,
  more,
  approvalsNeeded,
}: {
  plan: PlanLabel;
  revision: number;
  shown: readonly string[];
  more: number;
  approvalsNeeded: number;
}): NoticeMessage {
  const round = revision > 0 ? `Revision ${revision + 1} of ${planName(plan)} is back in review` : `${capitalize(planName(plan))} is ready for your review`;
  const others = more > 0 ? ` (and ${more} more can decide)` : '';
  return { text: `${shown.map(mention).join(', ')}${others}: ${round}. It needs ${pluralize(approvalsNeeded, 'approval')}.` };
}

export function buildNoApproverNotice({ plan, authorId, admins }: { plan: PlanLabel; authorId: string; admins: readonly string[] }): NoticeMessage {
  const who = admins.length > 0 ? `${admins.slice(0, 10).map(mention).join(', ')} can add approvers` : 'A workspace admin or owner can add approvers';
  return {
    text:
      `⚠ Nobody can approve ${planName(plan)} yet: no approver other than its author ${mention(authorId)} is set up. ` +
      `${who} in the App Home (Settings → Approvers & policy), or allow self-approval.`,
  };
}

export function buildReviewDm({ plan, channelId, permalink, revision }: { plan: PlanLabel; channelId: string; permalink: string | undefined; revision: number }): NoticeMessage {
  const round = revision > 0 ? `Revision ${revision + 1} of ${planName(plan)} is back in review` : `${capitalize(planName(plan))} is ready for your review`;
  return { text: `${round} in <#${channelId}>, a channel you are not in.${openLink(permalink)}` };
}

export function buildReminderDm({ plan, hours, permalink }: { plan: PlanLabel; hours: number; permalink: string | undefined }): NoticeMessage {
  return { text: `Reminder: ${planName(plan)} has waited ${pluralize(hours, 'hour')} for your review.${openLink(permalink)}` };
}

export type DecisionNoticeEntry = { action: string; actorId: string; details: Record<string, unknown> };

/** One message per decision, mentioning the author once. */
export function buildDecisionNotice({
  authorId,
  plan,
  entries,
  approvals,
}: {
  authorId: string;
  plan: PlanLabel;
  entries: readonly DecisionNoticeEntry[];
  /** Approvals of the revision once this decision was made, and how many it needs. */
  approvals: { count: number; required: number };
}): NoticeMessage {
  const actorId = entries[0]?.actorId ?? '';
  const by = mention(actorId);
  const name = planName(plan);
  const find = (action: string) => entries.find((entry) => entry.action === action);
  const scheduled = find('scheduled');
  const approved = find('approved');
  const approvalState =
    approvals.count >= approvals.required ? '' : ` ${approvals.count} of ${approvals.required} approvals so far.`;
  let text: string;
  if (scheduled) {
    const at = typeof scheduled.details['at'] === 'string' ? new Date(scheduled.details['at']) : undefined;
    const when = at && !Number.isNaN(at.getTime()) ? ` for ${slackDate(at)}` : '';
    text = `${by} ${approved ? 'approved and scheduled' : 'scheduled'} ${name}${when}.${approved ? approvalState : ''}`;
  } else if (approved) {
    text = approvals.count >= approvals.required ? `${by} approved ${name}. It is approved.` : `${by} approved ${name}.${approvalState}`;
  } else if (find('changes_requested')) {
    text = `${by} requested changes to ${name}: “${quote(find('changes_requested')?.details['feedback'])}”. A new revision is being written.`;
  } else {
    text = `${by} rejected ${name}: “${quote(find('rejected')?.details['reason'])}”.`;
  }
  return { text: `${mention(authorId)} ${text}` };
}

export function buildPublishedNotice({
  authorId,
  plan,
  destinations,
  failed = [],
}: {
  authorId: string;
  plan: PlanLabel;
  destinations: readonly { name: string; url: string | null }[];
  /** Destinations that failed when the plan is only partly published, with why. */
  failed?: readonly { name: string; reason: string | null }[];
}): NoticeMessage {
  const links = destinations.map((destination) => (destination.url ? slackLink(destination.url, destination.name) : escapeMrkdwn(destination.name)));
  const published = `${capitalize(planName(plan))} is ${failed.length > 0 ? 'partly published' : 'published'}${links.length > 0 ? `: ${links.join(' · ')}` : ''}.`;
  const failures = failed.map((destination) => `${escapeMrkdwn(destination.name)}${destination.reason ? ` (${quote(destination.reason)})` : ''}`);
  const retry = failures.length > 0 ? ` Failed: ${failures.join(' · ')}. Each can be retried from the plan's message.` : '';
  return { text: `${mention(authorId)} ${published}${retry}` };
}

function quote(value: unknown): string {
  return escapeMrkdwn(truncate(oneLine(String(value ?? '')), 500));
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
