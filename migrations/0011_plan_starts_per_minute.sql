ALTER TABLE "plan_counters" ADD COLUMN "starts_per_minute" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
-- Starts within the last hour carry over into per-minute counts, so the limit holds across the upgrade.
UPDATE "plan_counters" SET "starts_per_minute" = coalesce((
  SELECT jsonb_object_agg(minute::text, starts)
  FROM (
    SELECT floor(extract(epoch FROM started) / 60)::bigint AS minute, count(*)::int AS starts
    FROM unnest("plan_counters"."recent_starts") AS started
    WHERE started > now() - interval '1 hour'
    GROUP BY 1
  ) AS per_minute
), '{}'::jsonb);
