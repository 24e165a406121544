/** Drizzle only: the rows billing reads and writes. `db` may be a transaction. */
import { and, eq, inArray, isNull, lte, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { emailOutbox, memberships, payments, people, stripeEvents, tierBenefitValues, tierPrices, tiers, type Membership } from "../../../db/schema";
import type { QueueEmail } from "../email/outbox.server";

export async function getMembershipForUpdate(tx: DbOrTx, id: string) {
  const rows = await tx.select().from(memberships).where(eq(memberships.id, id)).for("update");
  return rows[0] ?? null;
}

export async function getMembershipBySubscriptionForUpdate(tx: DbOrTx, subscriptionId: string) {
  const rows = await tx.select().from(memberships).where(eq(memberships.stripeSubscriptionId, subscriptionId)).for("update");
  return rows[0] ?? null;
}

/**
 * A membership locked for update, with its person, tier and the tier's benefit value in the
 * membership's currency: one round trip for the hot path of invoice.paid.
 */
export async function lockMembershipParties(tx: DbOrTx, where: { id: string } | { subscriptionId: string }) {
  const rows = await tx
    .select({
      membership: {
        id: memberships.id,
        status: memberships.status,
        organisationId: memberships.organisationId,
        currency: memberships.currency,
        currentPeriodEnd: memberships.currentPeriodEnd,
        startedAt: memberships.startedAt,
        stripeStateAt: memberships.stripeStateAt,
      },
      person: {
        id: people.id,
        email: people.email,
        preferredLocale: people.preferredLocale,
        familyName: people.familyName,
        givenName: people.givenName,
        country: people.country,
        postalCode: people.postalCode,
        region: people.region,
        city: people.city,
        addressLine1: people.addressLine1,
        addressLine2: people.addressLine2,
      },
      tier: { nameEn: tiers.nameEn, nameJa: tiers.nameJa, benefitsEn: tiers.benefitsEn, benefitsJa: tiers.benefitsJa },
      benefitValue: tierBenefitValues.amount,
    })
    .from(memberships)
    // An organisation's membership has no person: the caller hands it to the corporate code.
    .leftJoin(people, eq(people.id, memberships.personId))
    .innerJoin(tiers, eq(tiers.id, memberships.tierId))
    .leftJoin(tierBenefitValues, and(eq(tierBenefitValues.tierId, memberships.tierId), eq(tierBenefitValues.currency, memberships.currency)))
    .where("id" in where ? eq(memberships.id, where.id) : eq(memberships.stripeSubscriptionId, where.subscriptionId))
    .for("update", { of: memberships });
  return rows[0] ?? null;
}

/** A membership with its person and tier: what emails and receipts print. */
export async function getMembershipParties(tx: DbOrTx, membershipId: string) {
  const rows = await tx
    .select({ membership: memberships, person: people, tier: tiers })
    .from(memberships)
    .innerJoin(people, eq(people.id, memberships.personId))
    .innerJoin(tiers, eq(tiers.id, memberships.tierId))
    .where(eq(memberships.id, membershipId));
  return rows[0] ?? null;
}

export async function updateMembership(tx: DbOrTx, id: string, values: Partial<Membership>) {
  await tx
    .update(memberships)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(memberships.id, id));
}

export async function getPriceRow(tx: DbOrTx, id: number) {
  const rows = await tx.select().from(tierPrices).where(eq(tierPrices.id, id));
  return rows[0] ?? null;
}

export async function insertStripeEvent(
  db: DbOrTx,
  event: { id: string; type: string; apiVersion: string | null; created: number; payload: unknown },
): Promise<boolean> {
  const rows = await db
    .insert(stripeEvents)
    .values({
      id: event.id,
      type: event.type,
      apiVersion: event.apiVersion,
      createdAtStripe: new Date(event.created * 1000),
      payload: event.payload,
    })
    .onConflictDoNothing({ target: stripeEvents.id })
    .returning({ id: stripeEvents.id });
  return rows.length === 1;
}

/** Locks the stored event for the applying transaction (concurrent deliveries queue here). */
export async function lockStripeEvent(tx: DbOrTx, id: string) {
  const rows = await tx
    .select({ id: stripeEvents.id, type: stripeEvents.type, payload: stripeEvents.payload, processedAt: stripeEvents.processedAt })
    .from(stripeEvents)
    .where(eq(stripeEvents.id, id))
    .for("update");
  return rows[0] ?? null;
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
  await tx
    .insert(emailOutbox)
    .values(
      emails.map((email) => ({
        template: email.template,
        locale: email.locale,
        toEmail: email.to,
        props: email.props,
        personId: email.personId ?? null,
        organisationId: email.organisationId ?? null,
        dedupeKey: email.dedupeKey ?? null,
        nextAttemptAt: email.notBefore ?? new Date(),
      })),
    )
    .onConflictDoNothing({ target: emailOutbox.dedupeKey });
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
