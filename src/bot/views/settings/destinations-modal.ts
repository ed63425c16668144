import type { ActionsBlock, KnownBlock, ModalView } from '@slack/types';
import type { DestinationKind } from '../../../domain/destinations.ts';
import { builtInDestinations, type DestinationRegistry } from '../../../publish/registry.ts';
import { button, context, escapeMrkdwn, plain, section, truncate } from '../../blocks/format.ts';
import { destinationAddActionId, SETTINGS_MODALS } from '../../ids.ts';
import { settingsModal } from './form.ts';

const { callbackId, actions, blocks: B } = SETTINGS_MODALS.destinations;

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
  registry?: DestinationRegistry;
};

/**
 * "Destinations": each with Edit, Test and Remove (value: the destination id), then one Add button per
 * kind in the registry (value: the kind). Edit and Add push `buildDestinationFormModal`; Test and Remove
 * answer with `views.update` of this modal and a `notice`.
 */
export function buildDestinationsModal(
  destinations: readonly DestinationListItem[],
  { notice = null, registry = builtInDestinations }: DestinationsModalOptions = {},
): ModalView {
  const blocks: KnownBlock[] = [];
  if (notice) blocks.push({ ...section(escapeMrkdwn(notice)), block_id: B.notice });
  blocks.push(section('Approved plans are published to these destinations; whoever schedules a plan can pick which.'));
  if (destinations.length === 0) {
    blocks.push(context('No destinations yet. Add one with the buttons below.'));
  }
  for (const destination of destinations.slice(0, MAX_LISTED_DESTINATIONS)) {
    const name = escapeMrkdwn(truncate(destination.name, 80));
    const adapter = registry.find(destination.kind);
    const label = adapter?.label ?? destination.kind;
    // The summary may hold a Slack channel mention, so it is not escaped; it comes from our own builder.
    blocks.push(section(`*${name}* · ${label}\n${truncate(destination.summary, 500)}`));
    blocks.push({
      type: 'actions',
      elements: [
        // An account's destination has nothing to edit: it is reconnected or disconnected in the Home.
        ...(adapter?.connectedAccount ? [] : [button('Edit', actions.edit, destination.id)]),
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
    elements: registry.adapters.filter((adapter) => adapter.connectedAccount === undefined).map((adapter) => button(adapter.addLabel, destinationAddActionId(adapter.kind), adapter.kind)),
  };
  blocks.push(add);
  blocks.push(context('Secrets are stored encrypted and never shown again. Test sends a signed ping, or checks WordPress sign-in.'));
  return settingsModal({ callbackId, title: 'Destinations', blocks, submit: null });
}

/** The kind an "Add …" button carries in its value, when the registry knows it; else null. */
export function parseDestinationKind(value: unknown, registry: DestinationRegistry = builtInDestinations): DestinationKind | null {
  return typeof value === 'string' && registry.find(value) ? value : null;
}
