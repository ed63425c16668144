import type { Button, KnownBlock } from '@slack/types';
import { HOME_ACTIONS } from '../ids.ts';
import { button, context, escapeMrkdwn, plain, section, truncate } from './format.ts';

export type ConnectedProviderId = 'x' | 'linkedin';

export type HomeAccount = {
  id: string;
  provider: ConnectedProviderId;
  /** `@acme` on X, the member's name on LinkedIn. */
  label: string;
  status: 'active' | 'needs_reconnect';
  statusReason: string | null;
  accessExpiresAt: Date | null;
  connectedBy: string;
};

export type ProviderAccounts = {
  provider: ConnectedProviderId;
  accounts: HomeAccount[];
  /** This admin's Connect / Reconnect link; null when the app is not set up for it (`missing` says why). */
  connectUrl: string | null;
  missing: string | null;
};

export type ConnectedAccountsModel = { providers: ProviderAccounts[]; now: Date };

const NAMES: Record<ConnectedProviderId, string> = { x: 'X', linkedin: 'LinkedIn' };
/** Accounts listed per network; two blocks each. */
export const MAX_LISTED_ACCOUNTS = 2;
/** A LinkedIn connection this close to its 60-day end is flagged, so an admin reconnects before posts fail. */
export const EXPIRY_WARNING_DAYS = 14;
/** Header, per network up to MAX_LISTED_ACCOUNTS accounts (two blocks each) or a connect line (two), and a closing note. */
export const CONNECTED_ACCOUNTS_MAX_BLOCKS = 1 + 2 * Math.max(2, 2 * MAX_LISTED_ACCOUNTS) + 1;

const DAY_MS = 86_400_000;

/** When the connection ends, as the Home says it: "expires 30 Jan 2027 (in 12 days)", or null for X (it renews itself). */
export function describeExpiry(account: Pick<HomeAccount, 'provider' | 'accessExpiresAt'>, now: Date): { text: string; isSoon: boolean } | null {
  if (account.provider !== 'linkedin' || account.accessExpiresAt === null) return null;
  const days = Math.ceil((account.accessExpiresAt.getTime() - now.getTime()) / DAY_MS);
  const date = account.accessExpiresAt.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  if (days <= 0) return { text: `expired on ${date}`, isSoon: true };
  return { text: `expires ${date} (in ${days} ${days === 1 ? 'day' : 'days'})`, isSoon: days <= EXPIRY_WARNING_DAYS };
}

/** The App Home's "Connected accounts" for admins: each account with Reconnect and Disconnect, or a Connect button. */
export function buildConnectedAccountsBlocks(model: ConnectedAccountsModel): KnownBlock[] {
  const blocks: KnownBlock[] = [{ type: 'header', text: plain('Connected accounts') }];
  for (const { provider, accounts, connectUrl, missing } of model.providers) {
    const name = NAMES[provider];
    const connect = (label: string, style?: 'primary'): Button => ({ ...button(label, HOME_ACTIONS.connectAccount, provider, style), url: connectUrl!.slice(0, 3000) });
    if (accounts.length === 0) {
      blocks.push(connectUrl ? { ...section(`*${name}* · not connected`), accessory: connect(`Connect ${name}`, 'primary') } : section(`*${name}* · not connected`));
      blocks.push(context(connectUrl ? `Plans can be published to ${name} once an admin connects an account.` : escapeMrkdwn(missing ?? 'Connecting is not set up.')));
      continue;
    }
    for (const account of accounts.slice(0, MAX_LISTED_ACCOUNTS)) {
      const expiry = describeExpiry(account, model.now);
      const parts = [`*${name}* · ${escapeMrkdwn(truncate(account.label, 80))}`, `connected by <@${account.connectedBy}>`];
      if (expiry) parts.push(expiry.isSoon ? `:warning: ${expiry.text}: reconnect before then` : expiry.text);
      const needsReconnect = account.status === 'needs_reconnect';
      const line = needsReconnect ? `${parts.join(' · ')}\n:warning: *Needs reconnect.* ${escapeMrkdwn(truncate(account.statusReason ?? '', 300))}` : parts.join(' · ');
      blocks.push(section(line));
      const elements: Button[] = [];
      if (connectUrl) elements.push(connect('Reconnect', needsReconnect || expiry?.isSoon ? 'primary' : undefined));
      elements.push({
        ...button('Disconnect', HOME_ACTIONS.disconnectAccount, account.id, 'danger'),
        confirm: {
          title: plain(`Disconnect ${name}?`),
          text: plain(`Its tokens are deleted and plans are no longer published as ${truncate(account.label, 80)}.`),
          confirm: plain('Disconnect'),
          deny: plain('Keep it'),
          style: 'danger',
        },
      });
      blocks.push({ type: 'actions', elements });
    }
  }
  blocks.push(context('Tokens are stored encrypted and never shown. Reconnect with another account to add it.'));
  return blocks;
}
