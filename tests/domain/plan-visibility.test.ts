import { expect, test } from 'vitest';
import { canSeePlan } from '../../src/domain/plan-visibility.ts';

const AUTHOR = 'U0MIA';
const APPROVER = 'U0AVERY';
const STRANGER = 'U0STRANGER';
const withApprovers = { approvers: [APPROVER] };

test('a plan in a public channel is shown to everyone', () => {
  const plan = { channelIsPrivate: false, authorId: AUTHOR, settings: withApprovers };
  for (const userId of [AUTHOR, APPROVER, STRANGER]) expect(canSeePlan({ plan, userId, isAdmin: false })).toBe(true);
});

test('a plan in a private channel, or one whose channel Slack could not describe, only to its author, approvers and admins', () => {
  for (const channelIsPrivate of [true, null]) {
    const plan = { channelIsPrivate, authorId: AUTHOR, settings: withApprovers };
    expect(canSeePlan({ plan, userId: AUTHOR, isAdmin: false })).toBe(true);
    expect(canSeePlan({ plan, userId: APPROVER, isAdmin: false })).toBe(true);
    expect(canSeePlan({ plan, userId: STRANGER, isAdmin: true })).toBe(true);
    expect(canSeePlan({ plan, userId: STRANGER, isAdmin: false })).toBe(false);
  }
});

test('with no named approvers, the admins are the approvers', () => {
  const plan = { channelIsPrivate: true, authorId: AUTHOR, settings: { approvers: [] } };
  expect(canSeePlan({ plan, userId: APPROVER, isAdmin: false })).toBe(false);
  expect(canSeePlan({ plan, userId: APPROVER, isAdmin: true })).toBe(true);
});
