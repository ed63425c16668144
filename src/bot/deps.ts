import type { NetworksConfig } from '../config.ts';
import type { Logger } from 'pino';
import type { EncryptionKeys } from '../crypto.ts';
import type { Database } from '../db/client.ts';
import type { PlanSaver } from '../db/plan-saver.ts';
import type { SettingsCache } from '../db/settings-cache.ts';
import type { PlanStarter } from '../jobs/plan-starter.ts';
import type { EnqueueJob } from '../jobs/queue.ts';
import type { DestinationNetworkPolicy } from '../publish/network-guard.ts';
import type { DestinationRegistry } from '../publish/registry.ts';
import type { ActionRateLimits } from './services/rate-limits.ts';

/** What listeners need; built once in main.ts. Bolt passes each listener the Slack client for its workspace. */
export type BotDeps = {
  db: Database;
  logger: Logger;
  enqueue: EnqueueJob;
  /** Saves a submitted plan before the submission's ack, with the others of its workspace that arrive meanwhile. */
  planSaver: PlanSaver;
  /** Queues a new plan's first jobs after the submission's ack. */
  planStarter: PlanStarter;
  /** Workspace settings in memory, dropped on every change: only for prefilling the plan modal. */
  settingsCache: SettingsCache;
  envApprovers: readonly string[];
  maxAttempts: number;
  planRateLimitPerHour: number;
  actionRateLimits: ActionRateLimits;
  tokenPricePer1k: number;
  /** Decrypts and encrypts destination secrets; undefined when ENCRYPTION_KEY is not set. */
  encryptionKey: EncryptionKeys | undefined;
  publishTimeoutMs: number;
  /** The destination kinds: their forms, labels and Test. */
  destinations: DestinationRegistry;
  destinationNetwork: DestinationNetworkPolicy;
  now: () => Date;
  /** X and LinkedIn endpoints and OAuth clients: the App Home's connected accounts. */
  networks?: NetworksConfig;
};
