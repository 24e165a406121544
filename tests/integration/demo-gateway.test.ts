import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { emailOutbox, memberships, payments, people, stripeEvents } from "../../db/schema";
import { parseEnv } from "~/modules/config/env.server";
import { signPayload } from "~/modules/billing/stripe.server";
import { action as demoAction, loader as demoLoader } from "~/routes/($lang).demo-checkout.$session";
import { action as cardAction } from "~/routes/($lang).demo-checkout.card.$token";
import { action as joinAction } from "~/routes/($lang).join";
import { action as renewAction } from "~/routes/demo-gateway.renew";
import { loader as portalLoader } from "~/routes/billing.portal.$token";
import { useTestDatabase } from "../setup/test-db";
import { WEBHOOK_SECRET } from "../fixtures/billing";

const t = useTestDatabase();
// No STRIPE_SECRET_KEY: the demo gateway. No network is touched (no msw server is listening here).
const env = parseEnv({ NODE_ENV: "test", APP_URL: "http://localhost:3000", STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET });
const ctx = () => ({ db: t.db, env });

async function settle(promise: Promise<unknown>): Promise<{ status: number; location: string | null; data: unknown }> {
  let result: unknown;
  try {
    result = await promise;
  } catch (thrown) {
    result = thrown;
  }
  if (result instanceof Response) return { status: result.status, location: result.headers.get("Location"), data: null };
  const wrapped = result as { type?: string; init?: { status?: number }; data?: unknown };
  if (wrapped?.type === "DataWithResponseInit") return { status: wrapped.init?.status ?? 200, location: null, data: wrapped.data };
  return { status: 200, location: null, data: result };
}

const form = (fields: Record<string, string>) =>
  new Request("http://localhost/ja/demo", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });

describe("the demo gateway", () => {
  it("joins, declines, pays, renews, fails a renewal and recovers through the card page, all through signed webhooks", async () => {
    const joined = await settle(
      joinAction({
        request: form({
          tier: "individual",
          currency: "JPY",
          interval: "year",
          familyName: "山田",
          givenName: "太郎",
          familyNameKana: "ヤマダ",
          givenNameKana: "タロウ",
          email: "demo-taro@example.jp",
          country: "JP",
          postalCode: "150-0001",
          prefecture: "13",
          city: "渋谷区",
          addressLine1: "神宮前1-2-3",
          preferredLocale: "ja",
        }),
        params: { lang: "ja" },
        context: ctx(),
      }),
    );
    expect(joined.status).toBe(303);
    const match = /^http:\/\/localhost:3000\/ja\/demo-checkout\/(cs_demo_[0-9a-f]{32})$/.exec(joined.location ?? "");
    expect(match, joined.location ?? "").not.toBeNull();
    const session = match![1]!;

    const page = (await demoLoader({ request: new Request(joined.location!), params: { lang: "ja", session }, context: ctx() })) as {
      checkout: { amount: number; currency: string };
    };
    expect(page.checkout).toMatchObject({ amount: 8000, currency: "JPY" });

    const declined = await settle(demoAction({ request: form({ outcome: "decline" }), params: { lang: "ja", session }, context: ctx() }));
    expect(declined.status).toBe(402);
    expect(await t.db.select().from(stripeEvents)).toHaveLength(0);

    const paid = await settle(demoAction({ request: form({ outcome: "pay" }), params: { lang: "ja", session }, context: ctx() }));
    expect(paid.status).toBe(303);
    const [membership] = await t.db.select().from(memberships).where(eq(memberships.stripeCheckoutSessionId, session));
    expect(paid.location).toBe(`http://localhost:3000/ja/join/success?m=${membership!.id}`);
    expect(membership).toMatchObject({ status: "active", currency: "JPY" });
    const events = await t.db.select().from(stripeEvents);
    expect(events.map((e) => e.type).sort()).toEqual([
      "charge.succeeded",
      "checkout.session.completed",
      "customer.subscription.created",
      "invoice.paid",
      "invoice_payment.paid",
    ]);
    const [firstPayment] = await t.db.select().from(payments).where(eq(payments.membershipId, membership!.id));
    expect(firstPayment).toMatchObject({ cardBrand: "visa", cardLast4: "4242" }); // the demo's test card, printed on the receipt
    expect(events.every((e) => e.apiVersion === "2026-10-28.endive" && e.processedAt)).toBe(true);

    // Paying again (a double click) changes nothing.
    await settle(demoAction({ request: form({ outcome: "pay" }), params: { lang: "ja", session }, context: ctx() }));
    expect(await t.db.select().from(payments).where(eq(payments.membershipId, membership!.id))).toHaveLength(1);

    const renew = async (body: Record<string, string>, secret = WEBHOOK_SECRET) => {
      const raw = JSON.stringify(body);
      const request = new Request("http://localhost/demo-gateway/renew", {
        method: "POST",
        headers: { "Kizuna-Demo-Signature": signPayload(raw, secret) },
        body: raw,
      });
      const response = await renewAction({ request, params: {}, context: ctx() });
      return { status: response.status, body: await response.json() };
    };
    expect((await renew({ membership: "demo-taro@example.jp", outcome: "paid" }, "whsec_wrong_000000000000")).status).toBe(400);
    const renewed = await renew({ membership: "demo-taro@example.jp", outcome: "paid" });
    expect(renewed).toMatchObject({ status: 200, body: { status: "active" } });
    expect(await t.db.select().from(payments).where(eq(payments.membershipId, membership!.id))).toHaveLength(2);

    const failed = await renew({ membership: membership!.id, outcome: "failed" });
    expect(failed).toMatchObject({ status: 200, body: { status: "past_due" } });
    const [person] = await t.db.select().from(people).where(eq(people.id, membership!.personId!));
    const [failedEmail] = await t.db.select().from(emailOutbox).where(eq(emailOutbox.template, "payment-failed"));
    expect(failedEmail!.toEmail).toBe(person!.email);
    const cardUrl = String(failedEmail!.props.updateCardUrl);
    const token = cardUrl.split("/").at(-1)!;
    const portal = await settle(portalLoader({ request: new Request(cardUrl), params: { token }, context: ctx() }));
    expect(portal.status).toBe(303);
    expect(portal.location).toBe(`http://localhost:3000/ja/demo-checkout/card/${token}`);
    const recovered = await settle(cardAction({ request: form({}), params: { lang: "ja", token }, context: ctx() }));
    expect(recovered.data).toEqual({ done: true, saved: false });
    expect((await t.db.select().from(memberships).where(eq(memberships.id, membership!.id)))[0]!.status).toBe("active");
    expect(await t.db.select().from(payments).where(eq(payments.membershipId, membership!.id))).toHaveLength(3);
    // Active again: "updating the card" saves the test card and charges nothing more.
    const saved = await settle(cardAction({ request: form({}), params: { lang: "ja", token }, context: ctx() }));
    expect(saved.data).toEqual({ done: true, saved: true });
    expect(await t.db.select().from(payments).where(eq(payments.membershipId, membership!.id))).toHaveLength(3);
  });
});
