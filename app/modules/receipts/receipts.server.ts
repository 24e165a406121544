/**
 * Receipt numbers: `YYYY-NNNNNN`, unique and gap-free per calendar year. The counter row is
 * incremented inside the transaction that records the payment, so a rolled-back payment
 * rolls its number back too, and concurrent payments queue on the year's counter row.
 */
import { sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { receiptCounters, receipts, type Currency, type Locale } from "../../../db/schema";

export const RECEIPT_TIME_ZONE = "Asia/Tokyo";

/** The calendar year a receipt dated `at` belongs to, in the association's time zone. */
// Building an Intl.DateTimeFormat costs about half a millisecond; receipts are issued while the
// year's counter row is locked, so the formatter is made once.
const yearFormat = new Intl.DateTimeFormat("en-US", { year: "numeric", timeZone: RECEIPT_TIME_ZONE });

export function receiptYear(at: Date): number {
  return Number(yearFormat.format(at));
}

export function formatReceiptNumber(year: number, seq: number): string {
  return `${year}-${String(seq).padStart(6, "0")}`;
}

/** Allocates the next number of `year`. Must run inside the payment's transaction. */
export async function allocateReceiptNumber(tx: DbOrTx, year: number): Promise<{ year: number; seq: number; number: string }> {
  const [row] = await tx
    .insert(receiptCounters)
    .values({ year, lastSeq: 1 })
    .onConflictDoUpdate({ target: receiptCounters.year, set: { lastSeq: sql`${receiptCounters.lastSeq} + 1` } })
    .returning({ seq: receiptCounters.lastSeq });
  const seq = row!.seq;
  return { year, seq, number: formatReceiptNumber(year, seq) };
}

/** Who paid, for what and how, frozen on the receipt when it is issued (receipts.snapshot). */
export interface ReceiptSnapshot {
  payer:
    | {
        kind: "person";
        familyName: string;
        givenName: string;
        email: string;
        country: string;
        postalCode?: string | null;
        region?: string | null;
        city?: string | null;
        addressLine1?: string | null;
        addressLine2?: string | null;
      }
    | {
        kind: "organisation";
        nameEn: string;
        nameJa?: string | null;
        billingContact?: { familyName: string; givenName: string; email: string } | null;
        poNumber?: string | null;
      };
  purpose:
    | { kind: "membership"; tierName: { en: string; ja: string }; periodStart?: string | null; periodEnd?: string | null; benefitsDescription?: { en: string; ja: string } | null }
    | { kind: "donation"; fundName: { en: string; ja: string }; tribute?: { kind: "honor" | "memory"; name: string } | null };
  method: { type: "card" | "bank_transfer" | "check" | "cash" | "konbini" | "other"; brand?: string | null; last4?: string | null };
}

export interface IssueReceipt {
  paymentId: string;
  issuedAt: Date;
  amount: number;
  currency: Currency;
  /** Fair-market value of benefits received (0 for a pure gift). */
  benefitsValue: number;
  locale: Locale;
  snapshot: ReceiptSnapshot;
  correctsReceiptId?: string;
}

/** Issues a receipt for a payment, allocating its number in the same transaction. */
export async function issueReceipt(tx: DbOrTx, input: IssueReceipt) {
  const { year, seq, number } = await allocateReceiptNumber(tx, receiptYear(input.issuedAt));
  const [row] = await tx
    .insert(receipts)
    .values({
      number,
      year,
      seq,
      paymentId: input.paymentId,
      kind: input.correctsReceiptId ? "corrected" : "original",
      correctsReceiptId: input.correctsReceiptId ?? null,
      amount: input.amount,
      currency: input.currency,
      benefitsValue: input.benefitsValue,
      deductibleAmount: Math.max(0, input.amount - input.benefitsValue),
      locale: input.locale,
      snapshot: input.snapshot as unknown as Record<string, unknown>,
      issuedAt: input.issuedAt,
    })
    .returning();
  return row!;
}

/**
 * Issues several receipts in one transaction (a batch of payments applied together): one
 * counter update per year for the whole block, then one insert. Still gap-free: the block of
 * numbers is taken in the same transaction as the receipts, in input order. Callers may give
 * each receipt its id (to reference it, e.g. from an outbox row, in the same round trip).
 */
export async function issueReceipts(tx: DbOrTx, inputs: (IssueReceipt & { id?: string })[]) {
  const byYear = new Map<number, (IssueReceipt & { id?: string })[]>();
  for (const input of inputs) {
    const year = receiptYear(input.issuedAt);
    byYear.set(year, [...(byYear.get(year) ?? []), input]);
  }
  const values: (typeof receipts.$inferInsert)[] = [];
  for (const [year, block] of [...byYear.entries()].sort((a, b) => a[0] - b[0])) {
    const [row] = await tx
      .insert(receiptCounters)
      .values({ year, lastSeq: block.length })
      .onConflictDoUpdate({ target: receiptCounters.year, set: { lastSeq: sql`${receiptCounters.lastSeq} + ${block.length}` } })
      .returning({ seq: receiptCounters.lastSeq });
    const first = row!.seq - block.length + 1;
    block.forEach((input, i) => {
      const seq = first + i;
      values.push({
        ...(input.id ? { id: input.id } : {}),
        number: formatReceiptNumber(year, seq),
        year,
        seq,
        paymentId: input.paymentId,
        kind: input.correctsReceiptId ? "corrected" : "original",
        correctsReceiptId: input.correctsReceiptId ?? null,
        amount: input.amount,
        currency: input.currency,
        benefitsValue: input.benefitsValue,
        deductibleAmount: Math.max(0, input.amount - input.benefitsValue),
        locale: input.locale,
        snapshot: input.snapshot as unknown as Record<string, unknown>,
        issuedAt: input.issuedAt,
      });
    });
  }
  if (values.length === 0) return [];
  return tx.insert(receipts).values(values).returning();
}
