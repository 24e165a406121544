/** `npm run stripe:sync`: Stripe Products and Prices for every tier, currency and interval (see stripe-sync.server.ts). */
import { getStripe } from "../../modules/billing/stripe.server";
import { syncStripeCatalogue } from "../../modules/billing/stripe-sync.server";
import { commandDatabase, commandEnv, fail } from "./shared";

const env = commandEnv();
const stripe = getStripe(env);
if (!stripe) fail("STRIPE_SECRET_KEY is not set: the demo gateway needs no Stripe catalogue (it sends prices inline).");
const handle = await commandDatabase(env);
try {
  const report = await syncStripeCatalogue(handle.db, stripe, (line) => console.log(`  ${line}`));
  console.log(
    `products: ${report.products.created} created, ${report.products.updated} updated, ${report.products.unchanged} unchanged; ` +
      `prices: ${report.prices.created} created, ${report.prices.replaced} replaced, ${report.prices.unchanged} unchanged`,
  );
} catch (error) {
  console.error("stripe:sync failed:", error);
  process.exitCode = 1;
} finally {
  await handle.close();
}
