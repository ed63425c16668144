CREATE TABLE "plan_notices" (
	"team_id" text NOT NULL,
	"plan_id" uuid NOT NULL,
	"key" text NOT NULL,
	"channel_id" text,
	"ts" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plan_notices_team_id_plan_id_key_pk" PRIMARY KEY("team_id","plan_id","key")
);
--> statement-breakpoint
ALTER TABLE "plan_notices" ADD CONSTRAINT "plan_notices_plan_id_content_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."content_plans"("id") ON DELETE cascade ON UPDATE no action;