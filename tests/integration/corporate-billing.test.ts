import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, count, desc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, emailOutbox, memberships, organisationContacts, organisations, payments, people, receipts, staffUsers } from "../../db/schema";
import { parseEnv } from "~/modules/config/env.server";
import { corporateInvoiceShape, invoicePaidEvents, stripeEvent } from "~/modules/billing/stripe-shapes.server";
import { recordOfflineInvoicePayment } from "~/modules/corporate/corporate-billing.server";
import { payDemoInvoice } from "~/modules/billing/demo.server";
import { renderEmail } from "../../emails";
import { buildReceiptDocument, receiptLines } from "~/modules/receipts/receipt-document";
import { issuerFromEnv } from "~/modules/receipts/receipts.server";
import { dictionary } from "~/modules/i18n/i18n";
import { stripeCalls, stripeServer, useStripeMock } from "../mocks/stripe";
import { useTestDatabase } from "../setup/test-db";
import { billingEnv, deliver, getMembership } from "../fixtures/billing";
import { acme, sakura, submitSponsor } from "../fixtures/corporate";

const t = useTestDatabase();
const env = billingEnv();

useStripeMock();

function membershipIdFrom(location: string | null): string {
  const m = /[?&]m=([0-9a-f-]{36})/.exec(location ?? "");
  if (!m) throw new Error(`no membership id in ${location}`);
  return m[1]!;
}

async function staffUser() {
  const [row] = await t.db
    .insert(staffUsers)
    .values({ email: `staff-${Date.now()}-${Math.random()}@kizuna.example`, name: "Staff", role: "staff" })
    .returning();
  return row!;
}

/**
 * What Stripe sends when the invoice is paid: by bank transfer into Stripe, the transfer's charge
 * (customer_balance), invoice_payment.paid and invoice.paid; paid out of band, invoice.paid alone.
 */
function paidEvents(
  m: { id: string; organisationId: string | null; stripeInvoiceId: string | null; poNumber: string | null },
  amount: number,
  currency: "usd" | "jpy",
  paidBy: "bank_transfer" | "out_of_band",
) {
  const now = Math.floor(Date.now() / 1000);
  const invoice = corporateInvoiceShape({
    invoiceId: m.stripeInvoiceId!,
    membershipId: m.id,
    organisationId: m.organisationId!,
    customerId: "cus_test_x",
    currency,
    amount,
    status: "paid",
    created: now,
    dueDate: now + 30 * 86_400,
    poNumber: m.poNumber,
  });
  const events = invoicePaidEvents(invoice, { created: now, method: "customer_balance" });
  return paidBy === "out_of_band" ? [events.invoicePaid] : events.all;
}

describe("corporate membership by invoice", () => {
  it("apply → Stripe customer + send_invoice invoice (30 days, PO field, ¥700,000 as 700000, bank transfer) → invoice.paid → active, one payment, one receipt to the company", async () => {
    const outcome = await submitSponsor(t.db, env, sakura, { lang: "ja" });
    expect(outcome.status).toBe(303);
    expect(outcome.location).toMatch(/^http:\/\/localhost:3000\/ja\/sponsor\/thanks\?m=/);
    const membershipId = membershipIdFrom(outcome.location);
    const m = await getMembership(t.db, membershipId);
    expect(m).toMatchObject({ status: "pending", currency: "JPY", interval: "year", poNumber: "PO-2026-0042", personId: null });
    const [org] = await t.db.select().from(organisations).where(eq(organisations.id, m.organisationId!));
    expect(org).toMatchObject({
      legalNameEn: "Sakura Trading Co., Ltd.",
      legalNameJa: "株式会社さくら商事",
      legalNameKana: "サクラショウジ",
      website: "https://www.sakura-trading.example.jp/",
      jpCorporateNumber: "1234567890123",
      billingEmail: "keiri@sakura-trading.example.jp",
      showOnSponsorsPage: true,
    });
    const contacts = await t.db
      .select({ role: organisationContacts.role, email: people.email })
      .from(organisationContacts)
      .innerJoin(people, eq(people.id, organisationContacts.personId))
      .where(eq(organisationContacts.organisationId, org!.id));
    expect(contacts.map((c) => `${c.role}:${c.email}`).sort()).toEqual([
      "billing:keiri@sakura-trading.example.jp",
      "primary:hanako.sato@sakura-trading.example.jp",
    ]);

    expect(stripeCalls.map((c) => c.path)).toEqual([
      "/v1/customers",
      "/v1/invoices",
      "/v1/invoiceitems",
      expect.stringMatching(/^\/v1\/invoices\/in_test_\w+\/finalize$/),
      expect.stringMatching(/^\/v1\/invoices\/in_test_\w+\/send$/),
    ]);
    const [customer, invoice, item, finalize, send] = stripeCalls;
    expect(customer!.headers.get("idempotency-key")).toBe(`organisation-${org!.id}-customer`);
    expect(Object.fromEntries(customer!.params)).toMatchObject({
      email: "keiri@sakura-trading.example.jp",
      "metadata[organisationId]": org!.id,
      "preferred_locales[0]": "ja",
    });
    expect(invoice!.headers.get("idempotency-key")).toBe(`membership-${membershipId}-invoice`);
    expect(Object.fromEntries(invoice!.params)).toMatchObject({
      collection_method: "send_invoice",
      days_until_due: "30",
      currency: "jpy",
      "custom_fields[0][name]": "PO Number",
      "custom_fields[0][value]": "PO-2026-0042",
      "metadata[membershipId]": membershipId,
      "payment_settings[payment_method_types][0]": "customer_balance",
      "payment_settings[payment_method_options][customer_balance][funding_type]": "bank_transfer",
      "payment_settings[payment_method_options][customer_balance][bank_transfer][type]": "jp_bank_transfer",
    });
    expect(item!.headers.get("idempotency-key")).toBe(`membership-${membershipId}-invoice-item`);
    expect(Object.fromEntries(item!.params)).toMatchObject({ amount: "700000", currency: "jpy" });
    expect(finalize!.headers.get("idempotency-key")).toBe(`membership-${membershipId}-invoice-finalize`);
    expect(send!.headers.get("idempotency-key")).toBe(`membership-${membershipId}-invoice-send`);
    expect(m.stripeInvoiceId).toMatch(/^in_test_/);

    const [invoiceEmail] = await t.db
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.organisationId, org!.id), eq(emailOutbox.template, "corporate-invoice")));
    expect(invoiceEmail).toMatchObject({ toEmail: "keiri@sakura-trading.example.jp", locale: "ja" });
    expect(invoiceEmail!.props).toMatchObject({
      recipient: { kind: "organisation", name: "株式会社さくら商事" },
      amount: 700000,
      currency: "JPY",
      poNumber: "PO-2026-0042",
    });
    const rendered = await renderEmail("corporate-invoice", "ja", invoiceEmail!.props);
    expect(rendered.html).toContain("株式会社さくら商事 御中");
    expect(rendered.html).toContain(`https://invoice.stripe.com/i/acct_test/${m.stripeInvoiceId}`);
    expect(rendered.text).toContain("Invoice for"); // the English summary beside the Japanese

    // Paid by bank transfer: Stripe's events, invoice.paid delivered twice.
    const events = paidEvents(m, 700000, "jpy", "bank_transfer");
    for (const event of events) expect((await deliver(t.db, env, event)).status).toBe(200);
    const event = events.at(-1)!;
    expect((await deliver(t.db, env, { ...event, id: `${event.id}x` })).status).toBe(200);
    const after = await getMembership(t.db, membershipId);
    expect(after.status).toBe("active");
    expect(after.currentPeriodEnd!.getTime() - after.currentPeriodStart!.getTime()).toBeGreaterThan(364 * 86_400_000);
    const paymentRows = await t.db.select().from(payments).where(eq(payments.membershipId, membershipId));
    expect(paymentRows).toHaveLength(1);
    expect(paymentRows[0]).toMatchObject({
      organisationId: org!.id,
      personId: null,
      amount: 700000,
      currency: "JPY",
      method: "stripe_bank_transfer",
      stripeInvoiceId: m.stripeInvoiceId,
    });
    const receiptRows = await t.db.select().from(receipts).where(eq(receipts.paymentId, paymentRows[0]!.id));
    expect(receiptRows).toHaveLength(1);
    expect(receiptRows[0]!.locale).toBe("ja");
    expect(receiptRows[0]!.snapshot).toMatchObject({
      payer: {
        kind: "organisation",
        nameEn: "Sakura Trading Co., Ltd.",
        nameJa: "株式会社さくら商事",
        billingContact: { familyName: "鈴木", givenName: "一郎", email: "keiri@sakura-trading.example.jp" },
        poNumber: "PO-2026-0042",
      },
      purpose: { kind: "membership", tierName: { en: "Gold", ja: "ゴールド法人会員" } },
      method: { type: "stripe_bank_transfer" },
    });
    const doc = buildReceiptDocument(receiptRows[0]!, issuerFromEnv(env));
    const jaLines = Object.fromEntries(receiptLines(doc, "ja"));
    expect(jaLines).toMatchObject({ お支払者: "株式会社さくら商事 御中", ご担当: "鈴木 一郎 様", 発注番号: "PO-2026-0042" });
    expect(Object.values(jaLines)).toContain("銀行振込（Stripe経由）");
    expect(Object.fromEntries(receiptLines(doc, "en"))).toMatchObject({ Attention: "鈴木 一郎", "PO number": "PO-2026-0042" });
    expect(Object.values(Object.fromEntries(receiptLines(doc, "en")))).toContain("Bank transfer (via Stripe)");
    const emails = await t.db.select().from(emailOutbox).where(eq(emailOutbox.organisationId, org!.id));
    expect(emails.map((e) => `${e.template}:${e.toEmail}`).sort()).toEqual([
      "corporate-invoice:keiri@sakura-trading.example.jp",
      "receipt:keiri@sakura-trading.example.jp",
      "sponsor-welcome:hanako.sato@sakura-trading.example.jp",
    ]);
    expect(emails.find((e) => e.template === "receipt")!.props).toMatchObject({
      recipient: { kind: "organisation", name: "株式会社さくら商事" },
      receiptId: receiptRows[0]!.id,
    });
  });

  it("invoice.overdue queues one bilingual reminder to the billing contact", async () => {
    const outcome = await submitSponsor(t.db, env, { ...acme, primaryEmail: "overdue@acme.example.com", legalNameEn: "Overdue Inc." });
    const m = await getMembership(t.db, membershipIdFrom(outcome.location));
    const now = Math.floor(Date.now() / 1000);
    const shape = corporateInvoiceShape({
      invoiceId: m.stripeInvoiceId!,
      membershipId: m.id,
      organisationId: m.organisationId!,
      customerId: "cus_x",
      currency: "usd",
      amount: 250000,
      status: "open",
      created: now - 31 * 86_400,
      dueDate: now - 86_400,
      poNumber: m.poNumber,
    });
    const event = stripeEvent("invoice.overdue", shape, now);
    expect((await deliver(t.db, env, event)).status).toBe(200);
    expect((await deliver(t.db, env, { ...event, id: `${event.id}x` })).status).toBe(200);
    const reminders = await t.db
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.organisationId, m.organisationId!), eq(emailOutbox.template, "invoice-overdue")));
    expect(reminders).toHaveLength(1);
    expect(reminders[0]).toMatchObject({ toEmail: "overdue@acme.example.com", locale: "en" });
    const rendered = await renderEmail("invoice-overdue", "en", reminders[0]!.props);
    expect(rendered.text).toContain("$2,500.00");
    expect(rendered.text).toContain("お支払い期限が過ぎています");
    expect(rendered.text).toContain("4500012345");
  });

  it("check path: staff record a check → paid out of band in Stripe → active, receipt, audit; the later invoice.paid counts nothing twice", async () => {
    const outcome = await submitSponsor(t.db, env, acme);
    expect(outcome.status).toBe(303);
    const membershipId = membershipIdFrom(outcome.location);
    const m = await getMembership(t.db, membershipId);
    const staff = await staffUser();
    stripeCalls.length = 0;

    const result = await recordOfflineInvoicePayment(
      { db: t.db, env },
      { membershipId, method: "check", paidAt: new Date("2026-11-27T00:00:00Z"), reference: "Check #1234", staffUserId: staff.id },
    );
    expect(result).toMatchObject({ ok: true, alreadyRecorded: false });
    expect(stripeCalls).toHaveLength(1);
    expect(stripeCalls[0]!.path).toBe(`/v1/invoices/${m.stripeInvoiceId}/pay`);
    expect(stripeCalls[0]!.params.get("paid_out_of_band")).toBe("true");
    expect(stripeCalls[0]!.headers.get("idempotency-key")).toBe(`membership-${membershipId}-invoice-paid-out-of-band`);

    expect((await getMembership(t.db, membershipId)).status).toBe("active");
    let paymentRows = await t.db.select().from(payments).where(eq(payments.membershipId, membershipId));
    expect(paymentRows).toHaveLength(1);
    expect(paymentRows[0]).toMatchObject({
      method: "check",
      amount: 250000,
      currency: "USD",
      recordedByStaffUserId: staff.id,
      stripeInvoiceId: m.stripeInvoiceId,
    });
    const receiptRows = await t.db.select().from(receipts).where(eq(receipts.paymentId, paymentRows[0]!.id));
    expect(receiptRows).toHaveLength(1);
    expect(receiptRows[0]!.snapshot).toMatchObject({
      payer: { kind: "organisation", nameEn: "Acme Corporation", poNumber: "4500012345", billingContact: { email: "jane@acme.example.com" } },
      method: { type: "check" },
    });
    const [audit] = await t.db.select().from(auditLog).where(eq(auditLog.subjectId, membershipId));
    expect(audit).toMatchObject({ actorStaffUserId: staff.id, action: "organisation.invoice.record_offline_payment" });
    expect(audit!.details).toMatchObject({ method: "check", reference: "Check #1234", amount: 250000, currency: "USD" });

    // Stripe's invoice.paid for the invoice marked paid out of band.
    expect((await deliver(t.db, env, paidEvents(m, 250000, "usd", "out_of_band")[0]!)).status).toBe(200);
    paymentRows = await t.db.select().from(payments).where(eq(payments.membershipId, membershipId));
    expect(paymentRows).toHaveLength(1);
    expect(paymentRows[0]!.method).toBe("check");
    const [n] = await t.db.select({ n: count() }).from(receipts).where(eq(receipts.paymentId, paymentRows[0]!.id));
    expect(n!.n).toBe(1);

    // Recording it again changes nothing and asks Stripe nothing.
    stripeCalls.length = 0;
    const again = await recordOfflineInvoicePayment(
      { db: t.db, env },
      { membershipId, method: "check", paidAt: new Date(), reference: "Check #1234", staffUserId: staff.id },
    );
    expect(again).toMatchObject({ ok: true, alreadyRecorded: true });
    expect(stripeCalls).toHaveLength(0);
    expect(await t.db.select().from(payments).where(eq(payments.membershipId, membershipId))).toHaveLength(1);
  });

  it("when invoice.paid (out of band) lands first, the staff record adds the method and staff member, not a second payment", async () => {
    const outcome = await submitSponsor(t.db, env, { ...acme, primaryEmail: "race@acme.example.com", legalNameEn: "Race Corp" });
    const membershipId = membershipIdFrom(outcome.location);
    const m = await getMembership(t.db, membershipId);
    expect((await deliver(t.db, env, paidEvents(m, 250000, "usd", "out_of_band")[0]!)).status).toBe(200);
    const staff = await staffUser();
    stripeCalls.length = 0;
    const result = await recordOfflineInvoicePayment(
      { db: t.db, env },
      { invoiceId: m.stripeInvoiceId!, method: "bank_transfer", paidAt: new Date(), reference: "Wire 778", staffUserId: staff.id },
    );
    expect(result).toMatchObject({ ok: true, alreadyRecorded: true });
    expect(stripeCalls).toHaveLength(0);
    const rows = await t.db.select().from(payments).where(eq(payments.membershipId, membershipId));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ method: "bank_transfer", recordedByStaffUserId: staff.id });
  });

  it("demo gateway: the invoice is local, paying it on the demo page activates; a check is recorded locally without Stripe", async () => {
    const demoEnv = parseEnv({ NODE_ENV: "test", APP_URL: "http://localhost:3000", DATA_DIR: mkdtempSync(path.join(tmpdir(), "kizuna-demo-")) });
    const first = await submitSponsor(t.db, demoEnv, { ...acme, primaryEmail: "demo1@acme.example.com", legalNameEn: "Demo One" });
    const second = await submitSponsor(t.db, demoEnv, { ...acme, primaryEmail: "demo2@acme.example.com", legalNameEn: "Demo Two", payment: "invoice" });
    expect(stripeCalls).toHaveLength(0);
    const one = await getMembership(t.db, membershipIdFrom(first.location));
    const two = await getMembership(t.db, membershipIdFrom(second.location));
    expect(one.stripeInvoiceId).toMatch(/^in_demo_/);
    await payDemoInvoice({ db: t.db, env: demoEnv }, one.stripeInvoiceId!);
    expect((await getMembership(t.db, one.id)).status).toBe("active");
    const staff = await staffUser();
    const result = await recordOfflineInvoicePayment(
      { db: t.db, env: demoEnv },
      { membershipId: two.id, method: "bank_transfer", paidAt: new Date(), reference: "振込 ABC", staffUserId: staff.id },
    );
    expect(result).toMatchObject({ ok: true, alreadyRecorded: false });
    expect((await getMembership(t.db, two.id)).status).toBe("active");
    expect(stripeCalls).toHaveLength(0);
  });

  it("pays by card through Checkout (yearly subscription, the company's billing email) and activates on invoice.paid", async () => {
    const outcome = await submitSponsor(t.db, env, { ...acme, payment: "card", primaryEmail: "card@acme.example.com", legalNameEn: "Card Co" });
    expect(outcome.status).toBe(303);
    expect(outcome.location).toMatch(/^https:\/\/checkout\.stripe\.com\//);
    expect(stripeCalls).toHaveLength(1);
    const call = stripeCalls[0]!;
    expect(call.path).toBe("/v1/checkout/sessions");
    const membershipId = call.params.get("client_reference_id")!;
    expect(call.headers.get("idempotency-key")).toBe(`membership-${membershipId}-checkout`);
    expect(Object.fromEntries(call.params)).toMatchObject({
      mode: "subscription",
      customer_email: "card@acme.example.com",
      "line_items[0][price_data][currency]": "usd",
      "line_items[0][price_data][unit_amount]": "250000",
      "line_items[0][price_data][recurring][interval]": "year",
      success_url: `http://localhost:3000/sponsor/thanks?m=${membershipId}`,
    });
  });
});

describe("bad input on /sponsor", () => {
  const cases: [string, Record<string, string>, string, string][] = [
    ["a missing company name (in Japanese, on the Japanese form)", { legalNameJa: "" }, "legalNameJa", "required"],
    ["a prefecture given for a US address", { country: "US", region: "東京都" }, "region", "invalidRegion"],
    ["no prefecture", { region: "" }, "region", "required"],
    ["a country other than Japan or the US", { country: "FR" }, "country", "invalidCountry"],
    ["an invalid website", { website: "javascript:alert(1)" }, "website", "invalidWebsite"],
    ["a 1,000-character PO number", { poNumber: "P".repeat(1000) }, "poNumber", "tooLong"],
    ["an individual-only tier", { tier: "individual" }, "tier", "individualTier"],
    ["a 12-digit corporate number", { jpCorporateNumber: "123456789012" }, "jpCorporateNumber", "invalidCorporateNumber"],
    ["a billing contact without an email", { billingSame: "", billingEmail: "" }, "billingEmail", "required"],
  ];
  for (const [label, change, field, key] of cases) {
    it(`${label}: 400 with a translated message, values kept, nothing created (here or in Stripe)`, async () => {
      const [before] = await t.db.select({ n: count() }).from(organisations);
      const outcome = await submitSponsor(t.db, env, { ...sakura, ...change }, { lang: "ja" });
      expect(outcome.status).toBe(400);
      expect(outcome.data!.errors[field]).toBe(key);
      const ja = dictionary("ja").sponsor.errors as Record<string, string>;
      const en = dictionary("en").sponsor.errors as Record<string, string>;
      expect(ja[key]).toBeTruthy();
      expect(ja[key]).not.toBe(en[key]);
      if (field !== "legalNameJa") expect(outcome.data!.values.legalNameJa).toBe("株式会社さくら商事");
      expect(outcome.data!.values[field]).toBe(({ ...sakura, ...change } as Record<string, string>)[field]!.slice(0, 1000));
      expect(stripeCalls).toHaveLength(0);
      const [after] = await t.db.select({ n: count() }).from(organisations);
      expect(after!.n).toBe(before!.n);
    });
  }

  it("asks the legal name in the page's language: English on /sponsor; on /ja/sponsor the English one may be left out", async () => {
    const english = await submitSponsor(t.db, env, { ...sakura, legalNameEn: "", primaryEmail: "en-form@sakura.example.jp" });
    expect(english.status).toBe(400);
    expect(english.data!.errors.legalNameEn).toBe("required");
    const japanese = await submitSponsor(t.db, env, { ...sakura, legalNameEn: "", primaryEmail: "ja-form@sakura.example.jp" }, { lang: "ja" });
    expect(japanese.status).toBe(303);
    const [org] = await t.db
      .select()
      .from(organisations)
      .where(eq(organisations.legalNameJa, "株式会社さくら商事"))
      .orderBy(desc(organisations.createdAt))
      .limit(1);
    // Stored with the Japanese name standing in for the English one; the prefecture, typed as a name, as its code.
    expect(org).toMatchObject({ legalNameEn: "株式会社さくら商事", country: "JP", region: "13" });
  });

  it("a Stripe failure leaves nothing behind and says so", async () => {
    const { http } = await import("msw");
    const { stripeError, STRIPE } = await import("../mocks/stripe");
    stripeServer.use(http.post(`${STRIPE}/v1/invoices`, () => stripeError(500, "api_error", "internal", "boom")));
    const [before] = await t.db.select({ n: count() }).from(memberships);
    const outcome = await submitSponsor(t.db, env, { ...acme, primaryEmail: "fail@acme.example.com", legalNameEn: "Fail Co" });
    expect(outcome.status).toBe(503);
    expect(outcome.data!.formError).toBe("unavailable");
    const [after] = await t.db.select({ n: count() }).from(memberships);
    expect(after!.n).toBe(before!.n);
    expect(await t.db.select().from(organisations).where(eq(organisations.legalNameEn, "Fail Co"))).toHaveLength(0);
  });
});
