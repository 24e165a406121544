/**
 * What each Stripe event does, inside the transaction that also marks the event processed.
 * Events arrive late, early and twice: payments are keyed by invoice id (one payment, one
 * receipt per invoice), emails by dedupe keys, and a status snapshot older than the newest
 * one applied (memberships.stripe_state_at) never moves a membership. Subscription events are
 * applied with the subscription as Stripe has it now (re-read before the transaction, see
 * webhook.server.ts), so their delivery order does not matter. A payment's charge, payment
 * intent and card come from other events than its invoice (payment-links.server.ts).
 *
 * These are the memberships' handlers and those of payments in general (charges, refunds,
 * disputes); gifts and companies have their own tables (donations/donation-events.server.ts,
 * corporate/corporate-events.server.ts), all registered by app/modules/stripe-handlers.server.ts.
 * A membership handler answers null for a company's invoice, which the corporate table applies.
 */
import { randomUUID } from "node:crypto";
import type Stripe from "stripe";
import type { Tx } from "../../../db/client";
import type { Currency, Membership, MembershipStatus } from "../../../db/schema";
import { queueEmail } from "../email/outbox.server";
import { queueDetailsConfirmation } from "../people/details.server";
import { personPayer } from "../receipts/receipts.server";
import {
  findTierPriceForStripe,
  getMembershipBySubscriptionForUpdate,
  getMembershipForUpdate,
  insertMembershipPayment,
  lockMembershipParty,
  setMembershipPeriod,
  updateMembership,
  updatePersonStripeCustomerIfUnset,
} from "./billing.queries.server";
import { idOf, paidWithOf, settlePayment, stripePaymentFacts, type StripePaymentFacts } from "./payment-links.server";
import { lockPaymentFor, lockStripeIds, markStripeRefundsSucceeded, updatePayment } from "./payment-links.queries.server";
import { DONE, type AppliedEvent, type Handler, type HandlerTable } from "./handler-registry.server";
import { appUrl, recipientOf, tierNameOf } from "../shared/links.server";
import { updateCardUrl } from "./portal-links.server";
import { graceEnd, membershipEmailTarget, queueLapsedEmail, transition } from "./lifecycle.server";
import { UUID } from "../shared/ids";
import type { CurrencyCode } from "../i18n/format";

export function currencyOf(value: string): Currency | null {
  const upper = value.toUpperCase();
  return upper === "USD" || upper === "JPY" ? upper : null;
}

export async function findMembership(tx: Tx, ref: { membershipId?: string | null; subscriptionId?: string | null }) {
  if (ref.membershipId && UUID.test(ref.membershipId)) {
    const found = await getMembershipForUpdate(tx, ref.membershipId);
    if (found) return found;
  }
  if (ref.subscriptionId) return getMembershipBySubscriptionForUpdate(tx, ref.subscriptionId);
  return null;
}

/** True when the event's object is not older than the newest Stripe state already applied. */
export function isCurrent(membership: Pick<Membership, "stripeStateAt">, event: AppliedEvent): boolean {
  return !membership.stripeStateAt || event.stateAt >= membership.stripeStateAt.getTime();
}

export const at = (seconds: number) => new Date(seconds * 1000);
export const stateAt = (event: AppliedEvent) => new Date(event.stateAt);
export const stripeCause = (event: AppliedEvent) => ({ cause: "stripe_event" as const, stripeEventId: event.id });

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

async function queueCanceledEmail(tx: Tx, membershipId: string, endsAt: Date | null) {
  const target = await membershipEmailTarget(tx, membershipId);
  if (!target) return;
  await queueEmail(tx, {
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
const onCheckoutCompleted: Handler = async (tx, event, env) => {
  const session = event.object as Stripe.Checkout.Session;
  if (session.mode !== "subscription") return DONE;
  const subscriptionId = idOf(session.subscription);
  const membership = await findMembership(tx, {
    membershipId: session.client_reference_id ?? session.metadata?.membershipId,
    subscriptionId,
  });
  if (!membership) return DONE;
  const customerId = idOf(session.customer);
  const values: Partial<Membership> = {
    stripeCheckoutSessionId: session.id,
    stripeCustomerId: membership.stripeCustomerId ?? customerId,
    stripeSubscriptionId: membership.stripeSubscriptionId ?? subscriptionId,
  };
  if (customerId && membership.personId) await updatePersonStripeCustomerIfUnset(tx, membership.personId, customerId);
  const paid = session.payment_status === "paid" || event.type === "checkout.session.async_payment_succeeded";
  if (paid && membership.personId) {
    await queueDetailsConfirmation(tx, env, {
      kind: "membership",
      id: membership.id,
      personId: membership.personId,
      pending: membership.submittedDetails,
    });
  }
  if (paid && membership.status === "pending" && isCurrent(membership, event)) {
    await transition(tx, membership, "active", stripeCause(event), {
      ...values,
      startedAt: membership.startedAt ?? at(event.created),
      stripeStateAt: stateAt(event),
    });
  } else {
    await updateMembership(tx, membership.id, values);
  }
  return DONE;
};

// ---------------------------------------------------------------- subscriptions
const onSubscriptionChanged: Handler = async (tx, event, env) => {
  const sub = event.object as Stripe.Subscription;
  const membership = await findMembership(tx, { membershipId: sub.metadata?.membershipId, subscriptionId: sub.id });
  if (!membership || !isCurrent(membership, event)) return DONE;
  const deleted = event.type === "customer.subscription.deleted" || sub.status === "canceled";
  const to = statusForSubscription(deleted ? "canceled" : sub.status, membership.status);
  const item = sub.items?.data?.[0];
  const eventAt = at(event.created);
  const values: Partial<Membership> = {
    stripeStateAt: stateAt(event),
    stripeSubscriptionId: membership.stripeSubscriptionId ?? sub.id,
    stripeCustomerId: membership.stripeCustomerId ?? idOf(sub.customer),
    cancelAtPeriodEnd: !deleted && (sub.cancel_at_period_end || sub.cancel_at != null),
  };
  if (item) {
    values.currentPeriodStart = at(item.current_period_start);
    values.currentPeriodEnd = at(item.current_period_end);
    // A change of plan (the member's tier or interval switch): the membership follows the subscription's price.
    const price = item.price?.id ? await findTierPriceForStripe(tx, { id: item.price.id, lookupKey: item.price.lookup_key ?? null }) : null;
    if (price && price.id !== membership.priceId && !membership.organisationId) {
      Object.assign(values, { priceId: price.id, tierId: price.tierId, interval: price.interval, currency: price.currency });
    }
  }
  if (to === "past_due" && membership.status !== "past_due") values.graceUntil = graceEnd(eventAt, env);
  if (to === "active") {
    values.graceUntil = null;
    values.startedAt = membership.startedAt ?? eventAt;
  }
  if (to === "canceled" && membership.status !== "canceled") values.canceledAt = at(sub.ended_at ?? sub.canceled_at ?? event.created);
  await transition(tx, membership, to, stripeCause(event), values);

  const cancelRequested = to === "active" && values.cancelAtPeriodEnd && !membership.cancelAtPeriodEnd;
  if (cancelRequested) await queueCanceledEmail(tx, membership.id, values.currentPeriodEnd ?? membership.currentPeriodEnd);
  if (to === "canceled" && membership.status !== "canceled") await queueCanceledEmail(tx, membership.id, values.canceledAt ?? null);
  if (to === "lapsed" && membership.status !== "lapsed") await queueLapsedEmail(tx, env, membership.id);
  return DONE;
};

// ---------------------------------------------------------------- invoices
export function invoiceMembershipRef(invoice: Stripe.Invoice) {
  const details = invoice.parent?.subscription_details;
  return { membershipId: details?.metadata?.membershipId ?? invoice.metadata?.membershipId, subscriptionId: idOf(details?.subscription) };
}

/** How a receipt prints a Stripe payment whose method may not be known yet. */
export const receiptMethod = (facts: StripePaymentFacts) => ({
  type: facts.paidWith?.method ?? ("stripe" as const),
  brand: facts.paidWith?.brand ?? null,
  last4: facts.paidWith?.last4 ?? null,
});

/** invoice.paid for a person's membership; null for a company's (the corporate handlers apply it). */
const onInvoicePaid: Handler = async (tx, event, env) => {
  const invoice = event.object as Stripe.Invoice;
  const currency = currencyOf(invoice.currency);
  const paying = currency !== null && invoice.amount_paid > 0;
  const ref = invoiceMembershipRef(invoice);
  const membershipId = ref.membershipId && UUID.test(ref.membershipId) ? ref.membershipId : null;
  if (!membershipId && !ref.subscriptionId) return DONE;
  // The membership (locked) with its person and tier, in one statement (shared with the transaction's other invoices).
  const parties = await lockMembershipParty(tx, { id: membershipId, subscriptionId: ref.subscriptionId });
  if (!parties) return DONE;
  if (!parties.person) return null;
  const { tier, membership } = parties;
  const person = parties.person;
  const period = invoice.lines?.data?.[0]?.period;
  const paidAt = at(invoice.status_transitions?.paid_at ?? event.created);

  // The membership's new period and status, sent alongside the payment.
  const newPeriod = period && (!membership.currentPeriodEnd || period.end * 1000 > membership.currentPeriodEnd.getTime()) ? period : null;
  const restorable = membership.status === "pending" || membership.status === "past_due" || membership.status === "lapsed";
  const updating =
    restorable && isCurrent(membership, event)
      ? transition(tx, membership, "active", stripeCause(event), {
          ...(newPeriod ? { currentPeriodStart: at(newPeriod.start), currentPeriodEnd: at(newPeriod.end) } : {}),
          graceUntil: null,
          startedAt: membership.startedAt ?? paidAt,
          stripeStateAt: stateAt(event),
        })
      : newPeriod
        ? setMembershipPeriod(tx, { id: membership.id, start: at(newPeriod.start), end: at(newPeriod.end) })
        : null;
  if (!paying) {
    await updating;
    return DONE;
  }

  // What invoice_payment.paid and charge.succeeded stored before this event (they may come later).
  const facts = await stripePaymentFacts(tx, { invoiceId: invoice.id });
  const method = receiptMethod(facts);
  // One payment per invoice, and how many payments this membership had before it.
  const [payment] = await Promise.all([
    insertMembershipPayment(tx, {
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
  if (!payment) return DONE;
  const benefitsValue = currency === membership.currency ? (parties.benefitValue ?? 0) : 0;
  const receiptId = randomUUID();
  if (payment.earlier === 0) {
    await queueEmail(tx, {
      template: "welcome",
      locale: person.preferredLocale,
      to: person.email,
      personId: person.id,
      props: {
        recipient: recipientOf(person),
        tierName: tierNameOf(tier),
        periodEnd: period ? at(period.end).toISOString() : (membership.currentPeriodEnd?.toISOString() ?? null),
        manageUrl: appUrl(env, person.preferredLocale, "/account"),
      },
      dedupeKey: `welcome:${membership.id}`,
    });
  }
  return {
    receipts: [
      {
        receipt: {
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
        email: {
          template: "receipt",
          locale: person.preferredLocale,
          to: person.email,
          personId: person.id,
          props: { recipient: recipientOf(person), receiptId },
          dedupeKey: `receipt:${receiptId}`,
        },
      },
    ],
    // A refund or dispute of this payment that came first.
    unpark: [facts.paymentIntentId, facts.chargeId],
  };
};

/**
 * invoice.payment_failed: the membership goes past due (grace keeps its benefits) unless a newer
 * state is already applied, and the member is asked to update the card, unless the invoice has
 * been paid since (a later attempt succeeded).
 */
const onInvoicePaymentFailed: Handler = async (tx, event, env) => {
  const invoice = event.object as Stripe.Invoice;
  const membership = await findMembership(tx, invoiceMembershipRef(invoice));
  if (!membership) return DONE;
  if (membership.status !== "active" && membership.status !== "past_due") return DONE;
  if (await lockPaymentFor(tx, { invoiceId: invoice.id })) return DONE;
  const graceUntil = membership.graceUntil ?? graceEnd(at(event.created), env);
  if (isCurrent(membership, event)) {
    await transition(tx, membership, "past_due", stripeCause(event), { graceUntil, stripeStateAt: stateAt(event) });
  }
  const target = await membershipEmailTarget(tx, membership.id);
  if (!target) return DONE;
  await queueEmail(tx, {
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
      updateCardUrl: updateCardUrl(env, membership.id),
      graceUntil: graceUntil.toISOString(),
    },
    dedupeKey: `payment-failed:${invoice.id}:${invoice.attempt_count ?? 0}`,
  });
  return DONE;
};

const onInvoiceActionRequired: Handler = async (tx, event) => {
  const invoice = event.object as Stripe.Invoice;
  const membership = await findMembership(tx, invoiceMembershipRef(invoice));
  // The first payment's authentication happens on the Checkout page itself.
  if (!membership || membership.status === "pending" || !invoice.hosted_invoice_url) return DONE;
  const target = await membershipEmailTarget(tx, membership.id);
  if (!target) return DONE;
  await queueEmail(tx, {
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
  return DONE;
};

// ---------------------------------------------------------------- payments: charges, invoice payments, refunds, disputes
/** charge.succeeded: how a payment was made (card brand and last 4, or a bank transfer into Stripe). */
const onChargeSucceeded: Handler = async (tx, event) => {
  const charge = event.object as Stripe.Charge;
  const paymentIntentId = idOf(charge.payment_intent);
  await lockStripeIds(tx, [charge.id, paymentIntentId]);
  const payment = await lockPaymentFor(tx, { chargeId: charge.id, paymentIntentId });
  // No payment yet: the invoice.paid or invoice_payment.paid still to come reads this stored event.
  if (!payment) return DONE;
  return settlePayment(tx, payment, { paymentIntentId, chargeId: charge.id, paidWith: paidWithOf(charge.payment_method_details) });
};

/** invoice_payment.paid: which payment intent (or charge) paid an invoice. */
const onInvoicePaymentPaid: Handler = async (tx, event) => {
  const invoicePayment = event.object as Stripe.InvoicePayment;
  const invoiceId = idOf(invoicePayment.invoice);
  const paymentIntentId = idOf(invoicePayment.payment?.payment_intent);
  const chargeId = idOf(invoicePayment.payment?.charge);
  if (invoicePayment.status !== "paid" || !invoiceId || (!paymentIntentId && !chargeId)) return DONE;
  await lockStripeIds(tx, [invoiceId, paymentIntentId, chargeId]);
  const payment = await lockPaymentFor(tx, { invoiceId });
  // No payment yet: invoice.paid reads this stored event when it comes.
  if (!payment) return DONE;
  return settlePayment(tx, payment, await stripePaymentFacts(tx, { paymentIntentId, chargeId }));
};

/**
 * charge.refunded (full or partial; amount_refunded is the charge's total so far): the payment's
 * refunded amount, one corrected receipt per new total, and its email. A refund of a payment we
 * do not know yet waits for it (parked).
 */
const onChargeRefunded: Handler = async (tx, event) => {
  const charge = event.object as Stripe.Charge;
  const paymentIntentId = idOf(charge.payment_intent);
  await lockStripeIds(tx, [charge.id, paymentIntentId]);
  const payment = await lockPaymentFor(tx, { chargeId: charge.id, paymentIntentId });
  if (!payment) return { parkUntil: paymentIntentId ?? charge.id };
  if (!payment.stripeChargeId) await updatePayment(tx, payment.id, { stripeChargeId: charge.id });
  const refunded = Math.min(payment.amount, Math.max(payment.refundedAmount, charge.amount_refunded));
  if (refunded <= payment.refundedAmount) return DONE; // an older or repeated refund event: nothing new
  await updatePayment(tx, payment.id, { refundedAmount: refunded });
  // The refunds staff asked of Stripe are done (Stripe reports the charge's total, not each refund).
  await markStripeRefundsSucceeded(tx, payment.id);
  // After the receipts this transaction issues (the original may be one of them).
  return { refundReceipts: [{ payment, refundedTotal: refunded, issuedAt: at(event.created) }] };
};

const onDisputeCreated: Handler = async (tx, event) => {
  const dispute = event.object as Stripe.Dispute;
  const chargeId = idOf(dispute.charge);
  const paymentIntentId = idOf(dispute.payment_intent);
  if (!chargeId) return DONE;
  await lockStripeIds(tx, [chargeId, paymentIntentId]);
  const payment = await lockPaymentFor(tx, { chargeId, paymentIntentId });
  if (!payment) return { parkUntil: paymentIntentId ?? chargeId };
  await updatePayment(tx, payment.id, { disputed: true });
  return DONE;
};

/** Memberships' and payments' handlers, by event type. A type no table has is stored and acknowledged with no effect. */
export const membershipHandlers: HandlerTable = {
  "checkout.session.completed": onCheckoutCompleted,
  "checkout.session.async_payment_succeeded": onCheckoutCompleted,
  "customer.subscription.created": onSubscriptionChanged,
  "customer.subscription.updated": onSubscriptionChanged,
  "customer.subscription.deleted": onSubscriptionChanged,
  "invoice.paid": onInvoicePaid,
  "invoice.payment_failed": onInvoicePaymentFailed,
  "invoice.payment_action_required": onInvoiceActionRequired,
  "invoice_payment.paid": onInvoicePaymentPaid,
  "charge.succeeded": onChargeSucceeded,
  "charge.refunded": onChargeRefunded,
  "charge.dispute.created": onDisputeCreated,
};
