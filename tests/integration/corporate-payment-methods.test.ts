/**
 * How a company paid its invoice, recorded as it was and printed in both languages: card on
 * Stripe's invoice page, bank transfer into Stripe (customer_balance), both read from the charge
 * (charge.succeeded) that invoice_payment.paid links to the invoice, or a check / wire staff
 * record (after Stripe's "paid out of band" invoice.paid, which alone cannot say how).
 */
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { emailOutbox, payments, receipts, staffUsers } from "../../db/schema";
import { corporateInvoiceShape, invoicePaidEvents, stripeEvent } from "~/modules/billing/stripe-shapes.server";
import { recordOfflineInvoicePayment } from "~/modules/corporate/corporate-billing.server";
import { buildReceiptDocument, receiptLines } from "~/modules/receipts/receipt-document";
import { issuerFromEnv } from "~/modules/receipts/receipts.server";
import { renderEmail, templates } from "../../emails";
import { useStripeMock } from "../mocks/stripe";
import { useTestDatabase } from "../setup/test-db";
import { billingEnv, deliver, getMembership } from "../fixtures/billing";
import { sakura, submitSponsor } from "../fixtures/corporate";

const t = useTestDatabase();
const env = billingEnv();

useStripeMock();

let seq = 0;
async function invoicedCompany() {
  const n = ++seq;
  const outcome = await submitSponsor(
    t.db,
    env,
    { ...sakura, primaryEmail: `p${n}@method${n}.example.jp`, billingEmail: `b${n}@method${n}.example.jp`, legalNameEn: `Method ${n}` },
    { lang: "ja" },
  );
  expect(outcome.status).toBe(303);
  return getMembership(t.db, /m=([0-9a-f-]{36})/.exec(outcome.location!)![1]!);
}

type M = Awaited<ReturnType<typeof invoicedCompany>>;
const now = () => Math.floor(Date.now() / 1000);

/** What Stripe sends when the company pays: charge.succeeded, invoice_payment.paid and invoice.paid (or, paid out of band, invoice.paid alone). */
function paid(m: M, method: "card" | "customer_balance" = "card") {
  const at = now();
  const invoice = corporateInvoiceShape({
    invoiceId: m.stripeInvoiceId!,
    membershipId: m.id,
    organisationId: m.organisationId!,
    customerId: "cus_test_m",
    currency: "jpy",
    amount: 700000,
    status: "paid",
    created: at,
    dueDate: at + 30 * 86_400,
    poNumber: m.poNumber,
  });
  return invoicePaidEvents(invoice, { created: at, method, brand: "jcb", last4: "0005" });
}

async function paymentAndReceipt(m: M) {
  const [payment] = await t.db.select().from(payments).where(eq(payments.stripeInvoiceId, m.stripeInvoiceId!));
  const [receipt] = await t.db.select().from(receipts).where(eq(receipts.paymentId, payment!.id));
  const doc = buildReceiptDocument(receipt!, issuerFromEnv(env));
  return {
    payment: payment!,
    receipt: receipt!,
    ja: Object.values(Object.fromEntries(receiptLines(doc, "ja"))),
    en: Object.values(Object.fromEntries(receiptLines(doc, "en"))),
  };
}

describe("how a company paid its invoice", () => {
  it("by card on Stripe's invoice page (charge first): card, with brand and last 4 on the receipt in both languages", async () => {
    const m = await invoicedCompany();
    for (const event of paid(m, "card").all) expect((await deliver(t.db, env, event)).status).toBe(200);
    const r = await paymentAndReceipt(m);
    expect(r.payment).toMatchObject({ method: "card", cardBrand: "jcb", cardLast4: "0005" });
    expect(r.receipt.snapshot).toMatchObject({ method: { type: "card", brand: "jcb", last4: "0005" } });
    expect(r.ja).toContain("クレジットカード JCB •••• 0005");
    expect(r.en).toContain("Card JCB •••• 0005");
  });

  it("a refund of a company's payment issues one corrected receipt, emailed to its billing contact addressed to the company", async () => {
    const m = await invoicedCompany();
    const events = paid(m, "card");
    for (const event of events.all) expect((await deliver(t.db, env, event)).status).toBe(200);
    const refund = stripeEvent("charge.refunded", { ...events.charge.data.object, amount_refunded: 700000, refunded: true });
    expect((await deliver(t.db, env, refund)).status).toBe(200);
    expect((await deliver(t.db, env, { ...refund, id: `${refund.id}x` })).status).toBe(200);
    const { payment } = await paymentAndReceipt(m);
    expect(payment.refundedAmount).toBe(700000);
    const rows = await t.db.select().from(receipts).where(eq(receipts.paymentId, payment.id)).orderBy(receipts.seq);
    expect(rows.map((r) => [r.kind, r.amount])).toEqual([
      ["original", 700000],
      ["corrected", 0],
    ]);
    const [mail] = await t.db
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.template, "receipt"), sql`${emailOutbox.props} ->> 'receiptId' = ${rows[1]!.id}`));
    expect(mail).toMatchObject({
      toEmail: `b${seq}@method${seq}.example.jp`,
      locale: "ja",
      organisationId: m.organisationId,
      props: { recipient: { kind: "organisation", name: "株式会社さくら商事" } },
    });
    expect((await renderEmail("receipt", "ja", { ...(templates.receipt.previews.ja as object), recipient: mail!.props.recipient })).html).toContain(
      "株式会社さくら商事 御中",
    );
  });

  it("by card, when invoice.paid comes before the charge: 'paid through Stripe', then corrected to card on the payment and the receipt", async () => {
    const m = await invoicedCompany();
    const events = paid(m, "card");
    expect((await deliver(t.db, env, events.invoicePaid)).status).toBe(200);
    expect((await paymentAndReceipt(m)).payment.method).toBe("stripe");
    expect((await paymentAndReceipt(m)).en).toContain("Paid through Stripe");
    expect((await deliver(t.db, env, events.invoicePayment)).status).toBe(200);
    expect((await deliver(t.db, env, events.charge)).status).toBe(200);
    const r = await paymentAndReceipt(m);
    expect(r.payment).toMatchObject({ method: "card", cardBrand: "jcb", cardLast4: "0005" });
    expect(r.receipt.snapshot).toMatchObject({ method: { type: "card", brand: "jcb", last4: "0005" } });
  });

  it("by bank transfer into Stripe (customer_balance): 'Stripe bank transfer', labelled in both languages on receipt and email", async () => {
    const m = await invoicedCompany();
    const events = paid(m, "customer_balance");
    for (const event of [events.invoicePayment, events.invoicePaid, events.charge]) expect((await deliver(t.db, env, event)).status).toBe(200);
    const r = await paymentAndReceipt(m);
    expect(r.payment).toMatchObject({ method: "stripe_bank_transfer", cardLast4: null });
    expect(r.ja).toContain("銀行振込（Stripe経由）");
    expect(r.en).toContain("Bank transfer (via Stripe)");
    for (const locale of ["en", "ja"] as const) {
      const preview = templates.receipt.previews[locale] as { receipt: Record<string, unknown> };
      const mail = await renderEmail("receipt", locale, { ...preview, receipt: { ...preview.receipt, method: { type: "stripe_bank_transfer" } } });
      expect(mail.text).toContain(locale === "ja" ? "銀行振込（Stripe経由）" : "Bank transfer (via Stripe)");
    }
  });

  it("by check recorded by staff after Stripe's out-of-band invoice.paid: the payment and its receipt say check", async () => {
    const m = await invoicedCompany();
    // Paid out of band: Stripe sends invoice.paid and nothing else (no invoice payment, no charge).
    expect((await deliver(t.db, env, paid(m).invoicePaid)).status).toBe(200);
    let r = await paymentAndReceipt(m);
    expect(r.payment.method).toBe("stripe");
    const [staff] = await t.db
      .insert(staffUsers)
      .values({ email: `s${seq}@kizuna.example`, name: "S", role: "staff" })
      .returning();
    expect(
      await recordOfflineInvoicePayment(
        { db: t.db, env },
        { membershipId: m.id, method: "check", paidAt: new Date(), reference: "小切手 12", staffUserId: staff!.id },
      ),
    ).toMatchObject({ ok: true, alreadyRecorded: true });
    r = await paymentAndReceipt(m);
    expect(r.payment).toMatchObject({ method: "check", recordedByStaffUserId: staff!.id });
    expect(r.receipt.snapshot).toMatchObject({ method: { type: "check" } });
    expect(r.ja).toContain("小切手");
    expect(r.en).toContain("Check");
  });
});
