CREATE TABLE "approvals" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"plan_id" uuid NOT NULL,
	"revision" integer NOT NULL,
	"approver_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"plan_id" uuid,
	"actor_id" text NOT NULL,
	"action" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "content_items" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"plan_id" uuid NOT NULL,
	"revision" integer NOT NULL,
	"version" integer NOT NULL,
	"origin" text NOT NULL,
	"title" text NOT NULL,
	"slug" text NOT NULL,
	"meta_description" text NOT NULL,
	"markdown" text NOT NULL,
	"analysis" jsonb,
	"seo_score" integer,
	"readability_score" integer,
	"is_current" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "content_plans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" text NOT NULL,
	"number" integer NOT NULL,
	"source_key" text NOT NULL,
	"author_id" text NOT NULL,
	"topic" text NOT NULL,
	"keyphrase" text NOT NULL,
	"keywords" text[] DEFAULT '{}'::text[] NOT NULL,
	"audience" text,
	"tone" text,
	"channels" text[] NOT NULL,
	"competitor_urls" text[] DEFAULT '{}'::text[] NOT NULL,
	"brief" text,
	"skip_research" boolean DEFAULT false NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"revision" integer DEFAULT 0 NOT NULL,
	"post_channel_id" text NOT NULL,
	"message_channel_id" text,
	"message_ts" text,
	"message_permalink" text,
	"seo_score" integer,
	"initial_seo_score" integer,
	"readability_score" integer,
	"failed_stage" text,
	"approved_at" timestamp with time zone,
	"scheduled_at" timestamp with time zone,
	"publish_destinations" text[] DEFAULT '{}'::text[] NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "content_variants" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"plan_id" uuid NOT NULL,
	"revision" integer NOT NULL,
	"channel" text NOT NULL,
	"content" jsonb NOT NULL,
	"violations" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "installations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" text NOT NULL,
	"enterprise_id" text DEFAULT '' NOT NULL,
	"is_enterprise_install" boolean DEFAULT false NOT NULL,
	"installation_encrypted" text NOT NULL,
	"bot_user_id" text,
	"bot_id" text,
	"installer_user_id" text,
	"scopes" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plan_counters" (
	"team_id" text PRIMARY KEY NOT NULL,
	"last_number" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "publish_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"plan_id" uuid NOT NULL,
	"revision" integer NOT NULL,
	"destination_key" text NOT NULL,
	"destination_name" text NOT NULL,
	"destination_kind" text NOT NULL,
	"idempotency_key" uuid DEFAULT gen_random_uuid() NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"tries" integer DEFAULT 0 NOT NULL,
	"url" text,
	"external_id" text,
	"reason" text,
	"reactions" jsonb,
	"reactions_checked_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "publish_destinations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"secret_encrypted" text,
	"is_default" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "refinements" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"plan_id" uuid NOT NULL,
	"revision" integer NOT NULL,
	"iteration" integer NOT NULL,
	"from_version" integer NOT NULL,
	"to_version" integer NOT NULL,
	"score_before" integer NOT NULL,
	"score_after" integer NOT NULL,
	"instructions" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "research_results" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"plan_id" uuid NOT NULL,
	"skipped" boolean DEFAULT false NOT NULL,
	"skip_reason" text,
	"data" jsonb,
	"failures" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stage_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"plan_id" uuid NOT NULL,
	"stage" text NOT NULL,
	"revision" integer DEFAULT 0 NOT NULL,
	"iteration" integer DEFAULT 0 NOT NULL,
	"attempt" integer NOT NULL,
	"job_id" text,
	"status" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"tokens_in" integer DEFAULT 0 NOT NULL,
	"tokens_out" integer DEFAULT 0 NOT NULL,
	"error" text,
	"output" jsonb
);
--> statement-breakpoint
CREATE TABLE "thread_replies" (
	"team_id" text NOT NULL,
	"plan_id" uuid NOT NULL,
	"key" text NOT NULL,
	"ts" text,
	"content_hash" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "thread_replies_team_id_plan_id_key_pk" PRIMARY KEY("team_id","plan_id","key")
);
--> statement-breakpoint
CREATE TABLE "worker_heartbeats" (
	"pool_id" text PRIMARY KEY NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workspace_settings" (
	"team_id" text PRIMARY KEY NOT NULL,
	"approvers" text[] DEFAULT '{}'::text[] NOT NULL,
	"admins" text[] DEFAULT '{}'::text[] NOT NULL,
	"required_approvals" integer DEFAULT 1 NOT NULL,
	"allow_self_approval" boolean DEFAULT false NOT NULL,
	"default_channel_id" text,
	"default_channels" text[] DEFAULT '{blog}'::text[] NOT NULL,
	"default_tone" text,
	"target_words" integer DEFAULT 1200 NOT NULL,
	"brand_voice" jsonb,
	"seo_threshold" integer DEFAULT 75 NOT NULL,
	"readability_threshold" integer DEFAULT 60 NOT NULL,
	"max_refinements" integer DEFAULT 3 NOT NULL,
	"prompt_overrides" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_plan_id_content_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."content_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_plan_id_content_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."content_plans"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_items" ADD CONSTRAINT "content_items_plan_id_content_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."content_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_variants" ADD CONSTRAINT "content_variants_plan_id_content_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."content_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "publish_attempts" ADD CONSTRAINT "publish_attempts_plan_id_content_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."content_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refinements" ADD CONSTRAINT "refinements_plan_id_content_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."content_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "research_results" ADD CONSTRAINT "research_results_plan_id_content_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."content_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stage_runs" ADD CONSTRAINT "stage_runs_plan_id_content_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."content_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "thread_replies" ADD CONSTRAINT "thread_replies_plan_id_content_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."content_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "approvals_once_per_person" ON "approvals" USING btree ("team_id","plan_id","revision","approver_id");--> statement-breakpoint
CREATE INDEX "audit_log_team_plan" ON "audit_log" USING btree ("team_id","plan_id");--> statement-breakpoint
CREATE UNIQUE INDEX "content_items_version" ON "content_items" USING btree ("team_id","plan_id","revision","version");--> statement-breakpoint
CREATE UNIQUE INDEX "content_plans_team_number" ON "content_plans" USING btree ("team_id","number");--> statement-breakpoint
CREATE UNIQUE INDEX "content_plans_team_source" ON "content_plans" USING btree ("team_id","source_key");--> statement-breakpoint
CREATE INDEX "content_plans_team_created" ON "content_plans" USING btree ("team_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "content_variants_channel" ON "content_variants" USING btree ("team_id","plan_id","revision","channel");--> statement-breakpoint
CREATE UNIQUE INDEX "installations_team_enterprise" ON "installations" USING btree ("team_id","enterprise_id");--> statement-breakpoint
CREATE UNIQUE INDEX "publish_attempts_once" ON "publish_attempts" USING btree ("team_id","plan_id","revision","destination_key");--> statement-breakpoint
CREATE INDEX "publish_destinations_team" ON "publish_destinations" USING btree ("team_id");--> statement-breakpoint
CREATE UNIQUE INDEX "refinements_iteration" ON "refinements" USING btree ("team_id","plan_id","revision","iteration");--> statement-breakpoint
CREATE UNIQUE INDEX "research_results_plan" ON "research_results" USING btree ("team_id","plan_id");--> statement-breakpoint
CREATE INDEX "stage_runs_plan" ON "stage_runs" USING btree ("team_id","plan_id","stage");