CREATE TYPE "public"."billing_interval" AS ENUM('year', 'month');--> statement-breakpoint
CREATE TYPE "public"."contact_role" AS ENUM('primary', 'billing', 'seat');--> statement-breakpoint
CREATE TYPE "public"."currency" AS ENUM('USD', 'JPY');--> statement-breakpoint
CREATE TYPE "public"."donation_interval" AS ENUM('once', 'month');--> statement-breakpoint
CREATE TYPE "public"."donation_status" AS ENUM('pending', 'active', 'past_due', 'completed', 'canceled', 'failed');--> statement-breakpoint
CREATE TYPE "public"."email_status" AS ENUM('pending', 'sending', 'sent', 'failed', 'kept_locally');--> statement-breakpoint
CREATE TYPE "public"."history_cause" AS ENUM('stripe_event', 'staff', 'member', 'system');--> statement-breakpoint
CREATE TYPE "public"."locale" AS ENUM('en', 'ja');--> statement-breakpoint
CREATE TYPE "public"."membership_status" AS ENUM('pending', 'active', 'past_due', 'lapsed', 'canceled', 'comped');--> statement-breakpoint
CREATE TYPE "public"."payment_method" AS ENUM('card', 'bank_transfer', 'check', 'cash', 'konbini', 'other');--> statement-breakpoint
CREATE TYPE "public"."receipt_kind" AS ENUM('original', 'corrected');--> statement-breakpoint
CREATE TYPE "public"."staff_role" AS ENUM('admin', 'staff', 'viewer');--> statement-breakpoint
CREATE TYPE "public"."tier_kind" AS ENUM('individual', 'corporate');--> statement-breakpoint
CREATE TYPE "public"."tribute_kind" AS ENUM('honor', 'memory');--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"actor_staff_user_id" uuid,
	"action" text NOT NULL,
	"subject_type" text,
	"subject_id" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"ip" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "donations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" uuid NOT NULL,
	"fund_id" integer NOT NULL,
	"amount" integer NOT NULL,
	"currency" "currency" NOT NULL,
	"interval" "donation_interval" NOT NULL,
	"fee_amount" integer DEFAULT 0 NOT NULL,
	"status" "donation_status" DEFAULT 'pending' NOT NULL,
	"tribute_kind" "tribute_kind",
	"tribute_name" text,
	"tribute_notify_email" text,
	"tribute_notify_name" text,
	"tribute_notify_locale" "locale",
	"anonymous" boolean DEFAULT false NOT NULL,
	"stripe_checkout_session_id" text,
	"stripe_subscription_id" text,
	"stripe_state_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "donations_stripe_checkout_session_id_unique" UNIQUE("stripe_checkout_session_id"),
	CONSTRAINT "donations_stripe_subscription_id_unique" UNIQUE("stripe_subscription_id"),
	CONSTRAINT "donations_amount" CHECK ("donations"."amount" > 0 and "donations"."fee_amount" >= 0 and "donations"."fee_amount" < "donations"."amount"),
	CONSTRAINT "donations_tribute" CHECK (("donations"."tribute_kind" is null) = ("donations"."tribute_name" is null))
);
--> statement-breakpoint
CREATE TABLE "email_outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"template" text NOT NULL,
	"locale" text NOT NULL,
	"to_email" text NOT NULL,
	"person_id" uuid,
	"organisation_id" uuid,
	"props" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"dedupe_key" text,
	"status" "email_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"subject" text,
	"html" text,
	"text" text,
	"resend_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "email_outbox_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "fund_goals" (
	"fund_id" integer NOT NULL,
	"currency" "currency" NOT NULL,
	"amount" integer NOT NULL,
	CONSTRAINT "fund_goals_fund_id_currency_pk" PRIMARY KEY("fund_id","currency"),
	CONSTRAINT "fund_goals_amount" CHECK ("fund_goals"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "funds" (
	"id" serial PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"name_en" text NOT NULL,
	"name_ja" text NOT NULL,
	"description_en" text DEFAULT '' NOT NULL,
	"description_ja" text DEFAULT '' NOT NULL,
	"partnership_id" integer,
	"sort_order" integer DEFAULT 0 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "funds_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "membership_status_history" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "membership_status_history_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"membership_id" uuid NOT NULL,
	"from_status" "membership_status",
	"to_status" "membership_status" NOT NULL,
	"cause" "history_cause" NOT NULL,
	"stripe_event_id" text,
	"staff_user_id" uuid,
	"note" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "memberships" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" uuid,
	"organisation_id" uuid,
	"seat_of_membership_id" uuid,
	"tier_id" integer NOT NULL,
	"price_id" integer,
	"status" "membership_status" DEFAULT 'pending' NOT NULL,
	"currency" "currency",
	"interval" "billing_interval",
	"current_period_start" timestamp with time zone,
	"current_period_end" timestamp with time zone,
	"grace_until" timestamp with time zone,
	"cancel_at_period_end" boolean DEFAULT false NOT NULL,
	"canceled_at" timestamp with time zone,
	"comped_until" timestamp with time zone,
	"stripe_customer_id" text,
	"stripe_subscription_id" text,
	"stripe_checkout_session_id" text,
	"stripe_state_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "memberships_stripe_subscription_id_unique" UNIQUE("stripe_subscription_id"),
	CONSTRAINT "memberships_stripe_checkout_session_id_unique" UNIQUE("stripe_checkout_session_id"),
	CONSTRAINT "memberships_one_owner" CHECK (num_nonnulls("memberships"."person_id", "memberships"."organisation_id") = 1)
);
--> statement-breakpoint
CREATE TABLE "organisation_contacts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"role" "contact_role" NOT NULL,
	"invited_at" timestamp with time zone,
	"accepted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "organisations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"legal_name_en" text NOT NULL,
	"legal_name_ja" text,
	"legal_name_kana" text,
	"website" text,
	"logo" "bytea",
	"logo_mime" text,
	"billing_email" text NOT NULL,
	"jp_corporate_number" text,
	"country" char(2) NOT NULL,
	"postal_code" text,
	"region" text,
	"city" text,
	"address_line1" text,
	"address_line2" text,
	"show_on_sponsors_page" boolean DEFAULT false NOT NULL,
	"stripe_customer_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organisations_stripe_customer_id_unique" UNIQUE("stripe_customer_id"),
	CONSTRAINT "organisations_corporate_number" CHECK ("organisations"."jp_corporate_number" ~ '^[0-9]{13}$')
);
--> statement-breakpoint
CREATE TABLE "partnerships" (
	"id" serial PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"us_city_en" text NOT NULL,
	"us_city_ja" text NOT NULL,
	"us_state" char(2) NOT NULL,
	"jp_city_en" text NOT NULL,
	"jp_city_ja" text NOT NULL,
	"jp_prefecture" smallint NOT NULL,
	"established_year" smallint NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "partnerships_slug_unique" UNIQUE("slug"),
	CONSTRAINT "partnerships_prefecture" CHECK ("partnerships"."jp_prefecture" between 1 and 47)
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"membership_id" uuid,
	"donation_id" uuid,
	"person_id" uuid,
	"organisation_id" uuid,
	"fund_id" integer,
	"amount" integer NOT NULL,
	"currency" "currency" NOT NULL,
	"refunded_amount" integer DEFAULT 0 NOT NULL,
	"method" "payment_method" DEFAULT 'card' NOT NULL,
	"card_brand" text,
	"card_last4" char(4),
	"description" text,
	"stripe_invoice_id" text,
	"stripe_payment_intent_id" text,
	"stripe_charge_id" text,
	"disputed" boolean DEFAULT false NOT NULL,
	"recorded_by_staff_user_id" uuid,
	"paid_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payments_stripe_invoice_id_unique" UNIQUE("stripe_invoice_id"),
	CONSTRAINT "payments_stripe_payment_intent_id_unique" UNIQUE("stripe_payment_intent_id"),
	CONSTRAINT "payments_stripe_charge_id_unique" UNIQUE("stripe_charge_id"),
	CONSTRAINT "payments_amount" CHECK ("payments"."amount" > 0),
	CONSTRAINT "payments_refund" CHECK ("payments"."refunded_amount" between 0 and "payments"."amount"),
	CONSTRAINT "payments_one_payer" CHECK (num_nonnulls("payments"."person_id", "payments"."organisation_id") = 1),
	CONSTRAINT "payments_one_purpose" CHECK (num_nonnulls("payments"."membership_id", "payments"."donation_id") <= 1)
);
--> statement-breakpoint
CREATE TABLE "people" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"family_name" text NOT NULL,
	"given_name" text NOT NULL,
	"family_name_kana" text,
	"given_name_kana" text,
	"preferred_locale" "locale" DEFAULT 'en' NOT NULL,
	"country" char(2) NOT NULL,
	"postal_code" text,
	"region" text,
	"city" text,
	"address_line1" text,
	"address_line2" text,
	"partnership_id" integer,
	"stripe_customer_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "people_stripe_customer_id_unique" UNIQUE("stripe_customer_id")
);
--> statement-breakpoint
CREATE TABLE "receipt_counters" (
	"year" smallint PRIMARY KEY NOT NULL,
	"last_seq" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "receipts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" text NOT NULL,
	"year" smallint NOT NULL,
	"seq" integer NOT NULL,
	"payment_id" uuid NOT NULL,
	"kind" "receipt_kind" DEFAULT 'original' NOT NULL,
	"corrects_receipt_id" uuid,
	"amount" integer NOT NULL,
	"currency" "currency" NOT NULL,
	"deductible_amount" integer NOT NULL,
	"benefits_value" integer DEFAULT 0 NOT NULL,
	"locale" "locale" NOT NULL,
	"snapshot" jsonb NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "receipts_number_unique" UNIQUE("number"),
	CONSTRAINT "receipts_number_format" CHECK ("receipts"."number" ~ '^[0-9]{4}-[0-9]{6}$'),
	CONSTRAINT "receipts_amounts" CHECK ("receipts"."amount" >= 0 and "receipts"."deductible_amount" >= 0 and "receipts"."benefits_value" >= 0),
	CONSTRAINT "receipts_correction" CHECK (("receipts"."kind" = 'corrected') = ("receipts"."corrects_receipt_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "sign_in_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"staff_user_id" uuid,
	"person_id" uuid,
	"token_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"requested_ip" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sign_in_tokens_token_hash_unique" UNIQUE("token_hash"),
	CONSTRAINT "sign_in_tokens_one_subject" CHECK (num_nonnulls("sign_in_tokens"."staff_user_id", "sign_in_tokens"."person_id") = 1)
);
--> statement-breakpoint
CREATE TABLE "staff_users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"role" "staff_role" NOT NULL,
	"locale" "locale" DEFAULT 'en' NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stripe_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"api_version" text,
	"created_at_stripe" timestamp with time zone NOT NULL,
	"payload" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "tier_benefit_values" (
	"tier_id" integer NOT NULL,
	"currency" "currency" NOT NULL,
	"amount" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "tier_benefit_values_tier_id_currency_pk" PRIMARY KEY("tier_id","currency"),
	CONSTRAINT "tier_benefit_values_amount" CHECK ("tier_benefit_values"."amount" >= 0)
);
--> statement-breakpoint
CREATE TABLE "tier_prices" (
	"id" serial PRIMARY KEY NOT NULL,
	"tier_id" integer NOT NULL,
	"currency" "currency" NOT NULL,
	"interval" "billing_interval" NOT NULL,
	"amount" integer NOT NULL,
	"lookup_key" text NOT NULL,
	"stripe_price_id" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tier_prices_stripe_price_id_unique" UNIQUE("stripe_price_id"),
	CONSTRAINT "tier_prices_amount" CHECK ("tier_prices"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "tiers" (
	"id" serial PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"kind" "tier_kind" NOT NULL,
	"name_en" text NOT NULL,
	"name_ja" text NOT NULL,
	"description_en" text NOT NULL,
	"description_ja" text NOT NULL,
	"benefits_en" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"benefits_ja" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"seats" integer,
	"sort_order" integer DEFAULT 0 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tiers_slug_unique" UNIQUE("slug"),
	CONSTRAINT "tiers_seats_by_kind" CHECK (("tiers"."kind" = 'corporate' and "tiers"."seats" >= 1) or ("tiers"."kind" = 'individual' and "tiers"."seats" is null))
);
--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_staff_user_id_staff_users_id_fk" FOREIGN KEY ("actor_staff_user_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "donations" ADD CONSTRAINT "donations_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "donations" ADD CONSTRAINT "donations_fund_id_funds_id_fk" FOREIGN KEY ("fund_id") REFERENCES "public"."funds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_outbox" ADD CONSTRAINT "email_outbox_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_outbox" ADD CONSTRAINT "email_outbox_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fund_goals" ADD CONSTRAINT "fund_goals_fund_id_funds_id_fk" FOREIGN KEY ("fund_id") REFERENCES "public"."funds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "funds" ADD CONSTRAINT "funds_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "membership_status_history" ADD CONSTRAINT "membership_status_history_membership_id_memberships_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."memberships"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "membership_status_history" ADD CONSTRAINT "membership_status_history_staff_user_id_staff_users_id_fk" FOREIGN KEY ("staff_user_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_seat_of_membership_id_memberships_id_fk" FOREIGN KEY ("seat_of_membership_id") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_tier_id_tiers_id_fk" FOREIGN KEY ("tier_id") REFERENCES "public"."tiers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_price_id_tier_prices_id_fk" FOREIGN KEY ("price_id") REFERENCES "public"."tier_prices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organisation_contacts" ADD CONSTRAINT "organisation_contacts_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organisation_contacts" ADD CONSTRAINT "organisation_contacts_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_membership_id_memberships_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_donation_id_donations_id_fk" FOREIGN KEY ("donation_id") REFERENCES "public"."donations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_fund_id_funds_id_fk" FOREIGN KEY ("fund_id") REFERENCES "public"."funds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_recorded_by_staff_user_id_staff_users_id_fk" FOREIGN KEY ("recorded_by_staff_user_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "receipts" ADD CONSTRAINT "receipts_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "receipts" ADD CONSTRAINT "receipts_corrects_receipt_id_receipts_id_fk" FOREIGN KEY ("corrects_receipt_id") REFERENCES "public"."receipts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sign_in_tokens" ADD CONSTRAINT "sign_in_tokens_staff_user_id_staff_users_id_fk" FOREIGN KEY ("staff_user_id") REFERENCES "public"."staff_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sign_in_tokens" ADD CONSTRAINT "sign_in_tokens_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tier_benefit_values" ADD CONSTRAINT "tier_benefit_values_tier_id_tiers_id_fk" FOREIGN KEY ("tier_id") REFERENCES "public"."tiers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tier_prices" ADD CONSTRAINT "tier_prices_tier_id_tiers_id_fk" FOREIGN KEY ("tier_id") REFERENCES "public"."tiers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_at" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_log_actor" ON "audit_log" USING btree ("actor_staff_user_id","at");--> statement-breakpoint
CREATE INDEX "donations_fund" ON "donations" USING btree ("fund_id","created_at");--> statement-breakpoint
CREATE INDEX "donations_person" ON "donations" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "email_outbox_due" ON "email_outbox" USING btree ("next_attempt_at") WHERE "email_outbox"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "email_outbox_person" ON "email_outbox" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "membership_status_history_membership" ON "membership_status_history" USING btree ("membership_id","at");--> statement-breakpoint
CREATE INDEX "memberships_person" ON "memberships" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "memberships_organisation" ON "memberships" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "memberships_status" ON "memberships" USING btree ("status","current_period_end");--> statement-breakpoint
CREATE UNIQUE INDEX "organisation_contacts_unique" ON "organisation_contacts" USING btree ("organisation_id","person_id","role");--> statement-breakpoint
CREATE UNIQUE INDEX "organisation_contacts_one_primary" ON "organisation_contacts" USING btree ("organisation_id") WHERE "organisation_contacts"."role" = 'primary';--> statement-breakpoint
CREATE UNIQUE INDEX "organisation_contacts_one_billing" ON "organisation_contacts" USING btree ("organisation_id") WHERE "organisation_contacts"."role" = 'billing';--> statement-breakpoint
CREATE INDEX "payments_membership" ON "payments" USING btree ("membership_id");--> statement-breakpoint
CREATE INDEX "payments_donation" ON "payments" USING btree ("donation_id");--> statement-breakpoint
CREATE INDEX "payments_paid_at" ON "payments" USING btree ("paid_at");--> statement-breakpoint
CREATE UNIQUE INDEX "people_email_lower" ON "people" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "people_kana" ON "people" USING btree ("family_name_kana","given_name_kana");--> statement-breakpoint
CREATE UNIQUE INDEX "receipts_year_seq" ON "receipts" USING btree ("year","seq");--> statement-breakpoint
CREATE INDEX "receipts_payment" ON "receipts" USING btree ("payment_id");--> statement-breakpoint
CREATE UNIQUE INDEX "staff_users_email_lower" ON "staff_users" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "stripe_events_unprocessed" ON "stripe_events" USING btree ("received_at") WHERE "stripe_events"."processed_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "tier_prices_one_active" ON "tier_prices" USING btree ("tier_id","currency","interval") WHERE "tier_prices"."active";--> statement-breakpoint
CREATE UNIQUE INDEX "tier_prices_lookup_key_active" ON "tier_prices" USING btree ("lookup_key") WHERE "tier_prices"."active";