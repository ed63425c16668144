import { PLAN_MODAL } from '../../src/bot/ids.ts';

const { blocks: B, inputAction: A } = PLAN_MODAL;

export type PlanFormAnswers = {
  topic?: string;
  keyphrase?: string;
  keywords?: string;
  audience?: string;
  tone?: string | null;
  channels?: string[];
  competitorUrls?: string;
  brief?: string;
  skipResearch?: boolean;
  postChannel?: string | null;
};

/** The `view.state.values` Slack sends when the plan modal is submitted with these answers. */
export function planModalValues(answers: PlanFormAnswers = {}): Record<string, Record<string, unknown>> {
  const {
    topic = 'Hybrid work playbook for small teams',
    keyphrase = 'hybrid work',
    keywords = 'remote work policy, async meetings',
    audience = 'Ops leads at small companies',
    tone = null,
    channels = ['blog', 'linkedin', 'x_thread'],
    competitorUrls = '',
    brief = 'Practical. Include a checklist.',
    skipResearch = false,
    postChannel = 'C0MARKETING',
  } = answers;
  const text = (value: string) => ({ [A]: { type: 'plain_text_input', value: value === '' ? null : value } });
  return {
    [B.topic]: text(topic),
    [B.keyphrase]: text(keyphrase),
    [B.keywords]: text(keywords),
    [B.audience]: text(audience),
    [B.tone]: { [A]: { type: 'static_select', selected_option: tone ? { value: tone, text: { type: 'plain_text', text: tone } } : null } },
    [B.channels]: { [A]: { type: 'checkboxes', selected_options: channels.map((value) => ({ value, text: { type: 'plain_text', text: value } })) } },
    [B.competitorUrls]: text(competitorUrls),
    [B.brief]: text(brief),
    [B.skipResearch]: { [A]: { type: 'checkboxes', selected_options: skipResearch ? [{ value: 'skip' }] : [] } },
    [B.postChannel]: { [A]: { type: 'conversations_select', selected_conversation: postChannel } },
  };
}

export function planModalSubmissionView(answers: PlanFormAnswers = {}, { viewId = 'V0PLANMODAL1', originChannelId = 'C0ORIGIN' } = {}) {
  return {
    id: viewId,
    callback_id: PLAN_MODAL.callbackId,
    private_metadata: JSON.stringify({ originChannelId }),
    state: { values: planModalValues(answers) },
  };
}
