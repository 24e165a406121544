/**
 * What each Stripe event does, inside the transaction that also marks the event processed.
 * Events arrive late, early and twice: payments are keyed by invoice id (one payment, one
 * receipt per invoice), emails by dedupe keys, and a status snapshot older than the newest
 * one applied (memberships.stripe_state_at) never moves a membership.
 */
import { randomUUID } from "node:crypto";
import { and, eq, isNull, or, sql } from "drizzle-orm";
import type Stripe from "stripe";
import type { Tx } from "../../../db/client";
import {
  corporateInvoices,
  payments,
  people,
  receipts,
  stripeEvents,
  type Currency,
  type Membership,
  type MembershipStatus,
} from "../../../db/schema";
import type { Env } from "../config/env.server";
import { queueEmail, type QueueEmail } from "../email/outbox.server";
import { issueCorrectedReceipt, personPayer, type IssueReceipt } from "../receipts/receipts.server";
import {
  getMembershipBySubscriptionForUpdate,
  getMembershipForUpdate,
  storedChargeDetails,
  updateMembership,
} from "./billing.queries.server";
import type { StatementBatch } from "./statement-batch.server";
import {
  donationRef,
  findDonationForSubscription,
  invoiceDonationRef,
  onDonationCheckout,
  onDonationCheckoutFailed,
  onDonationInvoiceFailed,
  onDonationInvoicePaid,
  onDonationSubscription,
} from "../donations/donation-events.server";
import { appUrl, recipientOf, tierNameOf, updateCardUrl } from "./links.server";
import { findCorporateInvoice, getOrganisationParties, organisationRecipient, recordOrganisationPayment } from "../corporate/corporate-billing.server";
import { graceEnd, membershipEmailTarget, queueLapsedEmail, transition } from "./lifecycle.server";

export interface HandlerContext {
  tx: Tx;
  env: Env;
  event: { id: string; type: string; created: number; object: unknown };
  /** Statements shared with the other events of the batch (see statement-batch.server.ts). */
  batch: StatementBatch;
  /** What `earlyLookups` started for this event before its handler ran, if anything. */
  early?: Promise<unknown>;
  /**
   * Issues a receipt (and queues its email) at the end of the transaction, after every event
   * in it, all receipts in one block. The year's counter row is locked from allocation to
   * commit, so allocating last keeps that serialised stretch short, and no other lock is
   * waited for while it is held.
   */
  issueReceiptAtCommit: (receipt: IssueReceipt & { id: string }, email: QueueEmail) => void;
}
type Handler = (ctx: HandlerContext) => Promise<void>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}

function currencyOf(value: string): Currency | null {
  const upper = value.toUpperCase();
  return upper === "USD" || upper === "JPY" ? upper : null;
}

async function findMembership(tx: Tx, ref: { membershipId?: string | null; subscriptionId?: string | null }) {
  if (ref.membershipId && UUID.test(ref.membershipId)) {
    const found = await getMembershipForUpdate(tx, ref.membershipId);
    if (found) return found;
  }
  if (ref.subscriptionId) return getMembershipBySubscriptionForUpdate(tx, ref.subscriptionId);
  return null;
}

/** True when the event is not older than the newest Stripe state already applied. */
function isCurrent(membership: Pick<Membership, "stripeStateAt">, created: number): boolean {
  return !membership.stripeStateAt || created * 1000 >= membership.stripeStateAt.getTime();
}

const at = (seconds: number) => new Date(seconds * 1000);
const stripeCause = (ctx: HandlerContext) => ({ cause: "stripe_event" as const, stripeEventId: ctx.event.id });

/** Our status for a Stripe subscription status, given where the membership is now. */
export function statusForSubscription(status: Stripe.Subscription.Status, current: MembershipStatus): MembershipStatus {
  if (current === "comped") return current;
  switch (status) {
    case "active":
    case "trialing":
      return "active";
    case "past_due":
      return current === "lapsed" ? "lapsed" : current === "pending" ? "pending" : "past_due";
    case "unpaid":
    case "paused":
      return current === "pending" ? "pending" : "lapsed";
    case "canceled":
      return current === "past_due" || current === "lapsed" ? "lapsed" : "canceled";
    case "incomplete_expired":
      return current === "pending" ? "canceled" : current;
    default:
      // incomplete: Checkout is still collecting the first payment; never a step backwards.
      return current;
  }
}

async function queueCanceledEmail(ctx: HandlerContext, membershipId: string, endsAt: Date | null) {
  const target = await membershipEmailTarget(ctx.tx, membershipId);
  if (!target) return;
  await queueEmail(ctx.tx, {
    template: "membership-canceled",
    locale: target.locale,
    to: target.to,
    personId: target.personId,
    organisationId: target.organisationId,
    props: { recipient: target.recipient, tierName: tierNameOf(target.tier), endsAt: endsAt?.toISOString() ?? null },
    dedupeKey: `membership-canceled:${membershipId}`,
  });
}

// ---------------------------------------------------------------- checkout
const onCheckoutCompleted: Handler = async (ctx) => {
  const session = ctx.event.object as Stripe.Checkout.Session;
  const donationId = donationRef(session);
  if (donationId) return onDonationCheckout(ctx, session, donationId);
  if (session.mode !== "subscription") return;
  const subscriptionId = idOf(session.subscription);
  const membership = await findMembership(ctx.tx, {
    membershipId: session.client_reference_id ?? session.metadata?.membershipId,
    subscriptionId,
  });
  if (!membership) return;
  const customerId = idOf(session.customer);
  const values: Partial<Membership> = {
    stripeCheckoutSessionId: session.id,
    stripeCustomerId: membership.stripeCustomerId ?? customerId,
    stripeSubscriptionId: membership.stripeSubscriptionId ?? subscriptionId,
  };
  if (customerId && membership.personId) {
    await ctx.tx
      .update(people)
      .set({ stripeCustomerId: customerId, updatedAt: new Date() })
      .where(and(eq(people.id, membership.personId), isNull(people.stripeCustomerId)));
  }
  const paid = session.payment_status === "paid" || ctx.event.type === "checkout.session.async_payment_succeeded";
  if (paid && membership.status === "pending" && isCurrent(membership, ctx.event.created)) {
    await transition(ctx.tx, membership, "active", stripeCause(ctx), {
      ...values,
      startedAt: membership.startedAt ?? at(ctx.event.created),
      stripeStateAt: at(ctx.event.created),
    });
  } else {
    await updateMembership(ctx.tx, membership.id, values);
  }
};

// ---------------------------------------------------------------- subscriptions
const onSubscriptionChanged: Handler = async (ctx) => {
  const sub = ctx.event.object as Stripe.Subscription;
  const giftId = donationRef(sub);
  if (giftId) {
    const gift = await findDonationForSubscription(ctx.tx, sub.id, giftId);
    if (gift) return onDonationSubscription(ctx, sub, gift);
  }
  const membership = await findMembership(ctx.tx, { membershipId: sub.metadata?.membershipId, subscriptionId: sub.id });
  if (!membership || !isCurrent(membership, ctx.event.created)) return;
  const deleted = ctx.event.type === "customer.subscription.deleted";
  const to = statusForSubscription(deleted ? "canceled" : sub.status, membership.status);
  const item = sub.items?.data?.[0];
  const eventAt = at(ctx.event.created);
  const values: Partial<Membership> = {
    stripeStateAt: eventAt,
    stripeSubscriptionId: membership.stripeSubscriptionId ?? sub.id,
    stripeCustomerId: membership.stripeCustomerId ?? idOf(sub.customer),
    cancelAtPeriodEnd: !deleted && (sub.cancel_at_period_end || sub.cancel_at != null),
  };
  if (item) {
    values.currentPeriodStart = at(item.current_period_start);
    values.currentPeriodEnd = at(item.current_period_end);
  }
  if (to === "past_due" && membership.status !== "past_due") values.graceUntil = graceEnd(eventAt, ctx.env);
  if (to === "active") {
    values.graceUntil = null;
    values.startedAt = membership.startedAt ?? eventAt;
  }
  if (to === "canceled" && membership.status !== "canceled") values.canceledAt = at(sub.ended_at ?? sub.canceled_at ?? ctx.event.created);
  await transition(ctx.tx, membership, to, stripeCause(ctx), values);

  const cancelRequested = to === "active" && values.cancelAtPeriodEnd && !membership.cancelAtPeriodEnd;
  if (cancelRequested) await queueCanceledEmail(ctx, membership.id, values.currentPeriodEnd ?? membership.currentPeriodEnd);
  if (to === "canceled" && membership.status !== "canceled") await queueCanceledEmail(ctx, membership.id, values.canceledAt ?? null);
  if (to === "lapsed" && membership.status !== "lapsed") await queueLapsedEmail(ctx.tx, ctx.env, membership.id);
};

// ---------------------------------------------------------------- invoices
function invoiceMembershipRef(invoice: Stripe.Invoice) {
  const details = invoice.parent?.subscription_details;
  return { membershipId: details?.metadata?.membershipId ?? invoice.metadata?.membershipId, subscriptionId: idOf(details?.subscription) };
}

/** The charge and payment intent an invoice was paid with (its paid payment, else its first). */
export function invoiceCharge(invoice: Stripe.Invoice): { chargeId: string | null; paymentIntentId: string | null } {
  const invoicePayment = invoice.payments?.data?.find((p) => p.status === "paid") ?? invoice.payments?.data?.[0];
  return { chargeId: idOf(invoicePayment?.payment?.charge), paymentIntentId: idOf(invoicePayment?.payment?.payment_intent) };
}

/**
 * invoice.paid's first round trip: the membership (locked) and the card of a charge.succeeded
 * stored before, shared with the batch's other invoices. The webhook batch starts it early,
 * with the event rows' insert, for the first event of each customer in the batch.
 */
function invoicePaidLookups(batch: StatementBatch, invoice: Stripe.Invoice) {
  const ref = invoiceMembershipRef(invoice);
  const membershipId = ref.membershipId && UUID.test(ref.membershipId) ? ref.membershipId : null;
  const paying = currencyOf(invoice.currency) !== null && invoice.amount_paid > 0;
  const { chargeId } = invoiceCharge(invoice);
  return Promise.all([
    membershipId || ref.subscriptionId ? batch.lockParties({ id: membershipId, subscriptionId: ref.subscriptionId }) : null,
    paying && chargeId ? batch.chargeDetails(chargeId) : null,
  ]);
}

const onInvoicePaid: Handler = async (ctx) => {
  const invoice = ctx.event.object as Stripe.Invoice;
  const giftRef = invoiceDonationRef(invoice);
  if (giftRef.donationId) {
    const gift = await findDonationForSubscription(ctx.tx, giftRef.subscriptionId, giftRef.donationId);
    if (gift) return onDonationInvoicePaid(ctx, invoice, gift);
  }
  const currency = currencyOf(invoice.currency);
  const paying = currency !== null && invoice.amount_paid > 0;
  const { chargeId, paymentIntentId } = invoiceCharge(invoice);
  const [parties, chargeDetails] = await ((ctx.early as ReturnType<typeof invoicePaidLookups> | undefined) ?? invoicePaidLookups(ctx.batch, invoice));
  if (!parties) return;
  if (!parties.person) return onOrganisationInvoicePaid(ctx, invoice, parties.membership.id);
  const card = chargeDetails ? cardOf({ payment_method_details: chargeDetails } as Stripe.Charge) : null;
  const { tier, membership } = parties;
  const person = parties.person;
  const period = invoice.lines?.data?.[0]?.period;
  const paidAt = at(invoice.status_transitions?.paid_at ?? ctx.event.created);

  // The membership's new period and status, sent with the payment in the second round trip.
  const newPeriod = period && (!membership.currentPeriodEnd || period.end * 1000 > membership.currentPeriodEnd.getTime()) ? period : null;
  const restorable = membership.status === "pending" || membership.status === "past_due" || membership.status === "lapsed";
  const updating =
    restorable && isCurrent(membership, ctx.event.created)
      ? transition(ctx.tx, membership, "active", stripeCause(ctx), {
          ...(newPeriod ? { currentPeriodStart: at(newPeriod.start), currentPeriodEnd: at(newPeriod.end) } : {}),
          graceUntil: null,
          startedAt: membership.startedAt ?? paidAt,
          stripeStateAt: at(ctx.event.created),
        })
      : newPeriod
        ? ctx.batch.setPeriod({ id: membership.id, start: at(newPeriod.start), end: at(newPeriod.end) })
        : null;
  if (!paying) {
    await updating;
    return;
  }

  // One payment per invoice, and how many payments this membership had before it.
  const [payment] = await Promise.all([
    ctx.batch.insertPayment({
      membershipId: membership.id,
      personId: person.id,
      amount: invoice.amount_paid,
      currency,
      cardBrand: card?.brand ?? null,
      cardLast4: card?.last4 ?? null,
      description: `${tier.nameEn} membership / ${tier.nameJa}`,
      stripeInvoiceId: invoice.id,
      stripeChargeId: chargeId,
      stripePaymentIntentId: paymentIntentId,
      paidAt,
    }),
    updating,
  ]);
  if (!payment) return;
  const benefitsValue = currency === membership.currency ? (parties.benefitValue ?? 0) : 0;
  const receiptId = randomUUID();
  ctx.issueReceiptAtCommit(
    {
      id: receiptId,
      paymentId: payment.id,
      issuedAt: paidAt,
      amount: payment.amount,
      currency,
      benefitsValue: Math.min(benefitsValue, payment.amount),
      locale: person.preferredLocale,
      snapshot: {
        payer: personPayer(person),
        purpose: {
          kind: "membership",
          tierName: tierNameOf(tier),
          periodStart: period ? at(period.start).toISOString() : null,
          periodEnd: period ? at(period.end).toISOString() : null,
          benefitsDescription:
            benefitsValue > 0 ? { en: tier.benefitsEn.join("; "), ja: tier.benefitsJa.join("、") } : null,
        },
        method: { type: "card", brand: card?.brand ?? null, last4: card?.last4 ?? null },
      },
    },
    {
      template: "receipt",
      locale: person.preferredLocale,
      to: person.email,
      personId: person.id,
      props: { recipient: recipientOf(person), receiptId },
      dedupeKey: `receipt:${receiptId}`,
    },
  );
  if (payment.earlier === 0) {
    await queueEmail(ctx.tx, {
      template: "welcome",
      locale: person.preferredLocale,
      to: person.email,
      personId: person.id,
      props: {
        recipient: recipientOf(person),
        tierName: tierNameOf(tier),
        periodEnd: period ? at(period.end).toISOString() : (membership.currentPeriodEnd?.toISOString() ?? null),
        manageUrl: appUrl(ctx.env, person.preferredLocale, `/join/success?m=${membership.id}`),
      },
      dedupeKey: `welcome:${membership.id}`,
    });
  }
};

/**
 * invoice.paid for a company's membership: a card subscription's invoice or a send_invoice bill
 * (paid by bank transfer, by card on the hosted page, or marked paid out of band when staff
 * recorded a check). One payment per invoice; the receipt is addressed to the company.
 */
async function onOrganisationInvoicePaid(ctx: HandlerContext, invoice: Stripe.Invoice, membershipId: string) {
  const membership = await getMembershipForUpdate(ctx.tx, membershipId);
  const currency = currencyOf(invoice.currency);
  if (!membership?.organisationId || !currency || invoice.amount_paid <= 0) return;
  const corporateInvoice = await findCorporateInvoice(ctx.tx, { stripeInvoiceId: invoice.id, id: invoice.metadata?.corporateInvoiceId }, true);
  const subscriptionPeriod = invoice.parent?.subscription_details ? invoice.lines?.data?.[0]?.period : null;
  const paidAt = at(invoice.status_transitions?.paid_at ?? ctx.event.created);
  const { chargeId, paymentIntentId } = invoiceCharge(invoice);
  const paid = await invoicePaymentMethod(ctx.tx, invoice, chargeId, paymentIntentId);
  await recordOrganisationPayment(
    ctx.tx,
    ctx.env,
    membership,
    {
      invoiceId: invoice.id,
      amount: invoice.amount_paid,
      currency,
      method: paid.method,
      cardBrand: paid.card?.brand ?? null,
      cardLast4: paid.card?.last4 ?? null,
      paidAt,
      chargeId,
      paymentIntentId,
      corporateInvoice,
      period: subscriptionPeriod ? { start: at(subscriptionPeriod.start), end: at(subscriptionPeriod.end) } : null,
    },
    stripeCause(ctx),
    { stripeStateAt: isCurrent(membership, ctx.event.created) ? at(ctx.event.created) : undefined },
  );
}

/**
 * How a company paid an invoice, from the invoice's payment details: a subscription's invoice
 * is charged to the card; a send_invoice bill paid in Stripe names a charge whose
 * payment_method_details say card or customer_balance (bank transfer into Stripe), read from the
 * stored charge.succeeded (it usually comes first; if it comes later onChargeSucceeded corrects
 * the method); an invoice paid out of band lists no paid payment: "other" until staff record
 * the check or wire.
 */
async function invoicePaymentMethod(tx: Tx, invoice: Stripe.Invoice, chargeId: string | null, paymentIntentId: string | null) {
  const charge = await storedCharge(tx, chargeId, paymentIntentId);
  const card = charge ? cardOf(charge) : null;
  if (invoice.collection_method === "charge_automatically") return { method: "card" as const, card };
  const paidInStripe = invoice.payments?.data?.some((p) => p.status === "paid") ?? false;
  if (!paidInStripe) return { method: "other" as const, card: null };
  if (charge?.payment_method_details?.type === "card") return { method: "card" as const, card };
  return { method: "stripe_bank_transfer" as const, card: null };
}

/** invoice.overdue: a company's unpaid invoice is past due; a bilingual reminder to its billing contact (once per invoice). */
const onInvoiceOverdue: Handler = async (ctx) => {
  const invoice = ctx.event.object as Stripe.Invoice;
  const membership = await findMembership(ctx.tx, invoiceMembershipRef(invoice));
  if (!membership?.organisationId || !invoice.hosted_invoice_url) return;
  // The first year's invoice (membership still pending) or a renewal invoice not yet paid.
  const row = await findCorporateInvoice(ctx.tx, { stripeInvoiceId: invoice.id, id: invoice.metadata?.corporateInvoiceId });
  const unpaid = membership.status === "pending" || (row?.kind === "renewal" && row.status !== "paid" && membership.status !== "canceled");
  if (!unpaid) return;
  const parties = await getOrganisationParties(ctx.tx, membership.organisationId);
  if (!parties?.billing) return;
  const locale = parties.billing.preferredLocale;
  await queueEmail(ctx.tx, {
    template: "invoice-overdue",
    locale,
    to: parties.billing.email,
    organisationId: membership.organisationId,
    props: {
      recipient: organisationRecipient(parties.organisation, locale),
      amount: invoice.amount_due,
      currency: invoice.currency.toUpperCase(),
      invoiceNumber: invoice.number ?? invoice.id,
      dueDate: invoice.due_date ? at(invoice.due_date).toISOString() : null,
      poNumber: membership.poNumber,
      hostedInvoiceUrl: invoice.hosted_invoice_url,
    },
    dedupeKey: `invoice-overdue:${invoice.id}`,
  });
};

/**
 * invoice.voided: staff voided a company's invoice in Stripe (to change its tier or amount).
 * Our row says so; for a renewal, the schedule or the staff button can then issue the year again.
 */
const onInvoiceVoided: Handler = async (ctx) => {
  const invoice = ctx.event.object as Stripe.Invoice;
  const row = await findCorporateInvoice(ctx.tx, { stripeInvoiceId: invoice.id, id: invoice.metadata?.corporateInvoiceId }, true);
  if (!row || row.status === "paid" || row.status === "void") return;
  await ctx.tx.update(corporateInvoices).set({ status: "void", updatedAt: new Date() }).where(eq(corporateInvoices.id, row.id));
};

const onInvoicePaymentFailed: Handler = async (ctx) => {
  const invoice = ctx.event.object as Stripe.Invoice;
  const giftRef = invoiceDonationRef(invoice);
  if (giftRef.donationId) {
    const gift = await findDonationForSubscription(ctx.tx, giftRef.subscriptionId, giftRef.donationId);
    if (gift) return onDonationInvoiceFailed(ctx, invoice, gift);
  }
  const membership = await findMembership(ctx.tx, invoiceMembershipRef(invoice));
  if (!membership || !isCurrent(membership, ctx.event.created)) return;
  if (membership.status !== "active" && membership.status !== "past_due") return;
  const graceUntil = membership.graceUntil ?? graceEnd(at(ctx.event.created), ctx.env);
  await transition(ctx.tx, membership, "past_due", stripeCause(ctx), { graceUntil, stripeStateAt: at(ctx.event.created) });
  const target = await membershipEmailTarget(ctx.tx, membership.id);
  if (!target) return;
  await queueEmail(ctx.tx, {
    template: "payment-failed",
    locale: target.locale,
    to: target.to,
    personId: target.personId,
    organisationId: target.organisationId,
    props: {
      recipient: target.recipient,
      tierName: tierNameOf(target.tier),
      amount: invoice.amount_due,
      currency: invoice.currency.toUpperCase(),
      updateCardUrl: updateCardUrl(ctx.env, membership.id),
      graceUntil: graceUntil.toISOString(),
    },
    dedupeKey: `payment-failed:${invoice.id}:${invoice.attempt_count ?? 0}`,
  });
};

const onInvoiceActionRequired: Handler = async (ctx) => {
  const invoice = ctx.event.object as Stripe.Invoice;
  const membership = await findMembership(ctx.tx, invoiceMembershipRef(invoice));
  // The first payment's authentication happens on the Checkout page itself.
  if (!membership || membership.status === "pending" || !invoice.hosted_invoice_url) return;
  const target = await membershipEmailTarget(ctx.tx, membership.id);
  if (!target) return;
  await queueEmail(ctx.tx, {
    template: "payment-action-required",
    locale: target.locale,
    to: target.to,
    personId: target.personId,
    organisationId: target.organisationId,
    props: {
      recipient: target.recipient,
      amount: invoice.amount_due,
      currency: invoice.currency.toUpperCase(),
      hostedInvoiceUrl: invoice.hosted_invoice_url,
    },
    dedupeKey: `payment-action-required:${invoice.id}`,
  });
};

// ---------------------------------------------------------------- charges
async function paymentForCharge(tx: Tx, charge: { id: string; payment_intent?: string | { id: string } | null }) {
  const intent = idOf(charge.payment_intent);
  const rows = await tx
    .select()
    .from(payments)
    .where(intent ? or(eq(payments.stripeChargeId, charge.id), eq(payments.stripePaymentIntentId, intent)) : eq(payments.stripeChargeId, charge.id))
    .for("update");
  return rows[0] ?? null;
}

type StripeCard = { brand: string; last4: string };

export function cardOf(charge: Stripe.Charge): StripeCard | null {
  const card = charge.payment_method_details?.card;
  return card?.brand && card.last4 && /^\d{4}$/.test(card.last4) ? { brand: card.brand, last4: card.last4 } : null;
}

/**
 * The card of a charge whose charge.succeeded event is already stored (it usually precedes
 * invoice.paid), found by the charge id or, for a one-time gift's Checkout, its payment intent.
 */
export async function storedChargeCard(tx: Tx, chargeId: string | null, paymentIntentId?: string | null): Promise<StripeCard | null> {
  const charge = await storedCharge(tx, chargeId, paymentIntentId);
  return charge ? cardOf(charge) : null;
}

/**
 * The payment method details (card, or customer_balance for a bank transfer into Stripe) of a
 * charge whose charge.succeeded event is stored, by its id or its payment intent. Only those
 * details leave the database, not the whole event.
 */
async function storedCharge(tx: Tx, chargeId: string | null, paymentIntentId?: string | null): Promise<Stripe.Charge | null> {
  if (chargeId) {
    const [details] = await storedChargeDetails(tx, [chargeId]);
    return details ? ({ payment_method_details: details } as Stripe.Charge) : null;
  }
  if (!paymentIntentId) return null;
  const [row] = await tx.execute<{ details: Stripe.Charge.PaymentMethodDetails | null }>(sql`
    select ${stripeEvents.payload} -> 'data' -> 'object' -> 'payment_method_details' as details
    from ${stripeEvents}
    where ${stripeEvents.type} = 'charge.succeeded' and ${stripeEvents.payload} -> 'data' -> 'object' ->> 'payment_intent' = ${paymentIntentId}
    limit 1`);
  return row ? ({ payment_method_details: row.details } as Stripe.Charge) : null;
}

/**
 * charge.succeeded after the payment was recorded: the card goes on the payment and on its
 * receipts (printed as "Card VISA •••• 4242"). Before it, invoice.paid finds the stored event.
 */
const onChargeSucceeded: Handler = async (ctx) => {
  const charge = ctx.event.object as Stripe.Charge;
  const card = cardOf(charge);
  if (!card) return;
  const payment = await paymentForCharge(ctx.tx, charge);
  if (!payment || payment.cardLast4) return;
  // A company's invoice paid on Stripe's page by card, whose invoice.paid came first.
  const method = payment.method === "stripe_bank_transfer" ? { type: "card" } : {};
  await ctx.tx
    .update(payments)
    .set({ cardBrand: card.brand, cardLast4: card.last4, ...(method.type ? { method: "card" as const } : {}) })
    .where(eq(payments.id, payment.id));
  await ctx.tx
    .update(receipts)
    .set({ snapshot: sql`jsonb_set(${receipts.snapshot}, '{method}', coalesce(${receipts.snapshot} -> 'method', '{}'::jsonb) || ${JSON.stringify({ ...card, ...method })}::jsonb)` })
    .where(eq(receipts.paymentId, payment.id));
};

const onChargeRefunded: Handler = async (ctx) => {
  const charge = ctx.event.object as Stripe.Charge;
  const payment = await paymentForCharge(ctx.tx, charge);
  if (!payment) return;
  const refunded = Math.min(payment.amount, Math.max(payment.refundedAmount, charge.amount_refunded));
  await ctx.tx.update(payments).set({ refundedAmount: refunded, stripeChargeId: payment.stripeChargeId ?? charge.id }).where(eq(payments.id, payment.id));
  if (refunded <= payment.refundedAmount) return; // an older or repeated refund event: nothing new
  // A corrected receipt for what was finally paid, naming the original, and its email.
  const [original] = await ctx.tx
    .select()
    .from(receipts)
    .where(and(eq(receipts.paymentId, payment.id), eq(receipts.kind, "original")));
  if (!original) return;
  const corrected = await issueCorrectedReceipt(ctx.tx, { originalReceiptId: original.id, refundedAmount: refunded, issuedAt: new Date(ctx.event.created * 1000) });
  const [payer] = payment.personId ? await ctx.tx.select().from(people).where(eq(people.id, payment.personId)) : [];
  if (!payer) return;
  await queueEmail(ctx.tx, {
    template: "receipt",
    locale: payer.preferredLocale,
    to: payer.email,
    personId: payer.id,
    props: { recipient: recipientOf(payer), receiptId: corrected.id },
    dedupeKey: `receipt:${corrected.id}`,
  });
};

const onDisputeCreated: Handler = async (ctx) => {
  const dispute = ctx.event.object as Stripe.Dispute;
  const chargeId = idOf(dispute.charge);
  if (!chargeId) return;
  const payment = await paymentForCharge(ctx.tx, { id: chargeId, payment_intent: dispute.payment_intent });
  if (!payment) return;
  await ctx.tx.update(payments).set({ disputed: true }).where(eq(payments.id, payment.id));
};

/** One typed map, keyed by event type. A type not here is stored and acknowledged with no effect. */
const onCheckoutFailed: Handler = async (ctx) => {
  const session = ctx.event.object as Stripe.Checkout.Session;
  const donationId = donationRef(session);
  if (donationId) await onDonationCheckoutFailed(ctx, donationId);
};

/**
 * Reads a handler does first that can start before the batch knows which of its events are new
 * (they go out with the event rows' insert): only what holds no matter what else the batch
 * does, so only for the first event of each customer in a batch.
 */
export const earlyLookups: Record<string, (batch: StatementBatch, object: unknown) => Promise<unknown>> = {
  "invoice.paid": (batch, object) => invoicePaidLookups(batch, object as Stripe.Invoice),
};

export const handlers: Record<string, Handler> = {
  "checkout.session.completed": onCheckoutCompleted,
  "checkout.session.async_payment_succeeded": onCheckoutCompleted,
  "checkout.session.async_payment_failed": onCheckoutFailed,
  "checkout.session.expired": onCheckoutFailed,
  "customer.subscription.created": onSubscriptionChanged,
  "customer.subscription.updated": onSubscriptionChanged,
  "customer.subscription.deleted": onSubscriptionChanged,
  "invoice.paid": onInvoicePaid,
  "invoice.payment_failed": onInvoicePaymentFailed,
  "invoice.overdue": onInvoiceOverdue,
  "invoice.voided": onInvoiceVoided,
  "invoice.payment_action_required": onInvoiceActionRequired,
  "charge.succeeded": onChargeSucceeded,
  "charge.refunded": onChargeRefunded,
  "charge.dispute.created": onDisputeCreated,
};
