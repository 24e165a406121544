/**
 * Statements behind the member area: a signed-in person's memberships (own and company seats)
 * and payments, each read by the person's id only, so no URL or form can reach another's.
 */
import { and, desc, eq, inArray, isNull, ne } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { DbOrTx } from "../../../db/client";
import {
  consentTopicEnum,
  emailConsents,
  funds,
  memberships,
  organisations,
  partnerships,
  payments,
  people,
  organisationContacts,
  receipts,
  tierPrices,
  tiers,
} from "../../../db/schema";

const seatOf = alias(memberships, "seat_of");

/** The person's memberships, newest first, with tier names, the price they renew at, and a seat's company. */
export function listPersonMemberships(db: DbOrTx, personId: string) {
  return db
    .select({
      id: memberships.id,
      status: memberships.status,
      priceId: memberships.priceId,
      currency: memberships.currency,
      interval: memberships.interval,
      currentPeriodEnd: memberships.currentPeriodEnd,
      cancelAtPeriodEnd: memberships.cancelAtPeriodEnd,
      canceledAt: memberships.canceledAt,
      compedUntil: memberships.compedUntil,
      seatOfMembershipId: memberships.seatOfMembershipId,
      stripeSubscriptionId: memberships.stripeSubscriptionId,
      tierNameEn: tiers.nameEn,
      tierNameJa: tiers.nameJa,
      priceAmount: tierPrices.amount,
      priceCurrency: tierPrices.currency,
      seatOrgNameEn: organisations.legalNameEn,
      seatOrgNameJa: organisations.legalNameJa,
    })
    .from(memberships)
    .innerJoin(tiers, eq(tiers.id, memberships.tierId))
    .leftJoin(tierPrices, eq(tierPrices.id, memberships.priceId))
    .leftJoin(seatOf, eq(seatOf.id, memberships.seatOfMembershipId))
    .leftJoin(organisations, eq(organisations.id, seatOf.organisationId))
    .where(eq(memberships.personId, personId))
    .orderBy(desc(memberships.createdAt));
}

/** The person's own payments, newest first, with the original receipt's number, the fund given to, and the membership's tier. */
export function listPersonPayments(db: DbOrTx, personId: string) {
  return db
    .select({
      id: payments.id,
      membershipId: payments.membershipId,
      donationId: payments.donationId,
      amount: payments.amount,
      refundedAmount: payments.refundedAmount,
      currency: payments.currency,
      method: payments.method,
      cardBrand: payments.cardBrand,
      cardLast4: payments.cardLast4,
      paidAt: payments.paidAt,
      receiptNumber: receipts.number,
      fundNameEn: funds.nameEn,
      fundNameJa: funds.nameJa,
      tierNameEn: tiers.nameEn,
      tierNameJa: tiers.nameJa,
    })
    .from(payments)
    .leftJoin(receipts, and(eq(receipts.paymentId, payments.id), eq(receipts.kind, "original")))
    .leftJoin(funds, eq(funds.id, payments.fundId))
    .leftJoin(memberships, eq(memberships.id, payments.membershipId))
    .leftJoin(tiers, eq(tiers.id, memberships.tierId))
    .where(eq(payments.personId, personId))
    .orderBy(desc(payments.paidAt), desc(payments.createdAt));
}

/** The topics of optional email a person may agree to. */
export const CONSENT_TOPICS = consentTopicEnum.enumValues;

/** The person's newest consent row for each optional topic (a topic with none: never asked, so no). */
export function listLatestConsents(db: DbOrTx, personId: string) {
  return db
    .selectDistinctOn([emailConsents.topic], { topic: emailConsents.topic, granted: emailConsents.granted, source: emailConsents.source, at: emailConsents.at })
    .from(emailConsents)
    .where(eq(emailConsents.personId, personId))
    .orderBy(emailConsents.topic, desc(emailConsents.at), desc(emailConsents.id));
}

export function insertConsents(db: DbOrTx, rows: (typeof emailConsents.$inferInsert)[]) {
  return db.insert(emailConsents).values(rows);
}

/** What renewing one of the person's memberships would start again: its tier's slug, currency and interval, and the person's partnership; null when not theirs. */
export async function getRenewalChoice(db: DbOrTx, personId: string, membershipId: string) {
  const [row] = await db
    .select({
      status: memberships.status,
      seatOfMembershipId: memberships.seatOfMembershipId,
      currency: memberships.currency,
      interval: memberships.interval,
      tierSlug: tiers.slug,
      partnershipSlug: partnerships.slug,
    })
    .from(memberships)
    .innerJoin(tiers, eq(tiers.id, memberships.tierId))
    .innerJoin(people, eq(people.id, memberships.personId))
    .leftJoin(partnerships, eq(partnerships.id, people.partnershipId))
    .where(and(eq(memberships.id, membershipId), eq(memberships.personId, personId)));
  return row ?? null;
}

/** The individual tier prices on offer in a currency (active tier, active price), for a change of plan. */
export function listPlanPrices(db: DbOrTx, currency: "USD" | "JPY") {
  return db
    .select({
      id: tierPrices.id,
      tierId: tierPrices.tierId,
      amount: tierPrices.amount,
      currency: tierPrices.currency,
      interval: tierPrices.interval,
      stripePriceId: tierPrices.stripePriceId,
      lookupKey: tierPrices.lookupKey,
      tierNameEn: tiers.nameEn,
      tierNameJa: tiers.nameJa,
      sortOrder: tiers.sortOrder,
    })
    .from(tierPrices)
    .innerJoin(tiers, eq(tiers.id, tierPrices.tierId))
    .where(and(eq(tierPrices.currency, currency), eq(tierPrices.active, true), eq(tiers.active, true), eq(tiers.kind, "individual")))
    .orderBy(tiers.sortOrder, tierPrices.interval);
}

/** A membership's current price (amount and interval), or null. */
export async function getMembershipPrice(db: DbOrTx, membershipId: string) {
  const [row] = await db
    .select({ amount: tierPrices.amount, interval: tierPrices.interval })
    .from(memberships)
    .innerJoin(tierPrices, eq(tierPrices.id, memberships.priceId))
    .where(eq(memberships.id, membershipId));
  return row ?? null;
}

/** The company memberships the person looks after as the primary or billing contact (not seats), newest first. */
export function listManagedCompanyMemberships(db: DbOrTx, personId: string) {
  return db
    .selectDistinctOn([memberships.id], {
      id: memberships.id,
      status: memberships.status,
      currentPeriodEnd: memberships.currentPeriodEnd,
      organisationNameEn: organisations.legalNameEn,
      organisationNameJa: organisations.legalNameJa,
      tierNameEn: tiers.nameEn,
      tierNameJa: tiers.nameJa,
      role: organisationContacts.role,
    })
    .from(organisationContacts)
    .innerJoin(organisations, eq(organisations.id, organisationContacts.organisationId))
    .innerJoin(memberships, and(eq(memberships.organisationId, organisations.id), isNull(memberships.seatOfMembershipId)))
    .innerJoin(tiers, eq(tiers.id, memberships.tierId))
    .where(and(eq(organisationContacts.personId, personId), inArray(organisationContacts.role, ["primary", "billing"]), ne(memberships.status, "pending")))
    .orderBy(memberships.id, organisationContacts.role);
}
