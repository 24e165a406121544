/**
 * Year-end giving statements: a donor's gifts for a calendar year or an April–March fiscal
 * year (in the association's time zone, the one receipts are numbered in): each gift's date,
 * fund, amount and receipt number, refunds subtracted, totals per currency (never summed across
 * currencies). Built for one donor on demand, or for every donor at once by the January job,
 * which queues one `giving-statement` email per donor and period (dedupe key), with a PDF
 * attached when the worker renders it.
 */
import type { Database, DbOrTx } from "../../../db/client";
import type { Currency, Locale } from "../../../db/schema";
import type { GivingStatementProps, StatementGift } from "../../../emails/giving-statement";
import type { Env } from "../config/env.server";
import { getPersonById as getPerson } from "../people/people.queries.server";
import { recipientOf } from "../shared/links.server";
import { insertStatementEmails, listStatementDonors, listStatementGifts } from "./donations.queries.server";

export type FiscalKind = "calendar" | "april";
const TOKYO_OFFSET_MS = 9 * 3600_000; // Asia/Tokyo has no daylight saving time

/** [start, end) of a statement year: `year` is the year the period starts in (FY2026 = April 2026 – March 2027). */
export function statementPeriod(year: number, fiscal: FiscalKind): { start: Date; end: Date } {
  const month = fiscal === "april" ? 3 : 0;
  return { start: new Date(Date.UTC(year, month, 1) - TOKYO_OFFSET_MS), end: new Date(Date.UTC(year + 1, month, 1) - TOKYO_OFFSET_MS) };
}

export type StatementData = Omit<GivingStatementProps, "locale" | "site">;

interface GiftRow {
  personId: string;
  paidAt: Date;
  amount: number;
  refundedAmount: number;
  currency: Currency;
  fundEn: string;
  fundJa: string;
  receiptNumber: string | null;
}

function assemble(rows: GiftRow[]): { gifts: StatementGift[]; totals: StatementData["totals"] } {
  const totals = new Map<Currency, number>();
  const gifts = rows.map((r) => {
    totals.set(r.currency, (totals.get(r.currency) ?? 0) + r.amount - r.refundedAmount);
    return {
      paidAt: r.paidAt.toISOString(),
      fundName: { en: r.fundEn, ja: r.fundJa },
      amount: r.amount,
      currency: r.currency,
      refundedAmount: r.refundedAmount,
      receiptNumber: r.receiptNumber,
    };
  });
  const order: Currency[] = ["USD", "JPY"];
  return { gifts, totals: order.filter((c) => totals.has(c)).map((currency) => ({ currency, amount: totals.get(currency)! })) };
}

/** One donor's statement (staff on demand, any year, either kind of year); null when there is no such person. */
export async function buildGivingStatement(
  db: DbOrTx,
  personId: string,
  year: number,
  fiscal: FiscalKind,
): Promise<{ data: StatementData; locale: Locale; email: string } | null> {
  const person = await getPerson(db, personId);
  if (!person) return null;
  const { start, end } = statementPeriod(year, fiscal);
  const rows = await listStatementGifts(db, start, end, personId);
  return {
    data: { recipient: recipientOf(person), period: { year, fiscal, start: start.toISOString(), end: end.toISOString() }, ...assemble(rows) },
    locale: person.preferredLocale,
    email: person.email,
  };
}

/** The period the January (calendar) or April (fiscal) job covers on `now`, or null outside that month. */
export function dueStatementPeriod(now: Date, fiscalStartMonth: 1 | 4 | number): { year: number; fiscal: FiscalKind } | null {
  const tokyo = new Date(now.getTime() + TOKYO_OFFSET_MS);
  const month = tokyo.getUTCMonth() + 1;
  if (month !== fiscalStartMonth) return null;
  return { year: tokyo.getUTCFullYear() - 1, fiscal: fiscalStartMonth === 4 ? "april" : "calendar" };
}

/**
 * Queues one statement per donor who gave in the period (one query for all gifts, grouped here,
 * outbox rows inserted in batches). Once per donor and period however often it runs
 * (`giving-statement:<person>:<kind>:<year>`). Returns how many were queued.
 */
export async function queueGivingStatements(db: Database, year: number, fiscal: FiscalKind, batchSize = 500): Promise<number> {
  const { start, end } = statementPeriod(year, fiscal);
  const rows = await listStatementGifts(db, start, end);
  const donors = await listStatementDonors(db, start, end);
  const byPerson = new Map<string, GiftRow[]>();
  for (const row of rows) {
    const list = byPerson.get(row.personId);
    if (list) list.push(row);
    else byPerson.set(row.personId, [row]);
  }
  const period = { year, fiscal, start: start.toISOString(), end: end.toISOString() };
  let queued = 0;
  for (let i = 0; i < donors.length; i += batchSize) {
    const values = donors.slice(i, i + batchSize).flatMap((donor) => {
      const gifts = byPerson.get(donor.id);
      if (!gifts) return [];
      const data: StatementData = { recipient: recipientOf(donor), period, ...assemble(gifts) };
      return [
        {
          template: "giving-statement",
          locale: donor.locale,
          toEmail: donor.email,
          personId: donor.id,
          props: data as unknown as Record<string, unknown>,
          dedupeKey: `giving-statement:${donor.id}:${fiscal}:${year}`,
        },
      ];
    });
    if (values.length === 0) continue;
    const inserted = await insertStatementEmails(db, values);
    queued += inserted.length;
  }
  return queued;
}

/** Runs the statements job daily; it acts in January (calendar years) or April (DONATION_STATEMENT_FISCAL_START_MONTH=4). */
export function startGivingStatementSchedule(options: { db: Database; env: Env; intervalMs?: number; now?: () => Date }) {
  const run = async () => {
    const due = dueStatementPeriod(options.now?.() ?? new Date(), options.env.DONATION_STATEMENT_FISCAL_START_MONTH);
    if (!due) return;
    const n = await queueGivingStatements(options.db, due.year, due.fiscal);
    if (n > 0) console.log(`donations: queued ${n} giving statement(s) for ${due.fiscal} ${due.year}`);
  };
  const guarded = () => run().catch((e: unknown) => console.error("giving statements:", e));
  let running = guarded();
  const timer = setInterval(
    () => {
      running = guarded();
    },
    options.intervalMs ?? 24 * 3600_000,
  );
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
