import { and, asc, eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { partnerships, tierBenefitValues, tierPrices, tiers } from "../../../db/schema";

export function listActiveTiers(db: DbOrTx) {
  return db.select().from(tiers).where(eq(tiers.active, true)).orderBy(asc(tiers.sortOrder), asc(tiers.id));
}

export function listActivePrices(db: DbOrTx) {
  return db
    .select()
    .from(tierPrices)
    .innerJoin(tiers, eq(tiers.id, tierPrices.tierId))
    .where(and(eq(tierPrices.active, true), eq(tiers.active, true)));
}

export function listBenefitValues(db: DbOrTx) {
  return db.select().from(tierBenefitValues);
}

export function listPartnerships(db: DbOrTx) {
  return db.select().from(partnerships).where(eq(partnerships.active, true)).orderBy(asc(partnerships.establishedYear), asc(partnerships.id));
}
