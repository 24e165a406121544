/**
 * Staff refunds from a payment on the member page. A payment made through Stripe is refunded in
 * Stripe: our refund row is written first (its id, the form's one-time token, is the idempotency
 * key, so a double submit is one refund), then Stripe is asked, outside any transaction; the
 * refunded amount and the corrected receipt follow from Stripe's charge.refunded through the
 * webhook code, as for a refund made in Stripe's dashboard. A check, cash or bank-transfer payment
 * is refunded outside any payment system: the refund, the refunded amount, the corrected receipt
 * and its email are recorded at once, in one transaction. Either way one audit row.
 */
import type { Payment, Refund } from "../../../db/schema";
import { writeAudit, type StaffActor } from "../audit/audit.server";
import { parseMoney } from "../i18n/format";
import { moneyErrorKey, type RefundSchema } from "./member-actions.schema";
import { ActionError, refundsThroughStripe } from "./member-page.server";
import { getRefund, insertRefund, listLiveRefunds, lockPayment, updateRefundFailed, updateRefundFromStripe } from "./members.queries.server";
import { getPayment } from "../billing/billing.queries.server";
import { updatePayment } from "../billing/payment-links.queries.server";
import { issueRefundReceipt } from "../billing/refund-receipt.server";
import { isDemo, refundDemoPayment } from "../billing/demo.server";
import { getGateway } from "../billing/gateway.server";
import type { BillingContext } from "../billing/webhook.server";
import type { z } from "zod";

type Context = BillingContext;
type Actor = StaffActor;

/**
 * How much of a payment can still be refunded: its amount less what Stripe reports refunded (or,
 * offline, what we refunded) and the refunds asked of Stripe that it has not reported yet.
 */
export function refundable(payment: Pick<Payment, "amount" | "refundedAmount">, rows: Pick<Refund, "amount" | "status" | "via">[]): number {
  const sum = (status: Refund["status"]) => rows.filter((r) => r.via === "stripe" && r.status === status).reduce((n, r) => n + r.amount, 0);
  const reported = Math.max(payment.refundedAmount, sum("succeeded"));
  return Math.max(0, payment.amount - reported - sum("pending"));
}

export async function refundPaymentAsStaff(ctx: Context, actor: Actor, memberId: string, input: z.infer<typeof RefundSchema>): Promise<Refund> {
  const payment = await getPayment(ctx.db, input.paymentId);
  if (!payment || (payment.personId !== memberId && payment.organisationId !== memberId)) throw new ActionError("paymentId", "payment");
  const parsed = parseMoney(input.amount, payment.currency);
  if (!parsed.ok) throw new ActionError("amount", moneyErrorKey(parsed.error));
  const viaStripe = refundsThroughStripe(payment);
  // Stripe has not told us the charge yet (its events are on their way): nothing to refund against.
  if (viaStripe && !payment.stripePaymentIntentId && !payment.stripeChargeId) throw new ActionError("amount", "refundNotLinked");

  const refund = await ctx.db.transaction(async (tx) => {
    const again = await getRefund(tx, input.token);
    if (again) return again; // the same form sent twice: one refund
    const locked = await lockPayment(tx, payment.id);
    const earlier = await listLiveRefunds(tx, payment.id);
    if (parsed.minor > refundable(locked!, earlier)) throw new ActionError("amount", "refundTooMuch");
    const row = await insertRefund(tx, {
      id: input.token,
      paymentId: payment.id,
      amount: parsed.minor,
      currency: payment.currency,
      reason: input.reason,
      note: input.note,
      via: viaStripe ? "stripe" : "offline",
      status: viaStripe ? "pending" : "succeeded",
      staffUserId: actor.staff.id,
    });
    if (!viaStripe) {
      const total = locked!.refundedAmount + parsed.minor;
      await updatePayment(tx, payment.id, { refundedAmount: total });
      await issueRefundReceipt(tx, locked!, total, new Date());
    }
    await writeAudit(tx, {
      actorStaffUserId: actor.staff.id,
      action: "payment.refund",
      subjectType: payment.personId ? "person" : "organisation",
      subjectId: memberId,
      details: {
        paymentId: payment.id,
        refundId: row.id,
        amount: parsed.minor,
        currency: payment.currency,
        reason: input.reason,
        note: input.note,
        via: row.via,
      },
      ip: actor.ip,
    });
    return row;
  });
  if (refund.via !== "stripe" || refund.status !== "pending" || refund.stripeRefundId) return refund;

  try {
    if (isDemo(ctx)) {
      // The demo gateway's charge.refunded goes through the webhook code, as Stripe's would.
      await refundDemoPayment(ctx, payment.id, refund.amount);
      return refund;
    }
    const answer = await getGateway(ctx.env).refund(
      {
        paymentIntentId: payment.stripePaymentIntentId?.startsWith("pi_") ? payment.stripePaymentIntentId : null,
        chargeId: payment.stripeChargeId,
        amount: refund.amount,
        reason: refund.reason === "other" ? null : (refund.reason as "requested_by_customer" | "duplicate" | "fraudulent"),
        metadata: { refundId: refund.id, paymentId: payment.id },
      },
      `refund-${refund.id}`,
    );
    const status = answer.status === "succeeded" ? "succeeded" : answer.status === "failed" || answer.status === "canceled" ? "failed" : "pending";
    const updated = await updateRefundFromStripe(ctx.db, refund.id, { stripeRefundId: answer.id, status });
    return updated!;
  } catch (error) {
    const message = (error as Error)?.message ?? String(error);
    console.warn(`billing: refund ${refund.id} of payment ${payment.id} failed:`, message);
    await updateRefundFailed(ctx.db, refund.id, message.slice(0, 500));
    throw new ActionError("amount", "refundFailed");
  }
}
