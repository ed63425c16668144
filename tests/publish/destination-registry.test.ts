import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { SETTINGS_MODALS } from '../../src/bot/ids.ts';
import { ACTIONS, DECISION_MODALS } from '../../src/bot/ids.ts';
import { defineDestinationAdapter, type PublishCallContext } from '../../src/publish/destinations/adapter.ts';
import { BUILT_IN_DESTINATION_ADAPTERS, makeDestinationRegistry } from '../../src/publish/registry.ts';
import { seedCompetitors, submitPlan, TEAM, rootMessage, waitForQuiet, waitForStatus } from '../support/pipeline.ts';
import { ENCRYPTION_KEY_HEX, planStatus, press, scheduleValues, setReviewSettings, submitDecision } from '../support/review.ts';
import { GOOD_DRAFT, scriptAuthor } from '../support/scripted-author.ts';
import { blockActionsBody, viewSubmissionBody } from '../support/slack-requests.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const ADMIN = 'U0ADMIN';
const AVERY = 'U0AVERY';

/** A destination kind the app does not ship: it keeps what it is sent in memory. */
const notebookConfigSchema = z.object({ kind: z.literal('notebook'), shelf: z.string().trim().min(3, 'Name a shelf of at least 3 letters.') });
type NotebookConfig = z.infer<typeof notebookConfigSchema>;
type Entry = { shelf: string; secret: string; idempotencyKey: string; title: string };
const shelves: Entry[] = [];
const calls: string[] = [];
let answerUnknownOnce = true;

const notebookAdapter = defineDestinationAdapter<NotebookConfig>({
  kind: 'notebook',
  label: 'Notebook',
  shortLabel: 'notebook',
  addLabel: 'Add a notebook',
  editTitle: 'Edit notebook',
  namePlaceholder: 'Team notebook',
  configSchema: notebookConfigSchema,
  fields: [{ type: 'text', name: 'shelf', blockId: 'destination_shelf', label: 'Shelf', placeholder: 'marketing', maxLength: 40 }],
  secret: {
    blockId: 'destination_notebook_key',
    label: 'Key',
    editLabel: 'New key',
    placeholder: 'at least 8 characters',
    maxLength: 64,
    hint: 'Opens the notebook.',
    schema: z.string().trim().min(8, 'Use a key of at least 8 characters.'),
    missing: 'Enter the key.',
    scope: (config) => String((config as Partial<NotebookConfig>).shelf ?? ''),
  },
  summary: (config) => `shelf ${config.shelf}`,
  test: async ({ config }) => ({ ok: true, message: `shelf ${config.shelf} is open.` }),
  async publish({ config, secret, idempotencyKey, content }: PublishCallContext<NotebookConfig>) {
    calls.push('publish');
    shelves.push({ shelf: config.shelf, secret, idempotencyKey, title: content.post.title });
    if (answerUnknownOnce) {
      answerUnknownOnce = false;
      return { state: 'unknown', retryable: true, reason: 'The notebook did not say whether it kept the post.' };
    }
    return { state: 'delivered', retryable: false, externalId: String(shelves.length) };
  },
  async reconcile({ idempotencyKey }) {
    calls.push('reconcile');
    const index = shelves.findIndex((entry) => entry.idempotencyKey === idempotencyKey);
    return index < 0 ? { outcome: 'absent' } : { outcome: 'found', result: { state: 'delivered', retryable: false, externalId: String(index + 1) } };
  },
});

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({
    env: { ENCRYPTION_KEY: ENCRYPTION_KEY_HEX, JOB_MAX_ATTEMPTS: '4' },
    destinations: makeDestinationRegistry([...BUILT_IN_DESTINATION_ADAPTERS, notebookAdapter]),
  });
  seedCompetitors(t.firecrawl);
  scriptAuthor(t.openai, { drafts: [GOOD_DRAFT] });
  t.slack.users.set(ADMIN, { is_admin: true });
  await setReviewSettings(t, { approvers: [AVERY] });
});
afterAll(async () => {
  await t?.close();
});

describe('a destination kind added through the injected registry', () => {
  test('is offered in the App Home, saved through its own form, and published to by the real publish job', async () => {
    // The Destinations list offers it.
    const trigger = t.slack.issueTriggerId();
    await t.send(
      blockActionsBody({ teamId: TEAM, userId: ADMIN, actions: [{ action_id: 'home_open_settings', block_id: 'settings', value: 'destinations' }], triggerId: trigger, view: { id: 'V0HOME', type: 'home' } }),
    );
    const [open] = await t.slack.waitFor((call) => call.method === 'views.open' && call.args['trigger_id'] === trigger);
    expect(JSON.stringify(open?.args['view'])).toContain('"action_id":"destination_add_notebook","value":"notebook"');

    // Its form is parsed with its schema: errors inline under its own fields, then saved with the secret encrypted.
    const form = (values: Record<string, string>) =>
      t.send(
        viewSubmissionBody({
          teamId: TEAM,
          userId: ADMIN,
          view: {
            id: 'V0NOTEBOOK',
            callback_id: SETTINGS_MODALS.destinationForm.callbackId,
            private_metadata: JSON.stringify({ kind: 'notebook', id: null }),
            state: { values: Object.fromEntries(Object.entries(values).map(([block, value]) => [block, { value: { type: 'plain_text_input', value } }])) },
          },
        }),
      );
    const bad = await form({ [SETTINGS_MODALS.destinationForm.blocks.name]: 'Team notebook', destination_shelf: 'ab', destination_notebook_key: 'short' });
    expect(await bad.json()).toEqual({
      response_action: 'errors',
      errors: { destination_shelf: 'Name a shelf of at least 3 letters.', destination_notebook_key: 'Use a key of at least 8 characters.' },
    });
    const good = await form({ [SETTINGS_MODALS.destinationForm.blocks.name]: 'Team notebook', destination_shelf: 'marketing', destination_notebook_key: 'open-sesame' });
    expect(good.status).toBe(200);
    const [row] = await t.database.sql<{ id: string; config: unknown; secret_encrypted: string }[]>`
      select id, config, secret_encrypted from publish_destinations where team_id = ${TEAM} and kind = 'notebook'`;
    expect(row?.config).toEqual({ kind: 'notebook', shelf: 'marketing' });
    expect(row?.secret_encrypted).not.toContain('open-sesame');

    // A plan scheduled to it is published by the publish job: the first try is ambiguous, the retry
    // reconciles with the same idempotency key and finds it, so nothing is sent twice.
    const plan = await submitPlan(t, { channels: ['blog'] });
    await waitForStatus(t, plan.id, 'in_review');
    await press(t, { userId: AVERY, actionId: ACTIONS.approve, planId: plan.id });
    expect(await planStatus(t, plan.id)).toBe('approved');
    const answer = await submitDecision(t, {
      userId: AVERY,
      callbackId: DECISION_MODALS.schedule.callbackId,
      planId: plan.id,
      values: scheduleValues(new Date(Date.now() + 1_500), [`dest:${row!.id}`]),
    });
    expect(answer).toBeUndefined();
    await waitForStatus(t, plan.id, 'published', 40_000);
    await waitForQuiet(t, plan.id);

    expect(calls).toEqual(['publish', 'reconcile']);
    expect(shelves).toEqual([{ shelf: 'marketing', secret: 'open-sesame', idempotencyKey: expect.any(String), title: GOOD_DRAFT.title }]);
    const attempts = await t.database.sql`select destination_kind, state, tries, idempotency_key from publish_attempts where plan_id = ${plan.id}`;
    expect(attempts).toEqual([{ destination_kind: 'notebook', state: 'delivered', tries: 2, idempotency_key: shelves[0]!.idempotencyKey }]);
    expect(JSON.stringify((await rootMessage(t, plan.id)).message.blocks)).toContain('Team notebook: ✅ delivered');
  }, 90_000);
});
