ALTER TYPE "public"."payment_method" ADD VALUE 'stripe_bank_transfer';--> statement-breakpoint
CREATE TABLE "corporate_invoices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"membership_id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"period_start" timestamp with time zone,
	"period_end" timestamp with time zone,
	"tier_id" integer NOT NULL,
	"price_id" integer,
	"amount" integer NOT NULL,
	"currency" "currency" NOT NULL,
	"po_number" text,
	"stripe_invoice_id" text,
	"number" text,
	"hosted_invoice_url" text,
	"due_date" timestamp with time zone,
	"status" text DEFAULT 'draft' NOT NULL,
	"claimed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "corporate_invoices_stripe_invoice_id_unique" UNIQUE("stripe_invoice_id"),
	CONSTRAINT "corporate_invoices_kind" CHECK ("corporate_invoices"."kind" in ('first', 'renewal')),
	CONSTRAINT "corporate_invoices_status" CHECK ("corporate_invoices"."status" in ('draft', 'open', 'paid', 'void')),
	CONSTRAINT "corporate_invoices_amount" CHECK ("corporate_invoices"."amount" > 0)
);
--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "renewal_tier_id" integer;--> statement-breakpoint
ALTER TABLE "corporate_invoices" ADD CONSTRAINT "corporate_invoices_membership_id_memberships_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."memberships"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "corporate_invoices" ADD CONSTRAINT "corporate_invoices_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "corporate_invoices" ADD CONSTRAINT "corporate_invoices_tier_id_tiers_id_fk" FOREIGN KEY ("tier_id") REFERENCES "public"."tiers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "corporate_invoices" ADD CONSTRAINT "corporate_invoices_price_id_tier_prices_id_fk" FOREIGN KEY ("price_id") REFERENCES "public"."tier_prices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "corporate_invoices_one_per_period" ON "corporate_invoices" USING btree ("membership_id","period_start") WHERE "corporate_invoices"."kind" = 'renewal' and "corporate_invoices"."status" <> 'void';--> statement-breakpoint
CREATE INDEX "corporate_invoices_membership" ON "corporate_invoices" USING btree ("membership_id","created_at");--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_renewal_tier_id_tiers_id_fk" FOREIGN KEY ("renewal_tier_id") REFERENCES "public"."tiers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- The first-year invoices already sent, so the staff page lists them and a check is recorded against them.
INSERT INTO "corporate_invoices" ("membership_id", "organisation_id", "kind", "tier_id", "price_id", "amount", "currency", "po_number", "stripe_invoice_id", "status", "created_at")
SELECT m."id", m."organisation_id", 'first', m."tier_id", m."price_id", p."amount", p."currency", m."po_number", m."stripe_invoice_id",
  CASE WHEN EXISTS (SELECT 1 FROM "payments" pay WHERE pay."stripe_invoice_id" = m."stripe_invoice_id") THEN 'paid' ELSE 'open' END,
  m."created_at"
FROM "memberships" m JOIN "tier_prices" p ON p."id" = m."price_id"
WHERE m."stripe_invoice_id" IS NOT NULL AND m."organisation_id" IS NOT NULL;
