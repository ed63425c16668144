import { parsePlanSettings } from './settings.ts';

export type Decision = 'approve' | 'request_changes' | 'reject' | 'schedule' | 'publish' | 'unschedule';

export type ReviewPolicy = {
  /** Named approvers; empty means the workspace's admins and owners decide. */
  approverIds: string[];
  requiredApprovals: number;
  allowSelfApproval: boolean;
};

/** The review rules a plan was created with: workspace approvers, else SLACK_APPROVERS, else admins. */
export function reviewPolicyOf(plan: { settings: unknown }): ReviewPolicy {
  const settings = parsePlanSettings(plan.settings);
  return reviewPolicyFrom(settings.approvers, settings.envApprovers, settings);
}

/** The same rules from a workspace's current settings, for plans not yet made. */
export function reviewPolicyFrom(
  approvers: readonly string[],
  envApprovers: readonly string[],
  { requiredApprovals, allowSelfApproval }: { requiredApprovals: number; allowSelfApproval: boolean },
): ReviewPolicy {
  const approverIds = approvers.length > 0 ? approvers : envApprovers;
  return { approverIds: [...new Set(approverIds)], requiredApprovals: Math.max(1, requiredApprovals), allowSelfApproval };
}

/** The person deciding; whether they are a workspace admin is looked up by the caller. */
export type Actor = { userId: string; isAdmin: boolean };

export type Verdict = { isAllowed: true } | { isAllowed: false; message: string };

const VERBS: Record<Decision, string> = {
  approve: 'approve',
  request_changes: 'request changes to',
  reject: 'reject',
  schedule: 'schedule',
  publish: 'publish',
  unschedule: 'unschedule',
};

export function isApprover(actor: Actor, policy: ReviewPolicy): boolean {
  return policy.approverIds.length > 0 ? policy.approverIds.includes(actor.userId) : actor.isAdmin;
}

/**
 * Whether a person may make a decision on a plan: the one rule behind the review buttons, the
 * schedule modal, Publish now and the Home's "Waiting for you".
 */
export function canDecide(
  actor: Actor,
  plan: { authorId: string; number: number },
  policy: ReviewPolicy,
  decision: Decision,
): Verdict {
  if (!isApprover(actor, policy)) {
    const who =
      policy.approverIds.length > 0
        ? `Approvers here: ${policy.approverIds.map((id) => `<@${id}>`).join(', ')}.`
        : 'No approvers are set, so workspace admins and owners decide.';
    return { isAllowed: false, message: `Only approvers can ${VERBS[decision]} plans. ${who} An admin can change this in the App Home.` };
  }
  if (decision === 'approve' && plan.authorId === actor.userId && !policy.allowSelfApproval) {
    return {
      isAllowed: false,
      message: `You made plan #${plan.number}, so someone else needs to approve it. An admin can allow self-approval in the App Home.`,
    };
  }
  return { isAllowed: true };
}
