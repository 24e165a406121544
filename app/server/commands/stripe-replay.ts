/**
 * `npm run stripe:replay -- <event id> [--force]`: applies a stored Stripe event again (one that
 * failed, say). A processed event is a no-op unless --force; handlers are idempotent either way.
 */
import "../../modules/stripe-handlers.server";
import { replayStripeEvent } from "../../modules/billing/webhook.server";
import { commandDatabase, commandEnv, fail } from "./shared";

const args = process.argv.slice(2);
const id = args.find((a) => !a.startsWith("--"));
if (!id || !/^evt_\w+$/.test(id)) fail("usage: npm run stripe:replay -- <evt_…> [--force]");
const env = commandEnv();
const handle = await commandDatabase(env);
try {
  const result = await replayStripeEvent({ db: handle.db, env }, id, { force: args.includes("--force") });
  if (!result.found) {
    console.error(`${id} is not stored (only events that reached /webhooks/stripe can be replayed)`);
    process.exitCode = 1;
  } else {
    console.log(`${id}: ${result.outcome === "duplicate" ? "already processed (use --force to apply again)" : result.outcome}`);
  }
} catch (error) {
  console.error(`${id} failed again:`, error);
  process.exitCode = 1;
} finally {
  await handle.close();
}
