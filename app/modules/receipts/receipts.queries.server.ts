/**
 * Statements behind receipts: reading receipts, the rows a receipt's snapshot is built from,
 * and the statement that numbers and inserts a year's receipts.
 */
import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import {
  donations,
  funds,
  memberships,
  organisationContacts,
  organisations,
  payments,
  people,
  receipts,
  tierBenefitValues,
  tiers,
  type Currency,
  type Receipt,
} from "../../../db/schema";

/** A receipt by id, or null. */
export async function getReceipt(db: DbOrTx, id: string): Promise<Receipt | null> {
  const [row] = await db.select().from(receipts).where(eq(receipts.id, id));
  return row ?? null;
}

/** A receipt by number, or null. */
export async function getReceiptByNumber(db: DbOrTx, number: string): Promise<Receipt | null> {
  const [row] = await db.select().from(receipts).where(eq(receipts.number, number));
  return row ?? null;
}

/** Locks a receipt's row (FOR UPDATE) until the transaction ends. */
export async function lockReceipt(tx: DbOrTx, id: string) {
  await tx.select({ id: receipts.id }).from(receipts).where(eq(receipts.id, id)).for("update");
}

/** The receipt correcting `originalId` for a refunded total of `refundedAmount`, or null. */
export async function findCorrectedReceipt(db: DbOrTx, originalId: string, refundedAmount: number): Promise<Receipt | null> {
  const [row] = await db
    .select()
    .from(receipts)
    .where(and(eq(receipts.correctsReceiptId, originalId), sql`(${receipts.snapshot} ->> 'refundedAmount')::int = ${refundedAmount}`));
  return row ?? null;
}

/** A payment by id, or null. */
export async function getPayment(db: DbOrTx, id: string) {
  const [row] = await db.select().from(payments).where(eq(payments.id, id));
  return row ?? null;
}

/** An organisation by id, or null. */
export async function getOrganisation(db: DbOrTx, id: string) {
  const [row] = await db.select().from(organisations).where(eq(organisations.id, id));
  return row ?? null;
}

/** An organisation's billing contact (name, address, language), or null. */
export async function getBillingContact(db: DbOrTx, organisationId: string) {
  const [row] = await db
    .select({ familyName: people.familyName, givenName: people.givenName, email: people.email, locale: people.preferredLocale })
    .from(organisationContacts)
    .innerJoin(people, eq(people.id, organisationContacts.personId))
    .where(and(eq(organisationContacts.organisationId, organisationId), eq(organisationContacts.role, "billing")));
  return row ?? null;
}

/** A membership with its tier, or null. */
export async function getMembershipWithTier(db: DbOrTx, id: string) {
  const [row] = await db
    .select({ membership: memberships, tier: tiers })
    .from(memberships)
    .innerJoin(tiers, eq(tiers.id, memberships.tierId))
    .where(eq(memberships.id, id));
  return row ?? null;
}

/** A tier's yearly benefit value in a currency, or null. */
export async function getTierBenefitValue(db: DbOrTx, tierId: number, currency: Currency) {
  const [row] = await db
    .select()
    .from(tierBenefitValues)
    .where(and(eq(tierBenefitValues.tierId, tierId), eq(tierBenefitValues.currency, currency)));
  return row ?? null;
}

/** A donation's fund id, or undefined when there is no such donation. */
export async function getDonationFundId(db: DbOrTx, id: string) {
  const [row] = await db.select({ fundId: donations.fundId }).from(donations).where(eq(donations.id, id));
  return row?.fundId;
}

/** A fund by id, or null. */
export async function getFund(db: DbOrTx, id: number) {
  const [row] = await db.select().from(funds).where(eq(funds.id, id));
  return row ?? null;
}

/** A donation by id, or null. */
export async function getDonation(db: DbOrTx, id: string) {
  const [row] = await db.select().from(donations).where(eq(donations.id, id));
  return row ?? null;
}

/** A receipt to insert, as the numbering statement reads it (snake_case: it travels as one JSON parameter). */
export interface ReceiptRowValues {
  /** Its position in the block, from 1: the order numbers are given in. */
  i: number;
  id: string | null;
  payment_id: string;
  kind: "original" | "corrected";
  corrects_receipt_id: string | null;
  amount: number;
  currency: Currency;
  deductible_amount: number;
  benefits_value: number;
  locale: string;
  snapshot: unknown;
  issued_at: string;
}

/**
 * Takes a block of `rows.length` numbers from the year's counter and inserts the receipts with
 * them (numbers `YYYY-NNNNNN`, in `i` order); returns each one's `i`, id and number. Not sent
 * until first awaited.
 */
export function insertNumberedReceipts(tx: DbOrTx, year: number, rows: ReceiptRowValues[]) {
  // lpad to at least 6 digits (never truncating): a seventh digit fails the number's check.
  return tx.execute<{ i: number; id: string; number: string }>(sql`
        with counter as (
          insert into receipt_counters (year, last_seq) values (${year}, ${rows.length})
          on conflict (year) do update set last_seq = receipt_counters.last_seq + ${rows.length}
          returning last_seq - ${rows.length} as base
        ), numbered as (
          select v.*, counter.base + v.i as seq from counter,
            jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(i int, id uuid, payment_id uuid, kind receipt_kind, corrects_receipt_id uuid,
              amount int, currency currency, deductible_amount int, benefits_value int, locale locale, snapshot jsonb, issued_at timestamptz)
        )
        insert into receipts (id, number, year, seq, payment_id, kind, corrects_receipt_id, amount, currency, deductible_amount, benefits_value, locale, snapshot, issued_at)
        select coalesce(id, gen_random_uuid()), ${String(year)}::text || '-' || lpad(seq::text, greatest(6, length(seq::text)), '0'), ${year}::smallint, seq,
               payment_id, kind, corrects_receipt_id, amount, currency, deductible_amount, benefits_value, locale, snapshot, issued_at
        from numbered
        returning seq - (select base from counter) as i, id, number`);
}
