import type { App, BlockAction, ButtonAction, StaticSelectAction } from '@slack/bolt';
import type { View } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { findDestination, type DestinationRow } from '../../../db/destinations.ts';
import { isAppError } from '../../../errors.ts';
import { assertWithinRateLimit, limiterOf } from '../../services/rate-limits.ts';
import { findInstallation } from '../../../db/installations.ts';
import { getWorkspaceSettings } from '../../../db/settings.ts';
import { loadDefaultPrompt, PROMPT_NAMES, type PromptName } from '../../../orchestrator/prompts/templates.ts';
import { parseHomePage, parseHomePages, parseSettingsGroup } from '../../blocks/home.ts';
import { calendarPagerPattern, parseCalendarPageValue } from '../../blocks/calendar.ts';
import { openPlanModal } from '../commands/content-command.ts';
import type { BotDeps } from '../../deps.ts';
import { listDestinationItems, removeDestination, testDestination } from '../../services/destinations-service.ts';
import { publishHome } from '../../services/publish-home.ts';
import { disconnectAccount } from '../../services/destinations-service.ts';
import { isAdminCheckUnavailable, isAppAdmin } from '../../services/permissions.ts';
import { ACTIONS, CALENDAR_ACTIONS, DESTINATION_ADD_ACTION_PATTERN, HOME_ACTIONS, SETTINGS_MODALS, type SettingsGroup } from '../../ids.ts';
import {
  buildApproversModal,
  buildBrandVoiceModal,
  buildDefaultsModal,
  buildDestinationFormModal,
  buildDestinationsModal,
  buildPromptsModal,
  buildQualityModal,
  parseDestinationKind,
  parsePromptSelection,
} from '../../views/settings-modals.ts';
import { openModal } from '../../services/open-modal.ts';

const NOT_ADMIN = 'Only admins can change settings: workspace admins and owners, whoever installed the app, and the admins listed in its settings.';

export function registerHomeActions(app: App, deps: BotDeps): void {
  // Runs after the ack; when Slack cannot say who is an admin, the person is told in a direct message.
  const isAdmin = async (client: WebClient, teamId: string, userId: string): Promise<boolean> => {
    try {
      return await isAppAdmin({ db: deps.db, client, teamId, userId, logger: deps.logger });
    } catch (error) {
      if (!isAdminCheckUnavailable(error)) throw error;
      await client.chat.postMessage({ channel: userId, text: error.message }).catch(() => undefined);
      return false;
    }
  };
  app.action<BlockAction<ButtonAction>>(ACTIONS.newPlan, async ({ ack, body, client, context }) => {
    await ack();
    const teamId = context.teamId ?? body.team?.id;
    if (!teamId) return;
    await openPlanModal({ client, deps, teamId, triggerId: body.trigger_id, topic: undefined, channelId: body.channel?.id });
  });
  // "Open" is a link button; Slack still sends the press, which only needs an ack.
  app.action(ACTIONS.openPlan, async ({ ack }) => ack());
  // So are Connect and Reconnect: the flow runs in the browser, on /connect.
  app.action(HOME_ACTIONS.connectAccount, async ({ ack }) => ack());

  app.action<BlockAction<ButtonAction>>(HOME_ACTIONS.disconnectAccount, async ({ ack, action, body, client, context }) => {
    await ack();
    const teamId = context.teamId ?? body.team?.id;
    if (!teamId || !action.value) return;
    if (!(await isAdmin(client, teamId, body.user.id))) {
      await client.chat.postMessage({ channel: body.user.id, text: NOT_ADMIN }).catch(() => undefined);
      return;
    }
    const name = await disconnectAccount(deps.db, { teamId, actorId: body.user.id, id: action.value });
    if (name === null) deps.logger.info({ teamId }, 'the account was already disconnected');
    await publishHome({ deps, client, teamId, userId: body.user.id, pages: parseHomePages(body.view?.private_metadata) });
  });

  for (const actionId of [HOME_ACTIONS.nextPage, HOME_ACTIONS.previousPage]) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, action, body, client, context }) => {
      await ack();
      const target = parseHomePage(action.value);
      const teamId = context.teamId ?? body.team?.id;
      if (!target || !teamId) return;
      const pages = parseHomePages(body.view?.private_metadata);
      const next = target.list === 'my_plans' ? { ...pages, myPlans: target.page } : { ...pages, waiting: target.page };
      await publishHome({ deps, client, teamId, userId: body.user.id, pages: next });
    });
  }

  app.action<BlockAction<ButtonAction>>(calendarPagerPattern(CALENDAR_ACTIONS.homePage), async ({ ack, action, body, client, context }) => {
    await ack();
    const calendar = parseCalendarPageValue(action.value);
    const teamId = context.teamId ?? body.team?.id;
    if (!calendar || !teamId) return;
    await publishHome({ deps, client, teamId, userId: body.user.id, pages: { ...parseHomePages(body.view?.private_metadata), calendar } });
  });

  app.action<BlockAction<ButtonAction>>('home_open_settings', async ({ ack, action, body, client, context }) => {
    await ack();
    const group = parseSettingsGroup(action.value);
    const teamId = context.teamId ?? body.team?.id;
    if (!group || !teamId) return;
    if (!(await isAdmin(client, teamId, body.user.id))) {
      await client.chat.postMessage({ channel: body.user.id, text: NOT_ADMIN }).catch(() => undefined);
      return;
    }
    await openModal(client, { triggerId: body.trigger_id, view: await buildSettingsModal(deps, teamId, group) });
  });

  // Choosing a prompt in the Prompts modal shows that prompt's default and override.
  app.action<BlockAction<StaticSelectAction>>(SETTINGS_MODALS.prompts.actions.select, async ({ ack, action, body, client, context }) => {
    await ack();
    const teamId = context.teamId ?? body.team?.id;
    const selected = parsePromptSelection(action.selected_option?.value);
    if (!teamId || !selected || !body.view) return;
    if (!(await isAdmin(client, teamId, body.user.id))) return;
    await client.views.update({ view_id: body.view.id, hash: body.view.hash, view: await promptsModal(deps, teamId, selected) });
  });

  app.action<BlockAction<ButtonAction>>(DESTINATION_ADD_ACTION_PATTERN, async ({ ack, action, body, client, context }) => {
    await ack();
    const kind = parseDestinationKind(action.value, deps.destinations);
    const teamId = context.teamId ?? body.team?.id;
    if (!kind || !teamId || !(await isAdmin(client, teamId, body.user.id))) return;
    await client.views.push({ trigger_id: body.trigger_id, view: buildDestinationFormModal({ kind, registry: deps.destinations }) });
  });

  const destinationAction = (
    actionId: string,
    handle: (args: { client: WebClient; teamId: string; userId: string; id: string; viewId: string; triggerId: string }) => Promise<void>,
  ) => {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, action, body, client, context }) => {
      await ack();
      const teamId = context.teamId ?? body.team?.id;
      if (!teamId || !body.view || !action.value) return;
      if (!(await isAdmin(client, teamId, body.user.id))) return;
      await handle({ client, teamId, userId: body.user.id, id: action.value, viewId: body.view.id, triggerId: body.trigger_id });
    });
  };
  const { actions: destinationActions } = SETTINGS_MODALS.destinations;
  const testWithinRateLimit = async (row: DestinationRow, client: WebClient): Promise<string> => {
    try {
      await assertWithinRateLimit(limiterOf(deps), { kind: 'destination_test', teamId: row.teamId });
    } catch (error) {
      if (!isAppError(error, 'RATE_LIMITED')) throw error;
      return `⏳ ${row.name}: ${error.message}`;
    }
    return testDestination({ row, client, encryptionKey: deps.encryptionKey, timeoutMs: deps.publishTimeoutMs, registry: deps.destinations, network: deps.destinationNetwork });
  };

  destinationAction(destinationActions.edit, async ({ client, teamId, id, triggerId }) => {
    const row = await findDestination(deps.db, teamId, id);
    if (!row) return;
    await client.views.push({ trigger_id: triggerId, view: buildDestinationFormModal({ kind: row.kind, existing: { id: row.id, name: row.name, config: row.config }, registry: deps.destinations }) });
  });

  destinationAction(destinationActions.test, async ({ client, teamId, userId, id, viewId }) => {
    const row = await findDestination(deps.db, teamId, id);
    const notice = row ? await testWithinRateLimit(row, client) : 'That destination was removed.';
    await client.views.update({ view_id: viewId, view: buildDestinationsModal(await listDestinationItems(deps.db, teamId, deps.destinations), { notice, registry: deps.destinations }) });
  });

  destinationAction(destinationActions.remove, async ({ client, teamId, userId, id, viewId }) => {
    const name = await removeDestination(deps.db, { teamId, actorId: userId, id });
    const notice = name ? `Removed ${name}.` : 'That destination was already removed.';
    await client.views.update({ view_id: viewId, view: buildDestinationsModal(await listDestinationItems(deps.db, teamId, deps.destinations), { notice, registry: deps.destinations }) });
  });
}

export async function buildSettingsModal(deps: BotDeps, teamId: string, group: SettingsGroup): Promise<View> {
  const settings = await getWorkspaceSettings(deps.db, teamId);
  switch (group) {
    case 'approvers':
      return buildApproversModal(settings, { installer: (await findInstallation(deps.db, teamId))?.installerUserId });
    case 'defaults':
      return buildDefaultsModal(settings);
    case 'brand_voice':
      return buildBrandVoiceModal(settings.brandVoice);
    case 'quality':
      return buildQualityModal(settings);
    case 'prompts':
      return promptsModal(deps, teamId, PROMPT_NAMES[0]);
    case 'destinations':
      return buildDestinationsModal(await listDestinationItems(deps.db, teamId, deps.destinations), { registry: deps.destinations });
  }
}

async function promptsModal(deps: BotDeps, teamId: string, selected: PromptName): Promise<View> {
  const { promptOverrides } = await getWorkspaceSettings(deps.db, teamId);
  return buildPromptsModal({
    selected,
    defaultText: loadDefaultPrompt(selected),
    override: promptOverrides[selected] ?? null,
    overridden: PROMPT_NAMES.filter((name) => promptOverrides[name] !== undefined),
  });
}
