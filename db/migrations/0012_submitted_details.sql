ALTER TABLE "donations" ADD COLUMN "submitted_details" jsonb;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "submitted_details" jsonb;