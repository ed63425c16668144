import type { NetworksConfig } from '../config.ts';
import type { WebClient } from '@slack/web-api';
import type { AdminDirectory } from '../bot/services/approver-notifications.ts';
import type { Logger } from 'pino';
import type { EncryptionKeys } from '../crypto.ts';
import type { Database } from '../db/client.ts';
import type { LlmGateway } from '../orchestrator/llm.ts';
import type { Scraper } from '../orchestrator/scraper.ts';
import type { SeoPool } from '../orchestrator/seo/pool.ts';
import type { DestinationNetworkPolicy } from '../publish/network-guard.ts';
import type { DestinationRegistry } from '../publish/registry.ts';
import type { EnqueueJob } from './queue.ts';

/** What tasks need; built once in main.ts. */
export type JobDeps = {
  db: Database;
  logger: Logger;
  enqueue: EnqueueJob;
  /** The Slack client for a workspace, set to throw on 429 so a job can reschedule instead of blocking. */
  slackFor: (teamId: string) => Promise<WebClient>;
  llm: LlmGateway;
  /** Undefined when no Firecrawl key is configured: research is then skipped with a note. */
  scraper: Scraper | undefined;
  seo: Pick<SeoPool, 'analyze'>;
  maxAttempts: number;
  /** Decrypts destination secrets; undefined when ENCRYPTION_KEY is not set. */
  encryptionKey: EncryptionKeys | undefined;
  publishTimeoutMs: number;
  /** The destination kinds the publish job can deliver to. */
  destinations: DestinationRegistry;
  /** Where webhooks and WordPress calls may connect. */
  destinationNetwork: DestinationNetworkPolicy;
  envApprovers: readonly string[];
  tokenPricePer1k: number;
  /** Hours after reaching review that approvers who did nothing get one reminder; 0 turns reminders off. */
  reviewReminderHours: number;
  /** The workspace's admins and owners, who decide when no approvers are named. */
  adminDirectory: AdminDirectory;
  now: () => Date;
  /** X and LinkedIn endpoints and OAuth clients: the App Home's connected accounts. */
  networks?: NetworksConfig;
  /** MAILCHIMP_API_URL, for reading campaign reports. */
  mailchimpApiUrl?: string | undefined;
};
