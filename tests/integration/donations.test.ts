import { count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { renderEmail } from "../../emails";
import { donations, emailOutbox, payments, people, receipts, type Donation } from "../../db/schema";
import type Stripe from "stripe";
import { addInterval, demoId, invoicePaidEvents, stripeEvent, type Sent, type SentInvoice } from "~/modules/billing/stripe-shapes.server";
import { parseEnv } from "~/modules/config/env.server";
import { dictionary } from "~/modules/i18n/i18n";
import { getFundsWithProgress, setFundGoal } from "~/modules/donations/donations.server";
import { verifyDonationManageToken } from "~/modules/donations/links.server";
import type { DonateErrorKey } from "~/modules/donations/donate.schema.server";
import { action as donateAction, loader as donateLoader } from "~/routes/($lang).donate";
import { loader as thanksLoader } from "~/routes/($lang).donate_.thanks";
import { loader as manageLoader } from "~/routes/($lang).donate_.manage.$token";
import { loader as homeLoader } from "~/routes/($lang)._index";
import { failCheckoutWith, stripeCalls, stripeError, stripeHas, useStripeMock } from "../mocks/stripe";
import { useTestDatabase } from "../setup/test-db";
import { billingEnv, deliver, oneTimeCompleted } from "../fixtures/billing";
import { args as staffArgs, makeMember, memberCookie } from "../fixtures/staff";

const t = useTestDatabase();
const env = billingEnv();

useStripeMock();

const hanako = {
  currency: "JPY",
  preset: "",
  amount: "10,000",
  interval: "once",
  fund: "student-exchange",
  tributeKind: "memory",
  tributeName: "佐藤 一郎",
  notifyEmail: "Jiro.Sato@example.jp",
  notifyName: "佐藤 次郎",
  notifyLocale: "en",
  familyName: "佐藤",
  givenName: "花子",
  email: "Hanako.Sato@example.jp",
  country: "JP",
  postalCode: "１５０ー０００１",
  prefecture: "13",
  state: "",
  city: "渋谷区",
  addressLine1: "神宮前1-2-3",
  addressLine2: "",
  preferredLocale: "ja",
};

const alice = {
  ...hanako,
  currency: "USD",
  amount: "",
  preset: "25",
  interval: "month",
  fund: "general",
  tributeKind: "",
  tributeName: "",
  notifyEmail: "",
  notifyName: "",
  notifyLocale: "",
  familyName: "Smith",
  givenName: "Alice",
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
  data: { errors: Record<string, DonateErrorKey>; formError: string | null; values: Record<string, string> } | null;
}

async function submit(fields: Record<string, string>, lang?: "ja", context = { db: t.db, env }): Promise<Outcome> {
  const request = new Request(`http://localhost${lang ? "/ja" : ""}/donate`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });
  let result: unknown;
  try {
    result = await donateAction({ request, params: lang ? { lang } : {}, context: { ...context, db: t.db } });
  } catch (thrown) {
    result = thrown;
  }
  if (result instanceof Response) return { status: result.status, location: result.headers.get("Location"), data: null };
  const init = (result as { init: { status: number } }).init;
  return { status: init.status, location: null, data: (result as { data: Outcome["data"] }).data };
}

async function donationCount() {
  const [row] = await t.db.select({ n: count() }).from(donations);
  return row!.n;
}

async function latestDonation(email: string): Promise<Donation> {
  const [row] = await t.db
    .select({ donation: donations })
    .from(donations)
    .innerJoin(people, eq(people.id, donations.personId))
    .where(eq(people.email, email))
    .orderBy(donations.createdAt);
  return row!.donation;
}

function monthlyRefs(donation: Donation, subscriptionId: string) {
  return { subscriptionId, customerId: `cus_${donation.id.slice(0, 8)}`, currency: donation.currency.toLowerCase(), amount: donation.amount };
}

function monthlyInvoicePaid(donation: Donation, subscriptionId: string, created: number, invoiceId = demoId("in")) {
  const r = monthlyRefs(donation, subscriptionId);
  return stripeEvent(
    "invoice.paid",
    {
      id: invoiceId,
      object: "invoice",
      status: "paid",
      customer: r.customerId,
      currency: r.currency,
      amount_due: r.amount,
      amount_paid: r.amount,
      amount_remaining: 0,
      billing_reason: "subscription_cycle",
      created,
      metadata: {},
      parent: { type: "subscription_details", subscription_details: { metadata: { donationId: donation.id }, subscription: subscriptionId } },
      lines: {
        object: "list",
        data: [{ id: "il_1", object: "line_item", amount: r.amount, currency: r.currency, period: { start: created, end: addInterval(created, "month") } }],
      },
      status_transitions: { finalized_at: created, paid_at: created, marked_uncollectible_at: null, voided_at: null },
      livemode: false,
    } satisfies SentInvoice,
    created,
  );
}

function subscriptionEvent(type: string, donation: Donation, subscriptionId: string, status: Stripe.Subscription.Status, created: number) {
  const r = monthlyRefs(donation, subscriptionId);
  return stripeEvent(
    type,
    {
      id: subscriptionId,
      object: "subscription",
      status,
      customer: r.customerId,
      cancel_at_period_end: false,
      metadata: { donationId: donation.id },
      items: {
        object: "list",
        data: [
          {
            id: "si_1",
            current_period_start: created,
            current_period_end: addInterval(created, "month"),
            price: { unit_amount: r.amount, currency: r.currency },
          },
        ],
      },
      created,
      livemode: false,
    } satisfies Sent<Stripe.Subscription>,
    created,
  );
}

async function giftRows(donationId: string) {
  const pays = await t.db.select().from(payments).where(eq(payments.donationId, donationId));
  const recs = pays.length ? await t.db.select().from(receipts).where(eq(receipts.paymentId, pays[0]!.id)) : [];
  return { pays, recs };
}

async function outboxFor(template: string, to?: string) {
  const rows = await t.db.select().from(emailOutbox).where(eq(emailOutbox.template, template));
  return to ? rows.filter((r) => r.toEmail === to) : rows;
}

describe("the donate form", () => {
  it("gives ¥10,000 once: Stripe gets 10000 JPY in payment mode, built on the server, with our idempotency key and reference", async () => {
    const outcome = await submit(hanako, "ja");
    expect(outcome.status).toBe(303);
    expect(outcome.location).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
    const donation = await latestDonation("hanako.sato@example.jp");
    expect(donation).toMatchObject({
      amount: 10000,
      feeAmount: 0,
      currency: "JPY",
      interval: "once",
      status: "pending",
      tributeKind: "memory",
      tributeName: "佐藤 一郎",
      tributeNotifyEmail: "jiro.sato@example.jp",
      tributeNotifyLocale: "en",
      anonymous: false,
    });
    expect(stripeCalls).toHaveLength(1);
    const call = stripeCalls[0]!;
    expect(call.headers.get("idempotency-key")).toBe(`donation-${donation.id}-checkout`);
    expect(Object.fromEntries(call.params)).toMatchObject({
      mode: "payment",
      client_reference_id: `donation-${donation.id}`,
      "line_items[0][price_data][currency]": "jpy",
      "line_items[0][price_data][unit_amount]": "10000",
      "line_items[0][quantity]": "1",
      "metadata[donationId]": donation.id,
      "payment_intent_data[metadata][donationId]": donation.id,
      locale: "ja",
    });
    expect(call.params.has("line_items[0][price_data][recurring][interval]")).toBe(false);
    expect(donation.stripeCheckoutSessionId).toMatch(/^cs_test_/);
  });

  it("gives $25 monthly: a monthly recurring price_data of 2500 USD in subscription mode", async () => {
    const outcome = await submit(alice);
    expect(outcome.status).toBe(303);
    const donation = await latestDonation("alice@example.com");
    expect(donation).toMatchObject({ amount: 2500, currency: "USD", interval: "month" });
    expect(Object.fromEntries(stripeCalls[0]!.params)).toMatchObject({
      mode: "subscription",
      "line_items[0][price_data][currency]": "usd",
      "line_items[0][price_data][unit_amount]": "2500",
      "line_items[0][price_data][recurring][interval]": "month",
      "subscription_data[metadata][donationId]": donation.id,
    });
  });

  it("adds exactly the stated fee when the donor covers it (3% of $100 is $3.00; of ¥3,333 is ¥100)", async () => {
    await submit({ ...alice, email: "fee@example.com", interval: "once", preset: "", amount: "100", coverFee: "on" });
    const usd = await latestDonation("fee@example.com");
    expect(usd).toMatchObject({ amount: 10300, feeAmount: 300 });
    expect(stripeCalls[0]!.params.get("line_items[0][price_data][unit_amount]")).toBe("10300");
    stripeCalls.length = 0;
    await submit({ ...hanako, email: "fee-jp@example.jp", amount: "3333", coverFee: "on" }, "ja");
    const jpy = await latestDonation("fee-jp@example.jp");
    expect(jpy).toMatchObject({ amount: 3433, feeAmount: 100 });
    expect(stripeCalls[0]!.params.get("line_items[0][price_data][unit_amount]")).toBe("3433");
    // The page states the percentage (from DONATION_FEE_PERCENT) before paying.
    const loaded = (await donateLoader({ request: new Request("http://localhost/donate"), params: {}, context: { db: t.db, env } })) as {
      options: { feePercent: number };
    };
    expect(loaded.options.feePercent).toBe(3);
    expect(dictionary("en").donate.coverFee("3%")).toContain("3%");
  });

  const monthlyUsdOnly = parseEnv({
    ...process.env,
    NODE_ENV: "test",
    APP_URL: "http://localhost:3000",
    STRIPE_SECRET_KEY: "sk_test_fake",
    STRIPE_WEBHOOK_SECRET: "whsec_test_fake_0123456789abcdef",
    STRIPE_MAX_NETWORK_RETRIES: "0",
    DONATION_MONTHLY_CURRENCIES: "USD",
  });
  const bad: [string, Record<string, string>, string, DonateErrorKey, "ja" | undefined, typeof env?][] = [
    ["yen with decimals", { ...hanako, amount: "10.50" }, "amount", "wholeYen", "ja"],
    ["yen with .00", { ...hanako, amount: "10000.00" }, "amount", "wholeYen", "ja"],
    ["zero", { ...hanako, amount: "0" }, "amount", "amountNotPositive", "ja"],
    ["negative", { ...alice, amount: "-50" }, "amount", "amountNotPositive", undefined],
    ["exponent", { ...hanako, amount: "1e6" }, "amount", "invalidAmount", "ja"],
    ["hex", { ...alice, amount: "0x10" }, "amount", "invalidAmount", undefined],
    ["Infinity", { ...alice, amount: "Infinity" }, "amount", "invalidAmount", undefined],
    ["three decimals", { ...alice, amount: "25.005" }, "amount", "tooManyDecimals", undefined],
    ["a yen sign with dollars chosen", { ...alice, amount: "￥5000" }, "amount", "otherCurrency", undefined],
    ["yen written out with dollars chosen", { ...alice, amount: "5000円" }, "amount", "otherCurrency", undefined],
    ["a dollar sign with yen chosen", { ...hanako, amount: "$50" }, "amount", "otherCurrency", "ja"],
    ["a bad thousands separator", { ...hanako, amount: "10,00" }, "amount", "invalidAmount", "ja"],
    ["below the minimum", { ...hanako, amount: "499" }, "amount", "belowMinimum", "ja"],
    ["below the dollar minimum", { ...alice, amount: "4.99" }, "amount", "belowMinimum", undefined],
    ["above the maximum", { ...hanako, amount: "5,000,001" }, "amount", "aboveMaximum", "ja"],
    ["above the dollar maximum", { ...alice, amount: "50000.01" }, "amount", "aboveMaximum", undefined],
    ["an absurdly long number", { ...alice, amount: "9".repeat(30) }, "amount", "aboveMaximum", undefined],
    ["a preset of the other currency", { ...hanako, amount: "", preset: "25" }, "amount", "belowMinimum", "ja"],
    ["an unknown fund", { ...hanako, fund: "slush-fund" }, "fund", "unknownFund", "ja"],
    ["a tribute with no name", { ...hanako, tributeName: "" }, "tributeName", "tributeNameRequired", "ja"],
    ["a tribute name with no kind", { ...hanako, tributeKind: "", notifyEmail: "" }, "tributeKind", "tributeKindRequired", "ja"],
    ["an invalid notification email", { ...hanako, notifyEmail: "jiro@" }, "notifyEmail", "invalidEmail", "ja"],
    ["markup in the tribute name", { ...hanako, tributeName: "<script>" }, "tributeName", "invalidName", "ja"],
    ["an unknown currency", { ...alice, currency: "EUR" }, "currency", "invalidChoice", undefined],
    ["an unknown interval", { ...alice, interval: "week" }, "interval", "invalidChoice", undefined],
    ["monthly in a currency not offered", { ...hanako, interval: "month" }, "interval", "monthlyNotOffered", "ja", monthlyUsdOnly],
  ];
  for (const [label, fields, field, key, lang, withEnv] of bad) {
    it(`refuses ${label}: 400, a translated message next to ${field}, values kept, no rows, no Stripe call`, async () => {
      const before = await donationCount();
      const outcome = await submit(fields, lang, { db: t.db, env: withEnv ?? env });
      expect(outcome.status).toBe(400);
      expect(outcome.data!.errors[field]).toBe(key);
      expect(dictionary("en").donate.errors[key]).toBeTruthy();
      expect(dictionary("ja").donate.errors[key]).toBeTruthy();
      expect(outcome.data!.values.amount).toBe(fields.amount);
      expect(await donationCount()).toBe(before);
      expect(stripeCalls).toHaveLength(0);
    });
  }

  it("reports every bad field at once, not only the first", async () => {
    const outcome = await submit({ ...hanako, amount: "1e6", email: "nope", tributeName: "" }, "ja");
    expect(outcome.data!.errors).toMatchObject({ amount: "invalidAmount", email: "invalidEmail", tributeName: "tributeNameRequired" });
  });

  it("removes the pending gift and shows a translated message when Stripe fails", async () => {
    failCheckoutWith(() => stripeError(500, "api_error", "internal", "boom"));
    const before = await donationCount();
    const outcome = await submit({ ...alice, email: "fails@example.com" });
    expect(outcome.status).toBe(503);
    expect(outcome.data!.formError).toBe("unavailable");
    expect(await donationCount()).toBe(before);
  });
});

describe("a gift through the webhook", () => {
  it("records one payment with its fund, one acknowledgement receipt, one receipt email and one tribute notification, however often and concurrently the event arrives", async () => {
    await submit({ ...hanako, email: "twice@example.jp" }, "ja");
    const donation = await latestDonation("twice@example.jp");
    const event = oneTimeCompleted(donation);
    const results = await Promise.all([deliver(t.db, env, event), deliver(t.db, env, event), deliver(t.db, env, event)]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    await deliver(t.db, env, event);
    // The same gift reported again under another event id (e.g. async_payment_succeeded after completed).
    await deliver(t.db, env, { ...oneTimeCompleted(donation), type: "checkout.session.async_payment_succeeded" });
    const { pays, recs } = await giftRows(donation.id);
    expect(pays).toHaveLength(1);
    expect(pays[0]).toMatchObject({ amount: 10000, currency: "JPY", fundId: donation.fundId, donationId: donation.id, refundedAmount: 0 });
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({ amount: 10000, deductibleAmount: 10000, benefitsValue: 0, kind: "original", locale: "ja" });
    expect(recs[0]!.snapshot).toMatchObject({
      purpose: { kind: "donation", fundName: { ja: "学生交流基金" }, tribute: { kind: "memory", name: "佐藤 一郎" } },
    });
    const receiptEmails = (await outboxFor("receipt", "twice@example.jp")).filter((r) => r.props.receiptId === recs[0]!.id);
    expect(receiptEmails).toHaveLength(1);
    expect(receiptEmails[0]!.props.manageUrl).toBeUndefined(); // one-time gifts have nothing to manage
    expect((await latestDonation("twice@example.jp")).status).toBe("completed");

    const tributes = await outboxFor("tribute-notification", "jiro.sato@example.jp");
    expect(tributes).toHaveLength(1);
  });

  it("prints the card on a gift's receipt whether charge.succeeded arrives before or after the Checkout event", async () => {
    for (const [email, chargeFirst] of [
      ["card-first@example.com", true],
      ["card-after@example.com", false],
    ] as const) {
      await submit({ ...alice, email, interval: "once", preset: "", amount: "50" });
      const donation = await latestDonation(email);
      const completed = oneTimeCompleted(donation);
      const charge = stripeEvent("charge.succeeded", {
        id: demoId("ch"),
        object: "charge",
        amount: 5000,
        amount_refunded: 0,
        currency: "usd",
        paid: true,
        status: "succeeded",
        payment_intent: `pi_${donation.id.replaceAll("-", "")}`,
        payment_method_details: { type: "card", card: { brand: "visa", last4: "4242" } },
      });
      for (const event of chargeFirst ? [charge, completed] : [completed, charge]) expect((await deliver(t.db, env, event)).status).toBe(200);
      const { pays, recs } = await giftRows(donation.id);
      expect(pays[0]).toMatchObject({ cardBrand: "visa", cardLast4: "4242" });
      expect(recs[0]!.snapshot).toMatchObject({ method: { type: "card", brand: "visa", last4: "4242" } });
    }
  });

  it("sends the tribute notification to the notified person in their language, without the amount", async () => {
    const [row] = await outboxFor("tribute-notification", "jiro.sato@example.jp");
    expect(row!.locale).toBe("en");
    const email = await renderEmail(row!.template, row!.locale, row!.props);
    expect(email.subject).toBe("A gift has been made in memory of 佐藤 一郎");
    expect(email.text).toContain("in memory of 佐藤 一郎");
    expect(email.text).toContain("Student Exchange");
    for (const shown of ["10,000", "10000", "¥", "￥", "JPY"]) expect(email.html).not.toContain(shown);
    // In Japanese when the donor chose Japanese for them.
    const ja = await renderEmail("tribute-notification", "ja", { ...row!.props });
    expect(ja.subject).toContain("佐藤 一郎様の追悼として");
  });

  it("issues the Japanese receipt as an acknowledgement: 領収書, ご寄付として, outside consumption tax, and the IRS no-goods wording", async () => {
    const donation = await latestDonation("twice@example.jp");
    const { recs } = await giftRows(donation.id);
    const { getReceiptDocument, issuerFromEnv } = await import("~/modules/receipts/receipts.server");
    // 不課税 is printed where the association is a registered issuer (with its T-number).
    const found = await getReceiptDocument(t.db, { id: recs[0]!.id }, issuerFromEnv(billingEnv({ JP_INVOICE_REGISTRATION_NUMBER: "T1234567890123" })));
    const text = JSON.stringify(found!.document);
    expect(text).toContain("領収書");
    expect(text).toContain("ご寄付として");
    expect(text).toContain("不課税");
    expect(text).toMatch(/No goods or services were provided/i);
    expect(text).toContain("佐藤 一郎");
  });

  it("a refund issues a corrected receipt that refers to the original, and the fund's progress drops", async () => {
    const donation = await latestDonation("twice@example.jp");
    const {
      recs: [original],
    } = await giftRows(donation.id);
    const charge = {
      id: demoId("ch"),
      object: "charge",
      amount: 10000,
      amount_refunded: 4000,
      payment_intent: `pi_${donation.id.replaceAll("-", "")}`,
      currency: "jpy",
    };
    const refund = stripeEvent("charge.refunded", charge);
    await Promise.all([deliver(t.db, env, refund), deliver(t.db, env, refund)]);
    const { pays, recs } = await giftRows(donation.id);
    expect(pays[0]!.refundedAmount).toBe(4000);
    const corrected = recs.filter((r) => r.kind === "corrected");
    expect(corrected).toHaveLength(1);
    expect(corrected[0]).toMatchObject({ correctsReceiptId: original!.id, amount: 6000, deductibleAmount: 6000 });
    expect(corrected[0]!.snapshot).toMatchObject({ corrects: { number: original!.number }, refundedAmount: 4000 });
    expect((await outboxFor("receipt")).filter((r) => r.props.receiptId === corrected[0]!.id)).toHaveLength(1);
  });

  it("a monthly gift: events out of order and twice still make one payment per invoice, each receipt email carries a signed manage link, failure and cancellation follow the lifecycle", async () => {
    await submit({ ...alice, email: "monthly@example.com" });
    const donation = await latestDonation("monthly@example.com");
    const sub = demoId("sub");
    // Last month and this month: every event is in the past, as Stripe's always are.
    const now = Math.floor(Date.now() / 1000) - 40 * 86_400;
    const first = monthlyInvoicePaid(donation, sub, now);
    // invoice.paid arrives before checkout.session.completed and subscription.created; then again.
    // By then Stripe holds the subscription active (the webhook code re-reads it).
    stripeHas(subscriptionEvent("customer.subscription.updated", donation, sub, "active", now).data.object);
    await deliver(t.db, env, first);
    await deliver(t.db, env, subscriptionEvent("customer.subscription.created", donation, sub, "incomplete", now - 5));
    await deliver(
      t.db,
      env,
      stripeEvent(
        "checkout.session.completed",
        {
          id: donation.stripeCheckoutSessionId,
          object: "checkout.session",
          mode: "subscription",
          payment_status: "paid",
          client_reference_id: `donation-${donation.id}`,
          customer: `cus_x`,
          subscription: sub,
          metadata: { donationId: donation.id },
        },
        now - 3,
      ),
    );
    await deliver(t.db, env, first);
    let after = await latestDonation("monthly@example.com");
    expect(after).toMatchObject({ status: "active", stripeSubscriptionId: sub });
    expect((await giftRows(donation.id)).pays).toHaveLength(1);

    // Next month: another payment and receipt.
    const next = addInterval(now, "month");
    await deliver(t.db, env, monthlyInvoicePaid(donation, sub, next));
    const { pays } = await giftRows(donation.id);
    expect(pays).toHaveLength(2);
    expect(pays.every((p) => p.fundId === donation.fundId && p.amount === 2500 && p.currency === "USD")).toBe(true);
    const emails = (await outboxFor("receipt", "monthly@example.com")).filter((r) => typeof r.props.manageUrl === "string");
    expect(emails).toHaveLength(2);
    const manageUrl = String(emails[0]!.props.manageUrl);
    const token = manageUrl.split("/donate/manage/")[1]!;
    expect(verifyDonationManageToken(env, token)).toBe(donation.id);
    const rendered = await renderEmail("receipt", "en", {
      recipient: { kind: "person", familyName: "Smith", givenName: "Alice" },
      viewUrl: "http://localhost:3000/receipts/2026-000001?token=x",
      manageUrl,
      receipt: {
        number: "2026-000001",
        issuedAt: new Date().toISOString(),
        amount: 2500,
        currency: "USD",
        deductibleAmount: 2500,
        purpose: { en: "Gift", ja: "ご寄付" },
        method: { type: "card" },
      },
    });
    expect(rendered.html).toContain(manageUrl.replaceAll("&", "&amp;"));

    // The manage page opens without signing in; a forged token does not.
    const page = (await manageLoader({ request: new Request(manageUrl), params: { token }, context: { db: t.db, env } })) as unknown as {
      data: { gift: { status: string; amount: number } | null };
      init: { status: number };
    };
    expect(page.data.gift).toMatchObject({ status: "active", amount: 2500 });
    const forged = (await manageLoader({
      request: new Request(manageUrl),
      params: { token: token.replace(/.$/, (c) => (c === "A" ? "B" : "A")) },
      context: { db: t.db, env },
    })) as unknown as { data: { gift: unknown } };
    expect(forged.data.gift).toBeNull();

    // A failed renewal, then cancellation: the same lifecycle rules (an older event never moves the gift back).
    const failed = stripeEvent(
      "invoice.payment_failed",
      { ...monthlyInvoicePaid(donation, sub, next + 100).data.object, status: "open", amount_paid: 0 },
      next + 100,
    );
    await deliver(t.db, env, failed);
    // Stripe marks the subscription past due with the failure.
    const pastDue = subscriptionEvent("customer.subscription.updated", donation, sub, "past_due", next + 100);
    stripeHas(pastDue.data.object);
    await deliver(t.db, env, pastDue);
    expect((await latestDonation("monthly@example.com")).status).toBe("past_due");
    await deliver(t.db, env, failed);
    const failures = await outboxFor("gift-payment-failed", "monthly@example.com");
    expect(failures).toHaveLength(1);
    const failedEmail = await renderEmail("gift-payment-failed", failures[0]!.locale, failures[0]!.props);
    expect(failedEmail.text).toContain("General Fund");
    expect(failedEmail.html).toContain("/donate/manage/");
    const deleted = subscriptionEvent("customer.subscription.deleted", donation, sub, "canceled", next + 200);
    stripeHas(deleted.data.object);
    await deliver(t.db, env, deleted);
    await deliver(t.db, env, subscriptionEvent("customer.subscription.updated", donation, sub, "active", next + 150));
    after = await latestDonation("monthly@example.com");
    expect(after.status).toBe("canceled");
    // The donor is told once that the gift has stopped, even when Stripe sends the deletion again.
    await deliver(t.db, env, subscriptionEvent("customer.subscription.deleted", donation, sub, "canceled", next + 300));
    const stopped = await outboxFor("gift-canceled", "monthly@example.com");
    expect(stopped).toHaveLength(1);
    const stoppedEmail = await renderEmail("gift-canceled", stopped[0]!.locale, stopped[0]!.props);
    expect(stoppedEmail.subject).toBe("Your monthly gift has stopped");
    expect(stoppedEmail.text).toContain("$25.00");
    expect(stoppedEmail.text).toContain("General Fund");
    expect(stoppedEmail.text).toContain("No further payments will be taken");
  });
});

describe("public pages and fund progress", () => {
  it("an anonymous gift appears on no public page; progress per currency is paid minus refunded, with goals", async () => {
    await submit({
      ...alice,
      email: "secret@example.com",
      familyName: "Zanzibar",
      givenName: "Quentin",
      interval: "once",
      preset: "",
      amount: "1000",
      anonymous: "on",
    });
    const donation = await latestDonation("secret@example.com");
    expect(donation.anonymous).toBe(true);
    await deliver(t.db, env, oneTimeCompleted(donation));
    await setFundGoal(t.db, "general", "USD", 1_000_000);

    type Loaded = { funds: { slug: string; progress: { currency: string; goal: number | null; raised: number }[] }[] };
    const loadDonate = async (minGifts: number) =>
      (await donateLoader({
        request: new Request("http://localhost/donate"),
        params: {},
        context: { db: t.db, env: { ...env, FUND_TOTALS_MIN_GIFTS: minGifts } },
      })) as Loaded;
    // Four gifts to the General Fund in USD: under the default of 10, no total is public (it would give a gift away).
    expect(env.FUND_TOTALS_MIN_GIFTS).toBe(10);
    expect((await loadDonate(10)).funds.flatMap((f) => f.progress)).toEqual([]);
    const loaded = await loadDonate(4);
    // $1,000 anonymous gift plus the monthly gift's two $25 payments and the two $50 gifts above.
    const general = loaded.funds.find((f) => f.slug === "general")!;
    expect(general.progress).toEqual([{ currency: "USD", goal: 1_000_000, raised: 100000 + 2 * 2500 + 2 * 5000 }]);
    expect((await loadDonate(5)).funds.find((f) => f.slug === "general")!.progress).toEqual([]);
    // A fund without a goal shows no total, however many gifts it has; staff still see it (¥10,000 minus the ¥4,000 refund).
    expect(loaded.funds.find((f) => f.slug === "student-exchange")!.progress).toEqual([]);
    const staffView = await getFundsWithProgress(t.db);
    expect(staffView.find((f) => f.slug === "student-exchange")!.progress.find((p) => p.currency === "JPY")?.raised).toBe(6000);

    const home = await homeLoader({ request: new Request("http://localhost/"), params: {}, context: { db: t.db, env } } as never);
    for (const page of [loaded, home]) {
      const json = JSON.stringify(page);
      expect(json).not.toContain("Zanzibar");
      expect(json).not.toContain("secret@example.com");
    }
    const thanks = await thanksLoader({ request: new Request(`http://localhost/donate/thanks?d=${donation.id}`), params: {}, context: { db: t.db, env } });
    expect(JSON.stringify(thanks)).not.toContain("Zanzibar");
    expect((thanks as { gift: { paid: boolean } }).gift.paid).toBe(true);
  });

  it("fills in a signed-in member's details", async () => {
    const { person } = await makeMember(t.db, {
      familyName: "山田",
      givenName: "太郎",
      email: "member-donor@example.jp",
      country: "JP",
      region: "13",
      city: "渋谷区",
      postalCode: "150-0001",
      addressLine1: "神宮前1-2-3",
      preferredLocale: "ja",
    });
    const loaded = (await donateLoader(staffArgs(t.db, "/ja/donate", { cookie: await memberCookie(t.db, person.id), params: { lang: "ja" } }))) as {
      defaults: Record<string, string>;
    };
    expect(loaded.defaults).toMatchObject({
      familyName: "山田",
      givenName: "太郎",
      email: "member-donor@example.jp",
      country: "JP",
      prefecture: "13",
      city: "渋谷区",
      currency: "JPY",
    });
    const anonymous = (await donateLoader({ request: new Request("http://localhost/donate"), params: {}, context: { db: t.db, env } })) as {
      defaults: Record<string, string>;
    };
    expect(anonymous.defaults.email).toBeUndefined();
  });

  it("/ja/donate defaults to yen and /donate to dollars", async () => {
    const ja = (await donateLoader({ request: new Request("http://localhost/ja/donate"), params: { lang: "ja" }, context: { db: t.db, env } })) as {
      defaults: { currency: string; preset: string };
    };
    const en = (await donateLoader({ request: new Request("http://localhost/donate"), params: {}, context: { db: t.db, env } })) as {
      defaults: { currency: string };
    };
    expect(ja.defaults).toMatchObject({ currency: "JPY", preset: "10000" });
    expect(en.defaults.currency).toBe("USD");
  });
});

describe("refunds of gifts", () => {
  it("a one-time gift's refund that comes before its Checkout event waits, then is applied once", async () => {
    await submit({ ...alice, email: "refund-first@example.com", interval: "once", preset: "", amount: "40" });
    const donation = await latestDonation("refund-first@example.com");
    const completed = oneTimeCompleted(donation);
    const intent = `pi_${donation.id.replaceAll("-", "")}`;
    const charge = {
      id: demoId("ch"),
      object: "charge",
      amount: 4000,
      amount_refunded: 4000,
      refunded: true,
      currency: "usd",
      payment_intent: intent,
      status: "succeeded",
      created: 1,
    } satisfies Sent<Stripe.Charge>;
    expect((await deliver(t.db, env, stripeEvent("charge.refunded", charge))).body.outcome).toBe("parked");
    expect((await deliver(t.db, env, completed)).status).toBe(200);
    const {
      pays: [payment],
    } = await giftRows(donation.id);
    expect(payment).toMatchObject({ amount: 4000, refundedAmount: 4000, stripeChargeId: charge.id });
    const all = await t.db.select().from(receipts).where(eq(receipts.paymentId, payment!.id)).orderBy(receipts.seq);
    expect(all.map((r) => [r.kind, r.amount])).toEqual([
      ["original", 4000],
      ["corrected", 0],
    ]);
  });

  it("a refund of one month's payment (charge.refunded) counts once, with one corrected receipt and its email", async () => {
    await submit({ ...alice, email: "refund-monthly@example.com", currency: "JPY", preset: "", amount: "3,000", fund: "sister-city-grants" });
    const donation = await latestDonation("refund-monthly@example.com");
    const sub = demoId("sub");
    const at = Math.floor(Date.now() / 1000) - 3600;
    const invoiceEvent = monthlyInvoicePaid(donation, sub, at);
    // The month's payment as Stripe reports it: the invoice, its payment intent, its charge.
    const paid = invoicePaidEvents(invoiceEvent.data.object as { id: string; currency: string; amount_paid: number; customer: string }, {
      created: at,
      brand: "jcb",
      last4: "1111",
    });
    for (const event of paid.all) expect((await deliver(t.db, env, event)).status).toBe(200);
    const {
      pays: [payment],
    } = await giftRows(donation.id);
    expect(payment).toMatchObject({ amount: 3000, method: "card", cardBrand: "jcb", stripeChargeId: paid.charge.data.object.id });
    const refunded = stripeEvent("charge.refunded", { ...paid.charge.data.object, amount_refunded: 1000 });
    await Promise.all([deliver(t.db, env, refunded), deliver(t.db, env, { ...refunded, id: demoId("evt") })]);
    const {
      pays: [after],
    } = await giftRows(donation.id);
    expect(after!.refundedAmount).toBe(1000);
    const all = await t.db.select().from(receipts).where(eq(receipts.paymentId, payment!.id)).orderBy(receipts.seq);
    expect(all.map((r) => [r.kind, r.amount, r.deductibleAmount])).toEqual([
      ["original", 3000, 3000],
      ["corrected", 2000, 2000],
    ]);
    const mails = (await outboxFor("receipt", "refund-monthly@example.com")).map((r) => String(r.props.receiptId));
    expect(mails.sort()).toEqual(all.map((r) => r.id).sort());
  });
});
