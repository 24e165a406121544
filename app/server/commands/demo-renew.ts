/**
 * `npm run demo:renew -- <email or membership id> [--fail]`: with the demo gateway, simulates the
 * next renewal of a membership (paid, or failed with --fail) on the running app. The app builds
 * the Stripe-shaped events and feeds them through its webhook code; this command signs its
 * request with the same local secret (DATA_DIR/demo-webhook-secret or STRIPE_WEBHOOK_SECRET).
 */
import { baseUrl } from "../../modules/shared/links.server";
import { getWebhookSecret, signPayload } from "../../modules/billing/stripe.server";
import { commandEnv, fail } from "./shared";

const args = process.argv.slice(2);
const ref = args.find((a) => !a.startsWith("--"));
if (!ref) fail("usage: npm run demo:renew -- <email or membership id> [--fail]");
const env = commandEnv();
if (env.STRIPE_SECRET_KEY) fail("demo:renew works with the demo gateway only (STRIPE_SECRET_KEY is set).");
const body = JSON.stringify({ membership: ref, outcome: args.includes("--fail") ? "failed" : "paid" });
const url = `${env.APP_URL ? baseUrl(env) : `http://127.0.0.1:${env.PORT}`}/demo-gateway/renew`;
try {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Kizuna-Demo-Signature": signPayload(body, getWebhookSecret(env)) },
    body,
  });
  const text = await response.text();
  if (!response.ok) fail(`the app answered ${response.status}: ${text}`);
  console.log(text);
} catch (error) {
  fail(`could not reach the app at ${url} (is it running with the same PORT and DATA_DIR?): ${String(error)}`);
}
