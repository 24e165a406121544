/**
 * Tiers in the staff console: create, edit, archive. A changed price never edits a row in
 * place: the old price is deactivated and a new one made (without a Stripe Price id, which
 * the billing sync creates), so existing subscriptions keep the price they were sold.
 */
import type { DbOrTx } from "../../../db/client";
import type { StaffUser } from "../../../db/schema";
import { writeAudit } from "../audit/audit.server";
import { listBenefitValues } from "../catalog/catalog.queries.server";
import { toMinorUnits } from "../i18n/format";
import type { TierForm } from "./tiers.schema";
import {
  findTierBySlug,
  getActiveTierPrice,
  insertTier,
  insertTierPrice,
  listActiveTierPrices,
  listTiersInOrder,
  updateTier,
  updateTierPriceInactive,
  upsertTierBenefitValue,
} from "./tiers.queries.server";

export async function listTiersForStaff(db: DbOrTx) {
  const [tierRows, prices, fmv] = await Promise.all([listTiersInOrder(db), listActiveTierPrices(db), listBenefitValues(db)]);
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
    const clash = await findTierBySlug(tx, input.slug, input.id);
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
      const updated = await updateTier(tx, tierId, values);
      if (!updated) throw new TierError("slug", "required");
    } else {
      tierId = await insertTier(tx, { ...values, sortOrder: 1000 });
    }
    for (const [currency, amount] of [
      ["USD", fmvUsd],
      ["JPY", input.fmvJpy],
    ] as const) {
      await upsertTierBenefitValue(tx, { tierId, currency, amount });
    }
    const priceChanges: unknown[] = [];
    for (const [field, currency, interval] of PRICE_FIELDS) {
      const amount = minor[field];
      const current = await getActiveTierPrice(tx, { tierId, currency, interval });
      if ((current?.amount ?? undefined) === amount) continue;
      if (current) await updateTierPriceInactive(tx, current.id);
      if (amount !== undefined) {
        await insertTierPrice(tx, {
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
    await updateTier(tx, id, { active, updatedAt: new Date() });
    await writeAudit(tx, { actorStaffUserId: staff.id, action: active ? "tier.restore" : "tier.archive", subjectType: "tier", subjectId: String(id), ip });
  });
}
