import type { WebClient } from '@slack/web-api';
import { CALENDAR_ENTRY_LIMIT, getCalendar } from '../../db/calendar.ts';
import type { Plan } from '../../db/plans.ts';
import { calendarRange, type CalendarPage } from '../../domain/calendar.ts';
import { canSeePlan } from '../../domain/plan-visibility.ts';
import { canDecide, reviewPolicyOf } from '../../domain/review-policy.ts';
import type { CalendarItem, CalendarModel } from '../blocks/calendar.ts';
import type { BotDeps } from '../deps.ts';
import { isAppAdminOrNot } from './permissions.ts';

/**
 * One page of the calendar as `userId` may see it: only plans the visibility rule shows them, with
 * Reschedule on the scheduled plans they may decide on. `isAdmin` when the caller already knows it;
 * otherwise Slack is asked only when a plan's answer depends on it.
 */
export async function loadCalendar({
  deps,
  client,
  teamId,
  userId,
  page,
  now,
  isAdmin: knownIsAdmin,
}: {
  deps: Pick<BotDeps, 'db' | 'logger'>;
  client: WebClient;
  teamId: string;
  userId: string;
  page: CalendarPage;
  now: Date;
  isAdmin?: boolean;
}): Promise<CalendarModel> {
  const range = calendarRange(page, now);
  const { entries, plans, titles } = await getCalendar(deps.db, { teamId, from: range.from, to: range.to });
  let adminCheck: Promise<boolean> | undefined;
  const isAdmin = () => (knownIsAdmin !== undefined ? Promise.resolve(knownIsAdmin) : (adminCheck ??= isAppAdminOrNot({ db: deps.db, client, teamId, userId, logger: deps.logger })));

  const shown = new Map<string, { plan: Plan; canReschedule: boolean }>();
  for (const plan of plans) {
    if (!canSeePlan({ plan, userId, isAdmin: false }) && !(await isAdmin())) continue;
    const policy = reviewPolicyOf(plan);
    // Admins decide only where no approvers are named (as authorizeDecision does).
    const actor = { userId, isAdmin: policy.approverIds.length === 0 ? await isAdmin() : false };
    const isScheduled = plan.status === 'scheduled';
    shown.set(plan.id, { plan, canReschedule: isScheduled && canDecide(actor, plan, policy, 'schedule').isAllowed });
  }
  const items: CalendarItem[] = entries.flatMap((entry) => {
    const found = shown.get(entry.planId);
    if (!found) return [];
    const { plan, canReschedule } = found;
    const title = titles.get(plan.id) ?? plan.topic;
    return [
      {
        plan: { id: plan.id, number: plan.number, revision: plan.revision, title, status: plan.status, permalink: plan.messagePermalink },
        kind: entry.kind,
        destinationName: entry.destinationName,
        at: entry.at,
        url: entry.url,
        canReschedule,
      },
    ];
  });
  const isCapped = entries.filter((entry) => entry.kind === 'scheduled').length >= CALENDAR_ENTRY_LIMIT || entries.filter((entry) => entry.kind === 'published').length >= CALENDAR_ENTRY_LIMIT;
  return { range, items, isCapped };
}
