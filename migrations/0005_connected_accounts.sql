CREATE TABLE "connected_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" text NOT NULL,
	"provider" text NOT NULL,
	"external_account_id" text NOT NULL,
	"display_name" text NOT NULL,
	"author_urn" text,
	"access_token_encrypted" text NOT NULL,
	"refresh_token_encrypted" text,
	"access_expires_at" timestamp with time zone,
	"scopes" text[] DEFAULT '{}'::text[] NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"status_reason" text,
	"connected_by" text NOT NULL,
	"refresh_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "oauth_states" (
	"state_hash" text PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"team_id" text NOT NULL,
	"user_id" text NOT NULL,
	"code_verifier_encrypted" text,
	"browser_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "x_thread_posts" (
	"team_id" text NOT NULL,
	"idempotency_key" uuid NOT NULL,
	"position" integer NOT NULL,
	"tweet_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "x_thread_posts_team_id_idempotency_key_position_pk" PRIMARY KEY("team_id","idempotency_key","position")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "connected_accounts_once" ON "connected_accounts" USING btree ("team_id","provider","external_account_id");