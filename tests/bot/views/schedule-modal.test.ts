import { describe, expect, test } from 'vitest';
import { DECISION_MODALS } from '../../../src/bot/ids.ts';
import { buildScheduleModal, destinationTimeBlock, parseScheduleSubmission, type DestinationOption } from '../../../src/bot/views/decision-modals.ts';
import { findViewViolations } from '../../support/block-kit-limits.ts';
import { scheduleEachValues, scheduleValues } from '../../support/review.ts';

const NOW = new Date('2026-12-07T08:00:00Z');
const at = (hhmm: string) => new Date(`2026-12-07T${hhmm}:00Z`);
const BLOG: DestinationOption = { key: 'dest:blog', label: 'Company blog (WordPress)', name: 'Company blog', isBlog: true };
const HOOK: DestinationOption = { key: 'dest:hook', label: 'Site webhook (Webhook)', name: 'Site webhook', isBlog: false };
const SLACK: DestinationOption = { key: 'slack:C0MARKETING', label: 'Announce in <#C0MARKETING>', name: '<#C0MARKETING>', isBlog: false };
const OFFERED = [SLACK, HOOK, BLOG];
const formatTime = (time: Date) => time.toISOString().slice(11, 16);
const submit = (values: Record<string, unknown>) => parseScheduleSubmission({ state: { values } }, NOW, OFFERED, formatTime);

describe('the schedule modal', () => {
  test('offers one time for all, or a time for each destination, within Slack limits', () => {
    const view = buildScheduleModal({
      plan: { number: 7, topic: 'Remote onboarding' },
      metadata: { planId: 'p', channelId: null, revision: 0 },
      destinations: OFFERED,
      selected: [BLOG.key],
      initialTime: at('09:00'),
      isApproveAndSchedule: false,
    });
    expect(findViewViolations(view)).toEqual([]);
    const blocks = view.blocks as { block_id?: string; label?: { text: string }; element?: { initial_option?: { value: string } } }[];
    expect(blocks.find((block) => block.block_id === DECISION_MODALS.schedule.timeModeBlock)?.element?.initial_option?.value).toBe('all');
    const ownTimes = blocks.filter((block) => block.block_id?.startsWith(`${DECISION_MODALS.schedule.timeBlock}:`));
    expect(ownTimes.map((block) => block.label?.text)).toEqual(["Announcement in the plan's channel", 'Site webhook', 'Company blog']);
  });

  test('a plan scheduled with times of its own reopens with them, in "a time for each"', () => {
    const view = buildScheduleModal({
      plan: { number: 7, topic: 'Remote onboarding' },
      metadata: { planId: 'p', channelId: null, revision: 0 },
      destinations: OFFERED,
      selected: [BLOG.key, HOOK.key],
      initialTime: at('09:00'),
      initialTimes: { [BLOG.key]: at('09:00'), [HOOK.key]: at('10:00') },
      isApproveAndSchedule: false,
    });
    const blocks = view.blocks as { block_id?: string; element?: { initial_option?: { value: string }; initial_date_time?: number } }[];
    expect(blocks.find((block) => block.block_id === DECISION_MODALS.schedule.timeModeBlock)?.element?.initial_option?.value).toBe('each');
    expect(blocks.find((block) => block.block_id === destinationTimeBlock(HOOK.key))?.element?.initial_date_time).toBe(at('10:00').getTime() / 1000);
  });

  test('one time for all gives every chosen destination that time, whatever their own pickers say', () => {
    const values = { ...scheduleEachValues(at('09:00'), { [BLOG.key]: at('11:00'), [HOOK.key]: at('08:30') }), ...scheduleValues(at('09:00'), [BLOG.key, HOOK.key]) };
    delete (values as Record<string, unknown>)[DECISION_MODALS.schedule.timeModeBlock];
    expect(submit(values)).toEqual({
      ok: true,
      destinations: [
        { key: BLOG.key, name: 'Company blog', at: at('09:00') },
        { key: HOOK.key, name: 'Site webhook', at: at('09:00') },
      ],
    });
  });

  test('a time for each: blog Monday 09:00, the webhook 10:00, the announcement with the blog', () => {
    const parsed = submit(scheduleEachValues(at('09:00'), { [BLOG.key]: at('09:00'), [HOOK.key]: at('10:00'), [SLACK.key]: at('09:00') }));
    expect(parsed).toEqual({
      ok: true,
      destinations: [
        { key: BLOG.key, name: 'Company blog', at: at('09:00') },
        { key: HOOK.key, name: 'Site webhook', at: at('10:00') },
        { key: SLACK.key, name: '<#C0MARKETING>', at: at('09:00') },
      ],
    });
  });

  test('a destination before the blog post is an inline error under its time, not moved', () => {
    const parsed = submit(scheduleEachValues(at('09:00'), { [BLOG.key]: at('09:00'), [HOOK.key]: at('08:30') }));
    expect(parsed).toEqual({
      ok: false,
      errors: { [destinationTimeBlock(HOOK.key)]: 'Publish this at or after Company blog (09:00): it links to the blog post, so the post goes first.' },
    });
  });

  test('past times and no destination are refused inline', () => {
    expect(submit(scheduleValues(at('07:00'), []))).toEqual({
      ok: false,
      errors: { [DECISION_MODALS.schedule.timeBlock]: 'Pick a time in the future.', [DECISION_MODALS.schedule.destinationsBlock]: 'Pick at least one place to publish to.' },
    });
    expect(submit(scheduleEachValues(at('09:00'), { [HOOK.key]: at('07:59') }))).toEqual({
      ok: false,
      errors: { [destinationTimeBlock(HOOK.key)]: 'Pick a time in the future.' },
    });
  });
});
