/**
 * Statements behind the staff console's tiers page: tiers, their prices and their benefits' values.
 */
import { and, asc, eq, ne } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { tierBenefitValues, tierPrices, tiers, type BillingInterval, type Currency, type NewTier } from "../../../db/schema";

/** Every tier, archived ones too, in display order. */
export function listTiersInOrder(db: DbOrTx) {
  return db.select().from(tiers).orderBy(asc(tiers.sortOrder), asc(tiers.id));
}

/** Every active price, of any tier. */
export function listActiveTierPrices(db: DbOrTx) {
  return db.select().from(tierPrices).where(eq(tierPrices.active, true));
}

/** A tier with this slug other than `exceptId` (any tier when it is not given), or null. */
export async function findTierBySlug(db: DbOrTx, slug: string, exceptId?: number) {
  const [row] = await db
    .select({ id: tiers.id })
    .from(tiers)
    .where(exceptId ? and(eq(tiers.slug, slug), ne(tiers.id, exceptId)) : eq(tiers.slug, slug));
  return row ?? null;
}

/** Updates a tier; returns its id, or null when there is no such tier. */
export async function updateTier(db: DbOrTx, id: number, values: Partial<NewTier>) {
  const [row] = await db.update(tiers).set(values).where(eq(tiers.id, id)).returning({ id: tiers.id });
  return row ?? null;
}

/** Creates a tier; returns its id. */
export async function insertTier(db: DbOrTx, values: NewTier) {
  const [row] = await db.insert(tiers).values(values).returning({ id: tiers.id });
  return row!.id;
}

/** Sets a tier's benefit value in a currency (creating the row when there is none). */
export async function upsertTierBenefitValue(db: DbOrTx, value: { tierId: number; currency: Currency; amount: number }) {
  await db
    .insert(tierBenefitValues)
    .values(value)
    .onConflictDoUpdate({ target: [tierBenefitValues.tierId, tierBenefitValues.currency], set: { amount: value.amount } });
}

/** A tier's active price in a currency and interval, or null. */
export async function getActiveTierPrice(db: DbOrTx, price: { tierId: number; currency: Currency; interval: BillingInterval }) {
  const [row] = await db
    .select()
    .from(tierPrices)
    .where(
      and(eq(tierPrices.tierId, price.tierId), eq(tierPrices.currency, price.currency), eq(tierPrices.interval, price.interval), eq(tierPrices.active, true)),
    );
  return row ?? null;
}

/** Deactivates a price (it is never edited in place). */
export async function updateTierPriceInactive(db: DbOrTx, id: number) {
  await db.update(tierPrices).set({ active: false }).where(eq(tierPrices.id, id));
}

/** Creates a price (without a Stripe Price id: the billing sync makes one). */
export async function insertTierPrice(
  db: DbOrTx,
  values: { tierId: number; currency: Currency; interval: BillingInterval; amount: number; lookupKey: string },
) {
  await db.insert(tierPrices).values(values);
}
