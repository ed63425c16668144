import type { ModalView } from '@slack/types';
import { z } from 'zod';
import type { WorkspaceSettings } from '../../../db/settings.ts';
import { context } from '../../blocks/format.ts';
import { SETTINGS_INPUT_ACTION as A, SETTINGS_MODALS } from '../../ids.ts';
import { inputBlock, option, readForm, settingsModal, wholeNumberSchema, type ParseResult, type SubmittedView } from './form.ts';

const { callbackId, blocks: B } = SETTINGS_MODALS.approvers;

export const MAX_REQUIRED_APPROVALS = 10;
const MAX_PEOPLE = 50;
const SELF_APPROVAL = 'allowed';

export type ApproversSettings = Pick<WorkspaceSettings, 'approvers' | 'requiredApprovals' | 'allowSelfApproval' | 'admins'>;
/** The form's answer; `installer` is there only when the workspace was installed by OAuth (null: nobody). */
export type ApproversSubmission = ApproversSettings & { installer?: string | null };

/** "Approvers & policy": who approves, how many approvals a plan needs, self-approval, and extra admins. */
export function buildApproversModal(current: ApproversSettings, { installer }: { installer?: string | null } = {}): ModalView {
  const selfApproval = option('Authors may approve their own plans', SELF_APPROVAL);
  return settingsModal({
    callbackId,
    title: 'Approvers & policy',
    blocks: [
      inputBlock(
        B.approvers,
        'Approvers',
        {
          type: 'multi_users_select',
          action_id: A,
          max_selected_items: MAX_PEOPLE,
          ...(current.approvers.length > 0 ? { initial_users: current.approvers.slice(0, MAX_PEOPLE) } : {}),
        },
        { optional: true, hint: 'Nobody picked: workspace admins and owners decide.' },
      ),
      inputBlock(
        B.requiredApprovals,
        'Approvals each plan needs',
        {
          type: 'number_input',
          action_id: A,
          is_decimal_allowed: false,
          min_value: '1',
          max_value: String(MAX_REQUIRED_APPROVALS),
          initial_value: String(current.requiredApprovals),
        },
        { hint: `From 1 to ${MAX_REQUIRED_APPROVALS}, and no more than the number of approvers.` },
      ),
      inputBlock(
        B.selfApproval,
        'Self-approval',
        {
          type: 'checkboxes',
          action_id: A,
          options: [selfApproval],
          ...(current.allowSelfApproval ? { initial_options: [selfApproval] } : {}),
        },
        { optional: true },
      ),
      inputBlock(
        B.admins,
        'Admins of this app',
        {
          type: 'multi_users_select',
          action_id: A,
          max_selected_items: MAX_PEOPLE,
          ...(current.admins.length > 0 ? { initial_users: current.admins.slice(0, MAX_PEOPLE) } : {}),
        },
        { optional: true, hint: 'Workspace admins and owners, and whoever installed the app, are admins anyway.' },
      ),
      ...(installer === undefined
        ? []
        : [
            inputBlock(
              B.installer,
              'Installer (counted as an admin)',
              { type: 'users_select', action_id: A, ...(installer ? { initial_user: installer } : {}) },
              { optional: true, hint: 'Recorded at the first install; reinstalling the app does not change it. Empty: nobody.' },
            ),
          ]),
      context('Changes apply to plans created from now on; plans already in review keep their rules.'),
    ],
  });
}

const userIdsSchema = z
  .array(z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'Pick people from the list.'))
  .max(MAX_PEOPLE, `Pick at most ${MAX_PEOPLE} people.`)
  .transform((ids) => [...new Set(ids)]);

export function parseApproversSubmission(view: SubmittedView): ParseResult<ApproversSubmission> {
  const form = readForm(view);
  const approvers = form.check(B.approvers, userIdsSchema, form.users(B.approvers));
  const admins = form.check(B.admins, userIdsSchema, form.users(B.admins));
  const requiredApprovals = form.check(B.requiredApprovals, wholeNumberSchema(1, MAX_REQUIRED_APPROVALS), form.text(B.requiredApprovals));
  if (approvers && requiredApprovals !== undefined && approvers.length > 0 && requiredApprovals > approvers.length) {
    form.fail(
      B.requiredApprovals,
      `Plans would need ${requiredApprovals} approvals from ${approvers.length} ${approvers.length === 1 ? 'approver' : 'approvers'}: lower the number or add approvers.`,
    );
  }
  const allowSelfApproval = form.options(B.selfApproval).includes(SELF_APPROVAL);
  const installer = form.user(B.installer);
  const installerId = installer ? form.check(B.installer, userIdsSchema, [installer])?.[0] : installer;
  return form.finish(() => ({
    approvers: approvers ?? [],
    requiredApprovals: requiredApprovals ?? 1,
    allowSelfApproval,
    admins: admins ?? [],
    ...(installerId === undefined ? {} : { installer: installerId }),
  }));
}
