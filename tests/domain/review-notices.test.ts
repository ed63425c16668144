import { describe, expect, test } from 'vitest';
import { dueNotices, eligibleApprovers, splitMentions, DECISION_NOTICE_WINDOW_MS } from '../../src/domain/review-notices.ts';

const policy = (approverIds: string[], allowSelfApproval = false) => ({ approverIds, requiredApprovals: 1, allowSelfApproval });
const NOW = new Date('2026-12-01T12:00:00Z');

describe('eligibleApprovers', () => {
  test('named approvers decide, without the author unless self-approval is allowed', () => {
    expect(eligibleApprovers(policy(['U1', 'UAUTHOR', 'U2']), 'UAUTHOR', ['UADMIN'])).toEqual(['U1', 'U2']);
    expect(eligibleApprovers(policy(['U1', 'UAUTHOR'], true), 'UAUTHOR', ['UADMIN'])).toEqual(['U1', 'UAUTHOR']);
  });

  test('with none named, the admins decide, the author among them only with self-approval', () => {
    expect(eligibleApprovers(policy([]), 'UAUTHOR', ['UADMIN', 'UAUTHOR', 'UADMIN'])).toEqual(['UADMIN']);
    expect(eligibleApprovers(policy([], true), 'UAUTHOR', ['UAUTHOR'])).toEqual(['UAUTHOR']);
    expect(eligibleApprovers(policy([]), 'UAUTHOR', ['UAUTHOR'])).toEqual([]);
  });

  test('ten are mentioned and the rest counted', () => {
    const ids = Array.from({ length: 13 }, (_, i) => `U${i}`);
    expect(splitMentions(ids)).toEqual({ shown: ids.slice(0, 10), more: 3 });
    expect(splitMentions(ids.slice(0, 2))).toEqual({ shown: ids.slice(0, 2), more: 0 });
  });
});

describe('dueNotices', () => {
  const plan = (status: string, revision = 0, updatedAt = NOW) => ({ status, revision, updatedAt });
  const entry = (id: number, action: string, actorId: string, createdAt: Date, details: unknown = {}) => ({ id, action, actorId, createdAt, details });

  test('a revision in review owes one call for review, until it is sent', () => {
    expect(dueNotices({ plan: plan('in_review', 1), audit: [] }, new Set(), NOW)).toEqual([{ kind: 'review', key: 'review:1', revision: 1 }]);
    expect(dueNotices({ plan: plan('in_review', 1), audit: [] }, new Set(['review:1']), NOW)).toEqual([]);
    expect(dueNotices({ plan: plan('drafting', 1), audit: [] }, new Set(), NOW)).toEqual([]);
  });

  test('one decision is one notice: an approval and a schedule in one step come together', () => {
    const at = new Date(NOW.getTime() - 60_000);
    const audit = [
      entry(1, 'plan_created', 'UAUTHOR', new Date(NOW.getTime() - 600_000)),
      entry(2, 'approved', 'USAM', at, { revision: 0 }),
      entry(3, 'scheduled', 'USAM', at, { at: NOW.toISOString() }),
      entry(4, 'rejected', 'UAVERY', NOW, { reason: 'no' }),
    ];
    const due = dueNotices({ plan: plan('rejected'), audit }, new Set(), NOW);
    expect(due.map((notice) => notice.key)).toEqual(['decision:2', 'decision:4']);
    expect(due[0]).toMatchObject({ kind: 'decision', entries: [{ action: 'approved' }, { action: 'scheduled' }] });
    expect(dueNotices({ plan: plan('rejected'), audit }, new Set(['decision:2']), NOW).map((notice) => notice.key)).toEqual(['decision:4']);
  });

  test('old decisions and an old publication are not announced late', () => {
    const old = new Date(NOW.getTime() - DECISION_NOTICE_WINDOW_MS - 1);
    expect(dueNotices({ plan: plan('published', 0, old), audit: [entry(1, 'approved', 'U1', old)] }, new Set(), NOW)).toEqual([]);
    expect(dueNotices({ plan: plan('published', 2), audit: [] }, new Set(), NOW)).toEqual([{ kind: 'published', key: 'published:2', revision: 2, isPartial: false }]);
  });

  test('a partly published plan is told once, and again when a retry completes it', () => {
    expect(dueNotices({ plan: plan('partially_published', 1), audit: [] }, new Set(), NOW)).toEqual([
      { kind: 'published', key: 'partly_published:1', revision: 1, isPartial: true },
    ]);
    expect(dueNotices({ plan: plan('published', 1), audit: [] }, new Set(['partly_published:1']), NOW).map((notice) => notice.key)).toEqual(['published:1']);
  });
});
