ALTER TABLE "sign_in_tokens" ADD COLUMN "code_hash" text;--> statement-breakpoint
ALTER TABLE "sign_in_tokens" ADD COLUMN "code_attempts" integer DEFAULT 0 NOT NULL;