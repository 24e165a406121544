ALTER TABLE "memberships" ADD COLUMN "stripe_invoice_id" text;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "po_number" text;--> statement-breakpoint
CREATE INDEX "memberships_seat_of" ON "memberships" USING btree ("seat_of_membership_id");--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_stripe_invoice_id_unique" UNIQUE("stripe_invoice_id");