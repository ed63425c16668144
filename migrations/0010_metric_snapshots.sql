CREATE TABLE "metric_snapshots" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"plan_id" uuid NOT NULL,
	"attempt_id" bigint NOT NULL,
	"values" jsonb NOT NULL,
	"note" text,
	"collected_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "metric_snapshots" ADD CONSTRAINT "metric_snapshots_plan_id_content_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."content_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metric_snapshots" ADD CONSTRAINT "metric_snapshots_attempt_id_publish_attempts_id_fk" FOREIGN KEY ("attempt_id") REFERENCES "public"."publish_attempts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "metric_snapshots_attempt" ON "metric_snapshots" USING btree ("team_id","attempt_id","collected_at");