/**
 * Paying for an organisation's membership: invoice.paid from Stripe (card subscription or a
 * send_invoice bill), or a check / bank wire that staff record against the open invoice.
 * Either way one payment per Stripe invoice (payments.stripe_invoice_id is unique), one
 * receipt addressed to the company (御中) with its billing contact and PO number, and the
 * membership active. The seat holders follow through transition().
 */
import type { Database, DbOrTx, Tx } from "../../../db/client";
import type { CorporateInvoice, Membership, Payment } from "../../../db/schema";
import { writeAudit } from "../audit/audit.server";
import { getMembershipForUpdate, getOrganisation, paymentForInvoice, updateMembership } from "../billing/billing.queries.server";
import { getGateway } from "../billing/gateway.server";
import { addInterval } from "../billing/stripe-shapes.server";
import type { Env } from "../config/env.server";
import { queueEmail } from "../email/outbox.server";
import { issueReceiptForPayment } from "../receipts/receipts.server";
import { transition, type Cause } from "../billing/lifecycle.server";
import { appUrl, tierNameOf } from "../shared/links.server";
import { getActiveTierPrice } from "../staff/tiers.queries.server";
import {
  findCorporateInvoice,
  findMembershipWithPrice,
  getNewestIssuedCorporateInvoice,
  getNewestOpenCorporateInvoice,
  getTier,
  insertOrganisationPayment,
  updateCorporateInvoiceStatus,
  updateInvoicePaymentMethod,
  updateReceiptsMethodType,
} from "./corporate-billing.queries.server";
import { listOrganisationContacts } from "./corporate.queries.server";

export async function getOrganisationParties(db: DbOrTx, organisationId: string) {
  const organisation = await getOrganisation(db, organisationId);
  if (!organisation) return null;
  const contacts = await listOrganisationContacts(db, organisationId);
  const primary = contacts.find((c) => c.role === "primary")?.person ?? null;
  const billing = contacts.find((c) => c.role === "billing")?.person ?? primary;
  return { organisation, primary, billing };
}

/** The company as an email recipient: its name in the contact's language (御中 is added by the template). */
export function organisationRecipient(org: { legalNameEn: string; legalNameJa: string | null }, locale: "en" | "ja") {
  return { kind: "organisation" as const, name: locale === "ja" && org.legalNameJa ? org.legalNameJa : org.legalNameEn };
}

export type OrganisationPaymentMethod = Payment["method"];

export interface OrganisationPayment {
  invoiceId: string;
  amount: number;
  currency: "USD" | "JPY";
  method: OrganisationPaymentMethod;
  cardBrand?: string | null;
  cardLast4?: string | null;
  /** Our row for the invoice: a renewal's period and tier apply when it is paid. */
  corporateInvoice?: CorporateInvoice | null;
  paidAt: Date;
  chargeId?: string | null;
  paymentIntentId?: string | null;
  description?: string | null;
  staffUserId?: string | null;
  /** The paid period; by default a year from the payment. */
  period?: { start: Date; end: Date } | null;
}

/**
 * Records an organisation's payment for `membership` (locked by the caller) and activates it.
 * Returns the payment id, or null when this invoice's payment was already recorded (then
 * nothing is counted twice; the membership is still made current).
 */
export async function recordOrganisationPayment(
  tx: Tx,
  env: Env,
  membership: Pick<Membership, "id" | "status" | "organisationId" | "startedAt" | "currentPeriodEnd" | "poNumber" | "tierId" | "stripeStateAt"> &
    Partial<Pick<Membership, "renewalTierId">>,
  payment: OrganisationPayment,
  cause: Cause,
  options: { stripeStateAt?: Date } = {},
): Promise<string | null> {
  const organisationId = membership.organisationId!;
  const invoiceRow = payment.corporateInvoice ?? null;
  const renewal = invoiceRow?.kind === "renewal" && invoiceRow.periodStart && invoiceRow.periodEnd ? invoiceRow : null;
  const start = renewal?.periodStart ?? payment.period?.start ?? payment.paidAt;
  const end = renewal?.periodEnd ?? payment.period?.end ?? new Date(addInterval(Math.floor(start.getTime() / 1000), "year") * 1000);
  const values: Partial<Membership> = {};
  // A renewal billed at the tier staff chose for it: that tier applies from the paid year on.
  if (renewal && renewal.tierId !== membership.tierId && (!membership.currentPeriodEnd || end.getTime() > membership.currentPeriodEnd.getTime())) {
    values.tierId = renewal.tierId;
    values.priceId = renewal.priceId;
    if (membership.renewalTierId === renewal.tierId) values.renewalTierId = null;
  } else if (
    !renewal &&
    payment.period &&
    membership.renewalTierId &&
    membership.renewalTierId !== membership.tierId &&
    membership.currentPeriodEnd &&
    end.getTime() > membership.currentPeriodEnd.getTime()
  ) {
    // A card subscription's next year, billed at the price staff switched it to: the tier follows.
    const price = await getActiveTierPrice(tx, { tierId: membership.renewalTierId, currency: payment.currency, interval: "year" });
    values.tierId = membership.renewalTierId;
    values.priceId = price?.id ?? null;
    values.renewalTierId = null;
  }
  if (!membership.currentPeriodEnd || end.getTime() > membership.currentPeriodEnd.getTime()) {
    values.currentPeriodStart = start;
    values.currentPeriodEnd = end;
  }
  const restorable = membership.status === "pending" || membership.status === "past_due" || membership.status === "lapsed";
  if (restorable) {
    await transition(tx, membership, "active", cause, {
      ...values,
      graceUntil: null,
      startedAt: membership.startedAt ?? payment.paidAt,
      ...(options.stripeStateAt ? { stripeStateAt: options.stripeStateAt } : {}),
    });
  } else if (Object.keys(values).length > 0) {
    await updateMembership(tx, membership.id, values);
  }

  if (invoiceRow && invoiceRow.status !== "paid") {
    await updateCorporateInvoiceStatus(tx, invoiceRow.id, "paid");
  }
  const tier = await getTier(tx, values.tierId ?? membership.tierId);
  const inserted = await insertOrganisationPayment(tx, {
    membershipId: membership.id,
    organisationId,
    amount: payment.amount,
    currency: payment.currency,
    method: payment.method,
    cardBrand: payment.cardBrand ?? null,
    cardLast4: payment.cardLast4 ?? null,
    description: payment.description ?? `${tier!.nameEn} corporate membership / ${tier!.nameJa}`,
    stripeInvoiceId: payment.invoiceId,
    stripeChargeId: payment.chargeId ?? null,
    stripePaymentIntentId: payment.paymentIntentId ?? null,
    recordedByStaffUserId: payment.staffUserId ?? null,
    paidAt: payment.paidAt,
  });
  if (!inserted) return null;

  const receipt = await issueReceiptForPayment(tx, inserted.id, { poNumber: membership.poNumber });
  const parties = await getOrganisationParties(tx, organisationId);
  if (parties?.billing) {
    const locale = parties.billing.preferredLocale;
    await queueEmail(tx, {
      template: "receipt",
      locale,
      to: parties.billing.email,
      organisationId,
      props: { recipient: organisationRecipient(parties.organisation, locale), receiptId: receipt.id },
      dedupeKey: `receipt:${receipt.id}`,
    });
  }
  if (parties?.primary) {
    const locale = parties.primary.preferredLocale;
    await queueEmail(tx, {
      template: "sponsor-welcome",
      locale,
      to: parties.primary.email,
      organisationId,
      personId: parties.primary.id,
      props: {
        recipient: organisationRecipient(parties.organisation, locale),
        tierName: tierNameOf(tier!),
        seats: tier!.seats ?? 0,
        periodEnd: (values.currentPeriodEnd ?? membership.currentPeriodEnd ?? end).toISOString(),
        // In the member area, where the contact signs in and finds the company's seats.
        manageUrl: appUrl(env, locale, "/account"),
        sponsorsUrl: appUrl(env, locale, "/sponsors"),
      },
      dedupeKey: `sponsor-welcome:${membership.id}`,
    });
  }
  return inserted.id;
}

/**
 * A company's membership and the invoice a payment settles: the one named, or the membership's
 * newest open one (a renewal once it is issued, else the first year's). `invoice` is null when
 * the membership has no Stripe invoice.
 */
export async function getInvoicedMembership(db: DbOrTx, ref: { membershipId?: string; invoiceId?: string }, lock = false) {
  let membershipId = ref.membershipId;
  let named: CorporateInvoice | null = null;
  if (!membershipId && ref.invoiceId) {
    named = await findCorporateInvoice(db, { stripeInvoiceId: ref.invoiceId });
    if (named) membershipId = named.membershipId;
  }
  const row = await findMembershipWithPrice(db, membershipId ? { id: membershipId } : { stripeInvoiceId: ref.invoiceId ?? "" }, lock);
  if (!row) return null;
  if (!named) {
    named = await getNewestOpenCorporateInvoice(db, row.membership.id);
  }
  if (!named && !ref.invoiceId) {
    // Nothing open: the newest invoice that is paid or the first year's, so a repeat says "already recorded".
    named = await getNewestIssuedCorporateInvoice(db, row.membership.id);
  }
  const invoice = named
    ? { stripeInvoiceId: named.stripeInvoiceId!, amount: named.amount, currency: named.currency, row: named }
    : row.membership.stripeInvoiceId && row.price
      ? { stripeInvoiceId: row.membership.stripeInvoiceId, amount: row.price.amount, currency: row.price.currency, row: null }
      : null;
  return { ...row, invoice };
}
export type OfflineInvoiceResult =
  { ok: true; paymentId: string | null; alreadyRecorded: boolean } | { ok: false; error: "notFound" | "notInvoiced" | "notOrganisation" | "stripeFailed" };

export interface OfflineInvoicePayment {
  membershipId?: string;
  invoiceId?: string;
  method: "check" | "bank_transfer" | "cash";
  paidAt: Date;
  reference: string;
  staffUserId: string;
  ip?: string | null;
}

/**
 * Staff record a check or a bank wire against a company's open invoice. First Stripe is told
 * the invoice was paid out of band (outside any transaction; the demo gateway has nothing to
 * tell), then one transaction records the payment, the receipt, the active membership and the
 * audit row. Stripe's own invoice.paid for the same invoice then finds the payment already
 * recorded and counts nothing twice; if it arrives first, this records nothing new but the
 * staff member and method on the payment it made.
 */
export async function recordOfflineInvoicePayment(ctx: { db: Database; env: Env }, input: OfflineInvoicePayment): Promise<OfflineInvoiceResult> {
  const found = await getInvoicedMembership(ctx.db, input);
  if (!found) return { ok: false, error: "notFound" };
  if (!found.membership.organisationId) return { ok: false, error: "notOrganisation" };
  if (!found.invoice) return { ok: false, error: "notInvoiced" };
  const invoice = found.invoice;
  const invoiceId = invoice.stripeInvoiceId;
  const existing = await paymentForInvoice(ctx.db, invoiceId);
  if (!existing) {
    try {
      const key =
        invoice.row?.kind === "renewal" ? `corporate-invoice-${invoice.row.id}-paid-out-of-band` : `membership-${found.membership.id}-invoice-paid-out-of-band`;
      await getGateway(ctx.env).payInvoiceOutOfBand(invoiceId, key);
    } catch (error) {
      const code = (error as { code?: string }).code;
      // Already paid in Stripe (by transfer or card meanwhile): its invoice.paid records the payment.
      if (code !== "invoice_already_paid" && code !== "invoice_payment_intent_requires_action") {
        console.warn(`corporate: marking invoice ${invoiceId} paid out of band failed:`, (error as Error)?.message ?? error);
        return { ok: false, error: "stripeFailed" };
      }
    }
  }
  const description = `${{ check: "Check", bank_transfer: "Bank transfer", cash: "Cash" }[input.method]} ${input.reference}`.trim().slice(0, 200);
  return ctx.db.transaction(async (tx) => {
    const m = await getMembershipForUpdate(tx, found.membership.id);
    const row = invoice.row ? await findCorporateInvoice(tx, { id: invoice.row.id }, true) : null;
    const paymentId = await recordOrganisationPayment(
      tx,
      ctx.env,
      m!,
      {
        invoiceId,
        amount: invoice.amount,
        currency: invoice.currency,
        corporateInvoice: row,
        method: input.method,
        paidAt: input.paidAt,
        description,
        staffUserId: input.staffUserId,
      },
      { cause: "staff", staffUserId: input.staffUserId, note: description },
    );
    if (!paymentId) {
      // Stripe's invoice.paid came first and could not say how it was paid (no charge follows a
      // payment out of band): now we know.
      const updated = await updateInvoicePaymentMethod(tx, invoiceId, { method: input.method, recordedByStaffUserId: input.staffUserId, description });
      if (updated[0]) {
        await updateReceiptsMethodType(tx, updated[0].id, input.method);
      }
    }
    await writeAudit(tx, {
      actorStaffUserId: input.staffUserId,
      action: "organisation.invoice.record_offline_payment",
      subjectType: "membership",
      subjectId: m!.id,
      ip: input.ip ?? null,
      details: {
        organisationId: m!.organisationId,
        invoiceId,
        method: input.method,
        reference: input.reference,
        paidAt: input.paidAt.toISOString(),
        amount: invoice.amount,
        currency: invoice.currency,
        alreadyRecorded: !paymentId,
      },
    });
    return { ok: true as const, paymentId, alreadyRecorded: !paymentId };
  });
}

/**
 * The staff member page's "record a payment" for a company whose membership waits on an open
 * invoice: recorded against that invoice (paid out of band in Stripe, counted once). Returns
 * null when the membership is not an invoiced company membership (the ordinary offline payment
 * applies), or when the invoice is already paid.
 */
export async function recordStaffPaymentAgainstInvoice(
  ctx: { db: Database; env: Env },
  input: { memberId: string; membershipId: string } & Omit<OfflineInvoicePayment, "membershipId" | "invoiceId">,
): Promise<OfflineInvoiceResult | null> {
  const found = await getInvoicedMembership(ctx.db, { membershipId: input.membershipId });
  if (!found || found.membership.organisationId !== input.memberId || !found.invoice) return null;
  const paid = await paymentForInvoice(ctx.db, found.invoice.stripeInvoiceId);
  if (paid) return null;
  return recordOfflineInvoicePayment(ctx, { ...input, membershipId: input.membershipId });
}
