/**
 * Next year's invoice for a company that pays by invoice. `CORPORATE_RENEWAL_INVOICE_DAYS`
 * before its paid year ends (or when staff press "issue the renewal invoice now"):
 *
 *   1. one transaction claims the year: a corporate_invoices row (kind renewal) for the next
 *      period, unique per membership and period start (a voided one can be issued again), with the tier staff chose for renewal
 *      (or the current one) at its current price, the same currency and the PO number;
 *   2. outside any transaction, Stripe: a send_invoice invoice due in 30 days, every POST keyed
 *      by that row (`corporate-invoice-<row id>`), so a retry makes the same invoice;
 *   3. one transaction records the Stripe invoice on the row and queues the bilingual email to
 *      the billing contact with the hosted invoice link (the local page on the demo gateway).
 *
 * When it is paid (invoice.paid or a check staff record), recordOrganisationPayment extends the
 * same membership by the row's period. Unpaid at period end, the membership goes past_due
 * (grace) and then lapses (lifecycle.server.ts); a later payment restores it.
 */
import type { Database } from "../../../db/client";
import type { CorporateInvoice } from "../../../db/schema";
import { writeAudit } from "../audit/audit.server";
import { getMembershipForUpdate } from "../billing/billing.queries.server";
import { getGateway } from "../billing/gateway.server";
import { tierNameOf } from "../shared/links.server";
import { addInterval } from "../billing/stripe-shapes.server";
import type { Env } from "../config/env.server";
import { queueEmail } from "../email/outbox.server";
import {
  findInvoiceBilledMembership,
  findRenewalInvoice,
  getCorporateYearPrice,
  getTier,
  insertCorporateInvoice,
  listDueRenewalMemberships,
  updateCorporateInvoiceClaimed,
  updateCorporateInvoiceIssued,
  updateCorporateInvoiceUnclaimed,
} from "./corporate-billing.queries.server";
import { getOrganisationParties, organisationRecipient } from "./corporate-billing.server";
import { updateOrganisationStripeCustomerIfUnset } from "./corporate.queries.server";
import { INVOICE_DAYS_UNTIL_DUE } from "./corporate.server";

const DAY = 86_400_000;
/** A claim older than this is taken to have died with its worker; the next run retries it (same idempotency keys). */
const CLAIM_MS = 5 * 60_000;

export type RenewalError = "notFound" | "notInvoiced" | "notRenewable" | "noPrice" | "inProgress" | "stripeFailed";
export type RenewalResult = { ok: true; invoice: CorporateInvoice; created: boolean } | { ok: false; error: RenewalError };

interface Ctx {
  db: Database;
  env: Env;
}

const oneYearAfter = (d: Date) => new Date(addInterval(Math.floor(d.getTime() / 1000), "year") * 1000);

/**
 * Issues (or finishes issuing) the invoice for the year after the membership's current period.
 * Idempotent: once issued, calling again returns the same invoice with `created: false`.
 */
export async function issueRenewalInvoice(
  ctx: Ctx,
  membershipId: string,
  options: { now?: Date; staff?: { id: string; ip: string | null } } = {},
): Promise<RenewalResult> {
  const now = options.now ?? new Date();
  const claim = await ctx.db.transaction(async (tx) => {
    const m = await getMembershipForUpdate(tx, membershipId);
    if (!m?.organisationId || m.seatOfMembershipId) return { error: "notFound" as const };
    if (m.stripeSubscriptionId) return { error: "notInvoiced" as const };
    const invoiced = await findInvoiceBilledMembership(tx, m.id);
    if (!invoiced) return { error: "notInvoiced" as const };
    if ((m.status !== "active" && m.status !== "past_due") || m.cancelAtPeriodEnd || !m.currentPeriodEnd || !m.currency) {
      return { error: "notRenewable" as const };
    }
    const periodStart = m.currentPeriodEnd;
    const existing = await findRenewalInvoice(tx, m.id, periodStart);
    if (existing && existing.status !== "draft") return { done: existing };
    if (existing?.claimedAt && now.getTime() - existing.claimedAt.getTime() < CLAIM_MS) return { error: "inProgress" as const };
    let row = existing;
    if (row) {
      row = await updateCorporateInvoiceClaimed(tx, row.id, now);
    } else {
      const found = await getCorporateYearPrice(tx, m.renewalTierId ?? m.tierId, m.currency);
      if (!found) return { error: "noPrice" as const };
      row = await insertCorporateInvoice(tx, {
        membershipId: m.id,
        organisationId: m.organisationId,
        kind: "renewal",
        periodStart,
        periodEnd: oneYearAfter(periodStart),
        tierId: found.tier.id,
        priceId: found.price.id,
        amount: found.price.amount,
        currency: found.price.currency,
        poNumber: m.poNumber,
        claimedAt: now,
      });
    }
    const tier = await getTier(tx, row!.tierId);
    return { row: row!, membership: m, tier: tier! };
  });
  if ("error" in claim) return { ok: false, error: claim.error! };
  if ("done" in claim) return { ok: true, invoice: claim.done!, created: false };

  const { row, membership, tier } = claim;
  const parties = await getOrganisationParties(ctx.db, row.organisationId);
  if (!parties?.billing) {
    await updateCorporateInvoiceUnclaimed(ctx.db, row.id);
    return { ok: false, error: "notFound" };
  }
  const { organisation, billing } = parties;
  const locale = billing.preferredLocale;
  const day = (d: Date) => d.toISOString().slice(0, 10);
  let created;
  try {
    created = await getGateway(ctx.env).createInvoice({
      membershipId: membership.id,
      organisationId: organisation.id,
      customerId: organisation.stripeCustomerId ?? membership.stripeCustomerId,
      customerName: organisation.legalNameJa && locale === "ja" ? `${organisation.legalNameJa} (${organisation.legalNameEn})` : organisation.legalNameEn,
      billingEmail: billing.email,
      locale,
      currency: row.currency,
      amount: row.amount,
      description: `${tier.nameEn} corporate membership ${day(row.periodStart!)} – ${day(row.periodEnd!)} / ${tier.nameJa}`,
      poNumber: row.poNumber,
      daysUntilDue: INVOICE_DAYS_UNTIL_DUE,
      corporateInvoiceId: row.id,
      metadata: { renewal: "true", periodStart: row.periodStart!.toISOString(), periodEnd: row.periodEnd!.toISOString() },
    });
  } catch (error) {
    console.warn(`corporate: renewal invoice ${row.id} for membership ${membership.id} failed:`, (error as Error)?.message ?? error);
    await updateCorporateInvoiceUnclaimed(ctx.db, row.id);
    return { ok: false, error: "stripeFailed" };
  }

  const invoice = await ctx.db.transaction(async (tx) => {
    const updated = await updateCorporateInvoiceIssued(tx, row.id, {
      stripeInvoiceId: created.invoiceId,
      number: created.number,
      hostedInvoiceUrl: created.hostedInvoiceUrl,
      dueDate: created.dueDate,
    });
    if (!organisation.stripeCustomerId) {
      await updateOrganisationStripeCustomerIfUnset(tx, organisation.id, created.customerId);
    }
    await queueEmail(tx, {
      template: "corporate-renewal-invoice",
      locale,
      to: billing.email,
      organisationId: organisation.id,
      personId: billing.id,
      props: {
        recipient: organisationRecipient(organisation, locale),
        tierName: tierNameOf(tier),
        amount: row.amount,
        currency: row.currency,
        periodStart: row.periodStart!.toISOString(),
        periodEnd: row.periodEnd!.toISOString(),
        dueDate: created.dueDate.toISOString(),
        poNumber: row.poNumber,
        hostedInvoiceUrl: created.hostedInvoiceUrl,
      },
      dedupeKey: `corporate-renewal-invoice:${created.invoiceId}`,
    });
    if (options.staff) {
      await writeAudit(tx, {
        actorStaffUserId: options.staff.id,
        action: "organisation.invoice.issue_renewal",
        subjectType: "membership",
        subjectId: membership.id,
        ip: options.staff.ip,
        details: {
          organisationId: organisation.id,
          invoiceId: created.invoiceId,
          tierId: row.tierId,
          amount: row.amount,
          currency: row.currency,
          periodStart: row.periodStart!.toISOString(),
          periodEnd: row.periodEnd!.toISOString(),
          poNumber: row.poNumber,
        },
      });
    }
    return updated!;
  });
  return { ok: true, invoice, created: true };
}

/**
 * The scheduled run: every company paying by invoice whose paid year ends within
 * CORPORATE_RENEWAL_INVOICE_DAYS and whose next year is not yet invoiced. Returns how many
 * invoices were created. A failure for one company is logged and retried on the next run.
 */
export async function issueDueRenewalInvoices(ctx: Ctx, now = new Date()): Promise<number> {
  const horizon = new Date(now.getTime() + ctx.env.CORPORATE_RENEWAL_INVOICE_DAYS * DAY);
  const due = await listDueRenewalMemberships(ctx.db, horizon);
  let created = 0;
  for (const { id } of due) {
    const result = await issueRenewalInvoice(ctx, id, { now });
    if (result.ok && result.created) created += 1;
    else if (!result.ok && result.error !== "inProgress") console.warn(`corporate: renewal invoice for membership ${id} not issued (${result.error})`);
  }
  return created;
}

/** Runs the renewal invoices now and then every `intervalMs` (an hour); stop() waits for a run in progress. */
export function startCorporateRenewalSchedule(options: Ctx & { intervalMs?: number }) {
  const run = () =>
    issueDueRenewalInvoices(options)
      .then((n) => {
        if (n > 0) console.log(`corporate: ${n} renewal invoice(s) issued`);
      })
      .catch((error: unknown) => console.error("corporate: renewal invoices failed", error));
  let running = run();
  const timer = setInterval(() => {
    running = run();
  }, options.intervalMs ?? 3600_000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
