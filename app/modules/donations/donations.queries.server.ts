/** Drizzle only: the rows giving reads and writes (gifts, funds and their goals, gift payments, statements, the staff list). `db` may be a transaction. */
import { and, asc, eq, gte, isNotNull, lt, sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { DbOrTx } from "../../../db/client";
import { donations, emailOutbox, fundGoals, funds, payments, people, receipts, type Currency, type Donation } from "../../../db/schema";
import type { DonationQuery } from "./staff-donations.server";

// ---------------------------------------------------------------- funds

/** The slugs of the active funds. */
export async function listActiveFundSlugs(db: DbOrTx) {
  return db.select({ slug: funds.slug }).from(funds).where(eq(funds.active, true));
}

/** The active funds, in their order. */
export async function listActiveFunds(db: DbOrTx) {
  return db.select().from(funds).where(eq(funds.active, true)).orderBy(asc(funds.sortOrder), asc(funds.id));
}

/** Every fund's goals. */
export async function listFundGoals(db: DbOrTx) {
  return db.select().from(fundGoals);
}

/** Per fund and currency, what gifts raised (paid minus refunded) and from how many gifts (a monthly gift is one). */
export async function listFundsRaised(db: DbOrTx) {
  return db
    .select({
      fundId: payments.fundId,
      currency: payments.currency,
      raised: sql<number>`sum(${payments.amount} - ${payments.refundedAmount})::bigint`.mapWith(Number),
      gifts: sql<number>`count(distinct ${payments.donationId})::int`.mapWith(Number),
    })
    .from(payments)
    .where(sql`${payments.fundId} is not null and ${payments.donationId} is not null`)
    .groupBy(payments.fundId, payments.currency);
}

/** A fund's id by its slug, or null. */
export async function getFundIdBySlug(db: DbOrTx, slug: string) {
  const [row] = await db.select({ id: funds.id }).from(funds).where(eq(funds.slug, slug));
  return row ?? null;
}

/** An active fund by its slug, or null. */
export async function getActiveFund(db: DbOrTx, slug: string) {
  const [row] = await db
    .select()
    .from(funds)
    .where(and(eq(funds.slug, slug), eq(funds.active, true)));
  return row ?? null;
}

/** Removes a fund's goal in one currency. */
export async function deleteFundGoal(db: DbOrTx, fundId: number, currency: Currency) {
  await db.delete(fundGoals).where(and(eq(fundGoals.fundId, fundId), eq(fundGoals.currency, currency)));
}

/** Sets a fund's goal in one currency. */
export async function upsertFundGoal(db: DbOrTx, goal: { fundId: number; currency: Currency; amount: number }) {
  await db
    .insert(fundGoals)
    .values(goal)
    .onConflictDoUpdate({ target: [fundGoals.fundId, fundGoals.currency], set: { amount: goal.amount } });
}

// ---------------------------------------------------------------- gifts

/** A new gift row. */
export async function insertDonation(tx: DbOrTx, values: typeof donations.$inferInsert) {
  const [row] = await tx.insert(donations).values(values).returning();
  return row!;
}

/** Sets columns of a gift (and its updated_at). */
export async function updateDonation(tx: DbOrTx, id: string, values: Partial<Donation>) {
  await tx
    .update(donations)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(donations.id, id));
}

/** Removes a gift that is still pending. */
export async function deletePendingDonation(db: DbOrTx, id: string) {
  await db.delete(donations).where(and(eq(donations.id, id), eq(donations.status, "pending")));
}

/** A gift with its donor and fund, or null. */
export async function getDonationWithDonor(db: DbOrTx, donationId: string) {
  const rows = await db
    .select({ donation: donations, person: people, fund: funds })
    .from(donations)
    .innerJoin(people, eq(people.id, donations.personId))
    .innerJoin(funds, eq(funds.id, donations.fundId))
    .where(eq(donations.id, donationId));
  return rows[0] ?? null;
}

/** A gift (by id or by its subscription) with its donor and fund, the gift's row locked; or null. */
export async function lockDonation(tx: DbOrTx, where: { id: string } | { subscriptionId: string }) {
  const rows = await tx
    .select({ donation: donations, person: people, fund: funds })
    .from(donations)
    .innerJoin(people, eq(people.id, donations.personId))
    .innerJoin(funds, eq(funds.id, donations.fundId))
    .where("id" in where ? eq(donations.id, where.id) : eq(donations.stripeSubscriptionId, where.subscriptionId))
    .for("update", { of: donations });
  return rows[0] ?? null;
}

/** How many payments a gift has. */
export async function countDonationPayments(db: DbOrTx, donationId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(payments)
    .where(eq(payments.donationId, donationId));
  return row?.n ?? 0;
}

/** One payment of a gift (its id), or null. */
export async function findDonationPayment(tx: DbOrTx, donationId: string) {
  const [row] = await tx.select({ id: payments.id }).from(payments).where(eq(payments.donationId, donationId)).limit(1);
  return row ?? null;
}

/**
 * Records a gift's payment, once per invoice (`invoice`) or per payment intent (`paymentIntent`):
 * null when that one is recorded already.
 */
export async function insertGiftPayment(tx: DbOrTx, values: typeof payments.$inferInsert, unique: "invoice" | "paymentIntent") {
  const insert = tx.insert(payments).values(values);
  const [row] = await (
    unique === "invoice"
      ? insert.onConflictDoNothing({ target: payments.stripeInvoiceId })
      : insert.onConflictDoNothing({ target: payments.stripePaymentIntentId })
  ).returning({ id: payments.id, amount: payments.amount });
  return row ?? null;
}

// ---------------------------------------------------------------- giving statements

/** Gifts paid in [start, end) with fund names and original receipt numbers: one donor's by date, or every donor's by donor then date. */
export async function listStatementGifts(db: DbOrTx, start: Date, end: Date, personId?: string) {
  const query = db
    .select({
      personId: sql<string>`${payments.personId}`,
      paidAt: payments.paidAt,
      amount: payments.amount,
      refundedAmount: payments.refundedAmount,
      currency: payments.currency,
      fundEn: funds.nameEn,
      fundJa: funds.nameJa,
      receiptNumber: receipts.number,
    })
    .from(payments)
    .innerJoin(funds, eq(funds.id, payments.fundId))
    .leftJoin(receipts, and(eq(receipts.paymentId, payments.id), eq(receipts.kind, "original")))
    .where(
      and(
        isNotNull(payments.donationId),
        personId ? eq(payments.personId, personId) : isNotNull(payments.personId),
        gte(payments.paidAt, start),
        lt(payments.paidAt, end),
      ),
    );
  return personId ? query.orderBy(asc(payments.paidAt)) : query.orderBy(asc(payments.personId), asc(payments.paidAt));
}

/** The people who gave in [start, end): id, email, language and name. */
export async function listStatementDonors(db: DbOrTx, start: Date, end: Date) {
  return db
    .select({ id: people.id, email: people.email, locale: people.preferredLocale, familyName: people.familyName, givenName: people.givenName })
    .from(people)
    .where(
      sql`${people.id} in (select distinct ${payments.personId} from ${payments} where ${payments.donationId} is not null and ${payments.paidAt} >= ${start.toISOString()} and ${payments.paidAt} < ${end.toISOString()})`,
    );
}

/** Queues statement emails, each once (by its dedupe key); returns the ones queued now. */
export async function insertStatementEmails(db: DbOrTx, values: (typeof emailOutbox.$inferInsert)[]) {
  return db.insert(emailOutbox).values(values).onConflictDoNothing({ target: emailOutbox.dedupeKey }).returning({ id: emailOutbox.id });
}

// ---------------------------------------------------------------- the staff list and export

const dialect = new PgDialect({ casing: "snake_case" });

/** A typed major amount in the row's currency's minor units, as SQL (dollars ×100, yen ×1). */
function minorOf(value: string): SQL {
  const [whole, fraction = ""] = value.split(".");
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
  return sql`(case d.currency when 'USD' then ${cents}::int else ${Number(whole)}::int end)`;
}

function whereOf(q: DonationQuery): SQL {
  const parts: SQL[] = [sql`d.status <> 'pending'`];
  if (q.fund) parts.push(sql`f.slug = ${q.fund}`);
  if (q.currency) parts.push(sql`d.currency = ${q.currency}`);
  if (q.from) parts.push(sql`d.created_at >= (${q.from}::date::timestamp at time zone 'Asia/Tokyo')`);
  if (q.to) parts.push(sql`d.created_at < ((${q.to}::date + 1)::timestamp at time zone 'Asia/Tokyo')`);
  if (q.interval) parts.push(sql`d.interval = ${q.interval}`);
  if (q.min) parts.push(sql`d.amount >= ${minorOf(q.min)}`);
  if (q.max) parts.push(sql`d.amount <= ${minorOf(q.max)}`);
  if (q.tribute) parts.push(q.tribute === "yes" ? sql`d.tribute_kind is not null` : sql`d.tribute_kind is null`);
  if (q.anonymous) parts.push(sql`d.anonymous = ${q.anonymous === "yes"}`);
  if (q.donor) parts.push(sql`d.person_id = ${q.donor}`);
  return sql.join(parts, sql` and `);
}

function selectSql(q: DonationQuery, limit?: number): SQL {
  return sql`
    select d.id, d.created_at as "createdAt", d.amount, d.fee_amount as "feeAmount", d.currency, d.interval, d.status,
           d.anonymous, d.tribute_kind as "tributeKind", d.tribute_name as "tributeName",
           p.id as "personId", p.family_name as "familyName", p.given_name as "givenName", p.email,
           f.slug as "fundSlug", f.name_en as "fundEn", f.name_ja as "fundJa",
           coalesce((select sum(x.amount - x.refunded_amount) from payments x where x.donation_id = d.id), 0)::bigint as "paidNet",
           (select string_agg(r.number, ' ' order by r.number) from receipts r join payments x on x.id = r.payment_id where x.donation_id = d.id and r.kind = 'original') as "receipts"
      from donations d join people p on p.id = d.person_id join funds f on f.id = d.fund_id
     where ${whereOf(q)}
     order by d.created_at desc, d.id
     ${limit ? sql`limit ${limit}` : sql``}`;
}

/** The gifts (not pending) a staff filter selects, newest first, at most `limit`, as rows of the list's columns. */
export async function listStaffDonations(db: DbOrTx, q: DonationQuery, limit: number) {
  return db.execute<Record<string, unknown>>(selectSql(q, limit));
}

/** The staff list's query for every gift a filter selects, as SQL text and parameters (for a cursor). */
export function staffDonationsExportQuery(q: DonationQuery): { sql: string; params: unknown[] } {
  return dialect.sqlToQuery(selectSql(q));
}

/** Every fund's slug and names, in their order. */
export async function listFundNames(db: DbOrTx) {
  return db.execute<{ slug: string; nameEn: string; nameJa: string }>(
    sql`select slug, name_en as "nameEn", name_ja as "nameJa" from funds order by sort_order, id`,
  );
}

/** Per fund, month (Tokyo) and currency in a year: gifts paid, gross and refunded. */
export async function listFundMonthlyTotals(db: DbOrTx, year: number) {
  return db.execute<Record<string, unknown>>(sql`
    select f.slug, f.name_en as "nameEn", f.name_ja as "nameJa",
           to_char(p.paid_at at time zone 'Asia/Tokyo', 'YYYY-MM') as month, p.currency,
           count(*)::int as gifts, sum(p.amount)::bigint as gross, sum(p.refunded_amount)::bigint as refunded
      from payments p join funds f on f.id = p.fund_id
     where p.donation_id is not null
       and p.paid_at >= (make_date(${year}, 1, 1)::timestamp at time zone 'Asia/Tokyo')
       and p.paid_at < (make_date(${year + 1}, 1, 1)::timestamp at time zone 'Asia/Tokyo')
     group by f.slug, f.name_en, f.name_ja, f.sort_order, month, p.currency
     order by f.sort_order, f.slug, month, p.currency`);
}
