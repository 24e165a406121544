import type { DbOrTx } from "../../../db/client";
import type { CatalogueTier, CataloguePartnership } from "./catalog";
import { listActivePrices, listActiveTiers, listBenefitValues, listPartnerships } from "./catalog.queries.server";

/** Active tiers in display order, each with its active prices (USD before JPY, yearly before monthly). */
export async function getCatalogue(db: DbOrTx): Promise<CatalogueTier[]> {
  const [tierRows, priceRows, valueRows] = await Promise.all([listActiveTiers(db), listActivePrices(db), listBenefitValues(db)]);
  const order = (p: { currency: string; interval: string }) => (p.currency === "USD" ? 0 : 2) + (p.interval === "year" ? 0 : 1);
  return tierRows.map((tier) => ({
    slug: tier.slug,
    kind: tier.kind,
    name: { en: tier.nameEn, ja: tier.nameJa },
    description: { en: tier.descriptionEn, ja: tier.descriptionJa },
    benefits: { en: tier.benefitsEn, ja: tier.benefitsJa },
    seats: tier.seats,
    prices: priceRows
      .filter((row) => row.tier_prices.tierId === tier.id)
      .map(({ tier_prices: p }) => ({ currency: p.currency, interval: p.interval, amount: p.amount }))
      .sort((a, b) => order(a) - order(b)),
    benefitValue: Object.fromEntries(valueRows.filter((v) => v.tierId === tier.id).map((v) => [v.currency, v.amount])),
  }));
}

export async function getPartnerships(db: DbOrTx): Promise<CataloguePartnership[]> {
  const rows = await listPartnerships(db);
  return rows.map((p) => ({
    slug: p.slug,
    us: { en: p.usCityEn, ja: p.usCityJa, state: p.usState },
    jp: { en: p.jpCityEn, ja: p.jpCityJa, prefecture: p.jpPrefecture },
    establishedYear: p.establishedYear,
  }));
}
