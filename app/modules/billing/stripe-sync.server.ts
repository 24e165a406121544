/**
 * `npm run stripe:sync`: a Stripe Product per tier and a Price per tier, currency and interval,
 * found by lookup key (e.g. `individual_yearly_jpy`), created when missing, and their ids recorded
 * on tier_prices. Prices are immutable: a changed amount makes a new Price that takes over the
 * lookup key, and the old one is archived. Running it twice changes nothing.
 */
import type Stripe from "stripe";
import type { Database } from "../../../db/client";
import { listActiveTierPrices, updateTierPriceStripeId } from "./billing.queries.server";

export interface SyncReport {
  products: { created: number; updated: number; unchanged: number };
  prices: { created: number; replaced: number; unchanged: number };
}

export function productIdFor(slug: string): string {
  return `kizuna_tier_${slug.replaceAll("-", "_")}`;
}

export async function syncStripeCatalogue(db: Database, stripe: Stripe, log: (line: string) => void = () => {}): Promise<SyncReport> {
  const report: SyncReport = { products: { created: 0, updated: 0, unchanged: 0 }, prices: { created: 0, replaced: 0, unchanged: 0 } };
  const rows = await listActiveTierPrices(db);

  const products = new Map<string, string>();
  for (const { tier } of rows) {
    if (products.has(tier.slug)) continue;
    const id = productIdFor(tier.slug);
    const name = `${tier.nameEn} / ${tier.nameJa}`;
    const description = `${tier.descriptionEn} / ${tier.descriptionJa}`;
    let existing: Stripe.Product | null = null;
    try {
      existing = await stripe.products.retrieve(id);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
    if (!existing) {
      await stripe.products.create({ id, name, description, metadata: { tierSlug: tier.slug } }, { idempotencyKey: `product-${tier.slug}-create` });
      report.products.created++;
      log(`product ${id}: created`);
    } else if (existing.name !== name || existing.description !== description || !existing.active) {
      await stripe.products.update(id, { name, description, active: true });
      report.products.updated++;
      log(`product ${id}: updated`);
    } else {
      report.products.unchanged++;
    }
    products.set(tier.slug, id);
  }

  for (const { tier, price } of rows) {
    const currency = price.currency.toLowerCase();
    const found = await stripe.prices.list({ lookup_keys: [price.lookupKey], limit: 1 });
    const current = found.data.find((p) => p.active) ?? null;
    const matches =
      current &&
      current.unit_amount === price.amount &&
      current.currency === currency &&
      current.recurring?.interval === price.interval &&
      (typeof current.product === "string" ? current.product : current.product.id) === products.get(tier.slug);
    let stripePriceId: string;
    if (matches) {
      stripePriceId = current.id;
      report.prices.unchanged++;
    } else {
      const created = await stripe.prices.create(
        {
          product: products.get(tier.slug)!,
          currency,
          unit_amount: price.amount,
          recurring: { interval: price.interval },
          lookup_key: price.lookupKey,
          transfer_lookup_key: true,
          nickname: `${tier.nameEn} ${price.interval === "year" ? "yearly" : "monthly"} ${price.currency}`,
          metadata: { tierSlug: tier.slug, tierPriceId: String(price.id) },
        },
        { idempotencyKey: `tier-price-${price.id}-${price.amount}-${currency}-${price.interval}` },
      );
      stripePriceId = created.id;
      if (current) {
        await stripe.prices.update(current.id, { active: false });
        report.prices.replaced++;
        log(`price ${price.lookupKey}: ${current.id} archived, ${created.id} created (${price.amount} ${price.currency})`);
      } else {
        report.prices.created++;
        log(`price ${price.lookupKey}: ${created.id} created (${price.amount} ${price.currency})`);
      }
    }
    if (price.stripePriceId !== stripePriceId) {
      await updateTierPriceStripeId(db, price.id, stripePriceId);
    }
  }
  return report;
}
