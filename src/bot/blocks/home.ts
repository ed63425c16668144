import type { HomeView, KnownBlock } from '@slack/types';
import { STATUS_LABELS } from '../../orchestrator/plan-status.ts';
import type { Plan } from '../../db/plans.ts';
import { ACTIONS } from '../ids.ts';
import { button, context, escapeMrkdwn, section, truncate } from './format.ts';

const MAX_PLANS = 20;

/** The App Home for one user: a New plan button and their recent plans. */
export function buildHomeView({ plans }: { plans: readonly Plan[] }): HomeView {
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: '*Content Broadcaster*' },
      accessory: button('New plan', ACTIONS.newPlan, 'home', 'primary'),
    },
    { type: 'divider' },
    section('*Your plans*'),
  ];
  if (plans.length === 0) blocks.push(context('No plans yet. Press *New plan* or type `/content` in any channel.'));
  for (const plan of plans.slice(0, MAX_PLANS)) {
    const score = plan.seoScore === null ? '' : ` · SEO ${plan.seoScore}`;
    const line = `*#${plan.number}* ${escapeMrkdwn(truncate(plan.topic, 80))} · ${STATUS_LABELS[plan.status]}${score}`;
    blocks.push(
      plan.messagePermalink
        ? { type: 'section', text: { type: 'mrkdwn', text: line }, accessory: { ...button('Open', ACTIONS.openPlan, plan.id), url: plan.messagePermalink } }
        : section(line),
    );
  }
  return { type: 'home', blocks };
}
