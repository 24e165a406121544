import { and, count, eq } from "drizzle-orm";
import { HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { emailOutbox, memberships, payments, people, receipts, tierPrices, tiers } from "../../db/schema";
import { addInterval, invoiceShape, checkoutSessionShape, stripeEvent, demoId } from "~/modules/billing/stripe-shapes.server";
import { dictionary } from "~/modules/i18n/i18n";
import { formatMoney } from "~/modules/i18n/format";
import { action as joinAction, loader as joinLoader } from "~/routes/($lang).join";
import { loader as successLoader } from "~/routes/($lang).join_.success";
import { failCheckoutWith, stripeCalls, stripeError, stripeServer, useStripeMock } from "../mocks/stripe";
import { useTestDatabase } from "../setup/test-db";
import { billingEnv, deliver, getMembership } from "../fixtures/billing";

const t = useTestDatabase();
const env = billingEnv();

useStripeMock();

const taro = {
  tier: "individual",
  currency: "JPY",
  interval: "year",
  familyName: "山田",
  givenName: "太郎",
  familyNameKana: "やまだ",
  givenNameKana: "タロウ",
  email: "Taro.Yamada@example.jp",
  country: "JP",
  postalCode: "１５０ー０００１",
  prefecture: "13",
  state: "",
  city: "渋谷区",
  addressLine1: "神宮前1-2-3",
  addressLine2: "",
  preferredLocale: "ja",
  partnership: "",
};

const alice = {
  ...taro,
  currency: "USD",
  familyName: "Smith",
  givenName: "Alice",
  familyNameKana: "",
  givenNameKana: "",
  email: "alice@example.com",
  country: "US",
  postalCode: "55102",
  prefecture: "",
  state: "MN",
  city: "St. Paul",
  addressLine1: "15 Kellogg Blvd W",
  preferredLocale: "en",
};

interface Outcome {
  status: number;
  location: string | null;
  data: { errors: Record<string, string>; formError: string | null; values: Record<string, string> } | null;
}

async function submit(fields: Record<string, string>, lang?: "ja"): Promise<Outcome> {
  const body = new URLSearchParams(fields);
  const request = new Request(`http://localhost${lang ? "/ja" : ""}/join`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body,
  });
  let result: unknown;
  try {
    result = await joinAction({ request, params: lang ? { lang } : {}, context: { db: t.db, env } });
  } catch (thrown) {
    result = thrown;
  }
  if (result instanceof Response) return { status: result.status, location: result.headers.get("Location"), data: null };
  const init = (result as { init: { status: number } }).init;
  return { status: init.status, location: null, data: (result as { data: Outcome["data"] }).data };
}

async function rowCounts() {
  const [p] = await t.db.select({ n: count() }).from(people);
  const [m] = await t.db.select({ n: count() }).from(memberships);
  return { people: p!.n, memberships: m!.n };
}

describe("joining", () => {
  it("creates a pending membership and a Checkout Session with the right price, currency, locale, reference and idempotency key", async () => {
    const outcome = await submit(taro, "ja");
    expect(outcome.status).toBe(303);
    expect(outcome.location).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
    const [person] = await t.db.select().from(people).where(eq(people.email, "taro.yamada@example.jp"));
    expect(person).toMatchObject({
      familyName: "山田",
      givenName: "太郎",
      familyNameKana: "ヤマダ",
      givenNameKana: "タロウ",
      postalCode: "150-0001",
      region: "13",
      country: "JP",
      preferredLocale: "ja",
    });
    const [membership] = await t.db.select().from(memberships).where(eq(memberships.personId, person!.id));
    expect(membership).toMatchObject({ status: "pending", currency: "JPY", interval: "year" });

    expect(stripeCalls).toHaveLength(1);
    const call = stripeCalls[0]!;
    expect(call.path).toBe("/v1/checkout/sessions");
    expect(call.headers.get("idempotency-key")).toBe(`membership-${membership!.id}-checkout`);
    expect(call.headers.get("stripe-version")).toBe("2026-10-28.endive");
    expect(Object.fromEntries(call.params)).toMatchObject({
      mode: "subscription",
      client_reference_id: membership!.id,
      customer_email: "taro.yamada@example.jp",
      locale: "ja",
      "line_items[0][price_data][currency]": "jpy",
      "line_items[0][price_data][unit_amount]": "8000",
      "line_items[0][price_data][recurring][interval]": "year",
      "line_items[0][quantity]": "1",
      "metadata[membershipId]": membership!.id,
      "subscription_data[metadata][membershipId]": membership!.id,
      success_url: `http://localhost:3000/ja/join/success?m=${membership!.id}`,
      cancel_url: `http://localhost:3000/ja/join?resume=${membership!.id}`,
    });
    expect((await getMembership(t.db, membership!.id)).stripeCheckoutSessionId).toBe(`cs_test_${membership!.id.replaceAll("-", "")}`);

    // Checkout's cancel brings the filled form back.
    const back = await joinLoader({
      request: new Request(`http://localhost/ja/join?resume=${membership!.id}`),
      params: { lang: "ja" },
      context: { db: t.db, env },
    });
    expect(back.canceled).toBe(true);
    expect(back.defaults).toMatchObject({ familyName: "山田", prefecture: "13", currency: "JPY", email: "taro.yamada@example.jp" });

    // The webhooks land: active, one payment, one receipt, welcome + receipt emails; the success page shows it.
    const refs = {
      membershipId: membership!.id,
      subscriptionId: demoId("sub"),
      customerId: demoId("cus"),
      currency: "jpy" as const,
      amount: 8000,
      interval: "year" as const,
    };
    const now = Math.floor(Date.now() / 1000);
    const pendingPage = await successLoader({
      request: new Request(`http://localhost/ja/join/success?m=${membership!.id}`),
      params: { lang: "ja" },
      context: { db: t.db, env },
    });
    expect(pendingPage.membership.status).toBe("pending");
    await deliver(
      t.db,
      env,
      stripeEvent(
        "checkout.session.completed",
        checkoutSessionShape({ ...refs, sessionId: "cs_test_x", email: person!.email, locale: "ja", paid: true }, now),
        now,
      ),
    );
    await deliver(
      t.db,
      env,
      stripeEvent(
        "invoice.paid",
        invoiceShape(refs, { invoiceId: demoId("in"), status: "paid", periodStart: now, periodEnd: addInterval(now, "year"), created: now }),
        now,
      ),
    );
    const page = await successLoader({
      request: new Request(`http://localhost/ja/join/success?m=${membership!.id}`),
      params: { lang: "ja" },
      context: { db: t.db, env },
    });
    expect(page.membership).toMatchObject({ status: "active", tierName: { ja: "一般会員" } });
    const paid = await t.db.select().from(payments).where(eq(payments.membershipId, membership!.id));
    expect(paid.map((p) => [p.amount, p.currency])).toEqual([[8000, "JPY"]]);
    expect(formatMoney(paid[0]!.amount, "JPY", "en")).toBe("¥8,000");
    expect(await t.db.select().from(receipts).where(eq(receipts.paymentId, paid[0]!.id))).toHaveLength(1);
    const emails = await t.db.select().from(emailOutbox).where(eq(emailOutbox.personId, person!.id));
    expect(emails.map((e) => `${e.template}:${e.locale}`).sort()).toEqual(["receipt:ja", "welcome:ja"]);
  });

  it("sends $60.00 as 6000 and uses the synced Stripe Price when there is one", async () => {
    const [tier] = await t.db.select().from(tiers).where(eq(tiers.slug, "individual"));
    await t.db
      .update(tierPrices)
      .set({ stripePriceId: "price_individual_yearly_usd" })
      .where(and(eq(tierPrices.tierId, tier!.id), eq(tierPrices.currency, "USD"), eq(tierPrices.interval, "year")));
    expect((await submit(alice)).status).toBe(303);
    const params = Object.fromEntries(stripeCalls[0]!.params);
    expect(params["line_items[0][price]"]).toBe("price_individual_yearly_usd");
    expect(params.locale).toBe("en");
    expect(formatMoney(6000, "USD", "en")).toBe("$60.00");
    stripeCalls.length = 0;
    expect((await submit({ ...alice, email: "bob@example.com", interval: "month" })).status).toBe(303);
    expect(Object.fromEntries(stripeCalls[0]!.params)).toMatchObject({
      "line_items[0][price_data][unit_amount]": "600",
      "line_items[0][price_data][currency]": "usd",
      "line_items[0][price_data][recurring][interval]": "month",
    });
  });

  const bad: [string, Record<string, string>, Record<string, string>, "ja" | undefined][] = [
    ["empty form", {}, { familyName: "required", givenName: "required", email: "required", city: "required", tier: "required" }, undefined],
    [
      "empty fields",
      { ...alice, familyName: "", givenName: "   ", email: "" },
      { familyName: "required", givenName: "required", email: "required" },
      undefined,
    ],
    ["a 1,000-character name", { ...alice, familyName: "A".repeat(1000) }, { familyName: "tooLong" }, undefined],
    ["an invalid email", { ...alice, email: "alice@" }, { email: "invalidEmail" }, undefined],
    ["an email with spaces inside", { ...alice, email: "al ice@example.com" }, { email: "invalidEmail" }, undefined],
    ["an unknown tier", { ...alice, tier: "platinum-plus" }, { tier: "unknownTier" }, undefined],
    ["a corporate tier", { ...alice, tier: "gold" }, { tier: "unknownTier" }, undefined],
    ["an unknown currency", { ...alice, currency: "EUR" }, { currency: "invalidChoice" }, undefined],
    ["monthly on a yearly-only tier", { ...alice, tier: "student", interval: "month" }, { interval: "intervalNotOffered" }, undefined],
    [
      "markup in names",
      { ...alice, familyName: "<script>alert(1)</script>", givenName: 'Al"ice' },
      { familyName: "invalidName", givenName: "invalidName" },
      undefined,
    ],
    ["a URL as a name", { ...alice, givenName: "https://spam.example" }, { givenName: "invalidName" }, undefined],
    ["a control character in the city", { ...alice, city: "St.\u0000Paul" }, { city: "invalidName" }, undefined],
    ["a six-digit Japanese postal code", { ...taro, postalCode: "150-001" }, { postalCode: "invalidPostalJp" }, "ja"],
    ["a prefecture code out of range", { ...taro, prefecture: "48" }, { prefecture: "invalidPrefecture" }, "ja"],
    ["no prefecture", { ...taro, prefecture: "" }, { prefecture: "required" }, "ja"],
    ["a bad ZIP", { ...alice, postalCode: "5510" }, { postalCode: "invalidZip" }, undefined],
    ["an unknown state", { ...alice, state: "ZZ" }, { state: "invalidState" }, undefined],
    ["an unsupported country", { ...alice, country: "FR" }, { country: "invalidChoice" }, undefined],
    ["romaji as kana on the Japanese form", { ...taro, familyNameKana: "Yamada" }, { familyNameKana: "invalidKana" }, "ja"],
    ["no kana on the Japanese form", { ...taro, givenNameKana: "" }, { givenNameKana: "required" }, "ja"],
    ["an unknown language", { ...alice, preferredLocale: "fr" }, { preferredLocale: "invalidChoice" }, undefined],
    ["an unknown partnership", { ...alice, partnership: "atlantis-tokyo" }, { partnership: "invalidChoice" }, undefined],
  ];
  for (const [label, fields, expected, lang] of bad) {
    it(`refuses ${label}: 400, translated messages, what was typed kept, no rows, no Stripe call`, async () => {
      const before = await rowCounts();
      const outcome = await submit(fields, lang);
      expect(outcome.status).toBe(400);
      expect(outcome.data!.errors).toMatchObject(expected);
      for (const key of Object.values(outcome.data!.errors)) {
        const en = dictionary("en").join.errors[key as keyof ReturnType<typeof dictionary>["join"]["errors"]];
        const ja = dictionary("ja").join.errors[key as keyof ReturnType<typeof dictionary>["join"]["errors"]];
        expect(en, key).toBeTruthy();
        expect(ja, key).toBeTruthy();
        expect(ja).not.toBe(en);
      }
      for (const [field, value] of Object.entries(fields)) expect(outcome.data!.values[field]).toBe(value.slice(0, 1000));
      expect(await rowCounts()).toEqual(before);
      expect(stripeCalls).toHaveLength(0);
    });
  }

  const failures: [string, () => Response, string][] = [
    ["a declined card", () => stripeError(402, "card_error", "card_declined", "Your card was declined."), "cardDeclined"],
    ["429 rate limiting", () => stripeError(429, "invalid_request_error", "rate_limit", "Too many requests"), "rateLimited"],
    ["a 500", () => stripeError(500, "api_error", "", "Something went wrong on Stripe's end."), "unavailable"],
    ["a network error", () => HttpResponse.error() as unknown as Response, "unavailable"],
  ];
  for (const [label, respond, formError] of failures) {
    it(`shows a translated message for ${label} at session creation, leaves nothing that blocks a retry, and the retry works`, async () => {
      const email = `${formError.toLowerCase()}-${demoId("x")}@example.com`;
      failCheckoutWith(respond);
      const before = await rowCounts();
      const failed = await submit({ ...alice, email });
      expect(failed.status).toBe(503);
      expect(failed.data!.formError).toBe(formError);
      expect(dictionary("ja").join.failures[formError as "cardDeclined"]).toContain("請求は発生していません");
      expect(failed.data!.values.email).toBe(email);
      expect((await rowCounts()).memberships).toBe(before.memberships);
      const firstKey = stripeCalls[0]!.headers.get("idempotency-key");

      stripeServer.resetHandlers();
      const retry = await submit({ ...alice, email });
      expect(retry.status).toBe(303);
      const secondKey = stripeCalls.at(-1)!.headers.get("idempotency-key");
      expect(secondKey).not.toBe(firstKey);
      const [person] = await t.db.select().from(people).where(eq(people.email, email));
      expect(await t.db.select().from(memberships).where(eq(memberships.personId, person!.id))).toHaveLength(1);
    });
  }

  it("does not open a second checkout for someone who is already a member", async () => {
    expect((await submit({ ...alice, email: "member@example.com" })).status).toBe(303);
    const [person] = await t.db.select().from(people).where(eq(people.email, "member@example.com"));
    await t.db.update(memberships).set({ status: "active" }).where(eq(memberships.personId, person!.id));
    stripeCalls.length = 0;
    const again = await submit({ ...alice, email: "MEMBER@example.com" });
    expect(again.status).toBe(409);
    expect(again.data!.formError).toBe("alreadyMember");
    expect(stripeCalls).toHaveLength(0);
  });
});
