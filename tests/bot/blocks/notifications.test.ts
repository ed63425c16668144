import { describe, expect, test } from 'vitest';
import {
  buildDecisionNotice,
  buildNoApproverNotice,
  buildPublishedNotice,
  buildReminderDm,
  buildReviewCall,
  buildReviewDm,
} from '../../../src/bot/blocks/replies/notifications.ts';

const plan = { number: 42, title: 'Hybrid work <for> small teams' };
const AUTHOR = 'U0MIA';

describe('review notices', () => {
  test('the call for review names who can decide, counts the rest, and escapes the title', () => {
    expect(buildReviewCall({ plan, revision: 0, shown: ['U0AVERY', 'U0SAM'], more: 0, approvalsNeeded: 1 }).text).toBe(
      '<@U0AVERY>, <@U0SAM>: Plan #42 “Hybrid work &lt;for&gt; small teams” is ready for your review. It needs 1 approval.',
    );
    expect(buildReviewCall({ plan, revision: 1, shown: ['U0AVERY'], more: 3, approvalsNeeded: 2 }).text).toBe(
      '<@U0AVERY> (and 3 more can decide): Revision 2 of plan #42 “Hybrid work &lt;for&gt; small teams” is back in review. It needs 2 approvals.',
    );
  });

  test('with nobody to approve, the admins are named; without admins, who they are is said', () => {
    expect(buildNoApproverNotice({ plan, authorId: AUTHOR, admins: ['U0ADMIN'] }).text).toContain('<@U0ADMIN> can add approvers in the App Home');
    expect(buildNoApproverNotice({ plan, authorId: AUTHOR, admins: [] }).text).toContain('A workspace admin or owner can add approvers');
  });

  test('DMs link to the plan', () => {
    const link = 'https://fake.slack.com/archives/C1/p1';
    expect(buildReviewDm({ plan, channelId: 'C1', permalink: link, revision: 0 }).text).toBe(
      `Plan #42 “Hybrid work &lt;for&gt; small teams” is ready for your review in <#C1>, a channel you are not in. <${link}|Open the plan>`,
    );
    expect(buildReminderDm({ plan, hours: 24, permalink: undefined }).text).toBe('Reminder: plan #42 “Hybrid work &lt;for&gt; small teams” has waited 24 hours for your review.');
  });
});

describe('author notices mention the author once', () => {
  const once = (text: string) => expect(text.split(`<@${AUTHOR}>`)).toHaveLength(2);
  const decision = (entries: { action: string; actorId: string; details: Record<string, unknown> }[], count = 1, required = 1) =>
    buildDecisionNotice({ authorId: AUTHOR, plan, entries, approvals: { count, required } }).text;

  test('approved, fully or in part', () => {
    const full = decision([{ action: 'approved', actorId: 'U0SAM', details: {} }]);
    expect(full).toBe('<@U0MIA> <@U0SAM> approved plan #42 “Hybrid work &lt;for&gt; small teams”. It is approved.');
    expect(decision([{ action: 'approved', actorId: 'U0SAM', details: {} }], 1, 2)).toContain('1 of 2 approvals so far.');
    once(full);
  });

  test('changes requested and rejected quote what was written, escaped', () => {
    const changes = decision([{ action: 'changes_requested', actorId: 'U0SAM', details: { feedback: 'Cut the <intro>\nplease' } }]);
    expect(changes).toContain('requested changes to plan #42');
    expect(changes).toContain('“Cut the &lt;intro&gt; please”');
    once(changes);
    const rejected = decision([{ action: 'rejected', actorId: 'U0SAM', details: { reason: 'Off-brand' } }]);
    expect(rejected).toContain('rejected plan #42');
    expect(rejected).toContain('“Off-brand”');
    once(rejected);
  });

  test('scheduled shows the time in each reader\'s time zone', () => {
    const at = new Date('2026-12-02T09:30:00Z');
    const text = decision([
      { action: 'approved', actorId: 'U0SAM', details: { revision: 0 } },
      { action: 'scheduled', actorId: 'U0SAM', details: { at: at.toISOString() } },
    ]);
    expect(text).toContain(`approved and scheduled plan #42 “Hybrid work &lt;for&gt; small teams” for <!date^${at.getTime() / 1000}^{date_short_pretty} at {time}|2026-12-02T09:30:00.000Z>.`);
    once(text);
  });

  test('published lists each destination with its link', () => {
    const text = buildPublishedNotice({
      authorId: AUTHOR,
      plan,
      destinations: [
        { name: 'Company blog', url: 'https://blog.example.com/hybrid' },
        { name: 'Site webhook', url: null },
      ],
    }).text;
    expect(text).toBe('<@U0MIA> Plan #42 “Hybrid work &lt;for&gt; small teams” is published: <https://blog.example.com/hybrid|Company blog> · Site webhook.');
    once(text);
    const partly = buildPublishedNotice({
      authorId: AUTHOR,
      plan,
      destinations: [{ name: 'Company blog', url: 'https://blog.example.com/hybrid' }],
      failed: [{ name: 'Site webhook', reason: 'The webhook answered 500 <again>' }],
    }).text;
    expect(partly).toContain('is partly published: <https://blog.example.com/hybrid|Company blog>.');
    expect(partly).toContain('Failed: Site webhook (The webhook answered 500 &lt;again&gt;). Each can be retried');
    once(partly);
  });
});
