/**
 * After a refund (Stripe's charge.refunded, or a check or transfer staff refunded by hand): the
 * corrected receipt for what the payer finally paid, naming the original, and its email to the
 * payer (a person, or a company's billing contact addressed 御中). Once per refund total.
 */
import type { DbOrTx } from "../../../db/client";
import type { Payment } from "../../../db/schema";
import { getPersonById as getPerson } from "../people/people.queries.server";
import { getOriginalReceipt } from "./billing.queries.server";
import { organisationBillingContact } from "./lifecycle.server";
import { recipientOf } from "../shared/links.server";
import { queueEmail } from "../email/outbox.server";
import { issueCorrectedReceipt } from "../receipts/receipts.server";

export async function issueRefundReceipt(tx: DbOrTx, payment: Pick<Payment, "id" | "personId" | "organisationId">, refundedTotal: number, issuedAt: Date) {
  const original = await getOriginalReceipt(tx, payment.id);
  if (!original) throw new Error(`payment ${payment.id} has no receipt to correct`);
  const corrected = await issueCorrectedReceipt(tx, { originalReceiptId: original.id, refundedAmount: refundedTotal, issuedAt });
  const email = { template: "receipt" as const, props: { receiptId: corrected.id }, dedupeKey: `receipt:${corrected.id}` };
  if (payment.personId) {
    const payer = await getPerson(tx, payment.personId);
    if (!payer) return corrected;
    await queueEmail(tx, {
      ...email,
      locale: payer.preferredLocale,
      to: payer.email,
      personId: payer.id,
      props: { recipient: recipientOf(payer), receiptId: corrected.id },
    });
  } else if (payment.organisationId) {
    const contact = await organisationBillingContact(tx, payment.organisationId);
    if (!contact) return corrected;
    await queueEmail(tx, {
      ...email,
      locale: contact.locale,
      to: contact.email,
      personId: contact.personId,
      organisationId: payment.organisationId,
      props: { recipient: contact.recipient, receiptId: corrected.id },
    });
  }
  return corrected;
}
