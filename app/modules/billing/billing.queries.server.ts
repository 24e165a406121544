/** Drizzle only: the rows billing reads and writes. `db` may be a transaction. */
import { createHash } from "node:crypto";
import { and, asc, desc, eq, inArray, isNotNull, isNull, lte, ne, sql, type QueryPromise } from "drizzle-orm";
import { batchedPerTransaction } from "../../../db/batch";
import type { DbOrTx } from "../../../db/client";
import {
  corporateInvoices,
  memberships,
  membershipStatusHistory,
  organisationContacts,
  organisations,
  partnerships,
  payments,
  people,
  receipts,
  stripeEvents,
  tierPrices,
  tiers,
  type Membership,
  type MembershipStatus,
  type NewMembership,
  type Payment,
} from "../../../db/schema";
import type { JoinInput } from "../people/join.schema.server";

export async function getMembershipForUpdate(tx: DbOrTx, id: string) {
  const rows = await tx.select().from(memberships).where(eq(memberships.id, id)).for("update");
  return rows[0] ?? null;
}

export async function getMembershipBySubscriptionForUpdate(tx: DbOrTx, subscriptionId: string) {
  const rows = await tx.select().from(memberships).where(eq(memberships.stripeSubscriptionId, subscriptionId)).for("update");
  return rows[0] ?? null;
}

/** Milliseconds since the epoch as a number, or null: timestamps in hand-written SQL come back as text otherwise. */
const ms = (value: number | null) => (value === null ? null : new Date(value));

interface PartiesRow extends Record<string, unknown> {
  id: string;
  stripe_subscription_id: string | null;
  status: Membership["status"];
  organisation_id: string | null;
  currency: Membership["currency"];
  current_period_end: number | null;
  started_at: number | null;
  stripe_state_at: number | null;
  person_id: string | null;
  email: string;
  preferred_locale: "en" | "ja";
  family_name: string;
  given_name: string;
  country: string;
  postal_code: string | null;
  region: string | null;
  city: string | null;
  address_line1: string | null;
  address_line2: string | null;
  name_en: string;
  name_ja: string;
  benefits_en: string[];
  benefits_ja: string[];
  benefit_value: number | null;
}

/** Which membership: our id (from the subscription's metadata) or else the Stripe subscription. */
export interface MembershipRef {
  id: string | null;
  subscriptionId: string | null;
}

function partiesOf(row: PartiesRow) {
  return {
    membership: {
      id: row.id,
      status: row.status,
      organisationId: row.organisation_id,
      currency: row.currency,
      currentPeriodEnd: ms(row.current_period_end),
      startedAt: ms(row.started_at),
      stripeStateAt: ms(row.stripe_state_at),
    },
    // An organisation's membership has no person: the caller hands it to the corporate code.
    person: row.person_id
      ? {
          id: row.person_id,
          email: row.email,
          preferredLocale: row.preferred_locale,
          familyName: row.family_name,
          givenName: row.given_name,
          country: row.country,
          postalCode: row.postal_code,
          region: row.region,
          city: row.city,
          addressLine1: row.address_line1,
          addressLine2: row.address_line2,
        }
      : null,
    tier: { nameEn: row.name_en, nameJa: row.name_ja, benefitsEn: row.benefits_en, benefitsJa: row.benefits_ja },
    benefitValue: row.benefit_value,
  };
}
export type MembershipParties = ReturnType<typeof partiesOf>;

/**
 * Memberships locked for update, each with its person, tier and the tier's benefit value in
 * the membership's currency: one statement for every invoice.paid of a webhook batch, locking
 * in id order. A ref finds the membership by our id, else by its subscription. Hand-written: at
 * hundreds of webhooks a second, building this query with the query builder cost more CPU
 * than PostgreSQL spent running it.
 */
export async function lockMembershipParties(tx: DbOrTx, refs: readonly MembershipRef[]): Promise<(MembershipParties | null)[]> {
  const ids = [...new Set(refs.map((ref) => ref.id).filter((id): id is string => id !== null))];
  const subscriptions = [...new Set(refs.map((ref) => ref.subscriptionId).filter((id): id is string => id !== null))];
  if (ids.length === 0 && subscriptions.length === 0) return refs.map(() => null);
  const rows = await tx.execute<PartiesRow>(sql`
    select m.id, m.stripe_subscription_id, m.status, m.organisation_id, m.currency,
           (extract(epoch from m.current_period_end) * 1000)::float8 as current_period_end,
           (extract(epoch from m.started_at) * 1000)::float8 as started_at,
           (extract(epoch from m.stripe_state_at) * 1000)::float8 as stripe_state_at,
           p.id as person_id, p.email, p.preferred_locale, p.family_name, p.given_name, p.country,
           p.postal_code, p.region, p.city, p.address_line1, p.address_line2,
           t.name_en, t.name_ja, t.benefits_en, t.benefits_ja, v.amount as benefit_value
    from memberships m
    left join people p on p.id = m.person_id
    join tiers t on t.id = m.tier_id
    left join tier_benefit_values v on v.tier_id = m.tier_id and v.currency = m.currency
    where m.id = any(${sql.param(ids)}::uuid[]) or m.stripe_subscription_id = any(${sql.param(subscriptions)}::text[])
    order by m.id
    for update of m`);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const bySubscription = new Map(rows.filter((row) => row.stripe_subscription_id).map((row) => [row.stripe_subscription_id!, row]));
  return refs.map((ref) => {
    const row = (ref.id ? byId.get(ref.id) : undefined) ?? (ref.subscriptionId ? bySubscription.get(ref.subscriptionId) : undefined);
    return row ? partiesOf(row) : null;
  });
}

/** A membership's payment of a Stripe invoice. */
export interface MembershipPaymentRow {
  membershipId: string;
  personId: string;
  amount: number;
  currency: Membership["currency"];
  method: Payment["method"];
  cardBrand: string | null;
  cardLast4: string | null;
  description: string;
  stripeInvoiceId: string;
  stripeChargeId: string | null;
  stripePaymentIntentId: string | null;
  paidAt: Date;
}

/**
 * Records invoice payments, one per invoice (an invoice already recorded gives null), with how many
 * payments its membership had before (the subquery sees the statement's snapshot): one
 * statement for a batch. The rows travel as one JSON parameter.
 */
export async function insertMembershipPayments(
  tx: DbOrTx,
  rows: readonly MembershipPaymentRow[],
): Promise<({ id: string; amount: number; earlier: number } | null)[]> {
  const inserted = await tx.execute<{ id: string; stripe_invoice_id: string; amount: number; earlier: number }>(sql`
    insert into payments (membership_id, person_id, amount, currency, method, card_brand, card_last4, description,
                          stripe_invoice_id, stripe_charge_id, stripe_payment_intent_id, paid_at)
    select x."membershipId", x."personId", x.amount, x.currency, x.method, x."cardBrand", x."cardLast4", x.description,
           x."stripeInvoiceId", x."stripeChargeId", x."stripePaymentIntentId", x."paidAt"
    from json_to_recordset(${JSON.stringify(rows)}::json) as x("membershipId" uuid, "personId" uuid, amount int, currency currency,
         method payment_method, "cardBrand" text, "cardLast4" text, description text, "stripeInvoiceId" text, "stripeChargeId" text,
         "stripePaymentIntentId" text, "paidAt" timestamptz)
    on conflict (stripe_invoice_id) do nothing
    returning id, stripe_invoice_id, amount, (select count(*)::int from payments p where p.membership_id = payments.membership_id) as earlier`);
  const byInvoice = new Map(inserted.map((row) => [row.stripe_invoice_id, { id: row.id, amount: row.amount, earlier: row.earlier }]));
  return rows.map((row) => byInvoice.get(row.stripeInvoiceId) ?? null);
}

/**
 * Moves memberships to a new billing period: one statement for a batch. The ids are also given
 * as an array so that PostgreSQL finds the rows by their primary key (it cannot tell how many
 * rows a JSON parameter holds, and would otherwise scan the table).
 */
export async function setMembershipPeriods(tx: DbOrTx, rows: readonly { id: string; start: Date; end: Date }[]) {
  await tx.execute(sql`
    update memberships m set current_period_start = x.start, current_period_end = x."end", updated_at = now()
    from json_to_recordset(${JSON.stringify(rows)}::json) as x(id uuid, start timestamptz, "end" timestamptz)
    where m.id = any(${sql.param(rows.map((row) => row.id))}::uuid[]) and m.id = x.id`);
}

export async function updateMembership(tx: DbOrTx, id: string, values: Partial<Membership>) {
  await tx
    .update(memberships)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(memberships.id, id));
}

interface EventToStore {
  id: string;
  type: string;
  apiVersion: string | null;
  created: number;
  /** The event's JSON exactly as delivered. */
  raw: string;
}

const eventValues = (event: EventToStore, processed: boolean, error: string | null = null) =>
  sql`(${event.id}, ${event.type}, ${event.apiVersion}, to_timestamp(${event.created}), ${event.raw}::jsonb, ${processed ? sql`now()` : sql`null`}, 1, ${error})`;

/**
 * Stores new events already marked processed, inside the transaction that applies them;
 * returns the ids it stored (an id stored before is left alone). Rows go in id order, so two
 * transactions storing overlapping batches never wait on each other in a circle.
 *
 * One JSON parameter for the whole batch, so the statement's text (and its prepared statement
 * on each connection) is the same whatever the batch's size. Each payload is placed in it as
 * delivered: it is JSON already (the signature check parsed it).
 */
export async function insertProcessedEvents(tx: DbOrTx, events: EventToStore[]): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const rows = events.map(
    (event) =>
      `{"id":${JSON.stringify(event.id)},"type":${JSON.stringify(event.type)},"api_version":${JSON.stringify(event.apiVersion)},"created":${Number(event.created)},"payload":${event.raw}}`,
  );
  const inserted = await tx.execute<{ id: string }>(sql`
    insert into stripe_events (id, type, api_version, created_at_stripe, payload, processed_at, attempts, error)
    select x.id, x.type, x.api_version, to_timestamp(x.created), x.payload, now(), 1, null
    from jsonb_to_recordset(${`[${rows.join(",")}]`}::jsonb) as x(id text, type text, api_version text, created float8, payload jsonb)
    order by x.id
    on conflict (id) do nothing
    returning id`);
  return new Set(inserted.map((row) => row.id));
}

/** An event that could not be applied: stored unprocessed with the error (or the error recorded on it). */
export async function storeFailedEvent(db: DbOrTx, event: EventToStore, error: string) {
  const message = error.slice(0, 2000);
  await db.execute(sql`
    insert into stripe_events (id, type, api_version, created_at_stripe, payload, processed_at, attempts, error)
    values ${eventValues(event, false, message)}
    on conflict (id) do update set attempts = stripe_events.attempts + 1, error = ${message}
    where stripe_events.processed_at is null`);
}

/**
 * A signed event that can never apply (stripeEventIssues): stored as received and refused
 * (processed, with its error), so replays leave it and staff see it. Its id, type and date are
 * kept only when they are ones PostgreSQL can hold; a NUL in a string becomes U+FFFD.
 */
export async function storeRefusedEvent(db: DbOrTx, parsed: unknown, raw: string, issues: string[]) {
  const event = (parsed ?? {}) as { id?: unknown; type?: unknown; created?: unknown; api_version?: unknown };
  const id =
    typeof event.id === "string" && /^evt_\w{1,250}$/.test(event.id) ? event.id : `evt_refused_${createHash("sha256").update(raw).digest("hex").slice(0, 32)}`;
  const type = typeof event.type === "string" ? event.type.replace(/[\u0000-\u001f\u007f]/g, "").slice(0, 100) || "unknown" : "unknown";
  const created =
    typeof event.created === "number" && Number.isInteger(event.created) && event.created >= 0 && event.created <= 4_102_444_800
      ? new Date(event.created * 1000)
      : new Date();
  const apiVersion = typeof event.api_version === "string" ? event.api_version.replace(/[\u0000-\u001f]/g, "").slice(0, 40) : null;
  const payload = JSON.parse(raw.replace(/(?<!\\)\\u0000/g, "\\ufffd")) as unknown;
  const error = `refused: ${issues.join("; ")}`.replace(/\u0000/g, "\ufffd").slice(0, 2000);
  await db
    .insert(stripeEvents)
    .values({ id, type, apiVersion, createdAtStripe: created, payload, processedAt: new Date(), attempts: 1, error })
    .onConflictDoUpdate({ target: stripeEvents.id, set: { attempts: sql`${stripeEvents.attempts} + 1` } });
}

/** Locks stored events for the applying transaction (concurrent deliveries queue here), in id order. */
export async function lockStripeEvents(tx: DbOrTx, ids: string[]) {
  if (ids.length === 0) return [];
  return tx
    .select({ id: stripeEvents.id, type: stripeEvents.type, payload: stripeEvents.payload, processedAt: stripeEvents.processedAt })
    .from(stripeEvents)
    .where(inArray(stripeEvents.id, ids))
    .orderBy(stripeEvents.id)
    .for("update");
}

export async function getStripeEvent(db: DbOrTx, id: string) {
  const rows = await db.select().from(stripeEvents).where(eq(stripeEvents.id, id));
  return rows[0] ?? null;
}

/** The statement (not yet sent; null when there is nothing to mark) marking stored events processed. */
export function markEventsProcessed(tx: DbOrTx, ids: string[]): QueryPromise<unknown> | null {
  if (ids.length === 0) return null;
  // An event its handler parked again (still waiting for its payment) stays unprocessed.
  return tx
    .update(stripeEvents)
    .set({ processedAt: new Date(), attempts: sql`${stripeEvents.attempts} + 1`, error: null })
    .where(and(inArray(stripeEvents.id, ids), isNull(stripeEvents.waitingFor)));
}

export async function markEventFailed(db: DbOrTx, id: string, error: string) {
  await db
    .update(stripeEvents)
    .set({ attempts: sql`${stripeEvents.attempts} + 1`, error: error.slice(0, 2000) })
    .where(and(eq(stripeEvents.id, id), isNull(stripeEvents.processedAt)));
}

/** A processed event made unprocessed again (a forced replay). */
export async function markEventUnprocessed(db: DbOrTx, id: string) {
  await db.update(stripeEvents).set({ processedAt: null }).where(eq(stripeEvents.id, id));
}

/** Past-due memberships whose grace period is over, locked, oldest first. */
export async function lockExpiredGrace(tx: DbOrTx, now: Date, limit: number) {
  return tx
    .select()
    .from(memberships)
    .where(and(eq(memberships.status, "past_due"), lte(memberships.graceUntil, now)))
    .orderBy(memberships.graceUntil)
    .limit(limit)
    .for("update", { skipLocked: true });
}

/** The payment recorded for a Stripe invoice, or null. */
export async function paymentForInvoice(db: DbOrTx, invoiceId: string) {
  const rows = await db.select({ id: payments.id }).from(payments).where(eq(payments.stripeInvoiceId, invoiceId));
  return rows[0] ?? null;
}

/** One membership locked with its person and tier (or null), in a statement shared with the transaction's other lookups of the tick. */
export const lockMembershipParty = batchedPerTransaction(lockMembershipParties);
/** Records one invoice's payment (null when that invoice has one), in a statement shared with the tick's others. */
export const insertMembershipPayment = batchedPerTransaction(insertMembershipPayments);
/** Moves one membership to a new period, in a statement shared with the tick's others. */
export const setMembershipPeriod = batchedPerTransaction(async (tx: DbOrTx, rows: readonly { id: string; start: Date; end: Date }[]) => {
  await setMembershipPeriods(tx, rows);
  return rows.map(() => undefined);
});

/** A person learns their Stripe customer, unless they have one already. */
export async function updatePersonStripeCustomerIfUnset(tx: DbOrTx, personId: string, customerId: string) {
  await tx
    .update(people)
    .set({ stripeCustomerId: customerId, updatedAt: new Date() })
    .where(and(eq(people.id, personId), isNull(people.stripeCustomerId)));
}

// ---------------------------------------------------------------- lifecycle

/** Records status changes of memberships. */
export async function insertStatusHistory(tx: DbOrTx, rows: (typeof membershipStatusHistory.$inferInsert)[]) {
  await tx.insert(membershipStatusHistory).values(rows);
}

/** Moves a company membership's seats (those not canceled and not already there) to `to`; returns the seats moved. */
export async function updateSeatsStatus(tx: DbOrTx, companyMembershipId: string, to: MembershipStatus, values: Partial<Membership> = {}) {
  return tx
    .update(memberships)
    .set({ status: to, updatedAt: new Date(), ...values })
    .where(and(eq(memberships.seatOfMembershipId, companyMembershipId), ne(memberships.status, "canceled"), ne(memberships.status, to)))
    .returning({ id: memberships.id });
}

/** A membership with its tier, person and organisation (either may be null), or null. */
export async function getMembershipWithHolder(tx: DbOrTx, membershipId: string) {
  const [row] = await tx
    .select({ membership: memberships, tier: tiers, person: people, organisation: organisations })
    .from(memberships)
    .innerJoin(tiers, eq(tiers.id, memberships.tierId))
    .leftJoin(people, eq(people.id, memberships.personId))
    .leftJoin(organisations, eq(organisations.id, memberships.organisationId))
    .where(eq(memberships.id, membershipId));
  return row ?? null;
}

/** An organisation by id, or null. */
export async function getOrganisation(tx: DbOrTx, organisationId: string) {
  const [row] = await tx.select().from(organisations).where(eq(organisations.id, organisationId));
  return row ?? null;
}

/** An organisation's billing and primary contacts, with their people. */
export async function listBillingContacts(tx: DbOrTx, organisationId: string) {
  return tx
    .select({ role: organisationContacts.role, person: people })
    .from(organisationContacts)
    .innerJoin(people, eq(people.id, organisationContacts.personId))
    .where(and(eq(organisationContacts.organisationId, organisationId), inArray(organisationContacts.role, ["billing", "primary"])));
}

/** A company's own membership (not a seat) paid by invoice rather than a subscription. */
export const invoicedCompanyTerm = and(isNotNull(memberships.organisationId), isNull(memberships.stripeSubscriptionId), isNull(memberships.seatOfMembershipId));

/** Active company memberships paid by invoice (no subscription, not a seat) whose period has ended, locked (SKIP LOCKED). */
export async function lockEndedInvoiceTerms(tx: DbOrTx, now: Date, limit: number) {
  return tx
    .select()
    .from(memberships)
    .where(and(invoicedCompanyTerm, eq(memberships.status, "active"), lte(memberships.currentPeriodEnd, now)))
    .limit(limit)
    .for("update", { skipLocked: true });
}

/** A membership's newest open renewal invoice, or null. */
export async function getOpenRenewalInvoice(tx: DbOrTx, membershipId: string) {
  const [row] = await tx
    .select()
    .from(corporateInvoices)
    .where(and(eq(corporateInvoices.membershipId, membershipId), eq(corporateInvoices.kind, "renewal"), eq(corporateInvoices.status, "open")))
    .orderBy(desc(corporateInvoices.createdAt))
    .limit(1);
  return row ?? null;
}

// ---------------------------------------------------------------- joining

/** The active price of an active tier of this kind in a currency and interval, with its tier; null when none is offered. */
export async function findPrice(db: DbOrTx, input: Pick<JoinInput, "tier" | "currency" | "interval">, kind: "individual" | "corporate" = "individual") {
  const rows = await db
    .select({ tier: tiers, price: tierPrices })
    .from(tierPrices)
    .innerJoin(tiers, eq(tiers.id, tierPrices.tierId))
    .where(
      and(
        eq(tiers.slug, input.tier),
        eq(tiers.active, true),
        eq(tiers.kind, kind),
        eq(tierPrices.active, true),
        eq(tierPrices.currency, input.currency),
        eq(tierPrices.interval, input.interval),
      ),
    );
  return rows[0] ?? null;
}

/**
 * The individual tier price a Stripe price stands for: by its id, else (a price made again in
 * Stripe, or the demo gateway's) the active one with its lookup key; null when neither.
 */
export async function findTierPriceForStripe(db: DbOrTx, price: { id: string; lookupKey: string | null }) {
  const [byId] = await db.select().from(tierPrices).where(eq(tierPrices.stripePriceId, price.id));
  if (byId) return byId;
  if (!price.lookupKey) return null;
  const [byKey] = await db
    .select()
    .from(tierPrices)
    .where(and(eq(tierPrices.lookupKey, price.lookupKey), eq(tierPrices.active, true)));
  return byKey ?? null;
}

/** An active partnership by slug (its id), or null. */
export async function getActivePartnership(db: DbOrTx, slug: string) {
  const [row] = await db
    .select({ id: partnerships.id })
    .from(partnerships)
    .where(and(eq(partnerships.slug, slug), eq(partnerships.active, true)));
  return row ?? null;
}

/** A person's own current memberships (active, past due or comped; company seats left out). */
export async function listOwnCurrentMemberships(tx: DbOrTx, personId: string) {
  return tx
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.personId, personId), isNull(memberships.seatOfMembershipId), inArray(memberships.status, ["active", "past_due", "comped"])));
}

/** A new membership row. */
export async function insertMembership(tx: DbOrTx, values: NewMembership) {
  const [row] = await tx.insert(memberships).values(values).returning();
  return row!;
}

/** Removes a membership that is still pending. */
export async function deletePendingMembership(db: DbOrTx, id: string) {
  await db.delete(memberships).where(and(eq(memberships.id, id), eq(memberships.status, "pending")));
}

/** A pending membership with its person, tier and the person's partnership, or null. */
export async function getPendingJoin(db: DbOrTx, membershipId: string) {
  const rows = await db
    .select({ membership: memberships, person: people, tier: tiers, partnership: partnerships })
    .from(memberships)
    .innerJoin(people, eq(people.id, memberships.personId))
    .innerJoin(tiers, eq(tiers.id, memberships.tierId))
    .leftJoin(partnerships, eq(partnerships.id, people.partnershipId))
    .where(and(eq(memberships.id, membershipId), eq(memberships.status, "pending")));
  return rows[0] ?? null;
}

/** A person's membership with its tier and person, or null. */
export async function getMembershipWithTier(db: DbOrTx, membershipId: string) {
  const rows = await db
    .select({ membership: memberships, tier: tiers, person: people })
    .from(memberships)
    .innerJoin(tiers, eq(tiers.id, memberships.tierId))
    .innerJoin(people, eq(people.id, memberships.personId))
    .where(eq(memberships.id, membershipId));
  return rows[0] ?? null;
}

// ---------------------------------------------------------------- Stripe catalogue, portal, refunds

/** Active prices of active tiers with their tiers, in the tiers' order. */
export async function listActiveTierPrices(db: DbOrTx) {
  return db
    .select({ tier: tiers, price: tierPrices })
    .from(tierPrices)
    .innerJoin(tiers, eq(tiers.id, tierPrices.tierId))
    .where(and(eq(tierPrices.active, true), eq(tiers.active, true)))
    .orderBy(asc(tiers.sortOrder), asc(tierPrices.id));
}

/** Records a tier price's Stripe Price. */
export async function updateTierPriceStripeId(db: DbOrTx, id: number, stripePriceId: string) {
  await db.update(tierPrices).set({ stripePriceId }).where(eq(tierPrices.id, id));
}

/** The Stripe customers a membership could be billed through (its own, its person's, its organisation's), or null. */
export async function getMembershipCustomers(db: DbOrTx, membershipId: string) {
  const rows = await db
    .select({
      customerId: memberships.stripeCustomerId,
      personCustomerId: people.stripeCustomerId,
      locale: people.preferredLocale,
      organisationId: organisations.id,
      organisationCustomerId: organisations.stripeCustomerId,
    })
    .from(memberships)
    .leftJoin(people, eq(people.id, memberships.personId))
    .leftJoin(organisations, eq(organisations.id, memberships.organisationId))
    .where(eq(memberships.id, membershipId));
  return rows[0] ?? null;
}

/** The original receipt of a payment (its id), or null. */
export async function getOriginalReceipt(tx: DbOrTx, paymentId: string) {
  const [row] = await tx
    .select({ id: receipts.id })
    .from(receipts)
    .where(and(eq(receipts.paymentId, paymentId), eq(receipts.kind, "original")));
  return row ?? null;
}

// ---------------------------------------------------------------- demo gateway

/** A membership with its person or organisation, tier and price, or null. */
export async function getMembershipWithPrice(db: DbOrTx, membershipId: string) {
  const rows = await db
    .select({ membership: memberships, owner: people, organisation: organisations, tier: tiers, price: tierPrices })
    .from(memberships)
    .leftJoin(people, eq(people.id, memberships.personId))
    .leftJoin(organisations, eq(organisations.id, memberships.organisationId))
    .innerJoin(tiers, eq(tiers.id, memberships.tierId))
    .innerJoin(tierPrices, eq(tierPrices.id, memberships.priceId))
    .where(eq(memberships.id, membershipId));
  return rows[0] ?? null;
}

/** The newest membership (not pending) of the person with this email (any case), its id; or null. */
export async function findNewestMembershipByEmail(db: DbOrTx, email: string) {
  const rows = await db
    .select({ id: memberships.id })
    .from(memberships)
    .innerJoin(people, eq(people.id, memberships.personId))
    .where(and(sql`lower(${people.email}) = ${email.toLowerCase()}`, sql`${memberships.status} <> 'pending'`))
    .orderBy(sql`${memberships.createdAt} desc`)
    .limit(1);
  return rows[0] ?? null;
}

/** A corporate invoice by its Stripe id, with its membership, organisation and tier; or null. */
export async function getCorporateInvoiceWithMembership(db: DbOrTx, stripeInvoiceId: string) {
  const rows = await db
    .select({ membership: memberships, organisation: organisations, tier: tiers, invoice: corporateInvoices })
    .from(corporateInvoices)
    .innerJoin(memberships, eq(memberships.id, corporateInvoices.membershipId))
    .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
    .innerJoin(tiers, eq(tiers.id, corporateInvoices.tierId))
    .where(eq(corporateInvoices.stripeInvoiceId, stripeInvoiceId));
  return rows[0] ?? null;
}

/** A payment by id, or null. */
export async function getPayment(db: DbOrTx, id: string) {
  const [row] = await db.select().from(payments).where(eq(payments.id, id));
  return row ?? null;
}
