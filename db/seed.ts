/**
 * Loads the catalogue idempotently: a second run inserts nothing and changes nothing.
 * `npm run db:seed` seeds DATABASE_URL.
 */
import { connect, type DbOrTx } from "./client";
import { demoAdmin, seedFunds, seedPartnerships, seedTiers } from "./seed-data";
import { funds, partnerships, staffUsers, tierBenefitValues, tierPrices, tiers } from "./schema";

export interface SeedOptions {
  /** The demo admin exists only on the embedded default database. */
  demoAdmin?: boolean;
}

export async function seed(db: DbOrTx, options: SeedOptions = {}): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.insert(partnerships).values(seedPartnerships).onConflictDoNothing({ target: partnerships.slug });
    await tx.insert(funds).values(seedFunds).onConflictDoNothing({ target: funds.slug });
    // A grants fund for each founding partnership, so a donor can give to one pair of cities.
    const pairs = await tx.select().from(partnerships);
    const partnershipFunds = seedPartnerships.flatMap((seedPair, i) => {
      const pair = pairs.find((p) => p.slug === seedPair.slug);
      if (!pair) return [];
      return [
        {
          slug: `grants-${pair.slug}`,
          nameEn: `Sister City Grants: ${pair.usCityEn}–${pair.jpCityEn}`,
          nameJa: `姉妹都市助成：${pair.usCityJa}・${pair.jpCityJa}`,
          descriptionEn: `Exchanges between ${pair.usCityEn} and ${pair.jpCityEn}, partners since ${pair.establishedYear}.`,
          descriptionJa: `${pair.establishedYear}年に提携した${pair.usCityJa}と${pair.jpCityJa}の交流を支えます。`,
          partnershipId: pair.id,
          sortOrder: 100 + i,
        },
      ];
    });
    if (partnershipFunds.length) await tx.insert(funds).values(partnershipFunds).onConflictDoNothing({ target: funds.slug });

    for (const { prices, benefitValue, ...tier } of seedTiers) {
      const inserted = await tx.insert(tiers).values(tier).onConflictDoNothing({ target: tiers.slug }).returning({ id: tiers.id });
      const created = inserted[0];
      if (!created) continue; // already there: staff own it now
      await tx.insert(tierPrices).values(
        prices.map((price) => ({
          ...price,
          tierId: created.id,
          lookupKey: `${tier.slug.replaceAll("-", "_")}_${price.interval === "year" ? "yearly" : "monthly"}_${price.currency.toLowerCase()}`,
        })),
      );
      await tx.insert(tierBenefitValues).values([
        { tierId: created.id, currency: "USD", amount: benefitValue.USD },
        { tierId: created.id, currency: "JPY", amount: benefitValue.JPY },
      ]);
    }

    if (options.demoAdmin) {
      await tx.insert(staffUsers).values(demoAdmin).onConflictDoNothing();
    }
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("DATABASE_URL is not set: nothing to seed (npm start seeds the embedded database itself).");
    process.exit(1);
  }
  const handle = connect(url, { max: 1 });
  seed(handle.db)
    .then(() => console.log("catalogue seeded"))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(() => handle.close());
}
