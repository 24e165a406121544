/**
 * The demo gateway (no STRIPE_SECRET_KEY): a local checkout page and a renewal simulator that
 * build Stripe-shaped events in the pinned API version, sign them with the webhook secret and
 * feed them to the same webhook code Stripe's deliveries go through.
 */
import type Stripe from "stripe";
import type { Locale } from "../i18n/i18n";
import {
  findNewestMembershipByEmail,
  getCorporateInvoiceWithMembership,
  getMembershipWithPrice,
  getPayment,
  paymentForInvoice,
} from "./billing.queries.server";
import { getGateway, membershipIdFromDemoSession } from "./gateway.server";
import { appUrl } from "../shared/links.server";
import {
  addInterval,
  chargeShape,
  checkoutSessionShape,
  corporateInvoiceShape,
  demoId,
  invoicePaidEvents,
  invoiceShape,
  stripeEvent,
  subscriptionShape,
  type EventShape,
  type SubscriptionRefs,
} from "./stripe-shapes.server";
import { getWebhookSecret, signPayload } from "./stripe.server";
import { receiveStripeWebhook, type BillingContext } from "./webhook.server";

export class DemoError extends Error {}

export function isDemo(ctx: Pick<BillingContext, "env">): boolean {
  return getGateway(ctx.env).kind === "demo";
}

const hex = (uuid: string) => uuid.replaceAll("-", "");

async function loadMembership(ctx: BillingContext, membershipId: string) {
  const row = await getMembershipWithPrice(ctx.db, membershipId);
  if (!row) return null;
  // A company's membership (card path) pays like a person's; the company's billing email stands in.
  const person = row.owner ?? { email: row.organisation!.billingEmail, stripeCustomerId: row.organisation!.stripeCustomerId };
  return { ...row, person };
}

function refsFor(row: NonNullable<Awaited<ReturnType<typeof loadMembership>>>): SubscriptionRefs {
  const h = hex(row.membership.id);
  return {
    membershipId: row.membership.id,
    subscriptionId: row.membership.stripeSubscriptionId ?? `sub_demo_${h}`,
    customerId: row.membership.stripeCustomerId ?? row.person.stripeCustomerId ?? `cus_demo_${h}`,
    priceId: row.price.stripePriceId ?? undefined,
    lookupKey: row.price.lookupKey,
    currency: row.price.currency === "JPY" ? "jpy" : "usd",
    amount: row.price.amount,
    interval: row.price.interval,
  };
}

/** A demo event's `created`: now, and after the newest event the membership has applied (older ones never move it back). */
function nextEventTime(m: { stripeStateAt: Date | null }): number {
  return Math.max(Math.floor(Date.now() / 1000), Math.floor((m.stripeStateAt?.getTime() ?? 0) / 1000) + 1);
}

/** Delivers events through the webhook code, signed as Stripe signs them. */
export async function deliverAll(ctx: BillingContext, events: EventShape[]) {
  const secret = getWebhookSecret(ctx.env);
  for (const event of events) {
    const body = JSON.stringify(event);
    const response = await receiveStripeWebhook(ctx, body, signPayload(body, secret));
    if (response.status !== 200) throw new DemoError(`demo event ${event.type} was refused with ${response.status}: ${await response.text()}`);
  }
}

/** What the demo checkout page shows, or null when the session is not open. */
export async function getDemoCheckout(ctx: BillingContext, sessionId: string) {
  const membershipId = membershipIdFromDemoSession(sessionId);
  if (!membershipId) return null;
  const row = await loadMembership(ctx, membershipId);
  if (!row || row.membership.stripeCheckoutSessionId !== sessionId) return null;
  return {
    membershipId,
    status: row.membership.status,
    email: row.person.email,
    tierName: { en: row.tier.nameEn, ja: row.tier.nameJa },
    amount: row.price.amount,
    currency: row.price.currency,
    interval: row.price.interval,
  };
}

/** "Pay" on the demo checkout page: the events Stripe sends when a subscription Checkout completes. */
export async function completeDemoCheckout(ctx: BillingContext, sessionId: string, locale: Locale): Promise<string> {
  const membershipId = membershipIdFromDemoSession(sessionId);
  const row = membershipId ? await loadMembership(ctx, membershipId) : null;
  if (!row || row.membership.stripeCheckoutSessionId !== sessionId) throw new DemoError("no such demo checkout session");
  const successUrl = appUrl(ctx.env, locale, row.organisation ? `/sponsor/thanks?m=${row.membership.id}` : `/join/success?m=${row.membership.id}`);
  if (row.membership.status !== "pending") return successUrl;
  const refs = refsFor(row);
  const now = Math.floor(Date.now() / 1000);
  const periodEnd = addInterval(now, refs.interval);
  const invoice = invoiceShape(refs, { invoiceId: demoId("in_demo"), status: "paid", periodStart: now, periodEnd, created: now });
  await deliverAll(ctx, [
    stripeEvent("checkout.session.completed", checkoutSessionShape({ ...refs, sessionId, email: row.person.email, locale, paid: true }, now), now),
    stripeEvent("customer.subscription.created", subscriptionShape(refs, { status: "active", periodStart: now, periodEnd, created: now }), now),
    ...invoicePaidEvents(invoice, { created: now }).all,
  ]);
  return successUrl;
}

/** Finds a membership by id or by its member's email (the newest one). */
export async function findDemoMembership(ctx: BillingContext, ref: string): Promise<string | null> {
  if (/^[0-9a-f-]{36}$/i.test(ref)) return ref;
  const row = await findNewestMembershipByEmail(ctx.db, ref);
  return row?.id ?? null;
}

/**
 * A renewal at the end of the current period, paid or failed, as Stripe reports it: the
 * subscription moves to the next period (active or past_due) and the invoice is paid or fails.
 * `overdue` pays the current period's outstanding invoice instead (the demo "update card" page).
 */
export async function simulateRenewal(ctx: BillingContext, membershipId: string, outcome: "paid" | "failed" | "overdue") {
  const row = await loadMembership(ctx, membershipId);
  if (!row) throw new DemoError(`no membership ${membershipId}`);
  const m = row.membership;
  if (!m.stripeSubscriptionId || !m.currentPeriodEnd) throw new DemoError(`membership ${membershipId} has no subscription yet (status ${m.status})`);
  if (m.status === "canceled") throw new DemoError(`membership ${membershipId} is canceled`);
  const refs = refsFor(row);
  const now = nextEventTime(m);
  const periodStart =
    outcome === "overdue" ? Math.floor((m.currentPeriodStart ?? m.currentPeriodEnd).getTime() / 1000) : Math.floor(m.currentPeriodEnd.getTime() / 1000);
  const periodEnd = outcome === "overdue" ? Math.floor(m.currentPeriodEnd.getTime() / 1000) : addInterval(periodStart, refs.interval);
  const invoiceId = demoId("in_demo");
  const invoice = (status: "paid" | "open") =>
    invoiceShape(refs, { invoiceId, status, periodStart, periodEnd, created: now, billingReason: "subscription_cycle" });
  // A comped member's billing is paused: Stripe voids the period's invoice and charges nothing.
  const paused = m.status === "comped" && m.compedUntil ? Math.floor(m.compedUntil.getTime() / 1000) : undefined;
  const subscription = (status: Stripe.Subscription.Status) => subscriptionShape(refs, { status, periodStart, periodEnd, created: now, pausedUntil: paused });
  const events =
    paused !== undefined
      ? [stripeEvent("customer.subscription.updated", subscription("active"), now)]
      : outcome === "failed"
        ? [stripeEvent("invoice.payment_failed", invoice("open"), now), stripeEvent("customer.subscription.updated", subscription("past_due"), now)]
        : [...invoicePaidEvents(invoice("paid"), { created: now }).all, stripeEvent("customer.subscription.updated", subscription("active"), now)];
  await deliverAll(ctx, events);
  const after = await loadMembership(ctx, membershipId);
  return { status: after!.membership.status, currentPeriodEnd: after!.membership.currentPeriodEnd };
}

/** The member stopped (or resumed) renewal at period end: the customer.subscription.updated Stripe sends after such a change. */
export async function setDemoCancelAtPeriodEnd(ctx: BillingContext, membershipId: string, cancel: boolean) {
  const row = await loadMembership(ctx, membershipId);
  const m = row?.membership;
  if (!row || !m?.stripeSubscriptionId || !m.currentPeriodEnd) throw new DemoError(`membership ${membershipId} has no subscription`);
  const now = nextEventTime(m);
  const periodEnd = Math.floor(m.currentPeriodEnd.getTime() / 1000);
  const periodStart = Math.floor((m.currentPeriodStart ?? m.currentPeriodEnd).getTime() / 1000);
  const status = m.status === "past_due" ? "past_due" : "active";
  await deliverAll(ctx, [
    stripeEvent(
      "customer.subscription.updated",
      subscriptionShape(refsFor(row), { status, periodStart, periodEnd, created: now, cancelAtPeriodEnd: cancel }),
      now,
    ),
  ]);
}

async function loadInvoicedMembership(ctx: BillingContext, invoiceId: string) {
  if (!/^in_demo_r?[0-9a-f]{32}$/.test(invoiceId)) return null;
  const row = await getCorporateInvoiceWithMembership(ctx.db, invoiceId);
  if (!row) return null;
  return { ...row, price: { amount: row.invoice.amount, currency: row.invoice.currency } };
}

/** What the demo hosted-invoice page shows, or null for an unknown invoice. */
export async function getDemoInvoice(ctx: BillingContext, invoiceId: string) {
  const row = await loadInvoicedMembership(ctx, invoiceId);
  if (!row) return null;
  return {
    invoiceId,
    membershipId: row.membership.id,
    paid: (await paymentForInvoice(ctx.db, invoiceId)) !== null,
    organisationName: { en: row.organisation.legalNameEn, ja: row.organisation.legalNameJa ?? row.organisation.legalNameEn },
    tierName: { en: row.tier.nameEn, ja: row.tier.nameJa },
    amount: row.price.amount,
    currency: row.price.currency,
    dueDate: (row.invoice.dueDate ?? new Date(row.invoice.createdAt.getTime() + 30 * 86_400_000)).toISOString(),
    poNumber: row.invoice.poNumber,
  };
}

/**
 * "Pay by bank transfer" on the demo invoice page (or a check recorded out of band): the events
 * Stripe sends for a send_invoice bill, through the same webhook code. Paid in Stripe, the
 * transfer's charge (customer_balance) and invoice_payment.paid come with invoice.paid; paid
 * out of band, invoice.paid alone.
 */
export async function payDemoInvoice(ctx: BillingContext, invoiceId: string, paidBy: "bank_transfer" | "out_of_band" = "bank_transfer") {
  const row = await loadInvoicedMembership(ctx, invoiceId);
  if (!row) throw new DemoError("no such demo invoice");
  const now = Math.floor(Date.now() / 1000);
  const shape = corporateInvoiceShape({
    invoiceId,
    membershipId: row.membership.id,
    organisationId: row.organisation.id,
    customerId: row.membership.stripeCustomerId ?? `cus_demo_${hex(row.organisation.id)}`,
    currency: row.price.currency === "JPY" ? "jpy" : "usd",
    amount: row.price.amount,
    status: "paid",
    created: now,
    dueDate: now + 30 * 86_400,
    poNumber: row.invoice.poNumber,
    corporateInvoiceId: row.invoice.id,
  });
  await deliverAll(
    ctx,
    paidBy === "out_of_band" ? [stripeEvent("invoice.paid", shape, now)] : invoicePaidEvents(shape, { created: now, method: "customer_balance" }).all,
  );
}

/**
 * A staff refund with the demo gateway: Stripe's charge.refunded for the payment's charge (its
 * total refunded so far, this refund included), through the same webhook code.
 */
export async function refundDemoPayment(ctx: BillingContext, paymentId: string, amount: number) {
  const payment = await getPayment(ctx.db, paymentId);
  if (!payment?.stripeChargeId && !payment?.stripePaymentIntentId) throw new DemoError(`payment ${paymentId} has no demo charge`);
  const now = Math.floor(Date.now() / 1000);
  const charge = chargeShape(
    { customerId: null, currency: payment.currency === "JPY" ? "jpy" : "usd", amount: payment.amount },
    {
      chargeId: payment.stripeChargeId ?? demoId("ch_demo"),
      paymentIntentId: payment.stripePaymentIntentId,
      created: Math.floor(payment.paidAt.getTime() / 1000),
      method: payment.method === "stripe_bank_transfer" ? "customer_balance" : "card",
      brand: payment.cardBrand ?? undefined,
      last4: payment.cardLast4 ?? undefined,
      amountRefunded: Math.min(payment.amount, payment.refundedAmount + amount),
    },
  );
  await deliverAll(ctx, [stripeEvent("charge.refunded", charge, now)]);
}

/**
 * The demo gateway's change of plan: the subscription now bills the new price (the same period,
 * or for a change of interval a new one from now), delivered as Stripe would, through the
 * webhook code. No proration invoice is made here (no money moves in the demo).
 */
export async function setDemoPlan(
  ctx: BillingContext,
  membershipId: string,
  price: { amount: number; currency: "USD" | "JPY"; interval: "year" | "month"; stripePriceId: string | null; lookupKey: string },
) {
  const row = await loadMembership(ctx, membershipId);
  const m = row?.membership;
  if (!row || !m?.stripeSubscriptionId || !m.currentPeriodEnd) throw new DemoError(`membership ${membershipId} has no subscription`);
  const now = nextEventTime(m);
  const sameInterval = price.interval === row.price.interval;
  const periodStart = sameInterval ? Math.floor((m.currentPeriodStart ?? m.currentPeriodEnd).getTime() / 1000) : now;
  const periodEnd = sameInterval ? Math.floor(m.currentPeriodEnd.getTime() / 1000) : addInterval(now, price.interval);
  const refs = {
    ...refsFor(row),
    priceId: price.stripePriceId ?? undefined,
    lookupKey: price.lookupKey,
    amount: price.amount,
    currency: price.currency === "JPY" ? ("jpy" as const) : ("usd" as const),
    interval: price.interval,
  };
  await deliverAll(ctx, [
    stripeEvent("customer.subscription.updated", subscriptionShape(refs, { status: "active", periodStart, periodEnd, created: now }), now),
  ]);
}
