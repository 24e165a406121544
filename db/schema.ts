/**
 * The whole Kizuna domain, in one file so relations read top to bottom.
 *
 * Money is always an integer `amount` in the currency's minor unit beside a `currency`
 * (ISO 4217, upper case): ¥8,000 is 8000 JPY, $60.00 is 6000 USD.
 * TS names are camelCase; SQL names are snake_case (drizzle `casing: "snake_case"`).
 */
import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  boolean,
  char,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const bytea = customType<{ data: Buffer; driverData: Buffer }>({
  dataType: () => "bytea",
});

const createdAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();
const tstz = () => timestamp({ withTimezone: true });

/** A person's details as a public form sends them (the fields a person may change about themself). */
export interface SubmittedDetails {
  familyName?: string;
  givenName?: string;
  familyNameKana?: string | null;
  givenNameKana?: string | null;
  preferredLocale?: "en" | "ja";
  country?: string;
  postalCode?: string | null;
  region?: string | null;
  city?: string | null;
  addressLine1?: string | null;
  addressLine2?: string | null;
}

// ---------------------------------------------------------------- enums
export const localeEnum = pgEnum("locale", ["en", "ja"]);
export const currencyEnum = pgEnum("currency", ["USD", "JPY"]);
export const billingIntervalEnum = pgEnum("billing_interval", ["year", "month"]);
export const tierKindEnum = pgEnum("tier_kind", ["individual", "corporate"]);
export const membershipStatusEnum = pgEnum("membership_status", ["pending", "active", "past_due", "lapsed", "canceled", "comped"]);
export const contactRoleEnum = pgEnum("contact_role", ["primary", "billing", "seat"]);
export const donationIntervalEnum = pgEnum("donation_interval", ["once", "month"]);
export const donationStatusEnum = pgEnum("donation_status", ["pending", "active", "past_due", "completed", "canceled", "failed"]);
export const tributeKindEnum = pgEnum("tribute_kind", ["honor", "memory"]);
export const paymentMethodEnum = pgEnum("payment_method", [
  "card",
  "bank_transfer",
  "check",
  "cash",
  "konbini",
  "other",
  /** Paid into the Stripe customer balance by bank transfer (invoice payment method customer_balance). */
  "stripe_bank_transfer",
  /**
   * Paid through Stripe, how not yet known: an invoice.paid whose charge Stripe has not reported
   * yet (its invoice_payment.paid and charge.succeeded come in any order and fill it in).
   */
  "stripe",
]);
export const receiptKindEnum = pgEnum("receipt_kind", ["original", "corrected"]);
export const emailStatusEnum = pgEnum("email_status", ["pending", "sending", "sent", "failed", "kept_locally"]);
export const staffRoleEnum = pgEnum("staff_role", ["admin", "staff", "viewer"]);
export const historyCauseEnum = pgEnum("history_cause", ["stripe_event", "staff", "member", "system"]);
/** Email a person may opt in to; membership mail (receipts, renewals, notices) is always sent. */
export const consentTopicEnum = pgEnum("consent_topic", ["newsletter", "appeals"]);
/** Where a consent (or its withdrawal) came from. */
export const consentSourceEnum = pgEnum("consent_source", ["join", "member_area", "import", "staff", "unsubscribe"]);

// ---------------------------------------------------------------- catalogue
export const partnerships = pgTable(
  "partnerships",
  {
    id: serial().primaryKey(),
    slug: text().notNull().unique("partnerships_slug_unique"),
    usCityEn: text().notNull(),
    usCityJa: text().notNull(),
    usState: char({ length: 2 }).notNull(),
    jpCityEn: text().notNull(),
    jpCityJa: text().notNull(),
    /** JIS X 0401 prefecture code, 1–47. */
    jpPrefecture: smallint().notNull(),
    establishedYear: smallint().notNull(),
    active: boolean().notNull().default(true),
  },
  (t) => [check("partnerships_prefecture", sql`${t.jpPrefecture} between 1 and 47`)],
);

export const tiers = pgTable(
  "tiers",
  {
    id: serial().primaryKey(),
    slug: text().notNull().unique("tiers_slug_unique"),
    kind: tierKindEnum().notNull(),
    nameEn: text().notNull(),
    nameJa: text().notNull(),
    descriptionEn: text().notNull(),
    descriptionJa: text().notNull(),
    benefitsEn: jsonb().$type<string[]>().notNull().default([]),
    benefitsJa: jsonb().$type<string[]>().notNull().default([]),
    /** Employee seats included (corporate tiers only). */
    seats: integer(),
    sortOrder: integer().notNull().default(0),
    active: boolean().notNull().default(true),
    createdAt: createdAt(),
    updatedAt: createdAt(),
  },
  (t) => [check("tiers_seats_by_kind", sql`(${t.kind} = 'corporate' and ${t.seats} >= 1) or (${t.kind} = 'individual' and ${t.seats} is null)`)],
);

/** Fair-market value of a tier's benefits, per currency (0 when it gives nothing of value). */
export const tierBenefitValues = pgTable(
  "tier_benefit_values",
  {
    tierId: integer()
      .notNull()
      .references(() => tiers.id, { onDelete: "cascade" }),
    currency: currencyEnum().notNull(),
    amount: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tierId, t.currency] }), check("tier_benefit_values_amount", sql`${t.amount} >= 0`)],
);

export const tierPrices = pgTable(
  "tier_prices",
  {
    id: serial().primaryKey(),
    tierId: integer()
      .notNull()
      .references(() => tiers.id, { onDelete: "cascade" }),
    currency: currencyEnum().notNull(),
    interval: billingIntervalEnum().notNull(),
    amount: integer().notNull(),
    /** Stripe lookup key, e.g. `individual_yearly_jpy`. */
    lookupKey: text().notNull(),
    stripePriceId: text().unique("tier_prices_stripe_price_id_unique"),
    active: boolean().notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    check("tier_prices_amount", sql`${t.amount} > 0`),
    uniqueIndex("tier_prices_one_active")
      .on(t.tierId, t.currency, t.interval)
      .where(sql`${t.active}`),
    uniqueIndex("tier_prices_lookup_key_active")
      .on(t.lookupKey)
      .where(sql`${t.active}`),
  ],
);

export const funds = pgTable("funds", {
  id: serial().primaryKey(),
  slug: text().notNull().unique("funds_slug_unique"),
  nameEn: text().notNull(),
  nameJa: text().notNull(),
  descriptionEn: text().notNull().default(""),
  descriptionJa: text().notNull().default(""),
  partnershipId: integer().references(() => partnerships.id),
  sortOrder: integer().notNull().default(0),
  active: boolean().notNull().default(true),
});

export const fundGoals = pgTable(
  "fund_goals",
  {
    fundId: integer()
      .notNull()
      .references(() => funds.id, { onDelete: "cascade" }),
    currency: currencyEnum().notNull(),
    amount: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.fundId, t.currency] }), check("fund_goals_amount", sql`${t.amount} > 0`)],
);

// ---------------------------------------------------------------- people and organisations
export const people = pgTable(
  "people",
  {
    id: uuid().primaryKey().defaultRandom(),
    email: text().notNull(),
    familyName: text().notNull(),
    givenName: text().notNull(),
    familyNameKana: text(),
    givenNameKana: text(),
    preferredLocale: localeEnum().notNull().default("en"),
    /** ISO 3166-1 alpha-2. */
    country: char({ length: 2 }).notNull(),
    postalCode: text(),
    /** Prefecture code (JP, "01"–"47") or state code (US, "MN"). */
    region: text(),
    city: text(),
    addressLine1: text(),
    addressLine2: text(),
    partnershipId: integer().references(() => partnerships.id),
    stripeCustomerId: text().unique("people_stripe_customer_id_unique"),
    /** The person asked, from the member area, for their data to be deleted; staff carry it out. */
    deletionRequestedAt: tstz(),
    /** Staff anonymised the person: names, address and email replaced; payments and receipts kept for the retention period. */
    anonymisedAt: tstz(),
    createdAt: createdAt(),
    updatedAt: createdAt(),
    /** Staff search text (names in kanji, hiragana and romaji, email); functions in migration 0002. */
    searchText: text().generatedAlwaysAs(sql`kizuna_person_search(family_name, given_name, family_name_kana, given_name_kana, email)`),
  },
  (t) => [
    uniqueIndex("people_email_lower").on(sql`lower(${t.email})`),
    index("people_kana").on(t.familyNameKana, t.givenNameKana),
    index("people_search_trgm").using("gin", t.searchText.op("gin_trgm_ops")),
    /** Words and their 1–2 character prefixes, for short terms (林, やま) that have no trigram. */
    index("people_search_words").using("gin", sql`kizuna_search_words(${t.searchText})`),
  ],
);

export const organisations = pgTable(
  "organisations",
  {
    id: uuid().primaryKey().defaultRandom(),
    legalNameEn: text().notNull(),
    legalNameJa: text(),
    legalNameKana: text(),
    website: text(),
    logo: bytea(),
    logoMime: text(),
    billingEmail: text().notNull(),
    /** Japanese corporate number (法人番号), 13 digits. */
    jpCorporateNumber: text(),
    country: char({ length: 2 }).notNull(),
    postalCode: text(),
    region: text(),
    city: text(),
    addressLine1: text(),
    addressLine2: text(),
    showOnSponsorsPage: boolean().notNull().default(false),
    stripeCustomerId: text().unique("organisations_stripe_customer_id_unique"),
    createdAt: createdAt(),
    updatedAt: createdAt(),
    /** Staff search text (names in English, Japanese, hiragana and romaji, billing email). */
    searchText: text().generatedAlwaysAs(sql`kizuna_organisation_search(legal_name_en, legal_name_ja, legal_name_kana, billing_email)`),
  },
  (t) => [
    check("organisations_corporate_number", sql`${t.jpCorporateNumber} ~ '^[0-9]{13}$'`),
    index("organisations_search_trgm").using("gin", t.searchText.op("gin_trgm_ops")),
    index("organisations_search_words").using("gin", sql`kizuna_search_words(${t.searchText})`),
  ],
);

export const organisationContacts = pgTable(
  "organisation_contacts",
  {
    id: uuid().primaryKey().defaultRandom(),
    organisationId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    personId: uuid()
      .notNull()
      .references(() => people.id),
    role: contactRoleEnum().notNull(),
    invitedAt: tstz(),
    acceptedAt: tstz(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("organisation_contacts_unique").on(t.organisationId, t.personId, t.role),
    uniqueIndex("organisation_contacts_one_primary")
      .on(t.organisationId)
      .where(sql`${t.role} = 'primary'`),
    uniqueIndex("organisation_contacts_one_billing")
      .on(t.organisationId)
      .where(sql`${t.role} = 'billing'`),
  ],
);

// ---------------------------------------------------------------- memberships
export const memberships = pgTable(
  "memberships",
  {
    id: uuid().primaryKey().defaultRandom(),
    personId: uuid().references(() => people.id),
    organisationId: uuid().references(() => organisations.id),
    /** A seat holder's membership follows its organisation's. */
    seatOfMembershipId: uuid().references((): AnyPgColumn => memberships.id),
    tierId: integer()
      .notNull()
      .references(() => tiers.id),
    priceId: integer().references(() => tierPrices.id),
    status: membershipStatusEnum().notNull().default("pending"),
    currency: currencyEnum(),
    interval: billingIntervalEnum(),
    currentPeriodStart: tstz(),
    currentPeriodEnd: tstz(),
    /** past_due keeps benefits until this moment; then lapsed. */
    graceUntil: tstz(),
    cancelAtPeriodEnd: boolean().notNull().default(false),
    canceledAt: tstz(),
    compedUntil: tstz(),
    stripeCustomerId: text(),
    stripeSubscriptionId: text().unique("memberships_stripe_subscription_id_unique"),
    stripeCheckoutSessionId: text().unique("memberships_stripe_checkout_session_id_unique"),
    /** Corporate memberships paid by invoice: the Stripe invoice (send_invoice) that pays the year. */
    stripeInvoiceId: text().unique("memberships_stripe_invoice_id_unique"),
    /** The company's purchase-order number, printed on its invoice and receipts. */
    poNumber: text(),
    /** A corporate tier staff chose for the next renewal; the next invoice (or subscription period) uses it. */
    renewalTierId: integer().references(() => tiers.id),
    /** Stripe `created` of the newest event applied; older events never move us backwards. */
    stripeStateAt: tstz(),
    startedAt: tstz(),
    /**
     * New details for a person already known, from a form sent without signing in: kept here,
     * not applied, until the owner of the address confirms them (members/details.server.ts).
     */
    submittedDetails: jsonb().$type<SubmittedDetails>(),
    createdAt: createdAt(),
    updatedAt: createdAt(),
  },
  (t) => [
    check("memberships_one_owner", sql`num_nonnulls(${t.personId}, ${t.organisationId}) = 1`),
    index("memberships_person").on(t.personId),
    index("memberships_organisation").on(t.organisationId),
    index("memberships_seat_of").on(t.seatOfMembershipId),
    index("memberships_status").on(t.status, t.currentPeriodEnd),
  ],
);

export const membershipStatusHistory = pgTable(
  "membership_status_history",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    membershipId: uuid()
      .notNull()
      .references(() => memberships.id, { onDelete: "cascade" }),
    fromStatus: membershipStatusEnum(),
    toStatus: membershipStatusEnum().notNull(),
    cause: historyCauseEnum().notNull(),
    stripeEventId: text(),
    staffUserId: uuid().references(() => staffUsers.id),
    note: text(),
    at: createdAt(),
  },
  (t) => [index("membership_status_history_membership").on(t.membershipId, t.at)],
);

/**
 * Every Stripe invoice (send_invoice) that bills a company's membership: the first year's and
 * each renewal's, with the period it pays for. A renewal row is written (claimed) before Stripe
 * is called and is unique per membership and period, so a year is invoiced once.
 */
export const corporateInvoices = pgTable(
  "corporate_invoices",
  {
    id: uuid().primaryKey().defaultRandom(),
    membershipId: uuid()
      .notNull()
      .references(() => memberships.id, { onDelete: "cascade" }),
    organisationId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    /** `first` (the application's invoice) or `renewal`. */
    kind: text().notNull(),
    /** The period this invoice pays for (a renewal's); null for the first, which runs a year from payment. */
    periodStart: tstz(),
    periodEnd: tstz(),
    tierId: integer()
      .notNull()
      .references(() => tiers.id),
    priceId: integer().references(() => tierPrices.id),
    amount: integer().notNull(),
    currency: currencyEnum().notNull(),
    poNumber: text(),
    stripeInvoiceId: text().unique("corporate_invoices_stripe_invoice_id_unique"),
    number: text(),
    hostedInvoiceUrl: text(),
    dueDate: tstz(),
    /** draft (claimed, not yet in Stripe), open, paid, void. */
    status: text().notNull().default("draft"),
    /** While a worker is creating it in Stripe (another worker waits a few minutes before retrying). */
    claimedAt: tstz(),
    createdAt: createdAt(),
    updatedAt: createdAt(),
  },
  (t) => [
    check("corporate_invoices_kind", sql`${t.kind} in ('first', 'renewal')`),
    check("corporate_invoices_status", sql`${t.status} in ('draft', 'open', 'paid', 'void')`),
    check("corporate_invoices_amount", sql`${t.amount} > 0`),
    // One live renewal invoice per year; a voided one (staff voided it in Stripe) can be issued again.
    uniqueIndex("corporate_invoices_one_per_period")
      .on(t.membershipId, t.periodStart)
      .where(sql`${t.kind} = 'renewal' and ${t.status} <> 'void'`),
    index("corporate_invoices_membership").on(t.membershipId, t.createdAt),
  ],
);

// ---------------------------------------------------------------- donations
export const donations = pgTable(
  "donations",
  {
    id: uuid().primaryKey().defaultRandom(),
    personId: uuid()
      .notNull()
      .references(() => people.id),
    fundId: integer()
      .notNull()
      .references(() => funds.id),
    amount: integer().notNull(),
    currency: currencyEnum().notNull(),
    interval: donationIntervalEnum().notNull(),
    /** Processing fee the donor chose to cover, included in `amount`. */
    feeAmount: integer().notNull().default(0),
    status: donationStatusEnum().notNull().default("pending"),
    tributeKind: tributeKindEnum(),
    tributeName: text(),
    tributeNotifyEmail: text(),
    tributeNotifyName: text(),
    tributeNotifyLocale: localeEnum(),
    anonymous: boolean().notNull().default(false),
    stripeCheckoutSessionId: text().unique("donations_stripe_checkout_session_id_unique"),
    stripeSubscriptionId: text().unique("donations_stripe_subscription_id_unique"),
    stripeStateAt: tstz(),
    /** As memberships.submitted_details: a known donor's new details, waiting for their confirmation. */
    submittedDetails: jsonb().$type<SubmittedDetails>(),
    createdAt: createdAt(),
    updatedAt: createdAt(),
  },
  (t) => [
    check("donations_amount", sql`${t.amount} > 0 and ${t.feeAmount} >= 0 and ${t.feeAmount} < ${t.amount}`),
    check("donations_tribute", sql`(${t.tributeKind} is null) = (${t.tributeName} is null)`),
    index("donations_fund").on(t.fundId, t.createdAt),
    index("donations_person").on(t.personId),
  ],
);

// ---------------------------------------------------------------- payments and receipts
export const payments = pgTable(
  "payments",
  {
    id: uuid().primaryKey().defaultRandom(),
    membershipId: uuid().references(() => memberships.id),
    donationId: uuid().references(() => donations.id),
    personId: uuid().references(() => people.id),
    organisationId: uuid().references(() => organisations.id),
    fundId: integer().references(() => funds.id),
    amount: integer().notNull(),
    currency: currencyEnum().notNull(),
    refundedAmount: integer().notNull().default(0),
    method: paymentMethodEnum().notNull().default("card"),
    cardBrand: text(),
    cardLast4: char({ length: 4 }),
    description: text(),
    stripeInvoiceId: text().unique("payments_stripe_invoice_id_unique"),
    stripePaymentIntentId: text().unique("payments_stripe_payment_intent_id_unique"),
    stripeChargeId: text().unique("payments_stripe_charge_id_unique"),
    disputed: boolean().notNull().default(false),
    recordedByStaffUserId: uuid().references(() => staffUsers.id),
    /** A staff form's one-time token: submitting the same form twice records one payment. */
    formToken: uuid().unique("payments_form_token_unique"),
    paidAt: timestamp({ withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    check("payments_amount", sql`${t.amount} > 0`),
    check("payments_refund", sql`${t.refundedAmount} between 0 and ${t.amount}`),
    check("payments_one_payer", sql`num_nonnulls(${t.personId}, ${t.organisationId}) = 1`),
    check("payments_one_purpose", sql`num_nonnulls(${t.membershipId}, ${t.donationId}) <= 1`),
    index("payments_membership").on(t.membershipId),
    index("payments_donation").on(t.donationId),
    index("payments_paid_at").on(t.paidAt),
  ],
);

/** Last receipt sequence number allocated per calendar year (gap-free: rolled back with its payment). */
export const receiptCounters = pgTable("receipt_counters", {
  year: smallint().primaryKey(),
  lastSeq: integer().notNull(),
});

export const receipts = pgTable(
  "receipts",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** `YYYY-NNNNNN`. */
    number: text().notNull().unique("receipts_number_unique"),
    year: smallint().notNull(),
    seq: integer().notNull(),
    paymentId: uuid()
      .notNull()
      .references(() => payments.id),
    kind: receiptKindEnum().notNull().default("original"),
    correctsReceiptId: uuid().references((): AnyPgColumn => receipts.id),
    amount: integer().notNull(),
    currency: currencyEnum().notNull(),
    /** US tax: amount minus fair-market value of benefits received. */
    deductibleAmount: integer().notNull(),
    benefitsValue: integer().notNull().default(0),
    locale: localeEnum().notNull(),
    /** Payer, purpose and issuer as printed, frozen at issue. */
    snapshot: jsonb().$type<Record<string, unknown>>().notNull(),
    issuedAt: createdAt(),
  },
  (t) => [
    uniqueIndex("receipts_year_seq").on(t.year, t.seq),
    check("receipts_number_format", sql`${t.number} ~ '^[0-9]{4}-[0-9]{6}$'`),
    check("receipts_amounts", sql`${t.amount} >= 0 and ${t.deductibleAmount} >= 0 and ${t.benefitsValue} >= 0`),
    check("receipts_correction", sql`(${t.kind} = 'corrected') = (${t.correctsReceiptId} is not null)`),
    index("receipts_payment").on(t.paymentId),
  ],
);

/**
 * Refunds staff make from the console. A card payment's refund is asked of Stripe (this row's id
 * is its idempotency key) and its corrected receipt follows Stripe's charge.refunded; a check,
 * cash or bank-transfer payment is refunded outside any payment system and recorded here at once.
 */
export const refunds = pgTable(
  "refunds",
  {
    id: uuid().primaryKey().defaultRandom(),
    paymentId: uuid()
      .notNull()
      .references(() => payments.id),
    amount: integer().notNull(),
    currency: currencyEnum().notNull(),
    /** Stripe's reasons, or `other` with the note saying why. */
    reason: text().notNull(),
    note: text(),
    /** `stripe` (asked of Stripe) or `offline` (money returned outside Stripe). */
    via: text().notNull(),
    /** pending (asked, no answer yet), succeeded, failed. */
    status: text().notNull().default("pending"),
    stripeRefundId: text().unique("refunds_stripe_refund_id_unique"),
    error: text(),
    staffUserId: uuid().references(() => staffUsers.id),
    createdAt: createdAt(),
    updatedAt: createdAt(),
  },
  (t) => [
    check("refunds_amount", sql`${t.amount} > 0`),
    check("refunds_via", sql`${t.via} in ('stripe', 'offline')`),
    check("refunds_status", sql`${t.status} in ('pending', 'succeeded', 'failed')`),
    check("refunds_reason", sql`${t.reason} in ('requested_by_customer', 'duplicate', 'fraudulent', 'other')`),
    index("refunds_payment").on(t.paymentId),
  ],
);

// ---------------------------------------------------------------- Stripe events and email outbox
export const stripeEvents = pgTable(
  "stripe_events",
  {
    id: text().primaryKey(),
    type: text().notNull(),
    apiVersion: text(),
    /** Stripe's own `created` for the event. */
    createdAtStripe: tstz().notNull(),
    payload: jsonb().notNull(),
    receivedAt: createdAt(),
    processedAt: tstz(),
    attempts: integer().notNull().default(0),
    error: text(),
    /**
     * A parked event: it names a charge or payment intent (`pi_…`, `ch_…`) no payment of ours
     * has yet; it stays unprocessed and is applied when a payment is linked to that id.
     */
    waitingFor: text(),
  },
  (t) => [
    index("stripe_events_unprocessed")
      .on(t.receivedAt)
      .where(sql`${t.processedAt} is null`),
    // A charge's card (brand, last 4) for the payment its invoice records, whichever event came first.
    index("stripe_events_charge")
      .on(sql`(${t.payload} -> 'data' -> 'object' ->> 'id')`)
      .where(sql`${t.type} = 'charge.succeeded'`),
    // The same by the charge's payment intent (an invoice's payment names its payment intent).
    index("stripe_events_charge_payment_intent")
      .on(sql`(${t.payload} -> 'data' -> 'object' ->> 'payment_intent')`)
      .where(sql`${t.type} = 'charge.succeeded'`),
    // An invoice's payment intent, from invoice_payment.paid (webhook invoices never list their payments).
    index("stripe_events_invoice_payment")
      .on(sql`(${t.payload} -> 'data' -> 'object' ->> 'invoice')`)
      .where(sql`${t.type} = 'invoice_payment.paid'`),
    index("stripe_events_waiting")
      .on(t.waitingFor)
      .where(sql`${t.waitingFor} is not null`),
  ],
);

export const emailOutbox = pgTable(
  "email_outbox",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Template file name in emails/, e.g. `welcome`. Checked by the worker, not the database. */
    template: text().notNull(),
    /** `en` or `ja`; checked by the worker so a bad row fails alone. */
    locale: text().notNull(),
    toEmail: text().notNull(),
    personId: uuid().references(() => people.id),
    organisationId: uuid().references(() => organisations.id),
    props: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    /** Makes a scheduled email once-only, e.g. `renewal-30:<membership>:<period end>`. */
    dedupeKey: text().unique("email_outbox_dedupe_key_unique"),
    status: emailStatusEnum().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastError: text(),
    subject: text(),
    html: text(),
    text: text(),
    resendId: text(),
    createdAt: createdAt(),
    sentAt: tstz(),
  },
  (t) => [
    index("email_outbox_due")
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
    index("email_outbox_person").on(t.personId),
  ],
);

/**
 * Shared pacing of calls to an outside service across every instance (Resend's per-team rate
 * limit): the moment the next call may go, advanced by one interval per call taken.
 */
export const rateClocks = pgTable("rate_clocks", {
  name: text().primaryKey(),
  nextAt: timestamp({ withTimezone: true }).notNull(),
});

// ---------------------------------------------------------------- staff and audit
export const staffUsers = pgTable(
  "staff_users",
  {
    id: uuid().primaryKey().defaultRandom(),
    email: text().notNull(),
    name: text().notNull(),
    role: staffRoleEnum().notNull(),
    locale: localeEnum().notNull().default("en"),
    active: boolean().notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("staff_users_email_lower").on(sql`lower(${t.email})`)],
);

/** One-time sign-in links for staff and members; only the SHA-256 of the token (and of a member's code) is kept. */
export const signInTokens = pgTable(
  "sign_in_tokens",
  {
    id: uuid().primaryKey().defaultRandom(),
    staffUserId: uuid().references(() => staffUsers.id, { onDelete: "cascade" }),
    personId: uuid().references(() => people.id, { onDelete: "cascade" }),
    tokenHash: text().notNull().unique("sign_in_tokens_token_hash_unique"),
    /** A member's link also has a 6-digit code for another device: SHA-256 of the token's hash and the code. */
    codeHash: text(),
    /** Wrong codes typed; at MEMBER_CODE_ATTEMPTS the link (and its code) is used up. */
    codeAttempts: integer().notNull().default(0),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: tstz(),
    requestedIp: text(),
    createdAt: createdAt(),
  },
  (t) => [check("sign_in_tokens_one_subject", sql`num_nonnulls(${t.staffUserId}, ${t.personId}) = 1`)],
);

/**
 * Signed-in sessions, revocable at once: the cookie carries a random token, only its SHA-256 is
 * kept here. Signing out, deactivating a staff user or changing their role revokes their rows.
 */
export const sessions = pgTable(
  "sessions",
  {
    /** SHA-256 (hex) of the token in the cookie. */
    id: text().primaryKey(),
    staffUserId: uuid().references(() => staffUsers.id, { onDelete: "cascade" }),
    personId: uuid().references(() => people.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    revokedAt: tstz(),
    ip: text(),
  },
  (t) => [
    check("sessions_one_subject", sql`num_nonnulls(${t.staffUserId}, ${t.personId}) = 1`),
    index("sessions_staff_user")
      .on(t.staffUserId)
      .where(sql`${t.revokedAt} is null`),
    index("sessions_person")
      .on(t.personId)
      .where(sql`${t.revokedAt} is null`),
  ],
);

/** Every sign-in link request, kept briefly to rate-limit per address and per IP (staff issue). */
export const signInRequests = pgTable(
  "sign_in_requests",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    /** Lower-cased address as typed, whether or not it belongs to anyone. */
    email: text().notNull(),
    ip: text(),
    at: createdAt(),
  },
  (t) => [index("sign_in_requests_email").on(t.email, t.at), index("sign_in_requests_ip").on(t.ip, t.at)],
);

export const auditLog = pgTable(
  "audit_log",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    actorStaffUserId: uuid().references(() => staffUsers.id),
    /** e.g. `member.comp`, `export.members`. */
    action: text().notNull(),
    subjectType: text(),
    subjectId: text(),
    details: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    ip: text(),
    at: createdAt(),
  },
  (t) => [index("audit_log_at").on(t.at), index("audit_log_actor").on(t.actorStaffUserId, t.at)],
);

/**
 * Consent to optional email, as a log: a person's consent to a topic is their newest row for it
 * (none: not consented). Kept with its time and source (Japan's 特定電子メール法 asks for a record).
 */
export const emailConsents = pgTable(
  "email_consents",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    personId: uuid()
      .notNull()
      .references(() => people.id, { onDelete: "cascade" }),
    topic: consentTopicEnum().notNull(),
    granted: boolean().notNull(),
    source: consentSourceEnum().notNull(),
    /** Staff's reason, when staff recorded it. */
    reason: text(),
    ip: text(),
    at: createdAt(),
  },
  (t) => [index("email_consents_person").on(t.personId, t.topic, t.at)],
);

// ---------------------------------------------------------------- types
export type Locale = (typeof localeEnum.enumValues)[number];
export type Currency = (typeof currencyEnum.enumValues)[number];
export type BillingInterval = (typeof billingIntervalEnum.enumValues)[number];
export type MembershipStatus = (typeof membershipStatusEnum.enumValues)[number];
export type StaffRole = (typeof staffRoleEnum.enumValues)[number];

export type Partnership = typeof partnerships.$inferSelect;
export type Tier = typeof tiers.$inferSelect;
export type NewTier = typeof tiers.$inferInsert;
export type TierPrice = typeof tierPrices.$inferSelect;
export type Fund = typeof funds.$inferSelect;
export type Person = typeof people.$inferSelect;
export type NewPerson = typeof people.$inferInsert;
export type Organisation = typeof organisations.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type NewMembership = typeof memberships.$inferInsert;
export type CorporateInvoice = typeof corporateInvoices.$inferSelect;
export type Donation = typeof donations.$inferSelect;
export type Payment = typeof payments.$inferSelect;
export type NewPayment = typeof payments.$inferInsert;
export type Receipt = typeof receipts.$inferSelect;
export type Refund = typeof refunds.$inferSelect;
export type StripeEvent = typeof stripeEvents.$inferSelect;
export type EmailOutboxRow = typeof emailOutbox.$inferSelect;
export type StaffUser = typeof staffUsers.$inferSelect;
export type AuditEntry = typeof auditLog.$inferSelect;
export type ConsentTopic = (typeof consentTopicEnum.enumValues)[number];
