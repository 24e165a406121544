/**
 * Tiers in the staff console: create, edit, archive. A changed price never edits a row in
 * place: the old price is deactivated and a new one made (without a Stripe Price id, which
 * the billing sync creates), so existing subscriptions keep the price they were sold.
 */
import { and, asc, eq, ne } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { tierBenefitValues, tierPrices, tiers, type StaffUser } from "../../../db/schema";
import { writeAudit } from "../audit/audit.server";
import { toMinorUnits } from "../i18n/format";
import type { TierForm } from "./tiers.schema";

export async function listTiersForStaff(db: DbOrTx) {
  const [tierRows, prices, fmv] = await Promise.all([
    db.select().from(tiers).orderBy(asc(tiers.sortOrder), asc(tiers.id)),
    db.select().from(tierPrices).where(eq(tierPrices.active, true)),
    db.select().from(tierBenefitValues),
  ]);
  return tierRows.map((t) => ({
    ...t,
    prices: prices.filter((p) => p.tierId === t.id),
    fmv: Object.fromEntries(fmv.filter((f) => f.tierId === t.id).map((f) => [f.currency, f.amount])) as Partial<Record<"USD" | "JPY", number>>,
  }));
}

export class TierError extends Error {
  constructor(
    readonly field: string,
    readonly key: string,
  ) {
    super(`${field}: ${key}`);
  }
}

const PRICE_FIELDS = [
  ["priceYearUsd", "USD", "year"],
  ["priceMonthUsd", "USD", "month"],
  ["priceYearJpy", "JPY", "year"],
  ["priceMonthJpy", "JPY", "month"],
] as const;

export async function saveTier(db: DbOrTx, staff: Pick<StaffUser, "id">, input: TierForm, ip: string | null) {
  const minor: Record<string, number | undefined> = {};
  for (const [field, currency] of PRICE_FIELDS) {
    const v = input[field];
    if (v === undefined) continue;
    const m = toMinorUnits(v, currency);
    if (m === null) throw new TierError(field, "amount");
    minor[field] = m;
  }
  const fmvUsd = toMinorUnits(input.fmvUsd, "USD");
  if (fmvUsd === null) throw new TierError("fmvUsd", "amount");
  return db.transaction(async (tx) => {
    const [clash] = await tx
      .select({ id: tiers.id })
      .from(tiers)
      .where(input.id ? and(eq(tiers.slug, input.slug), ne(tiers.id, input.id)) : eq(tiers.slug, input.slug));
    if (clash) throw new TierError("slug", "slugTaken");
    const values = {
      slug: input.slug,
      kind: input.kind,
      nameEn: input.nameEn,
      nameJa: input.nameJa,
      descriptionEn: input.descriptionEn,
      descriptionJa: input.descriptionJa,
      benefitsEn: input.benefitsEn,
      benefitsJa: input.benefitsJa,
      seats: input.seats ?? null,
      updatedAt: new Date(),
    };
    let tierId = input.id;
    if (tierId) {
      const updated = await tx.update(tiers).set(values).where(eq(tiers.id, tierId)).returning({ id: tiers.id });
      if (!updated.length) throw new TierError("slug", "required");
    } else {
      const [created] = await tx
        .insert(tiers)
        .values({ ...values, sortOrder: 1000 })
        .returning({ id: tiers.id });
      tierId = created!.id;
    }
    for (const [currency, amount] of [
      ["USD", fmvUsd],
      ["JPY", input.fmvJpy],
    ] as const) {
      await tx
        .insert(tierBenefitValues)
        .values({ tierId, currency, amount })
        .onConflictDoUpdate({ target: [tierBenefitValues.tierId, tierBenefitValues.currency], set: { amount } });
    }
    const priceChanges: unknown[] = [];
    for (const [field, currency, interval] of PRICE_FIELDS) {
      const amount = minor[field];
      const [current] = await tx
        .select()
        .from(tierPrices)
        .where(and(eq(tierPrices.tierId, tierId), eq(tierPrices.currency, currency), eq(tierPrices.interval, interval), eq(tierPrices.active, true)));
      if ((current?.amount ?? undefined) === amount) continue;
      if (current) await tx.update(tierPrices).set({ active: false }).where(eq(tierPrices.id, current.id));
      if (amount !== undefined) {
        await tx.insert(tierPrices).values({
          tierId,
          currency,
          interval,
          amount,
          lookupKey: `${input.slug.replaceAll("-", "_")}_${interval === "year" ? "yearly" : "monthly"}_${currency.toLowerCase()}`,
        });
      }
      priceChanges.push({ currency, interval, from: current?.amount ?? null, to: amount ?? null });
    }
    await writeAudit(tx, {
      actorStaffUserId: staff.id,
      action: input.id ? "tier.update" : "tier.create",
      subjectType: "tier",
      subjectId: String(tierId),
      details: { slug: input.slug, priceChanges },
      ip,
    });
    return tierId;
  });
}

export async function setTierActive(db: DbOrTx, staff: Pick<StaffUser, "id">, id: number, active: boolean, ip: string | null) {
  return db.transaction(async (tx) => {
    await tx.update(tiers).set({ active, updatedAt: new Date() }).where(eq(tiers.id, id));
    await writeAudit(tx, { actorStaffUserId: staff.id, action: active ? "tier.restore" : "tier.archive", subjectType: "tier", subjectId: String(id), ip });
  });
}
