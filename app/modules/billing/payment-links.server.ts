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
import { and, eq, inArray, isNull, or, sql } from "drizzle-orm";
import type Stripe from "stripe";
import type { DbOrTx } from "../../../db/client";
import { payments, receipts, stripeEvents, type Payment } from "../../../db/schema";
import type { Effects } from "./handler-registry.server";

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

/**
 * Takes transaction-level advisory locks on Stripe ids, in sorted order, in one statement. Held
 * until the transaction ends; taking one again in the same transaction does not wait.
 */
export async function lockStripeIds(tx: DbOrTx, ids: (string | null | undefined)[]) {
  const keys = [...new Set(ids.filter((id): id is string => !!id))].sort();
  if (keys.length === 0) return;
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(k, 0)) from unnest(${sql.param(keys)}::text[]) as k`);
}

/** The payment intent (or charge) of an invoice's paid invoice_payment.paid, when one is stored. */
async function storedInvoicePayment(tx: DbOrTx, invoiceId: string) {
  const [row] = await tx.execute<{ payment: Stripe.InvoicePayment.Payment | null }>(sql`
    select ${stripeEvents.payload} -> 'data' -> 'object' -> 'payment' as payment
    from ${stripeEvents}
    where ${stripeEvents.type} = 'invoice_payment.paid'
      and ${stripeEvents.payload} -> 'data' -> 'object' ->> 'invoice' = ${invoiceId}
      and ${stripeEvents.payload} -> 'data' -> 'object' ->> 'status' = 'paid'
    limit 1`);
  return row?.payment ? { paymentIntentId: idOf(row.payment.payment_intent), chargeId: idOf(row.payment.charge) } : null;
}

/** A stored charge.succeeded by its id or its payment intent: the ids and how it was paid. */
async function storedCharge(tx: DbOrTx, ref: { chargeId: string | null; paymentIntentId: string | null }) {
  const object = sql`${stripeEvents.payload} -> 'data' -> 'object'`;
  const conditions = [];
  if (ref.chargeId) conditions.push(sql`${object} ->> 'id' = ${ref.chargeId}`);
  if (ref.paymentIntentId) conditions.push(sql`${object} ->> 'payment_intent' = ${ref.paymentIntentId}`);
  if (conditions.length === 0) return null;
  const [row] = await tx.execute<{ id: string; payment_intent: string | null; details: Stripe.Charge.PaymentMethodDetails | null }>(sql`
    select ${object} ->> 'id' as id, ${object} ->> 'payment_intent' as payment_intent, ${object} -> 'payment_method_details' as details
    from ${stripeEvents}
    where ${stripeEvents.type} = 'charge.succeeded' and (${sql.join(conditions, sql` or `)})
    limit 1`);
  return row ?? null;
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
  const charge = await storedCharge(tx, { chargeId, paymentIntentId });
  return {
    paymentIntentId: paymentIntentId ?? charge?.payment_intent ?? null,
    chargeId: chargeId ?? charge?.id ?? null,
    paidWith: charge ? paidWithOf(charge.details) : null,
  };
}

/** The payment a charge (by its id or payment intent) or an invoice paid, locked. */
export async function lockPaymentFor(tx: DbOrTx, ref: { chargeId?: string | null; paymentIntentId?: string | null; invoiceId?: string | null }) {
  const conditions = [];
  if (ref.chargeId) conditions.push(eq(payments.stripeChargeId, ref.chargeId));
  if (ref.paymentIntentId) conditions.push(eq(payments.stripePaymentIntentId, ref.paymentIntentId));
  if (ref.invoiceId) conditions.push(eq(payments.stripeInvoiceId, ref.invoiceId));
  if (conditions.length === 0) return null;
  const [row] = await tx
    .select()
    .from(payments)
    .where(or(...conditions))
    .limit(1)
    .for("update");
  return row ?? null;
}

/** Puts how a payment was made on it and on its receipts (never over a method staff recorded). */
export async function setPaidWith(tx: DbOrTx, payment: Pick<Payment, "id" | "method" | "cardBrand" | "cardLast4" | "recordedByStaffUserId">, paid: PaidWith) {
  if (payment.recordedByStaffUserId) return;
  if (payment.method === paid.method && payment.cardBrand === paid.brand && payment.cardLast4 === paid.last4) return;
  await tx.update(payments).set({ method: paid.method, cardBrand: paid.brand, cardLast4: paid.last4 }).where(eq(payments.id, payment.id));
  const method = { type: paid.method, brand: paid.brand, last4: paid.last4 };
  await tx
    .update(receipts)
    .set({ snapshot: sql`jsonb_set(${receipts.snapshot}, '{method}', ${JSON.stringify(method)}::jsonb)` })
    .where(eq(receipts.paymentId, payment.id));
}

/** The events parked on these ids (a refund or dispute that came before its payment), locked, oldest first. */
export async function lockParkedEvents(tx: DbOrTx, ids: (string | null | undefined)[]) {
  const keys = [...new Set(ids.filter((id): id is string => !!id))];
  if (keys.length === 0) return [];
  return tx
    .select({ id: stripeEvents.id, type: stripeEvents.type, payload: stripeEvents.payload })
    .from(stripeEvents)
    .where(and(inArray(stripeEvents.waitingFor, keys), isNull(stripeEvents.processedAt)))
    .orderBy(stripeEvents.createdAtStripe, stripeEvents.id)
    .for("update");
}

/** Parks an event: unprocessed, waiting for a payment to be linked to `waitingFor` (a payment intent or charge id). */
export async function parkEvent(tx: DbOrTx, eventId: string, waitingFor: string) {
  await tx
    .update(stripeEvents)
    .set({ processedAt: null, waitingFor, error: `waiting for the payment of ${waitingFor}` })
    .where(eq(stripeEvents.id, eventId));
}

/** A parked event about to be applied again: processed unless it parks itself again. */
export async function unparkEvent(tx: DbOrTx, eventId: string) {
  await tx
    .update(stripeEvents)
    .set({ processedAt: new Date(), waitingFor: null, error: null, attempts: sql`${stripeEvents.attempts} + 1` })
    .where(eq(stripeEvents.id, eventId));
}

/**
 * A payment learns its payment intent, charge and method (whichever event brought them), and
 * the refund or dispute waiting for it is applied.
 */
export async function settlePayment(tx: DbOrTx, payment: Payment, facts: StripePaymentFacts): Promise<Effects> {
  const ids: Partial<Payment> = {};
  if (facts.paymentIntentId && !payment.stripePaymentIntentId) ids.stripePaymentIntentId = facts.paymentIntentId;
  if (facts.chargeId && !payment.stripeChargeId) ids.stripeChargeId = facts.chargeId;
  if (Object.keys(ids).length > 0) await tx.update(payments).set(ids).where(eq(payments.id, payment.id));
  if (facts.paidWith) await setPaidWith(tx, payment, facts.paidWith);
  return { unpark: [payment.stripePaymentIntentId ?? facts.paymentIntentId, payment.stripeChargeId ?? facts.chargeId] };
}
