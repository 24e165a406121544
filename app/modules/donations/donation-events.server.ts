/**
 * What a Stripe event does to a gift. Called from the billing handlers (one typed map by
 * event type, app/modules/billing/handlers.server.ts) when the session, subscription or
 * invoice names a donation (`metadata.donationId`, or `client_reference_id` `donation-<uuid>`),
 * inside the same transaction, with the same rules: a payment is keyed by its invoice or
 * payment intent and the gift row is locked first (one payment, one receipt, one email however
 * often and in whatever order events arrive); a status snapshot older than the newest applied
 * (donations.stripe_state_at) never moves the gift; receipts are issued at commit.
 */
import { randomUUID } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type Stripe from "stripe";
import type { Tx } from "../../../db/client";
import { donations, funds, payments, people, type Donation } from "../../../db/schema";
import type { HandlerContext } from "../billing/handler-context.server";
import { reapplyParked, stripePaymentFacts } from "../billing/payment-links.server";
import { DONATION_REF_PREFIX } from "../billing/gateway.server";
import { appUrl, recipientOf } from "../billing/links.server";
import { queueEmail } from "../email/outbox.server";
import { queueDetailsConfirmation } from "../members/details.server";
import { personPayer, type ReceiptSnapshot } from "../receipts/receipts.server";
import { donationManageUrl } from "./links.server";
import { UUID } from "../ids";
import type { CurrencyCode } from "../i18n/format";

const at = (seconds: number) => new Date(seconds * 1000);

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}

/** The donation an object names, from its metadata or client reference; null when it names none. */
export function donationRef(object: { metadata?: Stripe.Metadata | null; client_reference_id?: string | null }): string | null {
  const fromMeta = object.metadata?.donationId;
  if (fromMeta && UUID.test(fromMeta)) return fromMeta;
  const ref = object.client_reference_id;
  if (ref?.startsWith(DONATION_REF_PREFIX)) {
    const id = ref.slice(DONATION_REF_PREFIX.length);
    if (UUID.test(id)) return id;
  }
  return null;
}

/** The donation an invoice pays for (its subscription's metadata snapshot, or the invoice's own). */
export function invoiceDonationRef(invoice: Stripe.Invoice): { donationId: string | null; subscriptionId: string | null } {
  const details = invoice.parent?.subscription_details;
  const id = details?.metadata?.donationId ?? invoice.metadata?.donationId ?? null;
  return { donationId: id && UUID.test(id) ? id : null, subscriptionId: idOf(details?.subscription) };
}

async function lockDonation(tx: Tx, where: { id: string } | { subscriptionId: string }) {
  const rows = await tx
    .select({ donation: donations, person: people, fund: funds })
    .from(donations)
    .innerJoin(people, eq(people.id, donations.personId))
    .innerJoin(funds, eq(funds.id, donations.fundId))
    .where("id" in where ? eq(donations.id, where.id) : eq(donations.stripeSubscriptionId, where.subscriptionId))
    .for("update", { of: donations });
  return rows[0] ?? null;
}
type Locked = NonNullable<Awaited<ReturnType<typeof lockDonation>>>;

/** Is a donation id known here (so the membership handlers can leave the event alone)? */
export async function findDonationForSubscription(tx: Tx, subscriptionId: string | null, donationId: string | null): Promise<Locked | null> {
  if (donationId) {
    const found = await lockDonation(tx, { id: donationId });
    if (found) return found;
  }
  return subscriptionId ? lockDonation(tx, { subscriptionId }) : null;
}

/** True when the event's object is not older than the newest Stripe state applied to the gift. */
function isCurrent(donation: Pick<Donation, "stripeStateAt">, ctx: HandlerContext): boolean {
  return !donation.stripeStateAt || ctx.event.stateAt >= donation.stripeStateAt.getTime();
}
const stateAt = (ctx: HandlerContext) => new Date(ctx.event.stateAt);

async function updateDonation(tx: Tx, id: string, values: Partial<Donation>) {
  await tx
    .update(donations)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(donations.id, id));
}

function fundNameOf(fund: Locked["fund"]) {
  return { en: fund.nameEn, ja: fund.nameJa };
}

/** Records a gift's payment (once: keyed by invoice or payment intent) and issues its receipt and emails at commit. */
async function recordGiftPayment(
  ctx: HandlerContext,
  locked: Locked,
  paid: { amount: number; currency: "USD" | "JPY"; paidAt: Date; invoiceId?: string | null; paymentIntentId?: string | null },
) {
  const { donation, person, fund } = locked;
  if (donation.interval === "once") {
    // A one-time gift has exactly one payment, whichever event recorded it first.
    const existing = await ctx.tx.select({ id: payments.id }).from(payments).where(eq(payments.donationId, donation.id)).limit(1);
    if (existing.length > 0) return false;
  }
  // The payment intent (a monthly gift's: from invoice_payment.paid) and how it was paid (charge.succeeded), when stored.
  const knownIntent = paid.paymentIntentId?.startsWith("pi_") ? paid.paymentIntentId : null;
  const facts = await stripePaymentFacts(ctx.tx, { invoiceId: paid.invoiceId, paymentIntentId: knownIntent });
  const method = { type: facts.paidWith?.method ?? ("stripe" as const), brand: facts.paidWith?.brand ?? null, last4: facts.paidWith?.last4 ?? null };
  const insert = ctx.tx.insert(payments).values({
    cardBrand: method.brand,
    cardLast4: method.last4,
    donationId: donation.id,
    personId: person.id,
    fundId: fund.id,
    amount: paid.amount,
    currency: paid.currency,
    method: method.type,
    description: `Donation: ${fund.nameEn} / ご寄付：${fund.nameJa}`,
    stripeInvoiceId: paid.invoiceId ?? null,
    stripePaymentIntentId: facts.paymentIntentId ?? paid.paymentIntentId ?? null,
    stripeChargeId: facts.chargeId,
    paidAt: paid.paidAt,
  });
  const [payment] = await (
    paid.invoiceId ? insert.onConflictDoNothing({ target: payments.stripeInvoiceId }) : insert.onConflictDoNothing({ target: payments.stripePaymentIntentId })
  ).returning({ id: payments.id, amount: payments.amount });
  if (!payment) return false;

  const receiptId = randomUUID();
  const snapshot: ReceiptSnapshot = {
    payer: personPayer(person),
    purpose: {
      kind: "donation",
      fundName: fundNameOf(fund),
      tribute: donation.tributeKind && donation.tributeName ? { kind: donation.tributeKind, name: donation.tributeName } : null,
    },
    method,
  };
  ctx.issueReceiptAtCommit(
    // A gift: no goods or services in return, so the whole amount is deductible.
    {
      id: receiptId,
      paymentId: payment.id,
      issuedAt: paid.paidAt,
      amount: payment.amount,
      currency: paid.currency,
      benefitsValue: 0,
      locale: person.preferredLocale,
      snapshot,
    },
    {
      template: "receipt",
      locale: person.preferredLocale,
      to: person.email,
      personId: person.id,
      props: {
        recipient: recipientOf(person),
        receiptId,
        ...(donation.interval === "month" ? { manageUrl: donationManageUrl(ctx.env, donation.id) } : {}),
      },
      dedupeKey: `receipt:${receiptId}`,
    },
  );
  await queueTributeNotification(ctx, locked);
  // A refund or dispute of this payment that came first.
  await reapplyParked(ctx, [facts.paymentIntentId, facts.chargeId]);
  return true;
}

/** Tells the person the donor named that a gift was made in the honouree's name (never the amount); once per gift. */
async function queueTributeNotification(ctx: HandlerContext, { donation, person, fund }: Locked) {
  if (!donation.tributeKind || !donation.tributeName || !donation.tributeNotifyEmail) return;
  await queueEmail(ctx.tx, {
    template: "tribute-notification",
    locale: donation.tributeNotifyLocale ?? person.preferredLocale,
    to: donation.tributeNotifyEmail,
    props: {
      notifyName: donation.tributeNotifyName ?? null,
      tributeKind: donation.tributeKind,
      tributeName: donation.tributeName,
      donor: donation.anonymous ? null : recipientOf(person),
      fundName: fundNameOf(fund),
    },
    dedupeKey: `tribute-notification:${donation.id}`,
  });
}

const paidSession = (ctx: HandlerContext, session: Stripe.Checkout.Session) =>
  session.payment_status === "paid" || ctx.event.type === "checkout.session.async_payment_succeeded";

export async function onDonationCheckout(ctx: HandlerContext, session: Stripe.Checkout.Session, donationId: string) {
  const locked = await lockDonation(ctx.tx, { id: donationId });
  if (!locked) return;
  const { donation, person } = locked;
  const customerId = idOf(session.customer);
  if (customerId) {
    await ctx.tx
      .update(people)
      .set({ stripeCustomerId: customerId, updatedAt: new Date() })
      .where(and(eq(people.id, person.id), isNull(people.stripeCustomerId)));
  }
  const values: Partial<Donation> = { stripeCheckoutSessionId: donation.stripeCheckoutSessionId ?? session.id };
  const paid = paidSession(ctx, session);
  if (paid) await queueDetailsConfirmation(ctx.tx, ctx.env, { kind: "gift", id: donation.id, personId: person.id, pending: donation.submittedDetails });
  if (session.mode === "subscription") {
    values.stripeSubscriptionId = donation.stripeSubscriptionId ?? idOf(session.subscription);
    if (paid && donation.status === "pending" && isCurrent(donation, ctx)) {
      values.status = "active";
      values.stripeStateAt = stateAt(ctx);
    }
    await updateDonation(ctx.tx, donation.id, values);
    return; // each month's payment is recorded from invoice.paid
  }
  if (!paid) {
    await updateDonation(ctx.tx, donation.id, values);
    return;
  }
  const currency = (session.currency ?? donation.currency).toUpperCase() === "JPY" ? "JPY" : "USD";
  await recordGiftPayment(ctx, locked, {
    amount: session.amount_total ?? donation.amount,
    currency,
    paidAt: at(ctx.event.created),
    paymentIntentId: idOf(session.payment_intent) ?? `cs:${session.id}`,
  });
  await updateDonation(ctx.tx, donation.id, { ...values, status: "completed", stripeStateAt: stateAt(ctx) });
}

export async function onDonationCheckoutFailed(ctx: HandlerContext, donationId: string) {
  const locked = await lockDonation(ctx.tx, { id: donationId });
  if (locked?.donation.status === "pending") await updateDonation(ctx.tx, donationId, { status: "failed", stripeStateAt: stateAt(ctx) });
}

/** Our status for a monthly gift, from its subscription's status (the membership mapping's counterpart). */
export function donationStatusForSubscription(status: Stripe.Subscription.Status | "deleted", current: Donation["status"]): Donation["status"] {
  switch (status) {
    case "active":
    case "trialing":
      return "active";
    case "past_due":
    case "unpaid":
      return current === "pending" ? "pending" : "past_due";
    case "canceled":
    case "deleted":
      return "canceled";
    case "incomplete_expired":
      return current === "pending" ? "failed" : current;
    default:
      return current; // incomplete, paused: no step backwards
  }
}

export async function onDonationSubscription(ctx: HandlerContext, sub: Stripe.Subscription, locked: Locked) {
  const { donation } = locked;
  if (!isCurrent(donation, ctx)) return;
  const deleted = ctx.event.type === "customer.subscription.deleted";
  const values: Partial<Donation> = {
    status: donationStatusForSubscription(deleted ? "deleted" : sub.status, donation.status),
    stripeStateAt: stateAt(ctx),
    stripeSubscriptionId: donation.stripeSubscriptionId ?? sub.id,
  };
  // The donor changed the amount in the Customer Portal: later receipts follow the invoices, the gift shows the new amount.
  const unitAmount = sub.items?.data?.[0]?.price?.unit_amount;
  if (!deleted && typeof unitAmount === "number" && unitAmount > 0 && unitAmount !== donation.amount) {
    values.amount = unitAmount;
    values.feeAmount = donation.feeAmount < unitAmount ? donation.feeAmount : 0;
  }
  await updateDonation(ctx.tx, donation.id, values);
  if (values.status === "canceled" && donation.status !== "canceled") {
    const { person, fund } = locked;
    // Once per gift, however the stop reached us (the portal, staff, Stripe giving up, a replay).
    await queueEmail(ctx.tx, {
      template: "gift-canceled",
      locale: person.preferredLocale,
      to: person.email,
      personId: person.id,
      props: {
        recipient: recipientOf(person),
        fundName: fundNameOf(fund),
        amount: values.amount ?? donation.amount,
        currency: donation.currency,
        donateUrl: appUrl(ctx.env, person.preferredLocale, "/donate"),
      },
      dedupeKey: `gift-canceled:${donation.id}`,
    });
  }
}

export async function onDonationInvoicePaid(ctx: HandlerContext, invoice: Stripe.Invoice, locked: Locked) {
  const currency = invoice.currency.toUpperCase();
  if ((currency === "USD" || currency === "JPY") && invoice.amount_paid > 0) {
    await recordGiftPayment(ctx, locked, {
      amount: invoice.amount_paid,
      currency,
      paidAt: at(invoice.status_transitions?.paid_at ?? ctx.event.created),
      invoiceId: invoice.id,
    });
  }
  const { donation } = locked;
  const restorable = donation.status === "pending" || donation.status === "past_due";
  const values: Partial<Donation> = { stripeSubscriptionId: donation.stripeSubscriptionId ?? invoiceDonationRef(invoice).subscriptionId };
  if (restorable && isCurrent(donation, ctx)) {
    values.status = "active";
    values.stripeStateAt = stateAt(ctx);
  }
  await updateDonation(ctx.tx, donation.id, values);
}

/**
 * A monthly gift's payment failed: past due unless a newer state is applied already, and the
 * donor is told, unless the invoice has been paid since.
 */
export async function onDonationInvoiceFailed(ctx: HandlerContext, invoice: Stripe.Invoice, locked: Locked) {
  const { donation, person, fund } = locked;
  if (donation.status !== "active" && donation.status !== "past_due") return;
  const [paidSince] = await ctx.tx.select({ id: payments.id }).from(payments).where(eq(payments.stripeInvoiceId, invoice.id));
  if (paidSince) return;
  if (isCurrent(donation, ctx)) await updateDonation(ctx.tx, donation.id, { status: "past_due", stripeStateAt: stateAt(ctx) });
  await queueEmail(ctx.tx, {
    template: "gift-payment-failed",
    locale: person.preferredLocale,
    to: person.email,
    personId: person.id,
    props: {
      recipient: recipientOf(person),
      fundName: fundNameOf(fund),
      amount: invoice.amount_due,
      currency: invoice.currency.toUpperCase() as CurrencyCode,
      manageUrl: donationManageUrl(ctx.env, donation.id, person.preferredLocale),
    },
    dedupeKey: `gift-payment-failed:${invoice.id}:${invoice.attempt_count ?? 0}`,
  });
}
