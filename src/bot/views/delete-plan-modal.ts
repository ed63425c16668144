import type { View } from '@slack/types';
import { z } from 'zod';
import { escapeMrkdwn, plain, section, truncate } from '../blocks/format.ts';
import { DELETE_PLAN_MODAL } from '../ids.ts';

/** The confirm dialog of Delete. */
export function buildDeletePlanModal(plan: { id: string; number: number; topic: string }): View {
  return {
    type: 'modal',
    callback_id: DELETE_PLAN_MODAL.callbackId,
    private_metadata: JSON.stringify({ planId: plan.id }),
    title: plain(`Delete plan #${plan.number}?`.slice(0, 24)),
    submit: plain('Delete'),
    close: plain('Keep it'),
    blocks: [
      section(
        `*#${plan.number} ${escapeMrkdwn(truncate(plan.topic, 200))}* will be stopped if it is still running, hidden from every list, the Home and the dashboard, and its message replaced by a one-line note. The audit log keeps its history.`,
      ),
    ],
  };
}

const metadataSchema = z.object({ planId: z.string() });

export function parsePlanIdMetadata(raw: string | undefined): string | null {
  try {
    return metadataSchema.parse(JSON.parse(raw ?? '{}')).planId;
  } catch {
    return null;
  }
}
