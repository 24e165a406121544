import { count, eq, sql, type SQL } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { http } from "msw";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { connect } from "../../db/client";
import { emailOutbox, membershipStatusHistory, payments, receipts, stripeEvents } from "../../db/schema";
import { membershipHandlers } from "~/modules/billing/handlers.server";
import type { Handler } from "~/modules/billing/handler-registry.server";
import { expireGracePeriods } from "~/modules/billing/lifecycle.server";
import { replayStripeEvent } from "~/modules/billing/webhook.server";
import { getDashboard } from "~/modules/staff/dashboard.server";
import {
  addInterval,
  chargeShape,
  checkoutSessionShape,
  demoId,
  disputeShape,
  invoicePaidEvents,
  invoiceShape,
  paymentIntentFor,
  stripeEvent,
  subscriptionShape,
  type EventShape,
  type SubscriptionRefs,
} from "~/modules/billing/stripe-shapes.server";
import { STRIPE, stripeCalls, stripeError, stripeHas, stripeServer, useStripeMock } from "../mocks/stripe";
import { expectConsoleError } from "../setup/console";
import { useTestDatabase } from "../setup/test-db";
import { billingEnv, createPendingMembership, deliver, getMembership } from "../fixtures/billing";

/** The memberships' table, for tests that hold or break one handler (restored after each). */
const handlers = membershipHandlers as Record<string, Handler>;

const t = useTestDatabase();
const env = billingEnv();
useStripeMock();
const T0 = Math.floor(Date.UTC(2026, 10, 28, 4, 0, 0) / 1000);

function checkoutCompleted(refs: SubscriptionRefs, created: number, paid = true) {
  return stripeEvent(
    "checkout.session.completed",
    checkoutSessionShape({ ...refs, sessionId: demoId("cs_test"), email: "taro@example.jp", locale: "ja", paid }, created),
    created,
  );
}
function subscriptionEvent(
  type: string,
  refs: SubscriptionRefs,
  status: Stripe.Subscription.Status,
  created: number,
  extra: { cancelAtPeriodEnd?: boolean; endedAt?: number; periodStart?: number } = {},
) {
  const periodStart = extra.periodStart ?? T0;
  return stripeEvent(
    type,
    subscriptionShape(refs, { status, periodStart, periodEnd: addInterval(periodStart, refs.interval), created: T0, ...extra }),
    created,
  );
}
/** Stripe holds the subscription as this event shows it (the webhook code re-reads it). */
const stripeHasNow = (event: EventShape) => stripeHas(event.data.object);
function invoiceEvent(
  type: string,
  refs: SubscriptionRefs,
  created: number,
  options: { invoiceId?: string; periodStart?: number; status?: "paid" | "open"; attemptCount?: number } = {},
) {
  const periodStart = options.periodStart ?? T0;
  return stripeEvent(
    type,
    invoiceShape(refs, {
      invoiceId: options.invoiceId ?? demoId("in"),
      status: options.status ?? (type === "invoice.paid" ? "paid" : "open"),
      periodStart,
      periodEnd: addInterval(periodStart, refs.interval),
      created,
      attemptCount: options.attemptCount,
    }),
    created,
  );
}

async function countWhere(table: PgTable, where: SQL | undefined) {
  const [row] = await t.db.select({ n: count() }).from(table).where(where);
  return row!.n;
}

async function outboxFor(personId: string) {
  return t.db.select().from(emailOutbox).where(eq(emailOutbox.personId, personId)).orderBy(emailOutbox.createdAt);
}

describe("Stripe webhooks: the billing core", () => {
  it("checkout.session.completed + invoice.paid → active, one payment, one receipt number, welcome and receipt emails", async () => {
    const { membership, person, refs } = await createPendingMembership(t.db, { currency: "JPY" });
    expect((await deliver(t.db, env, checkoutCompleted(refs, T0))).status).toBe(200);
    const paid = invoiceEvent("invoice.paid", refs, T0 + 1);
    expect(await deliver(t.db, env, paid)).toEqual({ status: 200, body: { received: true, outcome: "applied" } });

    const after = await getMembership(t.db, membership.id);
    expect(after).toMatchObject({ status: "active", stripeSubscriptionId: refs.subscriptionId, stripeCustomerId: refs.customerId, graceUntil: null });
    expect(after.currentPeriodEnd?.toISOString()).toBe(new Date(addInterval(T0, "year") * 1000).toISOString());
    const paymentRows = await t.db.select().from(payments).where(eq(payments.membershipId, membership.id));
    expect(paymentRows).toHaveLength(1);
    expect(paymentRows[0]).toMatchObject({ amount: 8000, currency: "JPY", stripeInvoiceId: paid.data.object.id, personId: person.id });
    const receiptRows = await t.db.select().from(receipts).where(eq(receipts.paymentId, paymentRows[0]!.id));
    expect(receiptRows).toHaveLength(1);
    expect(receiptRows[0]!.number).toMatch(/^2026-\d{6}$/);
    expect(receiptRows[0]).toMatchObject({ amount: 8000, currency: "JPY", locale: "ja" });
    const emails = await outboxFor(person.id);
    expect(emails.map((e) => e.template).sort()).toEqual(["receipt", "welcome"]);
    const welcome = emails.find((e) => e.template === "welcome")!;
    expect(welcome).toMatchObject({ locale: "ja", toEmail: person.email });
    expect(welcome.props).toEqual({
      recipient: { kind: "person", familyName: "山田", givenName: "太郎" },
      tierName: { en: "Individual", ja: "一般会員" },
      periodEnd: new Date(addInterval(T0, "year") * 1000).toISOString(),
      manageUrl: "http://localhost:3000/ja/account",
    });
    expect(emails.find((e) => e.template === "receipt")!.props).toEqual({
      recipient: { kind: "person", familyName: "山田", givenName: "太郎" },
      receiptId: receiptRows[0]!.id,
    });
    const history = await t.db.select().from(membershipStatusHistory).where(eq(membershipStatusHistory.membershipId, membership.id));
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ fromStatus: "pending", toStatus: "active", cause: "stripe_event" });
    expect(history[0]!.stripeEventId).toMatch(/^evt_/);
  });

  it("applies an event delivered twice, in turn and at the same moment, once", async () => {
    const { membership, person, refs } = await createPendingMembership(t.db, { currency: "USD" });
    await deliver(t.db, env, checkoutCompleted(refs, T0));
    const paid = invoiceEvent("invoice.paid", refs, T0 + 1);
    const first = await deliver(t.db, env, paid);
    const second = await deliver(t.db, env, paid);
    expect(first.body.outcome).toBe("applied");
    expect(second).toEqual({ status: 200, body: { received: true, duplicate: true } });

    const renewal = invoiceEvent("invoice.paid", refs, T0 + 100, { periodStart: addInterval(T0, "year") });
    const results = await Promise.all(Array.from({ length: 8 }, () => deliver(t.db, env, renewal)));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(results.filter((r) => r.body.outcome === "applied")).toHaveLength(1);

    expect(await countWhere(payments, eq(payments.membershipId, membership.id))).toBe(2);
    const emails = await outboxFor(person.id);
    expect(emails.filter((e) => e.template === "receipt")).toHaveLength(2);
    expect(emails.filter((e) => e.template === "welcome")).toHaveLength(1);
    expect(await countWhere(stripeEvents, eq(stripeEvents.id, renewal.id))).toBe(1);
  });

  it("applies subscription events as Stripe has the subscription now: a late created(incomplete) leaves it active", async () => {
    const { membership, refs } = await createPendingMembership(t.db);
    const created = subscriptionEvent("customer.subscription.created", refs, "incomplete", T0);
    const updated = subscriptionEvent("customer.subscription.updated", refs, "active", T0);
    stripeHasNow(updated);
    const before = Date.now();
    expect((await deliver(t.db, env, updated)).status).toBe(200);
    expect((await getMembership(t.db, membership.id)).status).toBe("active");
    await deliver(t.db, env, checkoutCompleted(refs, T0 + 1));
    await deliver(t.db, env, created);
    const after = await getMembership(t.db, membership.id);
    expect(after.status).toBe("active");
    // Dated when it was read from Stripe, not by the events' (tied) `created`.
    expect(after.stripeStateAt!.getTime()).toBeGreaterThanOrEqual(before);
    expect(stripeCalls.filter((c) => c.path === `/v1/subscriptions/${refs.subscriptionId}`).map((c) => c.method)).toEqual(["GET", "GET"]);
  });

  it("a failed renewal's events in any order, all in one second, end as Stripe ends: past_due with one payment-failed email", async () => {
    const renewalAt = addInterval(T0, "month");
    const orders: [string, number[]][] = [
      ["as sent", [0, 1, 2]],
      ["reversed", [2, 1, 0]],
      ["past_due first", [2, 0, 1]],
      ["invoice last", [0, 2, 1]],
    ];
    for (const [name, order] of orders) {
      const { membership, person, refs } = await createPendingMembership(t.db, { currency: "USD", interval: "month" });
      stripeHasNow(subscriptionEvent("customer.subscription.created", refs, "active", T0));
      await deliver(t.db, env, checkoutCompleted(refs, T0));
      await deliver(t.db, env, invoiceEvent("invoice.paid", refs, T0 + 1));
      // Stripe moves the subscription to its next period, fails the renewal invoice, and marks it past_due.
      const rolled = subscriptionEvent("customer.subscription.updated", refs, "active", renewalAt, { periodStart: renewalAt });
      const failed = invoiceEvent("invoice.payment_failed", refs, renewalAt, { periodStart: renewalAt });
      const pastDue = subscriptionEvent("customer.subscription.updated", refs, "past_due", renewalAt, { periodStart: renewalAt });
      stripeHasNow(pastDue);
      const events = [rolled, failed, pastDue];
      for (const i of order) expect((await deliver(t.db, env, events[i]!)).status, name).toBe(200);
      const after = await getMembership(t.db, membership.id);
      expect(after.status, name).toBe("past_due");
      expect(after.currentPeriodEnd, name).toEqual(new Date(addInterval(renewalAt, "month") * 1000));
      expect(after.graceUntil, name).not.toBeNull();
      expect(
        (await outboxFor(person.id)).filter((e) => e.template === "payment-failed"),
        name,
      ).toHaveLength(1);
    }
  });

  it("payment_failed → past_due (grace) → lapsed when grace is over, without a webhook → a later invoice.paid restores it", async () => {
    const { membership, person, refs } = await createPendingMembership(t.db, { currency: "USD", interval: "month" });
    await deliver(t.db, env, checkoutCompleted(refs, T0));
    await deliver(t.db, env, invoiceEvent("invoice.paid", refs, T0 + 1));
    const renewalAt = addInterval(T0, "month");
    const invoiceId = demoId("in");
    await deliver(t.db, env, invoiceEvent("invoice.payment_failed", refs, renewalAt, { invoiceId, periodStart: renewalAt }));
    const pastDue = await getMembership(t.db, membership.id);
    expect(pastDue.status).toBe("past_due");
    expect(pastDue.graceUntil?.getTime()).toBe((renewalAt + 14 * 86_400) * 1000);
    const failed = (await outboxFor(person.id)).find((e) => e.template === "payment-failed")!;
    expect(failed.props).toMatchObject({
      recipient: { kind: "person", familyName: "山田", givenName: "太郎" },
      tierName: { en: "Individual", ja: "一般会員" },
      amount: 600,
      currency: "USD",
      graceUntil: pastDue.graceUntil!.toISOString(),
    });
    expect(String(failed.props.updateCardUrl)).toMatch(/^http:\/\/localhost:3000\/billing\/portal\/[0-9a-f-]{36}\.\d+\.[\w-]{43}$/);

    expect(await expireGracePeriods(t.db, env, new Date((renewalAt + 13 * 86_400) * 1000))).toBe(0);
    expect((await getMembership(t.db, membership.id)).status).toBe("past_due");
    expect(await expireGracePeriods(t.db, env, new Date((renewalAt + 15 * 86_400) * 1000))).toBeGreaterThanOrEqual(1);
    expect((await getMembership(t.db, membership.id)).status).toBe("lapsed");
    expect((await outboxFor(person.id)).filter((e) => e.template === "membership-lapsed")).toHaveLength(1);

    await deliver(t.db, env, invoiceEvent("invoice.paid", refs, renewalAt + 20 * 86_400, { invoiceId, periodStart: renewalAt }));
    const restored = await getMembership(t.db, membership.id);
    expect(restored).toMatchObject({ status: "active", graceUntil: null });
    const history = await t.db
      .select()
      .from(membershipStatusHistory)
      .where(eq(membershipStatusHistory.membershipId, membership.id))
      .orderBy(membershipStatusHistory.id);
    expect(history.map((h) => [h.fromStatus, h.toStatus, h.cause])).toEqual([
      ["pending", "active", "stripe_event"],
      ["active", "past_due", "stripe_event"],
      ["past_due", "lapsed", "system"],
      ["lapsed", "active", "stripe_event"],
    ]);
  });

  it("cancel at period end keeps the membership active and sends one confirmation; deletion ends it", async () => {
    const { membership, person, refs } = await createPendingMembership(t.db);
    await deliver(t.db, env, checkoutCompleted(refs, T0));
    await deliver(t.db, env, invoiceEvent("invoice.paid", refs, T0 + 1));
    const cancelAsked = subscriptionEvent("customer.subscription.updated", refs, "active", T0 + 50, { cancelAtPeriodEnd: true });
    stripeHasNow(cancelAsked);
    await deliver(t.db, env, cancelAsked);
    expect(await getMembership(t.db, membership.id)).toMatchObject({ status: "active", cancelAtPeriodEnd: true });
    const end = addInterval(T0, "year");
    const deleted = subscriptionEvent("customer.subscription.deleted", refs, "canceled", end, { endedAt: end });
    stripeHasNow(deleted);
    await deliver(t.db, env, deleted);
    const after = await getMembership(t.db, membership.id);
    expect(after.status).toBe("canceled");
    expect(after.canceledAt?.getTime()).toBe(end * 1000);
    const canceled = (await outboxFor(person.id)).filter((e) => e.template === "membership-canceled");
    expect(canceled).toHaveLength(1);
    expect(canceled[0]!.props).toEqual({
      recipient: { kind: "person", familyName: "山田", givenName: "太郎" },
      tierName: { en: "Individual", ja: "一般会員" },
      endsAt: new Date(end * 1000).toISOString(),
    });
    // A late invoice.paid for the first period never revives a canceled membership.
    await deliver(t.db, env, invoiceEvent("invoice.paid", refs, T0 + 2));
    expect((await getMembership(t.db, membership.id)).status).toBe("canceled");
  });

  it("records the charge, payment intent and card of a paid invoice whichever order its three events come in", async () => {
    // Stripe's webhook invoice never lists its payments: invoice_payment.paid names the payment
    // intent, charge.succeeded the charge and card.
    const permutations = [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ];
    for (const order of permutations) {
      const { membership, person, refs } = await createPendingMembership(t.db, { currency: "USD" });
      await deliver(t.db, env, checkoutCompleted(refs, T0));
      const invoice = invoiceShape(refs, { invoiceId: demoId("in"), status: "paid", periodStart: T0, periodEnd: addInterval(T0, "year"), created: T0 + 1 });
      const paid = invoicePaidEvents(invoice, { created: T0 + 1, brand: "jcb", last4: "0005" });
      for (const i of order) expect((await deliver(t.db, env, paid.all[i]!)).status).toBe(200);
      const [row] = await t.db.select().from(payments).where(eq(payments.membershipId, membership.id));
      expect(row, `order ${order}`).toMatchObject({
        method: "card",
        cardBrand: "jcb",
        cardLast4: "0005",
        stripeInvoiceId: invoice.id,
        stripePaymentIntentId: paymentIntentFor(invoice.id),
        stripeChargeId: paid.charge.data.object.id,
      });
      const [receipt] = await t.db.select().from(receipts).where(eq(receipts.paymentId, row!.id));
      expect((receipt!.snapshot as { method: unknown }).method, `order ${order}`).toEqual({ type: "card", brand: "jcb", last4: "0005" });
      expect(
        (await outboxFor(person.id)).filter((e) => e.template === "receipt"),
        `order ${order}`,
      ).toHaveLength(1);
    }
  });

  it("an invoice.paid alone says 'paid through Stripe' until its charge is known, never 'card'", async () => {
    const { membership, refs } = await createPendingMembership(t.db, { currency: "USD" });
    await deliver(t.db, env, checkoutCompleted(refs, T0));
    await deliver(t.db, env, invoiceEvent("invoice.paid", refs, T0 + 1));
    const [row] = await t.db.select().from(payments).where(eq(payments.membershipId, membership.id));
    expect(row).toMatchObject({ method: "stripe", cardBrand: null, cardLast4: null, stripeChargeId: null, stripePaymentIntentId: null });
  });

  it("records refunds and disputes against the payment, and emails the hosted invoice when authentication is needed", async () => {
    const { membership, person, refs } = await createPendingMembership(t.db, { currency: "USD" });
    await deliver(t.db, env, checkoutCompleted(refs, T0));
    const invoice = invoiceShape(refs, { invoiceId: demoId("in"), status: "paid", periodStart: T0, periodEnd: addInterval(T0, "year"), created: T0 + 1 });
    const paid = invoicePaidEvents(invoice, { created: T0 + 1 });
    for (const event of paid.all) await deliver(t.db, env, event);
    const [payment] = await t.db.select().from(payments).where(eq(payments.membershipId, membership.id));
    const chargeId = payment!.stripeChargeId!;
    const refunded = (amountRefunded: number, at: number) =>
      stripeEvent(
        "charge.refunded",
        chargeShape(
          { customerId: refs.customerId, currency: "usd", amount: 6000 },
          { chargeId, paymentIntentId: payment!.stripePaymentIntentId, created: T0 + 1, amountRefunded },
        ),
        at,
      );
    await deliver(t.db, env, refunded(2500, T0 + 10));
    await deliver(
      t.db,
      env,
      stripeEvent(
        "charge.dispute.created",
        disputeShape({ disputeId: "dp_1", chargeId, paymentIntentId: payment!.stripePaymentIntentId, amount: 3500, currency: "usd", created: T0 + 11 }),
        T0 + 11,
      ),
    );
    const [after] = await t.db.select().from(payments).where(eq(payments.id, payment!.id));
    expect(after).toMatchObject({ refundedAmount: 2500, disputed: true });

    // The refund issues a corrected receipt for $35.00 naming the original, emailed once even
    // when Stripe delivers the refund again or a full refund follows.
    const paymentReceipts = async () => t.db.select().from(receipts).where(eq(receipts.paymentId, payment!.id)).orderBy(receipts.seq);
    const [original, corrected] = await paymentReceipts();
    expect(corrected).toMatchObject({ kind: "corrected", correctsReceiptId: original!.id, amount: 3500, currency: "USD" });
    expect((corrected!.snapshot as { corrects?: { number: string } }).corrects?.number).toBe(original!.number);
    await deliver(t.db, env, refunded(2500, T0 + 12));
    await deliver(t.db, env, refunded(6000, T0 + 13));
    const all = await paymentReceipts();
    expect(all.map((r) => [r.kind, r.amount])).toEqual([
      ["original", 6000],
      ["corrected", 3500],
      ["corrected", 0],
    ]);
    const receiptEmails = (await outboxFor(person.id)).filter((e) => e.template === "receipt");
    expect(receiptEmails.map((e) => (e.props as { receiptId: string }).receiptId).sort()).toEqual(all.map((r) => r.id).sort());

    const renewal = invoiceEvent("invoice.payment_action_required", refs, T0 + 20, { periodStart: addInterval(T0, "year") });
    await deliver(t.db, env, renewal);
    const action = (await outboxFor(person.id)).find((e) => e.template === "payment-action-required")!;
    expect(action.props).toEqual({
      recipient: { kind: "person", familyName: "山田", givenName: "太郎" },
      amount: 6000,
      currency: "USD",
      hostedInvoiceUrl: `https://invoice.stripe.com/i/${renewal.data.object.id}`,
    });
  });

  it("a refund that comes before its payment waits (unprocessed) and is applied once when the payment lands", async () => {
    const { membership, person, refs } = await createPendingMembership(t.db, { currency: "USD" });
    await deliver(t.db, env, checkoutCompleted(refs, T0));
    const invoice = invoiceShape(refs, { invoiceId: demoId("in"), status: "paid", periodStart: T0, periodEnd: addInterval(T0, "year"), created: T0 + 1 });
    const paid = invoicePaidEvents(invoice, { created: T0 + 1 });
    const chargeId = paid.charge.data.object.id as string;
    const refund = stripeEvent(
      "charge.refunded",
      chargeShape(
        { customerId: refs.customerId, currency: "usd", amount: 6000 },
        { chargeId, paymentIntentId: paymentIntentFor(invoice.id), created: T0 + 1, amountRefunded: 6000 },
      ),
      T0 + 30,
    );
    // The refund first (the payment's first deliveries failed, staff refunded, Stripe retries later).
    expect(await deliver(t.db, env, refund)).toEqual({ status: 200, body: { received: true, outcome: "parked" } });
    const [waiting] = await t.db.select().from(stripeEvents).where(eq(stripeEvents.id, refund.id));
    expect(waiting).toMatchObject({ processedAt: null, waitingFor: paymentIntentFor(invoice.id) });
    // Stripe delivers the refund again before the payment: still waiting, nothing applied twice.
    expect((await deliver(t.db, env, refund)).body.outcome).toBe("parked");

    for (const event of [paid.invoicePaid, paid.charge, paid.invoicePayment]) expect((await deliver(t.db, env, event)).status).toBe(200);
    const [payment] = await t.db.select().from(payments).where(eq(payments.membershipId, membership.id));
    expect(payment).toMatchObject({ refundedAmount: 6000, stripeChargeId: chargeId });
    const rows = await t.db.select().from(receipts).where(eq(receipts.paymentId, payment!.id)).orderBy(receipts.seq);
    expect(rows.map((r) => [r.kind, r.amount])).toEqual([
      ["original", 6000],
      ["corrected", 0],
    ]);
    const receiptEmails = (await outboxFor(person.id)).filter((e) => e.template === "receipt");
    expect(receiptEmails.map((e) => (e.props as { receiptId: string }).receiptId).sort()).toEqual(rows.map((r) => r.id).sort());
    const [applied] = await t.db.select().from(stripeEvents).where(eq(stripeEvents.id, refund.id));
    expect(applied).toMatchObject({ waitingFor: null, error: null });
    expect(applied!.processedAt).not.toBeNull();
    // A late redelivery of the refund is a duplicate.
    expect((await deliver(t.db, env, refund)).body).toEqual({ received: true, duplicate: true });
  });

  it("a subscription event Stripe cannot be asked about answers 500 and is kept for Stripe's retry", async () => {
    const { membership, refs } = await createPendingMembership(t.db);
    const updated = subscriptionEvent("customer.subscription.updated", refs, "active", T0);
    stripeServer.use(http.get(`${STRIPE}/v1/subscriptions/:id`, () => stripeError(500, "api_error", "internal", "Stripe is down")));
    expectConsoleError(1);
    expect((await deliver(t.db, env, updated)).status).toBe(500);
    const [stored] = await t.db.select().from(stripeEvents).where(eq(stripeEvents.id, updated.id));
    expect(stored).toMatchObject({ processedAt: null, attempts: 1 });
    expect((await getMembership(t.db, membership.id)).status).toBe("pending");
    stripeServer.resetHandlers();
    stripeHasNow(updated);
    expect((await deliver(t.db, env, updated)).body.outcome).toBe("applied");
    expect((await getMembership(t.db, membership.id)).status).toBe("active");
  });

  it("a dispute that comes before its payment waits and marks the payment disputed when it lands", async () => {
    const { membership, refs } = await createPendingMembership(t.db, { currency: "USD" });
    await deliver(t.db, env, checkoutCompleted(refs, T0));
    const invoice = invoiceShape(refs, { invoiceId: demoId("in"), status: "paid", periodStart: T0, periodEnd: addInterval(T0, "year"), created: T0 + 1 });
    const paid = invoicePaidEvents(invoice, { created: T0 + 1 });
    const dispute = stripeEvent(
      "charge.dispute.created",
      disputeShape({
        disputeId: demoId("dp"),
        chargeId: String(paid.charge.data.object.id),
        paymentIntentId: paymentIntentFor(invoice.id),
        amount: 6000,
        currency: "usd",
        created: T0 + 5,
      }),
      T0 + 5,
    );
    expect((await deliver(t.db, env, dispute)).body.outcome).toBe("parked");
    for (const event of paid.all) await deliver(t.db, env, event);
    const [payment] = await t.db.select().from(payments).where(eq(payments.membershipId, membership.id));
    expect(payment!.disputed).toBe(true);
    expect((await t.db.select().from(stripeEvents).where(eq(stripeEvents.id, dispute.id)))[0]!.processedAt).not.toBeNull();
  });

  it("two instances applying one payment's events at the same moment still bring its facts together", async () => {
    // A second app instance: its own connections and its own webhook batches.
    const other = connect(t.url, { max: 5 });
    try {
      for (let round = 0; round < 12; round++) {
        const { membership, refs } = await createPendingMembership(t.db, { currency: "USD" });
        await deliver(t.db, env, checkoutCompleted(refs, T0));
        const invoice = invoiceShape(refs, { invoiceId: demoId("in"), status: "paid", periodStart: T0, periodEnd: addInterval(T0, "year"), created: T0 + 1 });
        const paid = invoicePaidEvents(invoice, { created: T0 + 1, brand: "amex", last4: "0005" });
        // The three events at once, split between the two instances.
        const results = await Promise.all([
          deliver(t.db, env, paid.invoicePaid),
          deliver(other.db, env, paid.charge),
          deliver(round % 2 ? t.db : other.db, env, paid.invoicePayment),
        ]);
        expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
        const [row] = await t.db.select().from(payments).where(eq(payments.membershipId, membership.id));
        expect(row, `round ${round}`).toMatchObject({ method: "card", cardBrand: "amex", stripeChargeId: paid.charge.data.object.id });
      }
    } finally {
      await other.close();
    }
  });

  it("refuses forged, stale, unsigned and unparseable deliveries with 400 and stores nothing", async () => {
    const { refs } = await createPendingMembership(t.db);
    const event = invoiceEvent("invoice.paid", refs, T0);
    const body = JSON.stringify(event);
    const before = await countWhere(stripeEvents, undefined);
    const cases = [
      await deliver(t.db, env, event, { secret: "whsec_forged_0000000000000000" }),
      await deliver(t.db, env, event, { timestamp: Math.floor(Date.now() / 1000) - 301 }),
      await deliver(t.db, env, event, { signature: null }),
      await deliver(t.db, env, event, { signature: "t=1,v1=deadbeef" }),
      await deliver(t.db, env, body.replace('"amount_paid":8000', '"amount_paid":1'), {
        signature: (await import("~/modules/billing/stripe.server")).signPayload(body, "whsec_test_fake_0123456789abcdef"),
      }),
      await deliver(t.db, env, "{not json"),
    ];
    expect(cases.map((c) => c.status)).toEqual(Array(cases.length).fill(400));
    expect(await countWhere(stripeEvents, undefined)).toBe(before);
  });

  it("a signed event that can never apply is answered 200 (Stripe stops retrying), stored as refused with its problems, and shown on the staff dashboard", async () => {
    const { membership, refs } = await createPendingMembership(t.db);
    const event = invoiceEvent("invoice.paid", refs, T0);
    const body = JSON.stringify(event);
    const unusable = [
      JSON.stringify({ ...event, id: undefined }),
      JSON.stringify({ ...event, id: "evt_refused_currency", data: { object: { ...event.data.object, currency: undefined } } }),
      JSON.stringify({ ...event, id: "evt_refused_amount", data: { object: { ...event.data.object, amount_paid: "8000" } } }),
      JSON.stringify({ ...event, id: "evt_refused_yesterday", created: "yesterday" }),
      JSON.stringify({ ...event, id: "evt_refused_far", created: 1e15 }),
      JSON.stringify([event]),
      body.replace(`"id":"${event.id}"`, '"id":"evt_nul\\u0000id"'),
      body.replace(`"id":"${event.id}"`, '"id":"evt_refused_nul"').replace('"currency":"jpy"', '"currency":"jp\\u0000"'),
    ];
    const answers = [];
    for (const raw of unusable) answers.push(await deliver(t.db, env, raw));
    expect(answers.map((a) => a.status)).toEqual(Array(unusable.length).fill(200));
    expect(answers.every((a) => a.body.refused === true)).toBe(true);
    // It says what is wrong, by its path in the event.
    expect(answers[1]!.body.issues).toEqual(["data.object.currency: Invalid input: expected string, received undefined"]);
    expect(answers[0]!.body.issues).toEqual([expect.stringMatching(/^id: /)]);
    expect(answers[4]!.body.issues).toEqual([expect.stringMatching(/^created: /)]);
    expect(answers[7]!.body.issues).toEqual([expect.stringMatching(/NUL/)]);

    const refused = await t.db
      .select()
      .from(stripeEvents)
      .where(sql`${stripeEvents.error} like 'refused:%'`);
    expect(refused).toHaveLength(unusable.length);
    expect(refused.every((r) => r.processedAt !== null)).toBe(true); // replays leave them
    const far = refused.find((r) => r.id === "evt_refused_far")!;
    expect(far.error).toMatch(/^refused: created: /);
    // The membership the events name is untouched.
    expect((await getMembership(t.db, membership.id)).status).toBe("pending");

    // Sent again: the same row, counted.
    expect((await deliver(t.db, env, unusable[4]!)).status).toBe(200);
    const [again] = await t.db.select().from(stripeEvents).where(eq(stripeEvents.id, "evt_refused_far"));
    expect(again!.attempts).toBe(2);

    const dashboard = await getDashboard(t.db);
    expect(dashboard.eventProblems.map((e) => e.id)).toEqual(expect.arrayContaining(["evt_refused_far", "evt_refused_currency"]));
    expect(dashboard.eventProblems.find((e) => e.id === "evt_refused_far")).toMatchObject({ refused: true, type: "invoice.paid" });
  });

  it("grants nothing on an unpaid checkout.session.completed (async payment) until it settles", async () => {
    const { membership, refs } = await createPendingMembership(t.db);
    await deliver(t.db, env, checkoutCompleted(refs, T0, false));
    expect((await getMembership(t.db, membership.id)).status).toBe("pending");
    const settled = checkoutCompleted(refs, T0 + 60);
    await deliver(t.db, env, { ...settled, type: "checkout.session.async_payment_succeeded" });
    expect((await getMembership(t.db, membership.id)).status).toBe("active");
  });

  it("numbers receipts without gaps when many payments arrive at once", async () => {
    const members = await Promise.all(Array.from({ length: 12 }, () => createPendingMembership(t.db, { currency: "USD" })));
    const before = await t.db.select({ seq: receipts.seq }).from(receipts);
    const results = await Promise.all(members.map(({ refs }, i) => deliver(t.db, env, invoiceEvent("invoice.paid", refs, T0 + 500 + i))));
    expect(results.every((r) => r.status === 200 && r.body.outcome === "applied")).toBe(true);
    const all = await t.db.select({ seq: receipts.seq, year: receipts.year }).from(receipts);
    expect(all).toHaveLength(before.length + 12);
    for (const year of new Set(all.map((r) => r.year))) {
      const seqs = all
        .filter((r) => r.year === year)
        .map((r) => r.seq)
        .sort((a, b) => a - b);
      expect(seqs, String(year)).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    }
    const emails = await t.db.select().from(emailOutbox).where(eq(emailOutbox.template, "receipt"));
    const receiptIds = new Set((await t.db.select({ id: receipts.id }).from(receipts)).map((r) => r.id));
    expect(emails.every((e) => receiptIds.has(String(e.props.receiptId)))).toBe(true);
  });

  it("applies different members' invoices delivered together exactly as it would one by one", async () => {
    const joining = await createPendingMembership(t.db, { currency: "USD" });
    const renewing = await createPendingMembership(t.db, { currency: "USD" });
    const bySubscription = await createPendingMembership(t.db, { currency: "JPY" });
    const withCard = await createPendingMembership(t.db, { currency: "USD" });
    for (const member of [renewing, bySubscription, withCard]) {
      await deliver(t.db, env, checkoutCompleted(member.refs, T0));
      await deliver(t.db, env, invoiceEvent("invoice.paid", member.refs, T0 + 1));
    }
    const nextYear = addInterval(T0, "year");
    const renewal = invoiceEvent("invoice.paid", renewing.refs, T0 + 900, { periodStart: nextYear });
    // The same invoice again under another event id: still one payment.
    const renewalAgain = { ...renewal, id: demoId("evt") };
    // An invoice naming only the subscription (no membership id in its metadata).
    const unnamed = invoiceEvent("invoice.paid", bySubscription.refs, T0 + 900, { periodStart: nextYear });
    (unnamed.data.object as { parent: { subscription_details: { metadata: object } } }).parent.subscription_details.metadata = {};
    const carded = invoiceEvent("invoice.paid", withCard.refs, T0 + 900, { periodStart: nextYear });
    const cardEvents = invoicePaidEvents(carded.data.object as { id: string; currency: string; amount_paid: number; customer: string }, {
      created: T0 + 900,
      brand: "visa",
      last4: "4242",
    });
    await deliver(t.db, env, cardEvents.charge);
    await deliver(t.db, env, cardEvents.invoicePayment);
    const stranger = invoiceEvent(
      "invoice.paid",
      { ...renewing.refs, membershipId: "00000000-0000-4000-8000-000000000000", subscriptionId: demoId("sub"), customerId: demoId("cus") },
      T0 + 900,
    );

    // The first delivery is applied alone; the others queue behind it and are applied together.
    const results = await Promise.all(
      [
        stripeEvent("customer.tax_id.created", { id: "txi_2", object: "tax_id" }, T0),
        invoiceEvent("invoice.paid", joining.refs, T0 + 900),
        renewal,
        renewalAgain,
        unnamed,
        carded,
        stranger,
      ].map((event) => deliver(t.db, env, event)),
    );
    expect(results.map((r) => r.status)).toEqual(Array(7).fill(200));

    const joined = await getMembership(t.db, joining.membership.id);
    expect(joined).toMatchObject({ status: "active", currentPeriodEnd: new Date(addInterval(T0, "year") * 1000) });
    for (const member of [renewing, bySubscription, withCard]) {
      const row = await getMembership(t.db, member.membership.id);
      expect(row.currentPeriodEnd, member.refs.subscriptionId).toEqual(new Date(addInterval(nextYear, "year") * 1000));
      expect(await countWhere(payments, eq(payments.membershipId, member.membership.id)), member.refs.subscriptionId).toBe(2);
      const welcomes = (await outboxFor(member.person.id)).filter((e) => e.template === "welcome");
      expect(welcomes, member.refs.subscriptionId).toHaveLength(1);
    }
    expect(await countWhere(payments, eq(payments.membershipId, joining.membership.id))).toBe(1);
    expect((await outboxFor(joining.person.id)).map((e) => e.template).sort()).toEqual(["receipt", "welcome"]);
    const [card] = await t.db
      .select()
      .from(payments)
      .where(eq(payments.stripeInvoiceId, carded.data.object.id as string));
    expect(card).toMatchObject({ cardBrand: "visa", cardLast4: "4242", amount: withCard.refs.amount, currency: "USD" });
    const [yen] = await t.db
      .select()
      .from(payments)
      .where(eq(payments.stripeInvoiceId, unnamed.data.object.id as string));
    expect(yen).toMatchObject({ amount: bySubscription.refs.amount, currency: "JPY", personId: bySubscription.person.id });
    expect(await countWhere(payments, eq(payments.stripeInvoiceId, stranger.data.object.id as string))).toBe(0);
  });

  it("with two batches running, a customer's later event waits for the batch holding its earlier one", async () => {
    const first = await createPendingMembership(t.db, { currency: "USD" });
    // B and nine others make ten waiting: the applier starts a second batch, without B.
    const others = await Promise.all(Array.from({ length: 9 }, () => createPendingMembership(t.db, { currency: "USD" })));
    const a = invoiceEvent("invoice.paid", first.refs, T0 + 1000);
    const b = invoiceEvent("invoice.paid", first.refs, T0 + 1001, { periodStart: addInterval(T0, "year") });
    const rest = others.map(({ refs }, i) => invoiceEvent("invoice.paid", refs, T0 + 1002 + i));
    const started: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const original = handlers["invoice.paid"]!;
    handlers["invoice.paid"] = async (tx, event, env) => {
      started.push(event.id);
      if (event.id === a.id) await gate;
      return original(tx, event, env);
    };
    try {
      const deliveringA = deliver(t.db, env, a);
      while (!started.includes(a.id)) await new Promise((resolve) => setTimeout(resolve, 5));
      // A is held in its batch. B (same customer) and nine others arrive: a second batch runs the nine.
      const deliveringB = deliver(t.db, env, b);
      const restResults = await Promise.race([
        Promise.all(rest.map((event) => deliver(t.db, env, event))),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error("the other customers' events waited for A's batch")), 5000)),
      ]);
      expect(restResults.map((r) => r.status)).toEqual(Array(9).fill(200));
      expect(started).not.toContain(b.id);
      release();
      expect((await deliveringA).status).toBe(200);
      expect((await deliveringB).status).toBe(200);
      expect(started.indexOf(b.id)).toBeGreaterThan(started.indexOf(a.id));
    } finally {
      release();
      handlers["invoice.paid"] = original;
    }
    expect(await countWhere(payments, eq(payments.membershipId, first.membership.id))).toBe(2);
    expect((await getMembership(t.db, first.membership.id)).currentPeriodEnd).toEqual(new Date(addInterval(addInterval(T0, "year"), "year") * 1000));
  });

  it("when one event of deliveries applied together fails, only that one answers 500; the others are applied once", async () => {
    const members = await Promise.all(Array.from({ length: 6 }, () => createPendingMembership(t.db, { currency: "USD" })));
    const events = members.map(({ refs }, i) => invoiceEvent("invoice.paid", refs, T0 + 700 + i));
    const bad = events[3]!;
    const original = handlers["invoice.paid"]!;
    handlers["invoice.paid"] = async (tx, event, env) => {
      if (event.id === bad.id) throw new Error("this one cannot be applied");
      return original(tx, event, env);
    };
    // The shared transaction fails, then each event is applied alone: the bad one fails once more.
    expectConsoleError(1);
    let results: Awaited<ReturnType<typeof deliver>>[];
    try {
      results = await Promise.all(events.map((event) => deliver(t.db, env, event)));
    } finally {
      handlers["invoice.paid"] = original;
    }
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 500, 200, 200]);
    for (const [i, { membership }] of members.entries()) {
      expect(await countWhere(payments, eq(payments.membershipId, membership.id)), `member ${i}`).toBe(i === 3 ? 0 : 1);
    }
    const stored = await t.db.select().from(stripeEvents).where(eq(stripeEvents.id, bad.id));
    expect(stored).toMatchObject([{ processedAt: null, attempts: 1, error: "this one cannot be applied" }]);
    // Stripe's retry applies it.
    expect((await deliver(t.db, env, bad)).body.outcome).toBe("applied");
    expect(await countWhere(payments, eq(payments.membershipId, members[3]!.membership.id))).toBe(1);
  });

  it("when a receipt cannot be written at commit, that payment's event fails alone and leaves no payment, receipt or email", async () => {
    const members = await Promise.all(Array.from({ length: 4 }, () => createPendingMembership(t.db, { currency: "USD" })));
    // The receipts insert travels with the COMMIT; make it fail for one payment's amount.
    await t.db.execute(sql`
      create function refuse_receipt() returns trigger language plpgsql as $$
      begin if new.amount = 4242 then raise exception 'receipt refused for this test'; end if; return new; end $$`);
    await t.db.execute(sql`create trigger refuse_receipt before insert on receipts for each row execute function refuse_receipt()`);
    try {
      const events = members.map(({ refs }, i) => invoiceEvent("invoice.paid", i === 2 ? { ...refs, amount: 4242 } : refs, T0 + 800 + i));
      expectConsoleError(1);
      const results = await Promise.all(events.map((event) => deliver(t.db, env, event)));
      expect(results.map((r) => r.status)).toEqual([200, 200, 500, 200]);
      for (const [i, { membership, person }] of members.entries()) {
        expect(await countWhere(payments, eq(payments.membershipId, membership.id)), `member ${i}`).toBe(i === 2 ? 0 : 1);
        expect((await outboxFor(person.id)).map((e) => e.template).sort(), `member ${i}`).toEqual(i === 2 ? [] : ["receipt", "welcome"]);
        expect((await getMembership(t.db, membership.id)).status, `member ${i}`).toBe(i === 2 ? "pending" : "active");
      }
      const [stored] = await t.db.select().from(stripeEvents).where(eq(stripeEvents.id, events[2]!.id));
      expect(stored).toMatchObject({ processedAt: null, attempts: 1 });
      expect(stored!.error).toContain("receipt refused for this test");
    } finally {
      await t.db.execute(sql`drop trigger refuse_receipt on receipts`);
      await t.db.execute(sql`drop function refuse_receipt()`);
    }
  });

  it("stores an unknown event type and answers 200 with no effect", async () => {
    const event = stripeEvent("customer.tax_id.created", { id: "txi_1", object: "tax_id" }, T0);
    expect(await deliver(t.db, env, event)).toEqual({ status: 200, body: { received: true, outcome: "ignored" } });
    const [row] = await t.db.select().from(stripeEvents).where(eq(stripeEvents.id, event.id));
    expect(row).toMatchObject({ type: "customer.tax_id.created", attempts: 1 });
    expect(row!.processedAt).not.toBeNull();
  });

  it("answers 500 when applying fails, keeps the event unprocessed, and applies it on Stripe's retry or a replay", async () => {
    const { membership, refs } = await createPendingMembership(t.db);
    await deliver(t.db, env, checkoutCompleted(refs, T0));
    const paid = invoiceEvent("invoice.paid", refs, T0 + 1);
    const original = handlers["invoice.paid"]!;
    handlers["invoice.paid"] = async (tx, event, env) => {
      await original(tx, event, env);
      throw new Error("database hiccup");
    };
    expectConsoleError(1);
    try {
      expect((await deliver(t.db, env, paid)).status).toBe(500);
    } finally {
      handlers["invoice.paid"] = original;
    }
    const [stored] = await t.db.select().from(stripeEvents).where(eq(stripeEvents.id, paid.id));
    expect(stored).toMatchObject({ processedAt: null, attempts: 1, error: "database hiccup" });
    expect(await countWhere(payments, eq(payments.membershipId, membership.id))).toBe(0);
    expect((await getMembership(t.db, membership.id)).status).toBe("active");

    // Stripe's retry of the same event applies it.
    expect((await deliver(t.db, env, paid)).body.outcome).toBe("applied");
    expect(await countWhere(payments, eq(payments.membershipId, membership.id))).toBe(1);
    // A replay of a processed event is a no-op.
    expect(await replayStripeEvent({ db: t.db, env }, paid.id)).toEqual({ found: true, outcome: "duplicate" });
    expect(await replayStripeEvent({ db: t.db, env }, "evt_missing")).toEqual({ found: false });
  });
});
