/**
 * Drizzle only: the rows that link a Stripe payment's facts together (payment-links.server.ts):
 * advisory locks on Stripe ids, the stored events read for a payment's intent and charge, the
 * payments and receipts they complete, and parked events. `tx` may be a transaction.
 */
import { and, eq, inArray, isNull, or, sql } from "drizzle-orm";
import type Stripe from "stripe";
import type { DbOrTx } from "../../../db/client";
import { payments, receipts, refunds, stripeEvents, type Payment } from "../../../db/schema";

/**
 * Takes transaction-level advisory locks on Stripe ids, in sorted order, in one statement. Held
 * until the transaction ends; taking one again in the same transaction does not wait.
 */
export async function lockStripeIds(tx: DbOrTx, ids: (string | null | undefined)[]) {
  const keys = [...new Set(ids.filter((id): id is string => !!id))].sort();
  if (keys.length === 0) return;
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(k, 0)) from unnest(${sql.param(keys)}::text[]) as k`);
}

/** The `payment` of a stored, paid invoice_payment.paid for an invoice, or null. */
export async function getStoredInvoicePayment(tx: DbOrTx, invoiceId: string): Promise<Stripe.InvoicePayment.Payment | null> {
  const [row] = await tx.execute<{ payment: Stripe.InvoicePayment.Payment | null }>(sql`
    select ${stripeEvents.payload} -> 'data' -> 'object' -> 'payment' as payment
    from ${stripeEvents}
    where ${stripeEvents.type} = 'invoice_payment.paid'
      and ${stripeEvents.payload} -> 'data' -> 'object' ->> 'invoice' = ${invoiceId}
      and ${stripeEvents.payload} -> 'data' -> 'object' ->> 'status' = 'paid'
    limit 1`);
  return row?.payment ?? null;
}

/** A stored charge.succeeded by its id or its payment intent: the ids and how it was paid (null when none, or no id is given). */
export async function getStoredCharge(tx: DbOrTx, ref: { chargeId: string | null; paymentIntentId: string | null }) {
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

/** Sets columns of a payment. */
export async function updatePayment(tx: DbOrTx, id: string, values: Partial<Payment>) {
  await tx.update(payments).set(values).where(eq(payments.id, id));
}

/** Puts how a payment was made into its receipts' snapshots. */
export async function updateReceiptsMethod(tx: DbOrTx, paymentId: string, method: { type: Payment["method"]; brand: string | null; last4: string | null }) {
  await tx
    .update(receipts)
    .set({ snapshot: sql`jsonb_set(${receipts.snapshot}, '{method}', ${JSON.stringify(method)}::jsonb)` })
    .where(eq(receipts.paymentId, paymentId));
}

/** The refunds staff asked of Stripe for a payment, still pending, marked succeeded. */
export async function markStripeRefundsSucceeded(tx: DbOrTx, paymentId: string) {
  await tx
    .update(refunds)
    .set({ status: "succeeded", updatedAt: new Date() })
    .where(and(eq(refunds.paymentId, paymentId), eq(refunds.via, "stripe"), eq(refunds.status, "pending")));
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
