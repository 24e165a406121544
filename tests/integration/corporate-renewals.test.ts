/**
 * Next year's invoice for companies that pay by invoice: issued once, N days before the year
 * ends; paying it extends the same membership; unpaid, the membership goes past due and lapses,
 * and a later payment restores it.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { http } from "msw";
import { describe, expect, it } from "vitest";
import { corporateInvoices, emailOutbox, memberships, payments, receipts, staffUsers, tierPrices, tiers } from "../../db/schema";
import { parseEnv } from "~/modules/config/env.server";
import { corporateInvoiceShape, invoicePaidEvents, stripeEvent } from "~/modules/billing/stripe-shapes.server";
import { endInvoiceTerms, expireGracePeriods } from "~/modules/billing/lifecycle.server";
import { getDemoInvoice, payDemoInvoice } from "~/modules/billing/demo.server";
import { recordOfflineInvoicePayment } from "~/modules/corporate/corporate-billing.server";
import { issueDueRenewalInvoices, issueRenewalInvoice } from "~/modules/corporate/renewals.server";
import { queueRenewalReminders } from "~/modules/email/reminders.server";
import { renderEmail } from "../../emails";
import { STRIPE, stripeCalls, stripeError, stripeServer, useStripeMock } from "../mocks/stripe";
import { useTestDatabase } from "../setup/test-db";
import { billingEnv, deliver, getMembership } from "../fixtures/billing";
import { acme, submitSponsor } from "../fixtures/corporate";

const t = useTestDatabase();
const env = billingEnv();
const DAY = 86_400_000;

useStripeMock();

let seq = 0;
/** A company that applied to pay by invoice and paid its first year by bank transfer in Stripe. */
async function paidCompany(fields: Record<string, string> = {}, options: { env?: typeof env } = {}) {
  const n = ++seq;
  const e = options.env ?? env;
  const outcome = await submitSponsor(
    t.db,
    e,
    { ...acme, primaryEmail: `jane${n}@acme${n}.example.com`, legalNameEn: `Acme ${n} Inc.`, ...fields },
    fields.preferredLocale === "ja" ? { lang: "ja" } : {},
  );
  expect(outcome.status).toBe(303);
  const membershipId = /m=([0-9a-f-]{36})/.exec(outcome.location!)![1]!;
  const m = await getMembership(t.db, membershipId);
  const now = Math.floor(Date.now() / 1000);
  const [price] = await t.db.select().from(tierPrices).where(eq(tierPrices.id, m.priceId!));
  const invoice = corporateInvoiceShape({
    invoiceId: m.stripeInvoiceId!,
    membershipId,
    organisationId: m.organisationId!,
    customerId: "cus_test_x",
    currency: price!.currency === "JPY" ? "jpy" : "usd",
    amount: price!.amount,
    status: "paid",
    created: now,
    dueDate: now + 30 * 86_400,
    poNumber: m.poNumber,
  });
  for (const event of invoicePaidEvents(invoice, { created: now, method: "customer_balance" }).all) expect((await deliver(t.db, e, event)).status).toBe(200);
  stripeCalls.length = 0;
  return getMembership(t.db, membershipId);
}

/** Stripe's invoice.paid for a renewal invoice (and, paid by bank transfer into Stripe, the transfer's charge and invoice payment before it). */
function renewalPaidEvents(
  m: { id: string; organisationId: string | null },
  invoice: { id: string; stripeInvoiceId: string | null; amount: number; currency: string; poNumber: string | null },
  paidBy: "bank_transfer" | "out_of_band" = "bank_transfer",
  at = Math.floor(Date.now() / 1000),
) {
  const shape = corporateInvoiceShape({
    invoiceId: invoice.stripeInvoiceId!,
    membershipId: m.id,
    organisationId: m.organisationId!,
    customerId: "cus_test_x",
    currency: invoice.currency === "JPY" ? "jpy" : "usd",
    amount: invoice.amount,
    status: "paid",
    created: at,
    dueDate: at + 30 * 86_400,
    poNumber: invoice.poNumber,
    corporateInvoiceId: invoice.id,
  });
  const events = invoicePaidEvents(shape, { created: at, method: "customer_balance" });
  return paidBy === "out_of_band" ? [events.invoicePaid] : events.all;
}
async function deliverAllOf(events: ReturnType<typeof renewalPaidEvents>) {
  for (const event of events) expect((await deliver(t.db, env, event)).status).toBe(200);
  return events.at(-1)!;
}

async function renewalRows(membershipId: string) {
  return t.db
    .select()
    .from(corporateInvoices)
    .where(and(eq(corporateInvoices.membershipId, membershipId), eq(corporateInvoices.kind, "renewal")));
}

async function staffUser() {
  const [row] = await t.db
    .insert(staffUsers)
    .values({ email: `staff-${Date.now()}-${Math.random()}@kizuna.example`, name: "Staff", role: "staff" })
    .returning();
  return row!;
}

describe("next year's invoice for a company that pays by invoice", () => {
  it("is created once, 30 days before the year ends, at the tier's current price with the PO carried over, emailed to the billing contact; paying it extends the same membership (one payment, one receipt)", async () => {
    const m = await paidCompany();
    const periodEnd = m.currentPeriodEnd!;
    // The association raised the Silver price since the company joined.
    const [silver] = await t.db.select().from(tiers).where(eq(tiers.slug, "silver"));
    await t.db
      .update(tierPrices)
      .set({ active: false })
      .where(and(eq(tierPrices.tierId, silver!.id), eq(tierPrices.currency, "USD"), eq(tierPrices.interval, "year")));
    await t.db.insert(tierPrices).values({ tierId: silver!.id, currency: "USD", interval: "year", amount: 275000, lookupKey: "silver_yearly_usd_2027" });

    // 31 days before: not yet.
    expect(await issueDueRenewalInvoices({ db: t.db, env }, new Date(periodEnd.getTime() - 31 * DAY))).toBe(0);
    expect(stripeCalls).toHaveLength(0);

    const when = new Date(periodEnd.getTime() - 29 * DAY);
    expect(await issueDueRenewalInvoices({ db: t.db, env }, when)).toBe(1);
    const [row] = await renewalRows(m.id);
    expect(row).toMatchObject({ status: "open", amount: 275000, currency: "USD", poNumber: "4500012345", tierId: silver!.id });
    expect(row!.periodStart!.getTime()).toBe(periodEnd.getTime());
    expect(row!.periodEnd!.getTime() - periodEnd.getTime()).toBeGreaterThan(364 * DAY);
    expect(stripeCalls.map((c) => c.path)).toEqual([
      "/v1/invoices",
      "/v1/invoiceitems",
      `/v1/invoices/${row!.stripeInvoiceId}/finalize`,
      `/v1/invoices/${row!.stripeInvoiceId}/send`,
    ]);
    const [invoiceCall, item] = stripeCalls;
    expect(invoiceCall!.headers.get("idempotency-key")).toBe(`corporate-invoice-${row!.id}`);
    expect(Object.fromEntries(invoiceCall!.params)).toMatchObject({
      collection_method: "send_invoice",
      days_until_due: "30",
      currency: "usd",
      customer: m.stripeCustomerId,
      "custom_fields[0][name]": "PO Number",
      "custom_fields[0][value]": "4500012345",
      "metadata[membershipId]": m.id,
      "metadata[corporateInvoiceId]": row!.id,
      "metadata[renewal]": "true",
    });
    expect(item!.headers.get("idempotency-key")).toBe(`corporate-invoice-${row!.id}-item`);
    expect(Object.fromEntries(item!.params)).toMatchObject({ amount: "275000", currency: "usd" });

    const [mail] = await t.db
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.organisationId, m.organisationId!), eq(emailOutbox.template, "corporate-renewal-invoice")));
    expect(mail).toMatchObject({ toEmail: `jane${seq}@acme${seq}.example.com`, locale: "en" });
    // Not also the card holders' "your card will be charged" reminder.
    await queueRenewalReminders(t.db, env, when);
    expect(
      await t.db
        .select()
        .from(emailOutbox)
        .where(and(eq(emailOutbox.organisationId, m.organisationId!), eq(emailOutbox.template, "renewal-reminder"))),
    ).toHaveLength(0);
    const rendered = await renderEmail("corporate-renewal-invoice", "en", mail!.props);
    expect(rendered.html).toContain(`https://invoice.stripe.com/i/acct_test/${row!.stripeInvoiceId}`);
    expect(rendered.text).toContain("$2,750.00");
    expect(rendered.text).toContain("4500012345");
    expect(rendered.text).toContain("次年度"); // the Japanese summary beside the English

    // Again (another run, another instance): nothing new here or in Stripe.
    stripeCalls.length = 0;
    expect(await issueDueRenewalInvoices({ db: t.db, env }, new Date(when.getTime() + DAY))).toBe(0);
    expect(await issueRenewalInvoice({ db: t.db, env }, m.id, { now: when })).toMatchObject({ ok: true, created: false });
    expect(stripeCalls).toHaveLength(0);
    expect(await renewalRows(m.id)).toHaveLength(1);

    // Paid by bank transfer before the year ends; Stripe delivers invoice.paid twice.
    const event = await deliverAllOf(renewalPaidEvents(m, row!));
    expect((await deliver(t.db, env, { ...event, id: `${event.id}x` })).status).toBe(200);
    const after = await getMembership(t.db, m.id);
    expect(after.status).toBe("active");
    expect(after.currentPeriodStart!.getTime()).toBe(periodEnd.getTime());
    expect(after.currentPeriodEnd!.getTime()).toBe(row!.periodEnd!.getTime());
    const paid = await t.db.select().from(payments).where(eq(payments.membershipId, m.id));
    expect(paid).toHaveLength(2);
    const renewalPayment = paid.find((p) => p.stripeInvoiceId === row!.stripeInvoiceId)!;
    expect(renewalPayment).toMatchObject({ amount: 275000, currency: "USD", method: "stripe_bank_transfer" });
    expect(await t.db.select().from(receipts).where(eq(receipts.paymentId, renewalPayment.id))).toHaveLength(1);
    const [paidRow] = await renewalRows(m.id);
    expect(paidRow!.status).toBe("paid");
    // Its welcome email went out once, for the first year.
    const welcomes = await t.db
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.organisationId, m.organisationId!), eq(emailOutbox.template, "sponsor-welcome")));
    expect(welcomes).toHaveLength(1);

    // The next year's job sees the new period: nothing is due for a year.
    expect(await issueDueRenewalInvoices({ db: t.db, env }, new Date(when.getTime() + 2 * DAY))).toBe(0);
  });

  it("unpaid at year end: past due with grace and a reminder, then lapsed with a lapse notice to the billing contact (御中); a check staff record later restores it for the renewed year", async () => {
    const m = await paidCompany({ preferredLocale: "ja", legalNameJa: "株式会社エーシーエム", tier: "gold", currency: "JPY", poNumber: "発注-77" });
    const periodEnd = m.currentPeriodEnd!;
    expect(await issueDueRenewalInvoices({ db: t.db, env }, new Date(periodEnd.getTime() - 10 * DAY))).toBe(1);
    const [row] = await renewalRows(m.id);
    expect(row).toMatchObject({ amount: 700000, currency: "JPY", poNumber: "発注-77" });
    const [mail] = await t.db
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.organisationId, m.organisationId!), eq(emailOutbox.template, "corporate-renewal-invoice")));
    expect(mail!.locale).toBe("ja");
    expect((await renderEmail("corporate-renewal-invoice", "ja", mail!.props)).html).toContain("株式会社エーシーエム 御中");

    const end = new Date(periodEnd.getTime() + 1000);
    expect(await endInvoiceTerms(t.db, env, end)).toBeGreaterThanOrEqual(1);
    const pastDue = await getMembership(t.db, m.id);
    expect(pastDue.status).toBe("past_due");
    const overdue = await t.db
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.organisationId, m.organisationId!), eq(emailOutbox.template, "invoice-overdue")));
    expect(overdue).toHaveLength(1);
    expect(overdue[0]!.props).toMatchObject({ recipient: { kind: "organisation", name: "株式会社エーシーエム" }, amount: 700000, poNumber: "発注-77" });

    await expireGracePeriods(t.db, env, new Date(pastDue.graceUntil!.getTime() + 1000));
    expect((await getMembership(t.db, m.id)).status).toBe("lapsed");
    const lapsed = await t.db
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.organisationId, m.organisationId!), eq(emailOutbox.template, "membership-lapsed")));
    expect(lapsed).toHaveLength(1);
    expect(lapsed[0]).toMatchObject({ locale: "ja" });
    expect((await renderEmail("membership-lapsed", "ja", lapsed[0]!.props)).html).toContain("株式会社エーシーエム 御中");

    // The check arrives: staff record it against the open renewal invoice.
    const staff = await staffUser();
    const result = await recordOfflineInvoicePayment(
      { db: t.db, env },
      { membershipId: m.id, method: "check", paidAt: new Date(), reference: "小切手 0099", staffUserId: staff.id },
    );
    expect(result).toMatchObject({ ok: true, alreadyRecorded: false });
    expect(stripeCalls.at(-1)!.path).toBe(`/v1/invoices/${row!.stripeInvoiceId}/pay`);
    expect(stripeCalls.at(-1)!.headers.get("idempotency-key")).toBe(`corporate-invoice-${row!.id}-paid-out-of-band`);
    const restored = await getMembership(t.db, m.id);
    expect(restored.status).toBe("active");
    expect(restored.currentPeriodEnd!.getTime()).toBe(row!.periodEnd!.getTime());
    const renewalPayments = await t.db.select().from(payments).where(eq(payments.stripeInvoiceId, row!.stripeInvoiceId!));
    expect(renewalPayments).toHaveLength(1);
    expect(renewalPayments[0]).toMatchObject({ method: "check", amount: 700000, currency: "JPY" });
    // Stripe's invoice.paid (out of band) afterwards counts nothing twice.
    await deliverAllOf(renewalPaidEvents(m, row!, "out_of_band"));
    expect(await t.db.select().from(payments).where(eq(payments.stripeInvoiceId, row!.stripeInvoiceId!))).toHaveLength(1);
  });

  it("uses the tier staff chose for renewal, and the membership moves to it once the invoice is paid", async () => {
    const m = await paidCompany();
    const [gold] = await t.db.select().from(tiers).where(eq(tiers.slug, "gold"));
    await t.db.update(memberships).set({ renewalTierId: gold!.id }).where(eq(memberships.id, m.id));
    const result = await issueRenewalInvoice({ db: t.db, env }, m.id);
    expect(result).toMatchObject({ ok: true, created: true });
    const [row] = await renewalRows(m.id);
    expect(row).toMatchObject({ tierId: gold!.id, amount: 500000, currency: "USD" });
    expect((await getMembership(t.db, m.id)).tierId).not.toBe(gold!.id);
    await deliverAllOf(renewalPaidEvents(m, row!));
    const after = await getMembership(t.db, m.id);
    expect(after).toMatchObject({ tierId: gold!.id, renewalTierId: null, status: "active" });
  });

  it("a renewal invoice voided in Stripe (to change the tier) can be issued again, as a new invoice at the new tier", async () => {
    const m = await paidCompany();
    expect(await issueRenewalInvoice({ db: t.db, env }, m.id)).toMatchObject({ ok: true, created: true });
    const [first] = await renewalRows(m.id);
    const at = Math.floor(Date.now() / 1000);
    const voided = corporateInvoiceShape({
      invoiceId: first!.stripeInvoiceId!,
      membershipId: m.id,
      organisationId: m.organisationId!,
      customerId: "cus_test_x",
      currency: "usd",
      amount: first!.amount,
      status: "open",
      created: at,
      dueDate: at + 30 * 86_400,
      poNumber: first!.poNumber,
      corporateInvoiceId: first!.id,
    });
    expect((await deliver(t.db, env, stripeEvent("invoice.voided", { ...voided, status: "void" }, at))).status).toBe(200);
    expect((await renewalRows(m.id))[0]!.status).toBe("void");
    const [gold] = await t.db.select().from(tiers).where(eq(tiers.slug, "gold"));
    await t.db.update(memberships).set({ renewalTierId: gold!.id }).where(eq(memberships.id, m.id));
    stripeCalls.length = 0;
    expect(await issueDueRenewalInvoices({ db: t.db, env }, new Date(m.currentPeriodEnd!.getTime() - DAY))).toBe(1);
    const rows = await renewalRows(m.id);
    const second = rows.find((r) => r.status === "open")!;
    expect(rows).toHaveLength(2);
    expect(second).toMatchObject({ tierId: gold!.id, amount: 500000 });
    expect(second.stripeInvoiceId).not.toBe(first!.stripeInvoiceId);
    expect(stripeCalls[0]!.headers.get("idempotency-key")).toBe(`corporate-invoice-${second.id}`);
    // A void invoice is not offered to record a check against: the new one is.
    const staff = await staffUser();
    expect(
      await recordOfflineInvoicePayment(
        { db: t.db, env },
        { membershipId: m.id, method: "bank_transfer", paidAt: new Date(), reference: "wire", staffUserId: staff.id },
      ),
    ).toMatchObject({ ok: true, alreadyRecorded: false });
    expect(await t.db.select().from(payments).where(eq(payments.stripeInvoiceId, second.stripeInvoiceId!))).toHaveLength(1);
    expect((await getMembership(t.db, m.id)).tierId).toBe(gold!.id);
  });

  it("a Stripe failure leaves the year claimed but not invoiced; the next run makes it with the same idempotency key", async () => {
    const m = await paidCompany();
    stripeServer.use(http.post(`${STRIPE}/v1/invoices`, () => stripeError(500, "api_error", "internal", "boom")));
    const failed = await issueRenewalInvoice({ db: t.db, env }, m.id);
    expect(failed).toEqual({ ok: false, error: "stripeFailed" });
    const [draft] = await renewalRows(m.id);
    expect(draft).toMatchObject({ status: "draft", stripeInvoiceId: null, claimedAt: null });
    expect(
      await t.db
        .select()
        .from(emailOutbox)
        .where(and(eq(emailOutbox.organisationId, m.organisationId!), eq(emailOutbox.template, "corporate-renewal-invoice"))),
    ).toHaveLength(0);
    stripeServer.resetHandlers();
    stripeCalls.length = 0;
    expect(await issueDueRenewalInvoices({ db: t.db, env }, new Date(m.currentPeriodEnd!.getTime() - DAY))).toBe(1);
    expect(stripeCalls[0]!.headers.get("idempotency-key")).toBe(`corporate-invoice-${draft!.id}`);
    expect(await renewalRows(m.id)).toHaveLength(1);
  });

  it("card subscriptions, pending or cancelled companies get no renewal invoice", async () => {
    const pending = await submitSponsor(t.db, env, { ...acme, primaryEmail: "pending@renew.example.com", legalNameEn: "Pending Co" });
    const pendingId = /m=([0-9a-f-]{36})/.exec(pending.location!)![1]!;
    expect(await issueRenewalInvoice({ db: t.db, env }, pendingId)).toEqual({ ok: false, error: "notRenewable" });
    const cancelled = await paidCompany();
    await t.db.update(memberships).set({ cancelAtPeriodEnd: true }).where(eq(memberships.id, cancelled.id));
    expect(await issueRenewalInvoice({ db: t.db, env }, cancelled.id)).toEqual({ ok: false, error: "notRenewable" });
    const card = await paidCompany();
    await t.db
      .update(memberships)
      .set({ stripeSubscriptionId: `sub_test_${card.id.slice(0, 8)}` })
      .where(eq(memberships.id, card.id));
    expect(await issueRenewalInvoice({ db: t.db, env }, card.id)).toEqual({ ok: false, error: "notInvoiced" });
    expect(stripeCalls).toHaveLength(0);
    // A cancelled company's year simply ends.
    await endInvoiceTerms(t.db, env, new Date(cancelled.currentPeriodEnd!.getTime() + 1000));
    expect((await getMembership(t.db, cancelled.id)).status).toBe("canceled");
  });

  it("demo gateway: the renewal invoice is the local invoice page; paying it there extends the year", async () => {
    const demoEnv = parseEnv({ NODE_ENV: "test", APP_URL: "http://localhost:3000", DATA_DIR: mkdtempSync(path.join(tmpdir(), "kizuna-demo-")) });
    const outcome = await submitSponsor(t.db, demoEnv, { ...acme, primaryEmail: "demo@renew.example.com", legalNameEn: "Demo Renew" });
    const id = /m=([0-9a-f-]{36})/.exec(outcome.location!)![1]!;
    const first = await getMembership(t.db, id);
    await payDemoInvoice({ db: t.db, env: demoEnv }, first.stripeInvoiceId!);
    const m = await getMembership(t.db, id);
    expect(m.status).toBe("active");
    const result = await issueRenewalInvoice({ db: t.db, env: demoEnv }, id);
    expect(result.ok).toBe(true);
    const invoice = (result as { invoice: { stripeInvoiceId: string; hostedInvoiceUrl: string } }).invoice;
    expect(invoice.stripeInvoiceId).toMatch(/^in_demo_r[0-9a-f]{32}$/);
    expect(invoice.hostedInvoiceUrl).toBe(`http://localhost:3000/demo-invoice/${invoice.stripeInvoiceId}`);
    expect(await getDemoInvoice({ db: t.db, env: demoEnv }, invoice.stripeInvoiceId)).toMatchObject({ membershipId: id, paid: false, amount: 275000 }); // Silver's price, raised in the first test;
    await payDemoInvoice({ db: t.db, env: demoEnv }, invoice.stripeInvoiceId);
    const after = await getMembership(t.db, id);
    expect(after.currentPeriodEnd!.getTime()).toBeGreaterThan(m.currentPeriodEnd!.getTime() + 364 * DAY);
    expect(stripeCalls).toHaveLength(0);
  });
});
