ALTER TABLE "content_items" ADD COLUMN "claims" jsonb;--> statement-breakpoint
ALTER TABLE "content_items" ADD COLUMN "repairs" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "content_variants" ADD COLUMN "repairs" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "refinements" ADD COLUMN "rejected_reason" text;--> statement-breakpoint
ALTER TABLE "research_results" ADD COLUMN "texts" jsonb DEFAULT '[]'::jsonb NOT NULL;