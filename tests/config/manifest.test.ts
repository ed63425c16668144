import { readFileSync } from 'node:fs';
import { InstallProvider } from '@slack/oauth';
import type { AppsManifestValidateArguments } from '@slack/web-api';
import pino from 'pino';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { REGISTERED_COMMANDS, REGISTERED_EVENTS, USES_HOME_TAB, USES_INTERACTIVITY } from '../../src/bot/listeners/register.ts';
import { BOT_SCOPES } from '../../src/bot/scopes.ts';
import { makeHttpApp } from '../../src/server/http-app.ts';
import { HonoSlackReceiver } from '../../src/server/slack-receiver.ts';

type Manifest = NonNullable<AppsManifestValidateArguments['manifest']>;

const readRepoFile = (name: string) => readFileSync(new URL(`../../${name}`, import.meta.url), 'utf8');
const load = (name: string) => parse(readRepoFile(name)) as Manifest;
const readme = readRepoFile('README.md');

describe.each(['manifest.yml', 'manifest.http.yml'])('%s', (file) => {
  const manifest = load(file);

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

  test('asks for the bot scopes the app uses and no others, chat:write.public among them', () => {
    expect([...(manifest.oauth_config?.scopes?.bot ?? [])].sort()).toEqual(Object.keys(BOT_SCOPES).sort());
    expect(manifest.oauth_config?.scopes?.bot).toContain('chat:write.public');
  });

  test('allows org-wide installs exactly as the README says', () => {
    expect(readme).toContain(`\`${file}\` (\`org_deploy_enabled: ${String(manifest.settings?.org_deploy_enabled)}\`)`);
  });
});

test('manifest.yml uses Socket Mode: no request URLs', () => {
  const manifest = load('manifest.yml');
  expect(manifest.settings?.socket_mode_enabled).toBe(true);
  expect(manifest.settings?.org_deploy_enabled).toBe(false);
  expect(JSON.stringify(manifest)).not.toContain('url"');
});

test('manifest.http.yml sends commands, actions and events to the routes the app serves, and installs by OAuth', () => {
  const manifest = load('manifest.http.yml');
  expect(manifest.settings?.socket_mode_enabled).toBe(false);
  // Org-wide installs exist only with OAuth: their tokens are stored per installation.
  expect(manifest.settings?.org_deploy_enabled).toBe(true);

  const http = makeHttpApp({
    receiver: new HonoSlackReceiver({ signingSecret: 'secret', logger: pino({ level: 'silent' }) }),
    installer: new InstallProvider({ clientId: 'id', clientSecret: 'secret', stateSecret: 'state' }),
    checkHealth: async () => ({ ok: true, database: 'up', worker: 'running' }),
  });
  const served = new Set(http.routes.map((route) => `${route.method} ${route.path}`));
  const urls = {
    command: manifest.features?.slash_commands?.[0]?.url,
    events: manifest.settings?.event_subscriptions?.request_url,
    interactivity: manifest.settings?.interactivity?.request_url,
  };
  for (const [surface, url] of Object.entries(urls)) {
    expect(url, surface).toMatch(/^https:\/\/your-host\//);
    expect(served, surface).toContain(`POST ${new URL(url ?? '').pathname}`);
  }
  const redirects = manifest.oauth_config?.redirect_urls ?? [];
  expect(redirects).toHaveLength(1);
  expect(served).toContain(`GET ${new URL(redirects[0] ?? '').pathname}`);
});

test('the README tells how to create the app from each manifest', () => {
  expect(readme).toContain('[`manifest.yml`](manifest.yml)');
  expect(readme).toContain('[`manifest.http.yml`](manifest.http.yml)');
});
