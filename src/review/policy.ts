import type { Plan } from '../db/plans.ts';
import { planSettings } from '../jobs/pipeline.ts';

export type Decision = 'approve' | 'request_changes' | 'reject' | 'schedule' | 'publish' | 'unschedule';

export type ReviewPolicy = {
  /** Named approvers; empty means the workspace's admins and owners decide. */
  approverIds: string[];
  requiredApprovals: number;
  allowSelfApproval: boolean;
};

/** The review rules a plan was created with: workspace approvers, else SLACK_APPROVERS, else admins. */
export function reviewPolicyOf(plan: Pick<Plan, 'settings'>): ReviewPolicy {
  const settings = planSettings(plan);
  const approverIds = settings.approvers.length > 0 ? settings.approvers : settings.envApprovers;
  return {
    approverIds: [...new Set(approverIds)],
    requiredApprovals: Math.max(1, settings.requiredApprovals),
    allowSelfApproval: settings.allowSelfApproval,
  };
}

export type Verdict = { isAllowed: true } | { isAllowed: false; message: string };

const VERBS: Record<Decision, string> = {
  approve: 'approve',
  request_changes: 'request changes to',
  reject: 'reject',
  schedule: 'schedule',
  publish: 'publish',
  unschedule: 'unschedule',
};

/**
 * Whether a person may make a decision on a plan. Pure: whether they are a workspace admin is
 * looked up by the caller and passed in.
 */
export function judgeDecision({
  policy,
  plan,
  userId,
  decision,
  isAdmin,
}: {
  policy: ReviewPolicy;
  plan: Pick<Plan, 'authorId' | 'number'>;
  userId: string;
  decision: Decision;
  isAdmin: boolean;
}): Verdict {
  const isApprover = policy.approverIds.length > 0 ? policy.approverIds.includes(userId) : isAdmin;
  if (!isApprover) {
    const who =
      policy.approverIds.length > 0
        ? `Approvers here: ${policy.approverIds.map((id) => `<@${id}>`).join(', ')}.`
        : 'No approvers are set, so workspace admins and owners decide.';
    return { isAllowed: false, message: `Only approvers can ${VERBS[decision]} plans. ${who} An admin can change this in the App Home.` };
  }
  if (decision === 'approve' && plan.authorId === userId && !policy.allowSelfApproval) {
    return {
      isAllowed: false,
      message: `You made plan #${plan.number}, so someone else needs to approve it. An admin can allow self-approval in the App Home.`,
    };
  }
  return { isAllowed: true };
}
