/**
 * POST /webhooks/stripe on the running server, as Stripe reaches it: the server answers it
 * ahead of Express and Remix (app/server/stripe-webhook.ts), so this checks that door end to
 * end (the integration tests call the function behind it directly).
 */
import postgres from "postgres";
import { afterAll, describe, expect, inject, it } from "vitest";
import { signPayload } from "~/modules/billing/stripe.server";
import { stripeEvent } from "~/modules/billing/stripe-shapes.server";
import { E2E_WEBHOOK_SECRET } from "../setup/app.global";

const appUrl = inject("appUrl");
const sql = postgres(inject("appDatabaseUrl"), { max: 1, onnotice: () => {} });
afterAll(() => sql.end({ timeout: 5 }));

const post = (body: string, headers: Record<string, string> = {}) =>
  fetch(`${appUrl}/webhooks/stripe`, { method: "POST", headers: { "Content-Type": "application/json; charset=utf-8", ...headers }, body });

describe("the Stripe webhook endpoint on the running server", () => {
  it("stores a signed event once, answers a second delivery as a duplicate, and keeps the exact JSON", async () => {
    const event = stripeEvent(
      "customer.tax_id.created",
      { id: "txi_e2e", object: "tax_id", value: "東京都 1234" },
      Math.floor(Date.now() / 1000),
      `evt_e2e_${Date.now()}`,
    );
    const body = JSON.stringify(event);
    const first = await post(body, { "Stripe-Signature": signPayload(body, E2E_WEBHOOK_SECRET) });
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await first.json()).toEqual({ received: true, outcome: "ignored" });
    const again = await post(body, { "Stripe-Signature": signPayload(body, E2E_WEBHOOK_SECRET) });
    expect(await again.json()).toEqual({ received: true, duplicate: true });
    const rows = await sql<{ type: string; value: string; processed: boolean }[]>`
      select type, payload -> 'data' -> 'object' ->> 'value' as value, processed_at is not null as processed from stripe_events where id = ${event.id}`;
    expect(rows).toEqual([{ type: "customer.tax_id.created", value: "東京都 1234", processed: true }]);
  });

  it("refuses an unsigned, a forged and an oversized delivery without storing anything", async () => {
    const event = stripeEvent("customer.tax_id.created", { id: "txi_e2e_bad", object: "tax_id" }, Math.floor(Date.now() / 1000), `evt_e2e_bad_${Date.now()}`);
    const body = JSON.stringify(event);
    const unsigned = await post(body);
    expect(unsigned.status).toBe(400);
    expect(await unsigned.json()).toEqual({ error: "missing Stripe-Signature header" });
    const forged = await post(body, { "Stripe-Signature": signPayload(body, "whsec_not_the_secret") });
    expect(forged.status).toBe(400);
    expect(await forged.json()).toEqual({ error: "invalid or stale signature" });
    const huge = await post(`{"pad":"${"x".repeat(3 * 1024 * 1024)}"}`, { "Stripe-Signature": signPayload(body, E2E_WEBHOOK_SECRET) });
    expect(huge.status).toBe(413);
    const rows = await sql`select 1 from stripe_events where id = ${event.id}`;
    expect(rows).toHaveLength(0);
  });

  it("answers anything but POST with 405", async () => {
    const response = await fetch(`${appUrl}/webhooks/stripe`);
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });
});
