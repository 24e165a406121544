/**
 * What a Stripe event does to a company's membership: its invoices paid (a card subscription's,
 * or a send_invoice bill paid by bank transfer, by card on the hosted page, or marked paid out of
 * band when staff recorded a check), overdue and voided. Registered after the memberships'
 * handlers (app/modules/stripe-handlers.server.ts): their invoice.paid answers null for a
 * company's membership, and this one applies it.
 */
import type Stripe from "stripe";
import { DONE, type Handler, type HandlerTable } from "../billing/handler-registry.server";
import { at, currencyOf, findMembership, invoiceMembershipRef, isCurrent, receiptMethod, stateAt, stripeCause } from "../billing/handlers.server";
import { stripePaymentFacts } from "../billing/payment-links.server";
import { queueEmail } from "../email/outbox.server";
import type { CurrencyCode } from "../i18n/format";
import { findCorporateInvoice, updateCorporateInvoiceStatus } from "./corporate-billing.queries.server";
import { getOrganisationParties, organisationRecipient, recordOrganisationPayment } from "./corporate-billing.server";

/** invoice.paid for a company's membership: one payment per invoice; the receipt is addressed to the company. */
const onOrganisationInvoicePaid: Handler = async (tx, event, env) => {
  const invoice = event.object as Stripe.Invoice;
  const membership = await findMembership(tx, invoiceMembershipRef(invoice));
  const currency = currencyOf(invoice.currency);
  if (!membership?.organisationId || !currency || invoice.amount_paid <= 0) return DONE;
  const corporateInvoice = await findCorporateInvoice(tx, { stripeInvoiceId: invoice.id, id: invoice.metadata?.corporateInvoiceId }, true);
  const subscriptionPeriod = invoice.parent?.subscription_details ? invoice.lines?.data?.[0]?.period : null;
  const paidAt = at(invoice.status_transitions?.paid_at ?? event.created);
  const facts = await stripePaymentFacts(tx, { invoiceId: invoice.id });
  const method = receiptMethod(facts);
  await recordOrganisationPayment(
    tx,
    env,
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
    stripeCause(event),
    { stripeStateAt: isCurrent(membership, event) ? stateAt(event) : undefined },
  );
  // A refund or dispute of this payment that came first.
  return { unpark: [facts.paymentIntentId, facts.chargeId] };
};

/** invoice.overdue: a company's unpaid invoice is past due; a bilingual reminder to its billing contact (once per invoice). */
const onInvoiceOverdue: Handler = async (tx, event) => {
  const invoice = event.object as Stripe.Invoice;
  const membership = await findMembership(tx, invoiceMembershipRef(invoice));
  if (!membership?.organisationId || !invoice.hosted_invoice_url) return DONE;
  // The first year's invoice (membership still pending) or a renewal invoice not yet paid.
  const row = await findCorporateInvoice(tx, { stripeInvoiceId: invoice.id, id: invoice.metadata?.corporateInvoiceId });
  const unpaid = membership.status === "pending" || (row?.kind === "renewal" && row.status !== "paid" && membership.status !== "canceled");
  if (!unpaid) return DONE;
  const parties = await getOrganisationParties(tx, membership.organisationId);
  if (!parties?.billing) return DONE;
  const locale = parties.billing.preferredLocale;
  await queueEmail(tx, {
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
  return DONE;
};

/**
 * invoice.voided: staff voided a company's invoice in Stripe (to change its tier or amount).
 * Our row says so; for a renewal, the schedule or the staff button can then issue the year again.
 */
const onInvoiceVoided: Handler = async (tx, event) => {
  const invoice = event.object as Stripe.Invoice;
  const row = await findCorporateInvoice(tx, { stripeInvoiceId: invoice.id, id: invoice.metadata?.corporateInvoiceId }, true);
  if (!row || row.status === "paid" || row.status === "void") return DONE;
  await updateCorporateInvoiceStatus(tx, row.id, "void");
  return DONE;
};

export const corporateHandlers: HandlerTable = {
  "invoice.paid": onOrganisationInvoicePaid,
  "invoice.overdue": onInvoiceOverdue,
  "invoice.voided": onInvoiceVoided,
};
