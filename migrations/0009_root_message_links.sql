ALTER TABLE "content_items" ADD COLUMN "takeaway" text;--> statement-breakpoint
ALTER TABLE "thread_replies" ADD COLUMN "permalink" text;