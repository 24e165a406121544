/**
 * Statements behind the renewal reminders: the memberships due, their prices and the billing contact's language.
 */
import { and, eq, gt, lte } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { memberships, organisationContacts, organisations, people, tierPrices, tiers, type Currency } from "../../../db/schema";

/** Active yearly memberships not set to cancel whose period ends after `after` and by `until`, with tier and holder. */
export function listMembershipsRenewingBetween(db: DbOrTx, after: Date, until: Date) {
  return db
    .select({ membership: memberships, tier: tiers, person: people, organisation: organisations })
    .from(memberships)
    .innerJoin(tiers, eq(tiers.id, memberships.tierId))
    .leftJoin(people, eq(people.id, memberships.personId))
    .leftJoin(organisations, eq(organisations.id, memberships.organisationId))
    .where(
      and(
        eq(memberships.status, "active"),
        eq(memberships.interval, "year"),
        eq(memberships.cancelAtPeriodEnd, false),
        gt(memberships.currentPeriodEnd, after),
        lte(memberships.currentPeriodEnd, until),
      ),
    );
}

/** The language of an organisation's billing contact, or null when it has none. */
export async function getBillingContactLocale(db: DbOrTx, organisationId: string) {
  const [row] = await db
    .select({ locale: people.preferredLocale })
    .from(organisationContacts)
    .innerJoin(people, eq(people.id, organisationContacts.personId))
    .where(and(eq(organisationContacts.organisationId, organisationId), eq(organisationContacts.role, "billing")));
  return row ?? null;
}

/** A price by id, or null. */
export async function getTierPrice(db: DbOrTx, id: number) {
  const [row] = await db.select().from(tierPrices).where(eq(tierPrices.id, id));
  return row ?? null;
}

/** A tier's active yearly price in a currency, or null. */
export async function getActiveYearlyPrice(db: DbOrTx, tierId: number, currency: Currency) {
  const [row] = await db
    .select()
    .from(tierPrices)
    .where(and(eq(tierPrices.tierId, tierId), eq(tierPrices.currency, currency), eq(tierPrices.interval, "year"), eq(tierPrices.active, true)));
  return row ?? null;
}
