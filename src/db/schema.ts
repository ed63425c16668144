import { relations, sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  index,
  uuid,
} from 'drizzle-orm/pg-core';

import type { ChannelId } from '../domain/channels.ts';
import { INITIAL_PLAN_STATUS, type ChangeScope, type FailedStage, type PlanStatus } from '../domain/plan-states.ts';
import { DEFAULT_SETTINGS as D, type BrandVoice } from '../domain/settings.ts';
import type { DestinationKind } from '../domain/destinations.ts';
import type { MetricValues } from '../domain/metrics.ts';
import type { DestinationTime } from '../domain/publish-schedule.ts';
import type { Repair } from '../orchestrator/citations.ts';
import type { ClaimCheck } from '../orchestrator/claims.ts';
import type { SourceText } from '../orchestrator/evidence.ts';

/** The plan a row belongs to; rows go with their plan. */
const planIdColumn = () =>
  uuid('plan_id')
    .notNull()
    .references((): AnyPgColumn => contentPlans.id, { onDelete: 'cascade' });

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

/** One row per OAuth install; the installation, tokens included, is stored encrypted. */
export const installations = pgTable(
  'installations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // The workspace id, or for an org-wide (Enterprise Grid) install the enterprise id.
    teamId: text('team_id').notNull(),
    enterpriseId: text('enterprise_id').notNull().default(''),
    isEnterpriseInstall: boolean('is_enterprise_install').notNull().default(false),
    installationEncrypted: text('installation_encrypted').notNull(),
    botUserId: text('bot_user_id'),
    botId: text('bot_id'),
    installerUserId: text('installer_user_id'),
    scopes: text('scopes').array().notNull().default(sql`'{}'::text[]`),
    installedAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [uniqueIndex('installations_team_enterprise').on(table.teamId, table.enterpriseId)],
);

export const workspaceSettings = pgTable('workspace_settings', {
  teamId: text('team_id').primaryKey(),
  approvers: text('approvers').array().notNull().default(sql`'{}'::text[]`),
  admins: text('admins').array().notNull().default(sql`'{}'::text[]`),
  requiredApprovals: integer('required_approvals').notNull().default(D.requiredApprovals),
  allowSelfApproval: boolean('allow_self_approval').notNull().default(D.allowSelfApproval),
  defaultChannelId: text('default_channel_id'),
  defaultChannels: text('default_channels').array().$type<ChannelId[]>().notNull().default(sql`'{blog}'::text[]`),
  defaultTone: text('default_tone'),
  targetWords: integer('target_words').notNull().default(D.targetWords),
  brandVoice: jsonb('brand_voice').$type<BrandVoice>(),
  seoThreshold: integer('seo_threshold').notNull().default(D.seoThreshold),
  readabilityThreshold: integer('readability_threshold').notNull().default(D.readabilityThreshold),
  maxRefinements: integer('max_refinements').notNull().default(D.maxRefinements),
  promptOverrides: jsonb('prompt_overrides').$type<Record<string, string>>().notNull().default({}),
  updatedAt: updatedAt(),
});

export type { BrandVoice };

/**
 * Gives each plan a short number per workspace that people can type, and keeps when the workspace's
 * plans of the last hour were started, so one atomic update both numbers a plan and applies the limit.
 */
export const planCounters = pgTable('plan_counters', {
  teamId: text('team_id').primaryKey(),
  lastNumber: integer('last_number').notNull().default(0),
  /**
   * Plans started per minute (Unix minute → count) over the last hour: the hourly limit's window. At
   * most 60 entries whatever the limit, since the row is locked while it is updated.
   */
  startsPerMinute: jsonb('starts_per_minute').$type<Record<string, number>>().notNull().default({}),
});

export const contentPlans = pgTable(
  'content_plans',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    teamId: text('team_id').notNull(),
    number: integer('number').notNull(),
    sourceKey: text('source_key').notNull(),
    authorId: text('author_id').notNull(),
    topic: text('topic').notNull(),
    keyphrase: text('keyphrase').notNull(),
    keywords: text('keywords').array().notNull().default(sql`'{}'::text[]`),
    audience: text('audience'),
    tone: text('tone'),
    channels: text('channels').array().$type<ChannelId[]>().notNull(),
    competitorUrls: text('competitor_urls').array().notNull().default(sql`'{}'::text[]`),
    brief: text('brief'),
    skipResearch: boolean('skip_research').notNull().default(false),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    status: text('status').$type<PlanStatus>().notNull().default(INITIAL_PLAN_STATUS),
    revision: integer('revision').notNull().default(0),
    /** What the current revision was asked to redo; null for the first revision. */
    revisionScope: jsonb('revision_scope').$type<ChangeScope>(),
    postChannelId: text('post_channel_id').notNull(),
    // Read from conversations.info when the plan is made; null when Slack could not say (treated as private).
    channelIsPrivate: boolean('channel_is_private'),
    messageChannelId: text('message_channel_id'),
    messageTs: text('message_ts'),
    messagePermalink: text('message_permalink'),
    seoScore: integer('seo_score'),
    initialSeoScore: integer('initial_seo_score'),
    readabilityScore: integer('readability_score'),
    failedStage: text('failed_stage').$type<FailedStage>(),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    scheduledAt: timestamp('scheduled_at', { withTimezone: true }),
    publishDestinations: text('publish_destinations').array().notNull().default(sql`'{}'::text[]`),
    /** When each destination publishes, and its name as scheduled; `scheduledAt` is the earliest of these times. */
    publishTimes: jsonb('publish_times').$type<DestinationTime[]>().notNull().default([]),
    error: text('error'),
    // Set when the plan is deleted: it leaves every list, its audit rows stay.
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    uniqueIndex('content_plans_team_number').on(table.teamId, table.number),
    uniqueIndex('content_plans_team_source').on(table.teamId, table.sourceKey),
    index('content_plans_team_created').on(table.teamId, table.createdAt),
  ],
);

export const stageRuns = pgTable(
  'stage_runs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    teamId: text('team_id').notNull(),
    planId: planIdColumn(),
    stage: text('stage').notNull(),
    revision: integer('revision').notNull().default(0),
    iteration: integer('iteration').notNull().default(0),
    attempt: integer('attempt').notNull(),
    jobId: text('job_id'),
    status: text('status').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    tokensIn: integer('tokens_in').notNull().default(0),
    tokensOut: integer('tokens_out').notNull().default(0),
    error: text('error'),
    output: jsonb('output'),
  },
  (table) => [index('stage_runs_plan').on(table.teamId, table.planId, table.stage)],
);

export const researchResults = pgTable(
  'research_results',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    teamId: text('team_id').notNull(),
    planId: planIdColumn(),
    skipped: boolean('skipped').notNull().default(false),
    skipReason: text('skip_reason'),
    data: jsonb('data'),
    /** The sources' text as scraped and capped: what the model read and every check reads. */
    texts: jsonb('texts').$type<SourceText[]>().notNull().default([]),
    failures: jsonb('failures').notNull().default([]),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('research_results_plan').on(table.teamId, table.planId)],
);

export const contentItems = pgTable(
  'content_items',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    teamId: text('team_id').notNull(),
    planId: planIdColumn(),
    revision: integer('revision').notNull(),
    version: integer('version').notNull(),
    origin: text('origin').notNull(),
    title: text('title').notNull(),
    slug: text('slug').notNull(),
    metaDescription: text('meta_description').notNull(),
    /** Two sentences for the approver, returned by the draft call; null for refinements and older drafts. */
    takeaway: text('takeaway'),
    markdown: text('markdown').notNull(),
    analysis: jsonb('analysis'),
    /** The claim check of this version; null for versions made before it existed. */
    claims: jsonb('claims').$type<ClaimCheck>(),
    repairs: jsonb('repairs').$type<Repair[]>().notNull().default([]),
    seoScore: integer('seo_score'),
    readabilityScore: integer('readability_score'),
    isCurrent: boolean('is_current').notNull().default(false),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('content_items_version').on(table.teamId, table.planId, table.revision, table.version)],
);

export const refinements = pgTable(
  'refinements',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    teamId: text('team_id').notNull(),
    planId: planIdColumn(),
    revision: integer('revision').notNull(),
    iteration: integer('iteration').notNull(),
    fromVersion: integer('from_version').notNull(),
    toVersion: integer('to_version').notNull(),
    scoreBefore: integer('score_before').notNull(),
    scoreAfter: integer('score_after').notNull(),
    instructions: jsonb('instructions').$type<string[]>().notNull(),
    /** Why the pass was not kept (it lost citations or added unsupported figures); null when it was. */
    rejectedReason: text('rejected_reason'),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('refinements_iteration').on(table.teamId, table.planId, table.revision, table.iteration)],
);

export const contentVariants = pgTable(
  'content_variants',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    teamId: text('team_id').notNull(),
    planId: planIdColumn(),
    revision: integer('revision').notNull(),
    channel: text('channel').notNull(),
    content: jsonb('content').notNull(),
    violations: jsonb('violations').$type<string[]>().notNull().default([]),
    repairs: jsonb('repairs').$type<Repair[]>().notNull().default([]),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('content_variants_channel').on(table.teamId, table.planId, table.revision, table.channel)],
);

/** Thread replies are posted once and then updated in place; this remembers their ts. */
export const threadReplies = pgTable(
  'thread_replies',
  {
    teamId: text('team_id').notNull(),
    planId: planIdColumn(),
    key: text('key').notNull(),
    ts: text('ts'),
    contentHash: text('content_hash'),
    /** Where the reply (or, for the canvas, the canvas) opens; null when Slack gave none. */
    permalink: text('permalink'),
    updatedAt: updatedAt(),
  },
  (table) => [primaryKey({ columns: [table.teamId, table.planId, table.key] })],
);

/**
 * A new plan's first jobs (research, and posting its message), saved with the plan and added to
 * graphile-worker's queue right after the submission's ack: `add_jobs` costs about a millisecond of
 * the database's time a call, so the plan starter adds the jobs of many plans in one call. A row
 * older than a minute was left by a process that stopped first; the minute sweep adds its jobs.
 */
export const planJobOutbox = pgTable('plan_job_outbox', {
  planId: planIdColumn().primaryKey(),
  /** `jobSpecsRows` of the jobs. */
  jobs: jsonb('jobs').notNull(),
  createdAt: createdAt(),
});

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    teamId: text('team_id').notNull(),
    planId: uuid('plan_id').references(() => contentPlans.id, { onDelete: 'set null' }),
    actorId: text('actor_id').notNull(),
    action: text('action').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (table) => [index('audit_log_team_plan').on(table.teamId, table.planId)],
);

export const approvals = pgTable(
  'approvals',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    teamId: text('team_id').notNull(),
    planId: planIdColumn(),
    revision: integer('revision').notNull(),
    approverId: text('approver_id').notNull(),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('approvals_once_per_person').on(table.teamId, table.planId, table.revision, table.approverId)],
);

export type { DestinationKind };

/** Where approved content goes; secrets are stored encrypted and never shown again. */
export const publishDestinations = pgTable(
  'publish_destinations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    teamId: text('team_id').notNull(),
    kind: text('kind').$type<DestinationKind>().notNull(),
    name: text('name').notNull(),
    config: jsonb('config').$type<Record<string, unknown>>().notNull().default({}),
    secretEncrypted: text('secret_encrypted'),
    isDefault: boolean('is_default').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [index('publish_destinations_team').on(table.teamId)],
);

export type PublishState = 'pending' | 'sending' | 'delivered' | 'failed' | 'unknown';

/** One row per plan revision and destination, written before anything is sent, so a retry never publishes twice. */
export const publishAttempts = pgTable(
  'publish_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    teamId: text('team_id').notNull(),
    planId: planIdColumn(),
    revision: integer('revision').notNull(),
    destinationKey: text('destination_key').notNull(),
    destinationName: text('destination_name').notNull(),
    destinationKind: text('destination_kind').$type<DestinationKind>().notNull(),
    idempotencyKey: uuid('idempotency_key').notNull().defaultRandom(),
    state: text('state').$type<PublishState>().notNull().default('pending'),
    tries: integer('tries').notNull().default(0),
    url: text('url'),
    externalId: text('external_id'),
    reason: text('reason'),
    reactions: jsonb('reactions').$type<{ name: string; count: number }[]>(),
    reactionsCheckedAt: timestamp('reactions_checked_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [uniqueIndex('publish_attempts_once').on(table.teamId, table.planId, table.revision, table.destinationKey)],
);

/** Each worker pool's last sign of life, so jobs locked by a crashed process can be released. */
export const workerHeartbeats = pgTable('worker_heartbeats', {
  poolId: text('pool_id').primaryKey(),
  seenAt: timestamp('seen_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A plan and the rows that hang off it, for loading a plan's whole snapshot in one query. */
export const contentPlanRelations = relations(contentPlans, ({ many }) => ({
  stageRuns: many(stageRuns),
  research: many(researchResults),
  contentItems: many(contentItems),
  refinements: many(refinements),
  variants: many(contentVariants),
  threadReplies: many(threadReplies),
  audit: many(auditLog),
  approvals: many(approvals),
  publishAttempts: many(publishAttempts),
}));

const belongsToPlan = <T extends { planId: AnyPgColumn }>(table: T) =>
  relations(table as never, ({ one }) => ({ plan: one(contentPlans, { fields: [table.planId], references: [contentPlans.id] }) }));

export const stageRunRelations = belongsToPlan(stageRuns);
export const researchResultRelations = belongsToPlan(researchResults);
export const contentItemRelations = belongsToPlan(contentItems);
export const refinementRelations = belongsToPlan(refinements);
export const contentVariantRelations = belongsToPlan(contentVariants);
export const threadReplyRelations = belongsToPlan(threadReplies);
export const auditLogRelations = belongsToPlan(auditLog);
export const approvalRelations = belongsToPlan(approvals);
export const publishAttemptRelations = belongsToPlan(publishAttempts);

/** One row per counted action, for limits shared by every process (src/db/rate-limits.ts). */
export const rateLimitHits = pgTable(
  'rate_limit_hits',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    key: text('key').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (table) => [index('rate_limit_hits_key_at').on(table.key, table.at)],
);

export type ConnectedProvider = 'x' | 'linkedin';
export type ConnectedAccountStatus = 'active' | 'needs_reconnect';

/**
 * A social account an admin connected (X, LinkedIn member). Tokens are stored encrypted, bound to
 * the workspace and the row; a refresh replaces both tokens in one update under a row lock.
 */
export const connectedAccounts = pgTable(
  'connected_accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    teamId: text('team_id').notNull(),
    provider: text('provider').$type<ConnectedProvider>().notNull(),
    /** The network's id of the account: the X user id, the LinkedIn member's `sub`. */
    externalAccountId: text('external_account_id').notNull(),
    /** `@handle` on X, the member's name on LinkedIn. */
    displayName: text('display_name').notNull(),
    /** LinkedIn's author URN (`urn:li:person:…`); null for X. */
    authorUrn: text('author_urn'),
    accessTokenEncrypted: text('access_token_encrypted').notNull(),
    refreshTokenEncrypted: text('refresh_token_encrypted'),
    accessExpiresAt: timestamp('access_expires_at', { withTimezone: true }),
    scopes: text('scopes').array().notNull().default(sql`'{}'::text[]`),
    status: text('status').$type<ConnectedAccountStatus>().notNull().default('active'),
    statusReason: text('status_reason'),
    connectedBy: text('connected_by').notNull(),
    refreshCount: integer('refresh_count').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [uniqueIndex('connected_accounts_once').on(table.teamId, table.provider, table.externalAccountId)],
);

/** An OAuth flow under way: single use (deleted when consumed), expiring, bound to the admin and the workspace. */
export const oauthStates = pgTable('oauth_states', {
  /** SHA-256 of the state sent to the network; the state itself is never stored. */
  stateHash: text('state_hash').primaryKey(),
  provider: text('provider').$type<ConnectedProvider>().notNull(),
  teamId: text('team_id').notNull(),
  userId: text('user_id').notNull(),
  /** The PKCE verifier (X), encrypted; null for LinkedIn. */
  codeVerifierEncrypted: text('code_verifier_encrypted'),
  /** SHA-256 of the browser cookie set when the flow started, so only that browser can finish it. */
  browserHash: text('browser_hash').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  createdAt: createdAt(),
});

/** Each post of an X thread as it is created, per publish attempt, so a retry resumes after the last one X has. */
export const xThreadPosts = pgTable(
  'x_thread_posts',
  {
    teamId: text('team_id').notNull(),
    idempotencyKey: uuid('idempotency_key').notNull(),
    position: integer('position').notNull(),
    tweetId: text('tweet_id').notNull(),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.teamId, table.idempotencyKey, table.position] })],
);

/**
 * Notifications sent about a plan (the review call, decision notices for the author, reminders),
 * one row per key, claimed before sending so a re-render or a retried job never sends one twice.
 */
export const planNotices = pgTable(
  'plan_notices',
  {
    teamId: text('team_id').notNull(),
    planId: planIdColumn(),
    key: text('key').notNull(),
    channelId: text('channel_id'),
    ts: text('ts'),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.teamId, table.planId, table.key] })],
);

/** What a published item earned at one collection: one row per collection, the latest one is shown. */
export const metricSnapshots = pgTable(
  'metric_snapshots',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    teamId: text('team_id').notNull(),
    planId: planIdColumn(),
    attemptId: bigint('attempt_id', { mode: 'number' })
      .notNull()
      .references(() => publishAttempts.id, { onDelete: 'cascade' }),
    values: jsonb('values').$type<MetricValues>().notNull(),
    /** Why some or all metrics could not be read this time (an error, a missing scope). */
    note: text('note'),
    collectedAt: timestamp('collected_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('metric_snapshots_attempt').on(table.teamId, table.attemptId, table.collectedAt)],
);
