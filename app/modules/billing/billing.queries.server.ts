/** Drizzle only: the rows billing reads and writes. `db` may be a transaction. */
import { and, eq, inArray, isNull, lte, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { memberships, payments, stripeEvents, type Membership } from "../../../db/schema";
import type { QueueEmail } from "../email/outbox.server";

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

/**
 * A membership locked for update, with its person, tier and the tier's benefit value in the
 * membership's currency: one round trip for the hot path of invoice.paid. Hand-written: at
 * hundreds of webhooks a second, building this query with the query builder cost more CPU
 * than PostgreSQL spent running it.
 */
export async function lockMembershipParties(tx: DbOrTx, where: { id: string } | { subscriptionId: string }) {
  const rows = await tx.execute<PartiesRow>(sql`
    select m.id, m.status, m.organisation_id, m.currency,
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
    where ${"id" in where ? sql`m.id = ${where.id}` : sql`m.stripe_subscription_id = ${where.subscriptionId}`}
    for update of m`);
  const row = rows[0];
  if (!row) return null;
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
 */
export async function insertProcessedEvents(tx: DbOrTx, events: EventToStore[]): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const sorted = [...events].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const rows = await tx.execute<{ id: string }>(sql`
    insert into stripe_events (id, type, api_version, created_at_stripe, payload, processed_at, attempts, error)
    values ${sql.join(sorted.map((event) => eventValues(event, true)), sql`, `)}
    on conflict (id) do nothing
    returning id`);
  return new Set(rows.map((row) => row.id));
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

export async function markEventsProcessed(tx: DbOrTx, ids: string[]) {
  if (ids.length === 0) return;
  await tx
    .update(stripeEvents)
    .set({ processedAt: new Date(), attempts: sql`${stripeEvents.attempts} + 1`, error: null })
    .where(inArray(stripeEvents.id, ids));
}

/** Several outbox rows in one insert; the same rows queueEmail writes (a repeated dedupe key is ignored). */
export async function queueEmails(tx: DbOrTx, emails: QueueEmail[]) {
  if (emails.length === 0) return;
  const rows = emails.map(
    (email) =>
      sql`(${email.template}, ${email.locale}, ${email.to}, ${JSON.stringify(email.props)}::jsonb, ${email.personId ?? null}::uuid,
           ${email.organisationId ?? null}::uuid, ${email.dedupeKey ?? null}, ${(email.notBefore ?? new Date()).toISOString()}::timestamptz)`,
  );
  await tx.execute(sql`
    insert into email_outbox (template, locale, to_email, props, person_id, organisation_id, dedupe_key, next_attempt_at)
    values ${sql.join(rows, sql`, `)}
    on conflict (dedupe_key) do nothing`);
}

export async function markEventFailed(db: DbOrTx, id: string, error: string) {
  await db
    .update(stripeEvents)
    .set({ attempts: sql`${stripeEvents.attempts} + 1`, error: error.slice(0, 2000) })
    .where(and(eq(stripeEvents.id, id), isNull(stripeEvents.processedAt)));
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
