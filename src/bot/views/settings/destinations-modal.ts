import type { ActionsBlock, KnownBlock, ModalView } from '@slack/types';
import type { DestinationKind } from '../../../db/schema.ts';
import { button, context, escapeMrkdwn, plain, section, truncate } from '../../blocks/format.ts';
import { DESTINATION_ADD_ACTIONS, SETTINGS_MODALS } from '../../ids.ts';
import { settingsModal } from './form.ts';

const { callbackId, actions, blocks: B } = SETTINGS_MODALS.destinations;

export const DESTINATION_KIND_LABELS: Record<DestinationKind, string> = {
  slack_channel: 'Slack channel',
  webhook: 'Webhook',
  wordpress: 'WordPress',
};

const ADD_LABELS: Record<DestinationKind, string> = {
  slack_channel: 'Add a Slack channel',
  webhook: 'Add a webhook',
  wordpress: 'Add a WordPress site',
};

/** Two blocks each; the rest of the modal takes at most six. */
export const MAX_LISTED_DESTINATIONS = 45;

export type DestinationListItem = {
  id: string;
  kind: DestinationKind;
  name: string;
  /** What identifies it to a person: the URL or the channel (`<#C123>`), never the secret. */
  summary: string;
};

export type DestinationsModalOptions = {
  /** The outcome of the last Test, Save or Remove, shown at the top ("✅ Webhook "CMS" answered 200."). */
  notice?: string | null;
};

/**
 * "Destinations": each with Edit, Test and Remove (value: the destination id), then one Add button per
 * kind (value: the kind). Edit and Add push `buildDestinationFormModal`; Test and Remove answer with
 * `views.update` of this modal and a `notice`.
 */
export function buildDestinationsModal(destinations: readonly DestinationListItem[], { notice = null }: DestinationsModalOptions = {}): ModalView {
  const blocks: KnownBlock[] = [];
  if (notice) blocks.push({ ...section(escapeMrkdwn(notice)), block_id: B.notice });
  blocks.push(section('Approved plans are published to these destinations; whoever schedules a plan can pick which.'));
  if (destinations.length === 0) {
    blocks.push(context('No destinations yet. Add a Slack channel, a webhook or a WordPress site below.'));
  }
  for (const destination of destinations.slice(0, MAX_LISTED_DESTINATIONS)) {
    const name = escapeMrkdwn(truncate(destination.name, 80));
    // The summary may hold a Slack channel mention, so it is not escaped; it comes from our own builder.
    blocks.push(section(`*${name}* · ${DESTINATION_KIND_LABELS[destination.kind]}\n${truncate(destination.summary, 500)}`));
    blocks.push({
      type: 'actions',
      elements: [
        button('Edit', actions.edit, destination.id),
        button('Test', actions.test, destination.id),
        {
          ...button('Remove', actions.remove, destination.id, 'danger'),
          confirm: {
            title: plain('Remove this destination?'),
            text: plain(`Plans will no longer be published to "${truncate(destination.name, 80)}". Its secret is deleted.`),
            confirm: plain('Remove'),
            deny: plain('Keep it'),
            style: 'danger',
          },
        },
      ],
    });
  }
  if (destinations.length > MAX_LISTED_DESTINATIONS) {
    blocks.push(context(`${destinations.length - MAX_LISTED_DESTINATIONS} more are not shown. Remove some you no longer use.`));
  }
  const add: ActionsBlock = {
    type: 'actions',
    block_id: B.add,
    elements: (Object.keys(DESTINATION_ADD_ACTIONS) as DestinationKind[]).map((kind) => button(ADD_LABELS[kind], DESTINATION_ADD_ACTIONS[kind], kind)),
  };
  blocks.push(add);
  blocks.push(context('Secrets are stored encrypted and never shown again. Test sends a signed ping, or checks WordPress sign-in.'));
  return settingsModal({ callbackId, title: 'Destinations', blocks, submit: null });
}

/** The kind an "Add …" button carries in its value, or null. */
export function parseDestinationKind(value: unknown): DestinationKind | null {
  return value === 'slack_channel' || value === 'webhook' || value === 'wordpress' ? value : null;
}
