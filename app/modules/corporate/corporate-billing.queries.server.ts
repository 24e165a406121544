/**
 * Drizzle only: what a company is billed and pays (corporate-billing.server.ts, renewals.server.ts):
 * its invoices, its payments and their receipts, and the corporate tiers' prices. `db` may be a
 * transaction.
 */
import { and, asc, desc, eq, exists, inArray, isNotNull, lte, ne, notExists, or, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import {
  corporateInvoices,
  memberships,
  payments,
  receipts,
  tierPrices,
  tiers,
  type CorporateInvoice,
  type NewPayment,
  type Payment,
} from "../../../db/schema";
import { UUID } from "../shared/ids";
import { invoicedCompanyTerm } from "../billing/billing.queries.server";

// ---------------------------------------------------------------- prices and tiers

/** The active yearly price of a corporate tier in a currency, with its tier; or null. */
export async function getCorporateYearPrice(db: DbOrTx, tierId: number, currency: "USD" | "JPY") {
  const [row] = await db
    .select({ tier: tiers, price: tierPrices })
    .from(tierPrices)
    .innerJoin(tiers, eq(tiers.id, tierPrices.tierId))
    .where(
      and(eq(tiers.id, tierId), eq(tiers.kind, "corporate"), eq(tierPrices.active, true), eq(tierPrices.currency, currency), eq(tierPrices.interval, "year")),
    );
  return row ?? null;
}

/** A tier by id, or null. */
export async function getTier(db: DbOrTx, id: number) {
  const [row] = await db.select().from(tiers).where(eq(tiers.id, id));
  return row ?? null;
}

/** The slugs of tiers, by id. */
export function listTierSlugs(db: DbOrTx, ids: number[]) {
  return db.select({ id: tiers.id, slug: tiers.slug }).from(tiers).where(inArray(tiers.id, ids));
}

/** Active corporate tiers (id and names), in display order. */
export function listCorporateTiers(db: DbOrTx) {
  return db
    .select({ id: tiers.id, nameEn: tiers.nameEn, nameJa: tiers.nameJa })
    .from(tiers)
    .where(and(eq(tiers.kind, "corporate"), eq(tiers.active, true)))
    .orderBy(asc(tiers.sortOrder));
}

// ---------------------------------------------------------------- invoices

/** The first or renewal invoice a Stripe invoice id (or our row id, from the invoice's metadata) names; locked with `lock`; or null. */
export async function findCorporateInvoice(db: DbOrTx, ref: { stripeInvoiceId?: string | null; id?: string | null }, lock = false) {
  const conditions = [];
  if (ref.stripeInvoiceId) conditions.push(eq(corporateInvoices.stripeInvoiceId, ref.stripeInvoiceId));
  if (ref.id && UUID.test(ref.id)) conditions.push(eq(corporateInvoices.id, ref.id));
  if (conditions.length === 0) return null;
  const query = db
    .select()
    .from(corporateInvoices)
    .where(or(...conditions))
    .limit(1);
  const [row] = lock ? await query.for("update") : await query;
  return row ?? null;
}

/** A membership's newest open invoice that Stripe has, or null. */
export async function getNewestOpenCorporateInvoice(db: DbOrTx, membershipId: string) {
  const [row] = await db
    .select()
    .from(corporateInvoices)
    .where(and(eq(corporateInvoices.membershipId, membershipId), eq(corporateInvoices.status, "open"), isNotNull(corporateInvoices.stripeInvoiceId)))
    .orderBy(desc(corporateInvoices.createdAt))
    .limit(1);
  return row ?? null;
}

/** A membership's newest open or paid invoice that Stripe has, or null. */
export async function getNewestIssuedCorporateInvoice(db: DbOrTx, membershipId: string) {
  const [row] = await db
    .select()
    .from(corporateInvoices)
    .where(
      and(eq(corporateInvoices.membershipId, membershipId), inArray(corporateInvoices.status, ["open", "paid"]), isNotNull(corporateInvoices.stripeInvoiceId)),
    )
    .orderBy(desc(corporateInvoices.createdAt))
    .limit(1);
  return row ?? null;
}

/** An organisation's invoices, newest first. */
export function listOrganisationInvoices(db: DbOrTx, organisationId: string) {
  return db.select().from(corporateInvoices).where(eq(corporateInvoices.organisationId, organisationId)).orderBy(desc(corporateInvoices.createdAt));
}

/** A new corporate invoice row; the row. */
export async function insertCorporateInvoice(tx: DbOrTx, values: typeof corporateInvoices.$inferInsert) {
  const [row] = await tx.insert(corporateInvoices).values(values).returning();
  return row ?? null;
}

/** Sets a corporate invoice's status (and its updated time). */
export async function updateCorporateInvoiceStatus(tx: DbOrTx, id: string, status: CorporateInvoice["status"]) {
  await tx.update(corporateInvoices).set({ status, updatedAt: new Date() }).where(eq(corporateInvoices.id, id));
}

/** A corporate invoice claimed at `now` by the run issuing it; the row, or null. */
export async function updateCorporateInvoiceClaimed(tx: DbOrTx, id: string, now: Date) {
  const [row] = await tx.update(corporateInvoices).set({ claimedAt: now, updatedAt: now }).where(eq(corporateInvoices.id, id)).returning();
  return row ?? null;
}

/** A corporate invoice's claim given up, so the next run issues it. */
export async function updateCorporateInvoiceUnclaimed(db: DbOrTx, id: string) {
  await db.update(corporateInvoices).set({ claimedAt: null }).where(eq(corporateInvoices.id, id));
}

/**
 * The Stripe invoice recorded on a corporate invoice row, which is open (paid if its invoice.paid
 * landed first) and no longer claimed; the row, or null.
 */
export async function updateCorporateInvoiceIssued(
  tx: DbOrTx,
  id: string,
  issued: { stripeInvoiceId: string; number: string | null; hostedInvoiceUrl: string; dueDate: Date },
) {
  const [row] = await tx
    .update(corporateInvoices)
    .set({
      stripeInvoiceId: issued.stripeInvoiceId,
      number: issued.number,
      hostedInvoiceUrl: issued.hostedInvoiceUrl,
      dueDate: issued.dueDate,
      // invoice.paid may already have landed (it finds the row by the id in the invoice's metadata).
      status: sql`case when ${corporateInvoices.status} = 'paid' then 'paid' else 'open' end`,
      claimedAt: null,
      updatedAt: new Date(),
    })
    .where(eq(corporateInvoices.id, id))
    .returning();
  return row ?? null;
}

// ---------------------------------------------------------------- renewals

/** True when the company's membership is billed by invoice (it has had one), not by a card subscription. */
const billedByInvoice = or(
  isNotNull(memberships.stripeInvoiceId),
  exists(sql`(select 1 from ${corporateInvoices} ci where ci.membership_id = ${memberships.id})`),
);

/** The membership (its id) when it is billed by invoice, not by a card subscription; or null. */
export async function findInvoiceBilledMembership(db: DbOrTx, id: string) {
  const [row] = await db
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.id, id), billedByInvoice));
  return row ?? null;
}

/** A membership's renewal invoice for the year from `periodStart`, unless voided; or null. */
export async function findRenewalInvoice(db: DbOrTx, membershipId: string, periodStart: Date) {
  const [row] = await db
    .select()
    .from(corporateInvoices)
    .where(
      and(
        eq(corporateInvoices.membershipId, membershipId),
        eq(corporateInvoices.kind, "renewal"),
        eq(corporateInvoices.periodStart, periodStart),
        ne(corporateInvoices.status, "void"),
      ),
    );
  return row ?? null;
}

/**
 * Company memberships billed by invoice, current and renewing, whose paid year ends by `horizon`
 * and whose next year has no open or paid renewal invoice: their ids, soonest first, at most 500.
 */
export function listDueRenewalMemberships(db: DbOrTx, horizon: Date) {
  return db
    .select({ id: memberships.id })
    .from(memberships)
    .where(
      and(
        invoicedCompanyTerm,
        inArray(memberships.status, ["active", "past_due"]),
        eq(memberships.cancelAtPeriodEnd, false),
        lte(memberships.currentPeriodEnd, horizon),
        billedByInvoice,
        notExists(
          db
            .select({ one: sql`1` })
            .from(corporateInvoices)
            .where(
              and(
                eq(corporateInvoices.membershipId, memberships.id),
                eq(corporateInvoices.kind, "renewal"),
                eq(corporateInvoices.periodStart, memberships.currentPeriodEnd),
                inArray(corporateInvoices.status, ["open", "paid"]),
              ),
            ),
        ),
      ),
    )
    .orderBy(memberships.currentPeriodEnd)
    .limit(500);
}

// ---------------------------------------------------------------- memberships, payments and receipts

/** A membership with its price (null when it has none), by our id or its first Stripe invoice; the membership locked with `lock`; or null. */
export async function findMembershipWithPrice(db: DbOrTx, ref: { id: string } | { stripeInvoiceId: string }, lock = false) {
  const query = db
    .select({ membership: memberships, price: tierPrices })
    .from(memberships)
    .leftJoin(tierPrices, eq(tierPrices.id, memberships.priceId))
    .where("id" in ref ? eq(memberships.id, ref.id) : eq(memberships.stripeInvoiceId, ref.stripeInvoiceId));
  const rows = lock ? await query.for("update", { of: memberships }) : await query;
  return rows[0] ?? null;
}

/** Records an organisation's payment of a Stripe invoice, once per invoice: its id, or null when that invoice has one already. */
export async function insertOrganisationPayment(tx: DbOrTx, values: NewPayment) {
  const [row] = await tx.insert(payments).values(values).onConflictDoNothing({ target: payments.stripeInvoiceId }).returning({ id: payments.id });
  return row ?? null;
}

/** An invoice's payment recorded without knowing how it was paid (method other or stripe) learns the method; the ids updated. */
export function updateInvoicePaymentMethod(tx: DbOrTx, invoiceId: string, values: Pick<Payment, "method" | "recordedByStaffUserId" | "description">) {
  return tx
    .update(payments)
    .set(values)
    .where(and(eq(payments.stripeInvoiceId, invoiceId), inArray(payments.method, ["other", "stripe"])))
    .returning({ id: payments.id });
}

/** Puts how a payment was made (its method only) into its receipts' snapshots. */
export async function updateReceiptsMethodType(tx: DbOrTx, paymentId: string, method: Payment["method"]) {
  await tx
    .update(receipts)
    .set({ snapshot: sql`jsonb_set(${receipts.snapshot}, '{method}', ${JSON.stringify({ type: method })}::jsonb)` })
    .where(eq(receipts.paymentId, paymentId));
}
