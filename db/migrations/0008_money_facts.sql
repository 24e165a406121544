ALTER TYPE "public"."payment_method" ADD VALUE 'stripe';--> statement-breakpoint
CREATE TABLE "refunds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"payment_id" uuid NOT NULL,
	"amount" integer NOT NULL,
	"currency" "currency" NOT NULL,
	"reason" text NOT NULL,
	"note" text,
	"via" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"stripe_refund_id" text,
	"error" text,
	"staff_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "refunds_stripe_refund_id_unique" UNIQUE("stripe_refund_id"),
	CONSTRAINT "refunds_amount" CHECK ("refunds"."amount" > 0),
	CONSTRAINT "refunds_via" CHECK ("refunds"."via" in ('stripe', 'offline')),
	CONSTRAINT "refunds_status" CHECK ("refunds"."status" in ('pending', 'succeeded', 'failed')),
	CONSTRAINT "refunds_reason" CHECK ("refunds"."reason" in ('requested_by_customer', 'duplicate', 'fraudulent', 'other'))
);
--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "form_token" uuid;--> statement-breakpoint
ALTER TABLE "stripe_events" ADD COLUMN "waiting_for" text;--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_staff_user_id_staff_users_id_fk" FOREIGN KEY ("staff_user_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "refunds_payment" ON "refunds" USING btree ("payment_id");--> statement-breakpoint
CREATE INDEX "stripe_events_charge_payment_intent" ON "stripe_events" USING btree (("payload" -> 'data' -> 'object' ->> 'payment_intent')) WHERE "stripe_events"."type" = 'charge.succeeded';--> statement-breakpoint
CREATE INDEX "stripe_events_invoice_payment" ON "stripe_events" USING btree (("payload" -> 'data' -> 'object' ->> 'invoice')) WHERE "stripe_events"."type" = 'invoice_payment.paid';--> statement-breakpoint
CREATE INDEX "stripe_events_waiting" ON "stripe_events" USING btree ("waiting_for") WHERE "stripe_events"."waiting_for" is not null;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_form_token_unique" UNIQUE("form_token");