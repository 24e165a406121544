/**
 * The one place a Stripe client is configured: the SDK's own pinned API version (so its types
 * match the payloads we receive), explicit network retries, and STRIPE_API_BASE for
 * stripe-mock or another local stand-in. Also the webhook signing secret: STRIPE_WEBHOOK_SECRET,
 * or for the demo gateway a local secret generated once per data directory.
 */
import Stripe from "stripe";
import type { Env } from "../config/env.server";
import { installationSecret } from "../config/secrets.server";

/** stripe 23.1.0 pins this version (node_modules/stripe/esm/apiVersion.js). */
export const STRIPE_API_VERSION = "2026-10-28.endive" as const;

/** Signatures older than this many seconds are refused (Stripe's default). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

const clients = new WeakMap<Env, Stripe>();

/** The Stripe client for this configuration, or null when there is no key (demo gateway). */
export function getStripe(env: Env): Stripe | null {
  if (!env.STRIPE_SECRET_KEY) return null;
  let client = clients.get(env);
  if (!client) {
    const base = env.STRIPE_API_BASE ? new URL(env.STRIPE_API_BASE) : null;
    client = new Stripe(env.STRIPE_SECRET_KEY, {
      apiVersion: STRIPE_API_VERSION,
      maxNetworkRetries: env.STRIPE_MAX_NETWORK_RETRIES,
      timeout: 20_000,
      appInfo: { name: "kizuna" },
      ...(base
        ? {
            host: base.hostname,
            port: base.port ? Number(base.port) : base.protocol === "https:" ? 443 : 80,
            protocol: base.protocol === "https:" ? "https" : "http",
          }
        : {}),
    });
    clients.set(env, client);
  }
  return client;
}

/** Signature verification needs no key: the static helpers of the SDK. */
export const stripeWebhooks = Stripe.webhooks;

/**
 * STRIPE_WEBHOOK_SECRET, or (no secret configured) one this installation made for itself in
 * DATA_DIR/demo-webhook-secret, so the demo gateway, the running app and `npm run demo:renew` agree.
 */
export function getWebhookSecret(env: Env): string {
  return env.STRIPE_WEBHOOK_SECRET ?? installationSecret(env, "demo-webhook-secret", "whsec_");
}

/** A Stripe-Signature header for `payload`, as Stripe would send it (demo gateway, tests, bench). */
export function signPayload(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return stripeWebhooks.generateTestHeaderString({ payload, secret, timestamp });
}
