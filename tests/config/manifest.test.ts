import { readFileSync } from 'node:fs';
import type { AppsManifestValidateArguments } from '@slack/web-api';
import { expect, test } from 'vitest';
import { parse } from 'yaml';
import { REGISTERED_COMMANDS, REGISTERED_EVENTS, USES_HOME_TAB, USES_INTERACTIVITY } from '../../src/bot/listeners/register.ts';
import { BOT_SCOPES } from '../../src/bot/scopes.ts';

type Manifest = NonNullable<AppsManifestValidateArguments['manifest']>;

const manifest = parse(readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8')) as Manifest;

test('declares exactly the commands the app registers', () => {
  expect(manifest.features?.slash_commands?.map((command) => command.command).sort()).toEqual([...REGISTERED_COMMANDS].sort());
});

test('subscribes to exactly the events the app listens to', () => {
  expect([...(manifest.settings?.event_subscriptions?.bot_events ?? [])].sort()).toEqual([...REGISTERED_EVENTS].sort());
});

test('enables interactivity and the Home tab the app uses', () => {
  expect(manifest.settings?.interactivity?.is_enabled).toBe(USES_INTERACTIVITY);
  expect(manifest.features?.app_home?.home_tab_enabled).toBe(USES_HOME_TAB);
});

test('asks for the bot scopes the app uses and no others', () => {
  expect([...(manifest.oauth_config?.scopes?.bot ?? [])].sort()).toEqual(Object.keys(BOT_SCOPES).sort());
});

test('uses Socket Mode by default', () => {
  expect(manifest.settings?.socket_mode_enabled).toBe(true);
});
