/**
 * What each Stripe event does, inside the transaction that also marks the event processed.
 * Events arrive late, early and twice: payments are keyed by invoice id (one payment, one
 * receipt per invoice), emails by dedupe keys, and a status snapshot older than the newest
 * one applied (memberships.stripe_state_at) never moves a membership. Subscription events are
 * applied with the subscription as Stripe has it now (re-read before the transaction, see
 * webhook.server.ts), so their delivery order does not matter. A payment's charge, payment
 * intent and card come from other events than its invoice (payment-links.server.ts).
 */
import { randomUUID } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type Stripe from "stripe";
import type { Tx } from "../../../db/client";
import { corporateInvoices, payments, people, refunds, type Currency, type Membership, type MembershipStatus } from "../../../db/schema";
import { queueEmail } from "../email/outbox.server";
import { queueDetailsConfirmation } from "../members/details.server";
import { personPayer } from "../receipts/receipts.server";
import { getMembershipBySubscriptionForUpdate, getMembershipForUpdate, updateMembership } from "./billing.queries.server";
import {
  idOf,
  lockPaymentFor,
  lockStripeIds,
  paidWithOf,
  parkEvent,
  reapplyParked,
  settlePayment,
  stripePaymentFacts,
  type StripePaymentFacts,
} from "./payment-links.server";
import type { StatementBatch } from "./statement-batch.server";
import type { Handler, HandlerContext } from "./handler-context.server";
import type { MembershipParties } from "./billing.queries.server";
import { issueRefundReceipt } from "../receipts/refund-receipt.server";
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
import { UUID } from "../ids";
import type { CurrencyCode } from "../i18n/format";

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

/** True when the event's object is not older than the newest Stripe state already applied. */
function isCurrent(membership: Pick<Membership, "stripeStateAt">, ctx: HandlerContext): boolean {
  return !membership.stripeStateAt || ctx.event.stateAt >= membership.stripeStateAt.getTime();
}

const at = (seconds: number) => new Date(seconds * 1000);
const stateAt = (ctx: HandlerContext) => new Date(ctx.event.stateAt);
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
  if (paid && membership.personId) {
    await queueDetailsConfirmation(ctx.tx, ctx.env, {
      kind: "membership",
      id: membership.id,
      personId: membership.personId,
      pending: membership.submittedDetails,
    });
  }
  if (paid && membership.status === "pending" && isCurrent(membership, ctx)) {
    await transition(ctx.tx, membership, "active", stripeCause(ctx), {
      ...values,
      startedAt: membership.startedAt ?? at(ctx.event.created),
      stripeStateAt: stateAt(ctx),
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
  if (!membership || !isCurrent(membership, ctx)) return;
  const deleted = ctx.event.type === "customer.subscription.deleted" || sub.status === "canceled";
  const to = statusForSubscription(deleted ? "canceled" : sub.status, membership.status);
  const item = sub.items?.data?.[0];
  const eventAt = at(ctx.event.created);
  const values: Partial<Membership> = {
    stripeStateAt: stateAt(ctx),
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

/**
 * invoice.paid's first round trip: the membership (locked) with its person and tier, shared with
 * the batch's other invoices. The webhook batch starts it early, with the event rows' insert,
 * for the first event of each customer in the batch.
 */
function invoicePaidLookups(batch: StatementBatch, invoice: Stripe.Invoice): Promise<MembershipParties | null> {
  const ref = invoiceMembershipRef(invoice);
  const membershipId = ref.membershipId && UUID.test(ref.membershipId) ? ref.membershipId : null;
  return membershipId || ref.subscriptionId ? batch.lockParties({ id: membershipId, subscriptionId: ref.subscriptionId }) : Promise.resolve(null);
}

/** How a receipt prints a Stripe payment whose method may not be known yet. */
const receiptMethod = (facts: StripePaymentFacts) => ({
  type: facts.paidWith?.method ?? ("stripe" as const),
  brand: facts.paidWith?.brand ?? null,
  last4: facts.paidWith?.last4 ?? null,
});

const onInvoicePaid: Handler = async (ctx) => {
  const invoice = ctx.event.object as Stripe.Invoice;
  const giftRef = invoiceDonationRef(invoice);
  if (giftRef.donationId) {
    const gift = await findDonationForSubscription(ctx.tx, giftRef.subscriptionId, giftRef.donationId);
    if (gift) return onDonationInvoicePaid(ctx, invoice, gift);
  }
  const currency = currencyOf(invoice.currency);
  const paying = currency !== null && invoice.amount_paid > 0;
  const parties = await ((ctx.early as ReturnType<typeof invoicePaidLookups> | undefined) ?? invoicePaidLookups(ctx.batch, invoice));
  if (!parties) return;
  if (!parties.person) return onOrganisationInvoicePaid(ctx, invoice, parties.membership.id);
  const { tier, membership } = parties;
  const person = parties.person;
  const period = invoice.lines?.data?.[0]?.period;
  const paidAt = at(invoice.status_transitions?.paid_at ?? ctx.event.created);

  // The membership's new period and status, sent with the payment in the next round trip.
  const newPeriod = period && (!membership.currentPeriodEnd || period.end * 1000 > membership.currentPeriodEnd.getTime()) ? period : null;
  const restorable = membership.status === "pending" || membership.status === "past_due" || membership.status === "lapsed";
  const updating =
    restorable && isCurrent(membership, ctx)
      ? transition(ctx.tx, membership, "active", stripeCause(ctx), {
          ...(newPeriod ? { currentPeriodStart: at(newPeriod.start), currentPeriodEnd: at(newPeriod.end) } : {}),
          graceUntil: null,
          startedAt: membership.startedAt ?? paidAt,
          stripeStateAt: stateAt(ctx),
        })
      : newPeriod
        ? ctx.batch.setPeriod({ id: membership.id, start: at(newPeriod.start), end: at(newPeriod.end) })
        : null;
  if (!paying) {
    await updating;
    return;
  }

  // What invoice_payment.paid and charge.succeeded stored before this event (they may come later).
  const facts = await stripePaymentFacts(ctx.tx, { invoiceId: invoice.id });
  const method = receiptMethod(facts);
  // One payment per invoice, and how many payments this membership had before it.
  const [payment] = await Promise.all([
    ctx.batch.insertPayment({
      membershipId: membership.id,
      personId: person.id,
      amount: invoice.amount_paid,
      currency,
      method: method.type,
      cardBrand: method.brand,
      cardLast4: method.last4,
      description: `${tier.nameEn} membership / ${tier.nameJa}`,
      stripeInvoiceId: invoice.id,
      stripeChargeId: facts.chargeId,
      stripePaymentIntentId: facts.paymentIntentId,
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
          benefitsDescription: benefitsValue > 0 ? { en: tier.benefitsEn.join("; "), ja: tier.benefitsJa.join("、") } : null,
        },
        method,
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
  // A refund or dispute of this payment that came first.
  await reapplyParked(ctx, [facts.paymentIntentId, facts.chargeId]);
};

/**
 * invoice.paid for a company's membership: a card subscription's invoice or a send_invoice bill
 * (paid by bank transfer or by card on the hosted page, whose charge says which, or marked paid
 * out of band when staff recorded a check). One payment per invoice; the receipt is addressed
 * to the company.
 */
async function onOrganisationInvoicePaid(ctx: HandlerContext, invoice: Stripe.Invoice, membershipId: string) {
  const membership = await getMembershipForUpdate(ctx.tx, membershipId);
  const currency = currencyOf(invoice.currency);
  if (!membership?.organisationId || !currency || invoice.amount_paid <= 0) return;
  const corporateInvoice = await findCorporateInvoice(ctx.tx, { stripeInvoiceId: invoice.id, id: invoice.metadata?.corporateInvoiceId }, true);
  const subscriptionPeriod = invoice.parent?.subscription_details ? invoice.lines?.data?.[0]?.period : null;
  const paidAt = at(invoice.status_transitions?.paid_at ?? ctx.event.created);
  const facts = await stripePaymentFacts(ctx.tx, { invoiceId: invoice.id });
  const method = receiptMethod(facts);
  await recordOrganisationPayment(
    ctx.tx,
    ctx.env,
    membership,
    {
      invoiceId: invoice.id,
      amount: invoice.amount_paid,
      currency,
      method: method.type,
      cardBrand: method.brand,
      cardLast4: method.last4,
      paidAt,
      chargeId: facts.chargeId,
      paymentIntentId: facts.paymentIntentId,
      corporateInvoice,
      period: subscriptionPeriod ? { start: at(subscriptionPeriod.start), end: at(subscriptionPeriod.end) } : null,
    },
    stripeCause(ctx),
    { stripeStateAt: isCurrent(membership, ctx) ? stateAt(ctx) : undefined },
  );
  await reapplyParked(ctx, [facts.paymentIntentId, facts.chargeId]);
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
      currency: invoice.currency.toUpperCase() as CurrencyCode,
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

/**
 * invoice.payment_failed: the membership goes past due (grace keeps its benefits) unless a newer
 * state is already applied, and the member is asked to update the card, unless the invoice has
 * been paid since (a later attempt succeeded).
 */
const onInvoicePaymentFailed: Handler = async (ctx) => {
  const invoice = ctx.event.object as Stripe.Invoice;
  const giftRef = invoiceDonationRef(invoice);
  if (giftRef.donationId) {
    const gift = await findDonationForSubscription(ctx.tx, giftRef.subscriptionId, giftRef.donationId);
    if (gift) return onDonationInvoiceFailed(ctx, invoice, gift);
  }
  const membership = await findMembership(ctx.tx, invoiceMembershipRef(invoice));
  if (!membership) return;
  if (membership.status !== "active" && membership.status !== "past_due") return;
  if (await lockPaymentFor(ctx.tx, { invoiceId: invoice.id })) return;
  const graceUntil = membership.graceUntil ?? graceEnd(at(ctx.event.created), ctx.env);
  if (isCurrent(membership, ctx)) {
    await transition(ctx.tx, membership, "past_due", stripeCause(ctx), { graceUntil, stripeStateAt: stateAt(ctx) });
  }
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
      currency: invoice.currency.toUpperCase() as CurrencyCode,
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
      currency: invoice.currency.toUpperCase() as CurrencyCode,
      hostedInvoiceUrl: invoice.hosted_invoice_url,
    },
    dedupeKey: `payment-action-required:${invoice.id}`,
  });
};

// ---------------------------------------------------------------- payments: charges, invoice payments, refunds, disputes
/** charge.succeeded: how a payment was made (card brand and last 4, or a bank transfer into Stripe). */
const onChargeSucceeded: Handler = async (ctx) => {
  const charge = ctx.event.object as Stripe.Charge;
  const paymentIntentId = idOf(charge.payment_intent);
  await lockStripeIds(ctx.tx, [charge.id, paymentIntentId]);
  const payment = await lockPaymentFor(ctx.tx, { chargeId: charge.id, paymentIntentId });
  // No payment yet: the invoice.paid or invoice_payment.paid still to come reads this stored event.
  if (!payment) return;
  await settlePayment(ctx, payment, { paymentIntentId, chargeId: charge.id, paidWith: paidWithOf(charge.payment_method_details) });
};

/** invoice_payment.paid: which payment intent (or charge) paid an invoice. */
const onInvoicePaymentPaid: Handler = async (ctx) => {
  const invoicePayment = ctx.event.object as Stripe.InvoicePayment;
  const invoiceId = idOf(invoicePayment.invoice);
  const paymentIntentId = idOf(invoicePayment.payment?.payment_intent);
  const chargeId = idOf(invoicePayment.payment?.charge);
  if (invoicePayment.status !== "paid" || !invoiceId || (!paymentIntentId && !chargeId)) return;
  await lockStripeIds(ctx.tx, [invoiceId, paymentIntentId, chargeId]);
  const payment = await lockPaymentFor(ctx.tx, { invoiceId });
  // No payment yet: invoice.paid reads this stored event when it comes.
  if (!payment) return;
  await settlePayment(ctx, payment, await stripePaymentFacts(ctx.tx, { paymentIntentId, chargeId }));
};

/**
 * charge.refunded (full or partial; amount_refunded is the charge's total so far): the payment's
 * refunded amount, one corrected receipt per new total, and its email. A refund of a payment we
 * do not know yet waits for it (parked).
 */
const onChargeRefunded: Handler = async (ctx) => {
  const charge = ctx.event.object as Stripe.Charge;
  const paymentIntentId = idOf(charge.payment_intent);
  await lockStripeIds(ctx.tx, [charge.id, paymentIntentId]);
  const payment = await lockPaymentFor(ctx.tx, { chargeId: charge.id, paymentIntentId });
  if (!payment) {
    await parkEvent(ctx.tx, ctx.event.id, paymentIntentId ?? charge.id);
    return "parked";
  }
  if (!payment.stripeChargeId) await ctx.tx.update(payments).set({ stripeChargeId: charge.id }).where(eq(payments.id, payment.id));
  const refunded = Math.min(payment.amount, Math.max(payment.refundedAmount, charge.amount_refunded));
  if (refunded <= payment.refundedAmount) return; // an older or repeated refund event: nothing new
  await ctx.tx.update(payments).set({ refundedAmount: refunded }).where(eq(payments.id, payment.id));
  // The refunds staff asked of Stripe are done (Stripe reports the charge's total, not each refund).
  await ctx.tx
    .update(refunds)
    .set({ status: "succeeded", updatedAt: new Date() })
    .where(and(eq(refunds.paymentId, payment.id), eq(refunds.via, "stripe"), eq(refunds.status, "pending")));
  // The original receipt may be one this transaction issues at its commit: issue those now.
  await ctx.flushReceipts();
  await issueRefundReceipt(ctx.tx, payment, refunded, at(ctx.event.created));
};

const onDisputeCreated: Handler = async (ctx) => {
  const dispute = ctx.event.object as Stripe.Dispute;
  const chargeId = idOf(dispute.charge);
  const paymentIntentId = idOf(dispute.payment_intent);
  if (!chargeId) return;
  await lockStripeIds(ctx.tx, [chargeId, paymentIntentId]);
  const payment = await lockPaymentFor(ctx.tx, { chargeId, paymentIntentId });
  if (!payment) {
    await parkEvent(ctx.tx, ctx.event.id, paymentIntentId ?? chargeId);
    return "parked";
  }
  await ctx.tx.update(payments).set({ disputed: true }).where(eq(payments.id, payment.id));
};

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

/** One typed map, keyed by event type. A type not here is stored and acknowledged with no effect. */
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
  "invoice_payment.paid": onInvoicePaymentPaid,
  "charge.succeeded": onChargeSucceeded,
  "charge.refunded": onChargeRefunded,
  "charge.dispute.created": onDisputeCreated,
};
