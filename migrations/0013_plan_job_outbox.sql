CREATE TABLE "plan_job_outbox" (
	"plan_id" uuid PRIMARY KEY NOT NULL,
	"jobs" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "plan_job_outbox" ADD CONSTRAINT "plan_job_outbox_plan_id_content_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."content_plans"("id") ON DELETE cascade ON UPDATE no action;