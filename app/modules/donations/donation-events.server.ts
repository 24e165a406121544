/**
 * What a Stripe event does to a gift: the gifts' handler table, registered ahead of the
 * memberships' (app/modules/stripe-handlers.server.ts). A handler here applies an event whose
 * session, subscription or invoice names a donation (`metadata.donationId`, or
 * `client_reference_id` `donation-<uuid>`) and answers null for any other, with the rules the
 * membership handlers follow: a payment is keyed by its invoice or
 * payment intent and the gift row is locked first (one payment, one receipt, one email however
 * often and in whatever order events arrive); a status snapshot older than the newest applied
 * (donations.stripe_state_at) never moves the gift; receipts are issued at commit.
 */
import { randomUUID } from "node:crypto";
import type Stripe from "stripe";
import type { Tx } from "../../../db/client";
import type { Donation } from "../../../db/schema";
import { paymentForInvoice, updatePersonStripeCustomerIfUnset } from "../billing/billing.queries.server";
import { DONE, type AppliedEvent, type Effects, type Handler, type HandlerTable } from "../billing/handler-registry.server";
import { stripePaymentFacts } from "../billing/payment-links.server";
import type { Env } from "../config/env.server";
import { DONATION_REF_PREFIX } from "../billing/gateway.server";
import { appUrl, recipientOf } from "../shared/links.server";
import { queueEmail } from "../email/outbox.server";
import { queueDetailsConfirmation } from "../people/details.server";
import { personPayer, type ReceiptSnapshot } from "../receipts/receipts.server";
import { donationManageUrl } from "./links.server";
import { UUID } from "../shared/ids";
import { findDonationPayment, insertGiftPayment, lockDonation, updateDonation } from "./donations.queries.server";
import type { CurrencyCode } from "../i18n/format";

const at = (seconds: number) => new Date(seconds * 1000);

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}

/** The donation an object names, from its metadata or client reference; null when it names none. */
function donationRef(object: { metadata?: Stripe.Metadata | null; client_reference_id?: string | null }): string | null {
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
function invoiceDonationRef(invoice: Stripe.Invoice): { donationId: string | null; subscriptionId: string | null } {
  const details = invoice.parent?.subscription_details;
  const id = details?.metadata?.donationId ?? invoice.metadata?.donationId ?? null;
  return { donationId: id && UUID.test(id) ? id : null, subscriptionId: idOf(details?.subscription) };
}

type Locked = NonNullable<Awaited<ReturnType<typeof lockDonation>>>;

/** The gift an event names, locked, or null (then the event is not a gift's). */
async function findDonationForSubscription(tx: Tx, subscriptionId: string | null, donationId: string | null): Promise<Locked | null> {
  if (donationId) {
    const found = await lockDonation(tx, { id: donationId });
    if (found) return found;
  }
  return subscriptionId ? lockDonation(tx, { subscriptionId }) : null;
}

/** True when the event's object is not older than the newest Stripe state applied to the gift. */
function isCurrent(donation: Pick<Donation, "stripeStateAt">, event: AppliedEvent): boolean {
  return !donation.stripeStateAt || event.stateAt >= donation.stripeStateAt.getTime();
}
const stateAt = (event: AppliedEvent) => new Date(event.stateAt);

function fundNameOf(fund: Locked["fund"]) {
  return { en: fund.nameEn, ja: fund.nameJa };
}

/** Records a gift's payment (once: keyed by invoice or payment intent); its receipt (with its email) is issued at commit. */
async function recordGiftPayment(
  tx: Tx,
  env: Env,
  locked: Locked,
  paid: { amount: number; currency: "USD" | "JPY"; paidAt: Date; invoiceId?: string | null; paymentIntentId?: string | null },
): Promise<Effects> {
  const { donation, person, fund } = locked;
  if (donation.interval === "once") {
    // A one-time gift has exactly one payment, whichever event recorded it first.
    if (await findDonationPayment(tx, donation.id)) return DONE;
  }
  // The payment intent (a monthly gift's: from invoice_payment.paid) and how it was paid (charge.succeeded), when stored.
  const knownIntent = paid.paymentIntentId?.startsWith("pi_") ? paid.paymentIntentId : null;
  const facts = await stripePaymentFacts(tx, { invoiceId: paid.invoiceId, paymentIntentId: knownIntent });
  const method = { type: facts.paidWith?.method ?? ("stripe" as const), brand: facts.paidWith?.brand ?? null, last4: facts.paidWith?.last4 ?? null };
  const payment = await insertGiftPayment(
    tx,
    {
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
    },
    paid.invoiceId ? "invoice" : "paymentIntent",
  );
  if (!payment) return DONE;

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
  await queueTributeNotification(tx, locked);
  return {
    receipts: [
      {
        // A gift: no goods or services in return, so the whole amount is deductible.
        receipt: {
          id: receiptId,
          paymentId: payment.id,
          issuedAt: paid.paidAt,
          amount: payment.amount,
          currency: paid.currency,
          benefitsValue: 0,
          locale: person.preferredLocale,
          snapshot,
        },
        email: {
          template: "receipt",
          locale: person.preferredLocale,
          to: person.email,
          personId: person.id,
          props: {
            recipient: recipientOf(person),
            receiptId,
            ...(donation.interval === "month" ? { manageUrl: donationManageUrl(env, donation.id) } : {}),
          },
          dedupeKey: `receipt:${receiptId}`,
        },
      },
    ],
    // A refund or dispute of this payment that came first.
    unpark: [facts.paymentIntentId, facts.chargeId],
  };
}

/** Tells the person the donor named that a gift was made in the honouree's name (never the amount); once per gift. */
async function queueTributeNotification(tx: Tx, { donation, person, fund }: Locked) {
  if (!donation.tributeKind || !donation.tributeName || !donation.tributeNotifyEmail) return;
  await queueEmail(tx, {
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

const paidSession = (event: AppliedEvent, session: Stripe.Checkout.Session) =>
  session.payment_status === "paid" || event.type === "checkout.session.async_payment_succeeded";

const onDonationCheckout: Handler = async (tx, event, env) => {
  const session = event.object as Stripe.Checkout.Session;
  const donationId = donationRef(session);
  if (!donationId) return null;
  const locked = await lockDonation(tx, { id: donationId });
  if (!locked) return DONE;
  const { donation, person } = locked;
  const customerId = idOf(session.customer);
  if (customerId) await updatePersonStripeCustomerIfUnset(tx, person.id, customerId);
  const values: Partial<Donation> = { stripeCheckoutSessionId: donation.stripeCheckoutSessionId ?? session.id };
  const paid = paidSession(event, session);
  if (paid) await queueDetailsConfirmation(tx, env, { kind: "gift", id: donation.id, personId: person.id, pending: donation.submittedDetails });
  if (session.mode === "subscription") {
    values.stripeSubscriptionId = donation.stripeSubscriptionId ?? idOf(session.subscription);
    if (paid && donation.status === "pending" && isCurrent(donation, event)) {
      values.status = "active";
      values.stripeStateAt = stateAt(event);
    }
    await updateDonation(tx, donation.id, values);
    return DONE; // each month's payment is recorded from invoice.paid
  }
  if (!paid) {
    await updateDonation(tx, donation.id, values);
    return DONE;
  }
  const currency = (session.currency ?? donation.currency).toUpperCase() === "JPY" ? "JPY" : "USD";
  const effects = await recordGiftPayment(tx, env, locked, {
    amount: session.amount_total ?? donation.amount,
    currency,
    paidAt: at(event.created),
    paymentIntentId: idOf(session.payment_intent) ?? `cs:${session.id}`,
  });
  await updateDonation(tx, donation.id, { ...values, status: "completed", stripeStateAt: stateAt(event) });
  return effects;
};

const onDonationCheckoutFailed: Handler = async (tx, event) => {
  const donationId = donationRef(event.object as Stripe.Checkout.Session);
  if (!donationId) return null;
  const locked = await lockDonation(tx, { id: donationId });
  if (locked?.donation.status === "pending") await updateDonation(tx, donationId, { status: "failed", stripeStateAt: stateAt(event) });
  return DONE;
};

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

const onDonationSubscription: Handler = async (tx, event, env) => {
  const sub = event.object as Stripe.Subscription;
  const giftId = donationRef(sub);
  const locked = giftId ? await findDonationForSubscription(tx, sub.id, giftId) : null;
  if (!locked) return null;
  const { donation } = locked;
  if (!isCurrent(donation, event)) return DONE;
  const deleted = event.type === "customer.subscription.deleted";
  const values: Partial<Donation> = {
    status: donationStatusForSubscription(deleted ? "deleted" : sub.status, donation.status),
    stripeStateAt: stateAt(event),
    stripeSubscriptionId: donation.stripeSubscriptionId ?? sub.id,
  };
  // The donor changed the amount in the Customer Portal: later receipts follow the invoices, the gift shows the new amount.
  const unitAmount = sub.items?.data?.[0]?.price?.unit_amount;
  if (!deleted && typeof unitAmount === "number" && unitAmount > 0 && unitAmount !== donation.amount) {
    values.amount = unitAmount;
    values.feeAmount = donation.feeAmount < unitAmount ? donation.feeAmount : 0;
  }
  await updateDonation(tx, donation.id, values);
  if (values.status === "canceled" && donation.status !== "canceled") {
    const { person, fund } = locked;
    // Once per gift, however the stop reached us (the portal, staff, Stripe giving up, a replay).
    await queueEmail(tx, {
      template: "gift-canceled",
      locale: person.preferredLocale,
      to: person.email,
      personId: person.id,
      props: {
        recipient: recipientOf(person),
        fundName: fundNameOf(fund),
        amount: values.amount ?? donation.amount,
        currency: donation.currency,
        donateUrl: appUrl(env, person.preferredLocale, "/donate"),
      },
      dedupeKey: `gift-canceled:${donation.id}`,
    });
  }
  return DONE;
};

/** The gift an invoice pays for, locked, or null when it pays for none. */
async function invoiceGift(tx: Tx, invoice: Stripe.Invoice) {
  const ref = invoiceDonationRef(invoice);
  return ref.donationId ? findDonationForSubscription(tx, ref.subscriptionId, ref.donationId) : null;
}

const onDonationInvoicePaid: Handler = async (tx, event, env) => {
  const invoice = event.object as Stripe.Invoice;
  const locked = await invoiceGift(tx, invoice);
  if (!locked) return null;
  const currency = invoice.currency.toUpperCase();
  const effects =
    (currency === "USD" || currency === "JPY") && invoice.amount_paid > 0
      ? await recordGiftPayment(tx, env, locked, {
          amount: invoice.amount_paid,
          currency,
          paidAt: at(invoice.status_transitions?.paid_at ?? event.created),
          invoiceId: invoice.id,
        })
      : DONE;
  const { donation } = locked;
  const restorable = donation.status === "pending" || donation.status === "past_due";
  const values: Partial<Donation> = { stripeSubscriptionId: donation.stripeSubscriptionId ?? invoiceDonationRef(invoice).subscriptionId };
  if (restorable && isCurrent(donation, event)) {
    values.status = "active";
    values.stripeStateAt = stateAt(event);
  }
  await updateDonation(tx, donation.id, values);
  return effects;
};

/**
 * A monthly gift's payment failed: past due unless a newer state is applied already, and the
 * donor is told, unless the invoice has been paid since.
 */
const onDonationInvoiceFailed: Handler = async (tx, event, env) => {
  const invoice = event.object as Stripe.Invoice;
  const locked = await invoiceGift(tx, invoice);
  if (!locked) return null;
  const { donation, person, fund } = locked;
  if (donation.status !== "active" && donation.status !== "past_due") return DONE;
  if (await paymentForInvoice(tx, invoice.id)) return DONE;
  if (isCurrent(donation, event)) await updateDonation(tx, donation.id, { status: "past_due", stripeStateAt: stateAt(event) });
  await queueEmail(tx, {
    template: "gift-payment-failed",
    locale: person.preferredLocale,
    to: person.email,
    personId: person.id,
    props: {
      recipient: recipientOf(person),
      fundName: fundNameOf(fund),
      amount: invoice.amount_due,
      currency: invoice.currency.toUpperCase() as CurrencyCode,
      manageUrl: donationManageUrl(env, donation.id, person.preferredLocale),
    },
    dedupeKey: `gift-payment-failed:${invoice.id}:${invoice.attempt_count ?? 0}`,
  });
  return DONE;
};

/** Gifts' handlers, by event type: each answers null for an event that names no gift of ours. */
export const donationHandlers: HandlerTable = {
  "checkout.session.completed": onDonationCheckout,
  "checkout.session.async_payment_succeeded": onDonationCheckout,
  "checkout.session.async_payment_failed": onDonationCheckoutFailed,
  "checkout.session.expired": onDonationCheckoutFailed,
  "customer.subscription.created": onDonationSubscription,
  "customer.subscription.updated": onDonationSubscription,
  "customer.subscription.deleted": onDonationSubscription,
  "invoice.paid": onDonationInvoicePaid,
  "invoice.payment_failed": onDonationInvoiceFailed,
};
