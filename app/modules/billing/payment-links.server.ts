/**
 * A Stripe payment's facts come in separate events, in no fixed order:
 *   invoice.paid            the invoice, its amount (no payment intent: `payments` is includable)
 *   invoice_payment.paid    the invoice and the payment intent that paid it
 *   charge.succeeded        the payment intent, its charge and how it was paid (card brand, last 4)
 *   charge.refunded / charge.dispute.created   the charge (and its payment intent)
 * Each event is stored before it is applied, so whichever comes last finds the others in
 * stripe_events and completes the payment row (and its receipts). Two of them applied in
 * concurrent transactions could each miss the other, so each first takes a transaction-level
 * advisory lock on every Stripe id it will read facts about (an invoice, then a payment intent):
 * the later one waits for the earlier to commit, then sees it.
 *
 * A refund or dispute naming a charge no payment of ours has yet is parked: the event stays
 * unprocessed, `waiting_for` that charge's payment intent (or charge), and is applied when a
 * payment is linked to it (a handler's `unpark` effect; the ingest applies them).
 */
import type Stripe from "stripe";
import type { DbOrTx } from "../../../db/client";
import type { Payment } from "../../../db/schema";
import type { Effects } from "./handler-registry.server";
import { getStoredCharge, getStoredInvoicePayment, lockStripeIds, updatePayment, updateReceiptsMethod } from "./payment-links.queries.server";

type Method = Payment["method"];

/** How a payment was made, as Stripe's charge says: never guessed. */
export interface PaidWith {
  method: Method;
  brand: string | null;
  last4: string | null;
}

/** What we know of a Stripe payment: its payment intent, its charge, and how it was paid. */
export interface StripePaymentFacts {
  paymentIntentId: string | null;
  chargeId: string | null;
  paidWith: PaidWith | null;
}

export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}

/** The method of a charge's payment_method_details; a type we do not name is `other`. */
export function paidWithOf(details: Stripe.Charge.PaymentMethodDetails | null | undefined): PaidWith | null {
  if (!details?.type) return null;
  if (details.type === "card") {
    const card = details.card;
    const last4 = card?.last4 && /^\d{4}$/.test(card.last4) ? card.last4 : null;
    return { method: "card", brand: card?.brand ?? null, last4 };
  }
  if (details.type === "customer_balance") return { method: "stripe_bank_transfer", brand: null, last4: null };
  if (details.type === "konbini") return { method: "konbini", brand: null, last4: null };
  return { method: "other", brand: null, last4: null };
}

/** The payment intent (or charge) of an invoice's paid invoice_payment.paid, when one is stored. */
async function storedInvoicePayment(tx: DbOrTx, invoiceId: string) {
  const payment = await getStoredInvoicePayment(tx, invoiceId);
  return payment ? { paymentIntentId: idOf(payment.payment_intent), chargeId: idOf(payment.charge) } : null;
}

/**
 * Everything stored about a payment so far, from the ids in hand: an invoice's payment intent
 * (from invoice_payment.paid), then the payment intent's charge (from charge.succeeded). Locks
 * each id before reading about it (an invoice, then a payment intent).
 */
export async function stripePaymentFacts(
  tx: DbOrTx,
  known: { invoiceId?: string | null; paymentIntentId?: string | null; chargeId?: string | null },
): Promise<StripePaymentFacts> {
  let paymentIntentId = known.paymentIntentId ?? null;
  let chargeId = known.chargeId ?? null;
  if (known.invoiceId && !paymentIntentId && !chargeId) {
    await lockStripeIds(tx, [known.invoiceId]);
    const paid = await storedInvoicePayment(tx, known.invoiceId);
    paymentIntentId = paid?.paymentIntentId ?? null;
    chargeId = paid?.chargeId ?? null;
  }
  if (!paymentIntentId && !chargeId) return { paymentIntentId: null, chargeId: null, paidWith: null };
  await lockStripeIds(tx, [paymentIntentId ?? chargeId]);
  const charge = await getStoredCharge(tx, { chargeId, paymentIntentId });
  return {
    paymentIntentId: paymentIntentId ?? charge?.payment_intent ?? null,
    chargeId: chargeId ?? charge?.id ?? null,
    paidWith: charge ? paidWithOf(charge.details) : null,
  };
}

/** Puts how a payment was made on it and on its receipts (never over a method staff recorded). */
export async function setPaidWith(tx: DbOrTx, payment: Pick<Payment, "id" | "method" | "cardBrand" | "cardLast4" | "recordedByStaffUserId">, paid: PaidWith) {
  if (payment.recordedByStaffUserId) return;
  if (payment.method === paid.method && payment.cardBrand === paid.brand && payment.cardLast4 === paid.last4) return;
  await updatePayment(tx, payment.id, { method: paid.method, cardBrand: paid.brand, cardLast4: paid.last4 });
  await updateReceiptsMethod(tx, payment.id, { type: paid.method, brand: paid.brand, last4: paid.last4 });
}

/**
 * A payment learns its payment intent, charge and method (whichever event brought them), and
 * the refund or dispute waiting for it is applied.
 */
export async function settlePayment(tx: DbOrTx, payment: Payment, facts: StripePaymentFacts): Promise<Effects> {
  const ids: Partial<Payment> = {};
  if (facts.paymentIntentId && !payment.stripePaymentIntentId) ids.stripePaymentIntentId = facts.paymentIntentId;
  if (facts.chargeId && !payment.stripeChargeId) ids.stripeChargeId = facts.chargeId;
  if (Object.keys(ids).length > 0) await updatePayment(tx, payment.id, ids);
  if (facts.paidWith) await setPaidWith(tx, payment, facts.paidWith);
  return { unpark: [payment.stripePaymentIntentId ?? facts.paymentIntentId, payment.stripeChargeId ?? facts.chargeId] };
}
