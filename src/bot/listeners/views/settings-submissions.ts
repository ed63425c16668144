import type { AllMiddlewareArgs, App, SlackViewMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { changeInstallerUserId } from '../../../db/installations.ts';
import { getWorkspaceSettings, updateWorkspaceSettings, type SettingsPatch } from '../../../db/settings.ts';
import { isAppError } from '../../../errors.ts';
import type { BotDeps } from '../../deps.ts';
import { SETTINGS_MODALS } from '../../ids.ts';
import { listDestinationItems, saveDestination } from '../../services/destinations-service.ts';
import { publishHome } from '../../services/publish-home.ts';
import { isAdminCheckUnavailable, isAppAdmin } from '../../services/permissions.ts';
import {
  buildDestinationsModal,
  parseApproversSubmission,
  parseBrandVoiceSubmission,
  parseDefaultsSubmission,
  parseDestinationFormSubmission,
  parsePromptsSubmission,
  parseQualitySubmission,
  type ParseResult,
} from '../../views/settings-modals.ts';

type ViewArgs = SlackViewMiddlewareArgs & AllMiddlewareArgs;

const NOT_ADMIN = 'Only admins can change settings. Nothing was saved.';

/**
 * Settings modals. Every submission is authorised here, on the server, and validated inline;
 * a change is one audit row, reaches plans created afterwards, and refreshes the admin's Home.
 */
export function registerSettingsSubmissions(app: App, deps: BotDeps): void {
  // Runs before the ack: a refusal, or Slack's rate limit, is shown under the form's first field.
  const refuseNonAdmin = async (client: WebClient, teamId: string | undefined, userId: string): Promise<string | undefined> => {
    if (!teamId) return NOT_ADMIN;
    try {
      return (await isAppAdmin({ db: deps.db, client, teamId, userId, logger: deps.logger })) ? undefined : NOT_ADMIN;
    } catch (error) {
      if (!isAdminCheckUnavailable(error)) throw error;
      return `${error.message} Nothing was saved yet: submit again.`;
    }
  };
  const on = <T>(
    callbackId: string,
    firstBlock: string,
    group: string,
    parse: (view: ViewArgs['view']) => ParseResult<T>,
    toPatch: (value: T, teamId: string, actorId: string) => Promise<SettingsPatch>,
  ) => {
    app.view(callbackId, async ({ ack, body, view, client, context }) => {
      const teamId = context.teamId ?? body.team?.id;
      const refusal = await refuseNonAdmin(client, teamId, body.user.id);
      if (refusal || !teamId) return void (await ack({ response_action: 'errors', errors: { [firstBlock]: refusal ?? NOT_ADMIN } }));
      const parsed = parse(view);
      if (!parsed.ok) return void (await ack({ response_action: 'errors', errors: parsed.errors }));
      await updateWorkspaceSettings(deps.db, { teamId, actorId: body.user.id, group, patch: await toPatch(parsed.value, teamId, body.user.id) });
      await ack();
      await publishHome({ deps, client, teamId, userId: body.user.id }).catch((error: unknown) => deps.logger.warn({ err: error }, 'could not refresh the Home'));
    });
  };
  const M = SETTINGS_MODALS;

  on(M.approvers.callbackId, M.approvers.blocks.approvers, 'approvers', parseApproversSubmission, async ({ installer, ...policy }, teamId, actorId) => {
    if (installer !== undefined) await changeInstallerUserId(deps.db, { teamId, actorId, installerUserId: installer });
    return policy;
  });
  on(M.defaults.callbackId, M.defaults.blocks.channel, 'defaults', parseDefaultsSubmission, async (value) => value);
  on(M.brandVoice.callbackId, M.brandVoice.blocks.description, 'brand_voice', parseBrandVoiceSubmission, async (brandVoice) => ({ brandVoice }));
  on(M.quality.callbackId, M.quality.blocks.seoThreshold, 'quality', parseQualitySubmission, async (value) => value);
  on(M.prompts.callbackId, M.prompts.blocks.name, 'prompts', parsePromptsSubmission, async ({ name, override }, teamId) => {
    const { promptOverrides } = await getWorkspaceSettings(deps.db, teamId);
    const { [name]: _replaced, ...others } = promptOverrides;
    return { promptOverrides: override === null ? others : { ...others, [name]: override } };
  });

  app.view(M.destinationForm.callbackId, async ({ ack, body, view, client, context }) => {
    const teamId = context.teamId ?? body.team?.id;
    const firstBlock = M.destinationForm.blocks.name;
    const refusal = await refuseNonAdmin(client, teamId, body.user.id);
    if (refusal || !teamId) return void (await ack({ response_action: 'errors', errors: { [firstBlock]: refusal ?? NOT_ADMIN } }));
    const parsed = parseDestinationFormSubmission(view, deps.destinations);
    if (!parsed.ok) return void (await ack({ response_action: 'errors', errors: parsed.errors }));
    try {
      await saveDestination(deps.db, { teamId, actorId: body.user.id, submission: parsed.value, encryptionKey: deps.encryptionKey, registry: deps.destinations });
    } catch (error) {
      if (!isAppError(error)) throw error;
      const blockId = typeof error.details?.['blockId'] === 'string' ? error.details['blockId'] : firstBlock;
      return void (await ack({ response_action: 'errors', errors: { [blockId]: error.message } }));
    }
    await ack();
    // The form was pushed over the Destinations list: show the list again with the change.
    const listViewId = view.previous_view_id ?? view.root_view_id;
    if (listViewId) {
      const notice = `Saved ${parsed.value.name}.`;
      await client.views
        .update({ view_id: listViewId, view: buildDestinationsModal(await listDestinationItems(deps.db, teamId, deps.destinations), { notice, registry: deps.destinations }) })
        .catch((error: unknown) => deps.logger.warn({ err: error }, 'could not refresh the destinations list'));
    }
  });
}
