import { destinationKindSchema, type DestinationKind } from '../domain/destinations.ts';
import { AppError } from '../errors.ts';
import type { DestinationAdapter } from './destinations/adapter.ts';
import { slackChannelAdapter } from './destinations/slack-channel.ts';
import { webhookAdapter } from './destinations/webhook.ts';
import { wordpressAdapter } from './destinations/wordpress.ts';
import { ghostAdapter } from './destinations/ghost.ts';
import { makeMailchimpAdapter } from './destinations/mailchimp.ts';
import { makeLinkedinAdapter } from './destinations/linkedin.ts';
import { makeXThreadAdapter } from './destinations/x-thread.ts';
import type { NetworkDeps } from './networks/accounts.ts';

/** The kinds the app ships, in the order the App Home offers them; `mailchimpApiUrl` is MAILCHIMP_API_URL. */
export function makeBuiltInDestinationAdapters({ mailchimpApiUrl }: { mailchimpApiUrl?: string | undefined } = {}): readonly DestinationAdapter[] {
  return [slackChannelAdapter, webhookAdapter, wordpressAdapter, ghostAdapter, makeMailchimpAdapter({ apiUrl: mailchimpApiUrl })];
}

/** The built-in kinds with Mailchimp at its real address. */
export const BUILT_IN_DESTINATION_ADAPTERS: readonly DestinationAdapter[] = makeBuiltInDestinationAdapters();

/** The kinds that post as connected accounts (X, LinkedIn): they need the database, the keys and the API endpoints. */
export function makeNetworkDestinationAdapters(deps: NetworkDeps): readonly DestinationAdapter[] {
  return [makeXThreadAdapter(deps), makeLinkedinAdapter(deps)];
}

/** The destination kinds this app knows; built in main.ts and passed to listeners and jobs. */
export type DestinationRegistry = {
  readonly adapters: readonly DestinationAdapter[];
  find(kind: string): DestinationAdapter | undefined;
  /** Throws NOT_FOUND for a kind this app does not know. */
  get(kind: DestinationKind): DestinationAdapter;
};

export function makeDestinationRegistry(adapters: readonly DestinationAdapter[] = BUILT_IN_DESTINATION_ADAPTERS): DestinationRegistry {
  const byKind = new Map<string, DestinationAdapter>();
  for (const adapter of adapters) {
    if (!destinationKindSchema.safeParse(adapter.kind).success) throw new Error(`destination kind "${adapter.kind}" must be lowercase letters, digits and _`);
    if (byKind.has(adapter.kind)) throw new Error(`destination kind "${adapter.kind}" is registered twice`);
    byKind.set(adapter.kind, adapter);
  }
  return {
    adapters: [...byKind.values()],
    find: (kind) => byKind.get(kind),
    get(kind) {
      const adapter = byKind.get(kind);
      if (!adapter) throw new AppError('NOT_FOUND', `This app has no destination kind "${kind}".`);
      return adapter;
    },
  };
}

export const builtInDestinations = makeDestinationRegistry();
