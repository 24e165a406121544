/**
 * The member list as SQL: one row per membership (a company's, a person's own, or an employee
 * seat, shown with the company it belongs to), with its person or organisation, tier and
 * partnership. The list page and every export share
 * `memberFilterSql`, so an export holds exactly the rows the list shows.
 *
 * Search uses the trigram indexes on people/organisations.search_text (migrations 0002–0003) (names in kanji, kana as hiragana, romaji
 * made from the kana, email, company names): each word of the query must appear.
 */
import { JAPANESE_SCRIPT } from "../../../emails/components/format";
import { and, asc, desc, eq, inArray, isNotNull, lte, or, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import {
  auditLog,
  emailOutbox,
  memberships,
  membershipStatusHistory,
  partnerships,
  payments,
  receipts,
  refunds,
  staffUsers,
  tiers,
  type Locale,
  type Membership,
  type NewPayment,
  type Payment,
  type Refund,
} from "../../../db/schema";
import { regionCode } from "../people/regions";
import { normaliseSearch, PAGE_SIZE, type MemberFilter, type MemberQuery } from "./members.schema";

const TZ = "Asia/Tokyo";

function likePattern(word: string): string {
  return `%${word.replace(/[\\%_]/g, "\\$&")}%`;
}

const dayStart = (isoDate: string) => sql`(${isoDate}::date::timestamp at time zone ${TZ})`;
const dayAfter = (isoDate: string) => sql`((${isoDate}::date + 1)::timestamp at time zone ${TZ})`;

/** The WHERE clause (without the keyword) for a filter over `memberships m`, `people p`, `organisations o`, `tiers t`. */
export function memberFilterSql(f: MemberFilter): SQL {
  const parts: SQL[] = [sql`true`];
  const words = f.q ? normaliseSearch(f.q).split(" ").filter(Boolean).slice(0, 8) : [];
  if (words.length) {
    // Three or more characters: anywhere in the search text (trigram index). One or two
    // characters (林, 佐藤, やま) have no trigram: they match the start of a word.
    const match = (w: string) => ([...w].length >= 3 ? sql`search_text like ${likePattern(w)}` : sql`kizuna_search_words(search_text) @> array[${w}::text]`);
    const all = sql.join(words.map(match), sql` and `);
    // = any(array(…)) lets the planner use the memberships_person / _organisation indexes.
    parts.push(
      sql`(m.person_id = any(array(select id from people where ${all})) or m.organisation_id = any(array(select id from organisations where ${all})))`,
    );
  }
  if (f.type) parts.push(sql`t.kind = ${f.type}`);
  if (f.tier) parts.push(sql`m.tier_id = ${f.tier}`);
  if (f.status) parts.push(sql`m.status = ${f.status}`);
  if (f.country) parts.push(sql`coalesce(p.country, o.country) = ${f.country}`);
  if (f.region) parts.push(sql`upper(coalesce(p.region, o.region)) = ${regionCode(f.region).toUpperCase()}`);
  if (f.partnership) parts.push(sql`p.partnership_id = ${f.partnership}`);
  if (f.lang) parts.push(sql`p.preferred_locale = ${f.lang}`);
  if (f.joinedFrom) parts.push(sql`coalesce(m.started_at, m.created_at) >= ${dayStart(f.joinedFrom)}`);
  if (f.joinedTo) parts.push(sql`coalesce(m.started_at, m.created_at) < ${dayAfter(f.joinedTo)}`);
  if (f.renewsFrom) parts.push(sql`m.current_period_end >= ${dayStart(f.renewsFrom)}`);
  if (f.renewsTo) parts.push(sql`m.current_period_end < ${dayAfter(f.renewsTo)}`);
  return sql.join(parts, sql` and `);
}

const FROM = sql`memberships m
  join tiers t on t.id = m.tier_id
  left join people p on p.id = m.person_id
  left join organisations o on o.id = m.organisation_id
  left join partnerships ps on ps.id = p.partnership_id`;

/**
 * A seat's company, for seat rows only (the CASE keeps the lookup off every other row, and the
 * list's FROM, which search plans over, stays as it was).
 */
const seatCompany = (column: SQL) => sql`case when m.seat_of_membership_id is not null then
  (select ${column} from memberships sm join organisations so on so.id = sm.organisation_id where sm.id = m.seat_of_membership_id) end`;

/** Japanese names by their kana reading, others by family then given name; organisations by kana or name. */
const NAME_KEY = sql`coalesce(
  kizuna_hiragana(p.family_name_kana) || ' ' || coalesce(kizuna_hiragana(p.given_name_kana), ''),
  lower(p.family_name || ' ' || p.given_name),
  kizuna_hiragana(o.legal_name_kana),
  lower(o.legal_name_en))`;

export function memberOrderSql(f: Pick<MemberFilter, "sort" | "dir">): SQL {
  const dir = f.dir === "desc" ? sql`desc` : sql`asc`;
  const nulls = f.dir === "desc" ? sql`nulls last` : sql`nulls last`;
  const key =
    f.sort === "joined"
      ? sql`coalesce(m.started_at, m.created_at)`
      : f.sort === "renews"
        ? sql`m.current_period_end`
        : f.sort === "status"
          ? sql`m.status`
          : NAME_KEY;
  return sql`${key} ${dir} ${nulls}, m.id ${dir}`;
}

/** Columns every export and the list can use, as text ready for a cell (dates in Japan time). */
export function memberColumnsSql(locale: Locale): SQL {
  const tierName = locale === "ja" ? sql`t.name_ja` : sql`t.name_en`;
  // A seat holder's row names the company whose seat it is.
  const orgName =
    locale === "ja"
      ? sql`coalesce(o.legal_name_ja, o.legal_name_en, ${seatCompany(sql`coalesce(so.legal_name_ja, so.legal_name_en)`)})`
      : sql`coalesce(o.legal_name_en, ${seatCompany(sql`so.legal_name_en`)})`;
  const partnership =
    locale === "ja"
      ? sql`ps.us_city_ja || '（' || ps.us_state || '）– ' || ps.jp_city_ja`
      : sql`ps.us_city_en || ', ' || ps.us_state || ' – ' || ps.jp_city_en`;
  return sql`m.id as "membershipId",
    coalesce(p.id, o.id) as "memberId",
    t.kind as "type",
    p.family_name as "familyName",
    p.given_name as "givenName",
    coalesce(p.family_name_kana, o.legal_name_kana) as "familyNameKana",
    p.given_name_kana as "givenNameKana",
    ${orgName} as "organisation",
    coalesce(p.email, o.billing_email) as "email",
    ${tierName} as "tier",
    m.status as "status",
    to_char(coalesce(m.started_at, m.created_at) at time zone ${TZ}, 'YYYY-MM-DD') as "joined",
    to_char(m.current_period_end at time zone ${TZ}, 'YYYY-MM-DD') as "renews",
    coalesce(p.country, o.country) as "country",
    coalesce(p.region, o.region) as "region",
    coalesce(p.city, o.city) as "city",
    ${partnership} as "partnership",
    p.preferred_locale as "language",
    coalesce(p.postal_code, o.postal_code) as "postalCode",
    coalesce(p.address_line1, o.address_line1) as "addressLine1",
    coalesce(p.address_line2, o.address_line2) as "addressLine2"`;
}

const LAST_PAYMENT = sql`left join lateral (
    select to_char(pay.paid_at at time zone ${TZ}, 'YYYY-MM-DD') as "lastPaymentDate", pay.amount as "lastPaymentAmount",
      pay.currency as "lastPaymentCurrency", r.number as "receiptNumber"
    from payments pay left join receipts r on r.payment_id = pay.id and r.kind = 'original'
    where pay.membership_id = m.id order by pay.paid_at desc limit 1) lp on true`;

/** A person's name in its own script's order, whoever reads it (personName in emails/components/format.ts, in SQL). */
function contactName(alias: string): SQL {
  const a = sql.raw(alias);
  return sql`case when ${a}.family_name || ${a}.given_name ~ ${JAPANESE_SCRIPT.source}
    then ${a}.family_name || ' ' || ${a}.given_name else ${a}.given_name || ' ' || ${a}.family_name end`;
}

/**
 * The corporate preset's columns: the company (a seat holder's row: the company whose seat it
 * is), its seats in use out of the tier's, PO number, primary and billing contacts, and where
 * the company is (a seat holder's own address is in the other presets).
 */
function corporateSql(): { columns: SQL; joins: SQL } {
  const columns = sql`, co.legal_name_en as "organisationEn", co.legal_name_ja as "organisationJa", co.legal_name_kana as "organisationKana",
    co.jp_corporate_number as "corporateNumber", co.website as "website",
    case when co.id is not null then (select count(*)::int from memberships seat
      where seat.seat_of_membership_id = cm.id and seat.status <> 'canceled') end as "seatsUsed",
    case when co.id is not null then t.seats end as "seatCount",
    cm.po_number as "poNumber",
    ${contactName("pc")} as "primaryContactName", pc.email as "primaryContactEmail",
    ${contactName("bc")} as "billingContactName", bc.email as "billingContactEmail",
    co.country as "organisationCountry", co.region as "organisationRegion", co.city as "organisationCity"`;
  const joins = sql` left join memberships sm on sm.id = m.seat_of_membership_id
    left join organisations so on so.id = sm.organisation_id
    left join lateral (select coalesce(o.id, so.id) as id, coalesce(o.legal_name_en, so.legal_name_en) as legal_name_en,
      coalesce(o.legal_name_ja, so.legal_name_ja) as legal_name_ja, coalesce(o.legal_name_kana, so.legal_name_kana) as legal_name_kana,
      coalesce(o.jp_corporate_number, so.jp_corporate_number) as jp_corporate_number, coalesce(o.website, so.website) as website,
      coalesce(o.country, so.country) as country, coalesce(o.region, so.region) as region, coalesce(o.city, so.city) as city) co on true
    left join memberships cm on cm.id = case when o.id is not null then m.id else sm.id end and cm.organisation_id is not null
    left join lateral (select pp.family_name, pp.given_name, pp.email from organisation_contacts oc join people pp on pp.id = oc.person_id
      where oc.organisation_id = co.id and oc.role = 'primary' limit 1) pc on true
    left join lateral (select bp.family_name, bp.given_name, bp.email from organisation_contacts oc join people bp on bp.id = oc.person_id
      where oc.organisation_id = co.id and oc.role = 'billing' limit 1) bc on true`;
  return { columns, joins };
}

/** The whole selection for an export or a page: filters, order, and (for finance) the last payment, (for corporate) the company's details. */
export function memberSelectSql(
  f: MemberFilter,
  locale: Locale,
  options: { lastPayment?: boolean; corporate?: boolean; limit?: number; offset?: number } = {},
): SQL {
  const corporate = options.corporate ? corporateSql() : undefined;
  const extra = sql`${
    options.lastPayment ? sql`, lp."lastPaymentDate", lp."lastPaymentAmount", lp."lastPaymentCurrency", lp."receiptNumber"` : sql``
  }${corporate?.columns ?? sql``}`;
  const lateral = sql`${options.lastPayment ? LAST_PAYMENT : sql``}${corporate?.joins ?? sql``}`;
  const page = options.limit !== undefined ? sql` limit ${options.limit} offset ${options.offset ?? 0}` : sql``;
  return sql`select ${memberColumnsSql(locale)}${extra} from ${FROM} ${lateral} where ${memberFilterSql(f)} order by ${memberOrderSql(f)}${page}`;
}

export interface MemberRow {
  membershipId: string;
  memberId: string;
  type: "individual" | "corporate";
  familyName: string | null;
  givenName: string | null;
  familyNameKana: string | null;
  givenNameKana: string | null;
  organisation: string | null;
  email: string;
  tier: string;
  status: string;
  joined: string | null;
  renews: string | null;
  country: string;
  region: string | null;
  city: string | null;
  partnership: string | null;
  language: string | null;
}

export async function countMembers(db: DbOrTx, f: MemberFilter): Promise<number> {
  const rows = await db.execute<{ n: number }>(sql`select count(*)::int as n from ${FROM} where ${memberFilterSql(f)}`);
  return rows[0]?.n ?? 0;
}

/**
 * One page and the total: first the page's membership ids in order with count(*) over ()
 * (only sort keys are computed for every match), then the display columns for those rows
 * alone. A separate count only for a page past the end.
 */
export async function listMembers(db: DbOrTx, query: MemberQuery, locale: Locale): Promise<{ rows: MemberRow[]; total: number }> {
  const offset = (query.page - 1) * PAGE_SIZE;
  const page = sql`with hits as (
      select m.id, count(*) over () as total, row_number() over (order by ${memberOrderSql(query)}) as position
      from ${FROM} where ${memberFilterSql(query)}
      order by ${memberOrderSql(query)} limit ${PAGE_SIZE} offset ${offset})
    select ${memberColumnsSql(locale)}, hits.total as "total"
    from hits join ${FROM} on m.id = hits.id
    order by hits.position`;
  const rows = (await db.execute(page)) as unknown as (MemberRow & { total: string | number })[];
  const total = rows.length ? Number(rows[0]!.total) : offset === 0 ? 0 : await countMembers(db, query);
  return { rows: rows.map(({ total: _t, ...row }) => row), total };
}

// ---------------------------------------------------------------- the member list's choices

/** Every tier (active or not) for the list's filter, in display order. */
export function listTierOptions(db: DbOrTx) {
  return db.select({ id: tiers.id, kind: tiers.kind, nameEn: tiers.nameEn, nameJa: tiers.nameJa }).from(tiers).orderBy(asc(tiers.sortOrder), asc(tiers.id));
}

/** Every partnership (active or not) for the list's filter, oldest first. */
export function listPartnershipOptions(db: DbOrTx) {
  return db
    .select({
      id: partnerships.id,
      usCityEn: partnerships.usCityEn,
      usCityJa: partnerships.usCityJa,
      jpCityEn: partnerships.jpCityEn,
      jpCityJa: partnerships.jpCityJa,
    })
    .from(partnerships)
    .orderBy(asc(partnerships.establishedYear), asc(partnerships.id));
}

// ---------------------------------------------------------------- a member's page

/** Who a member is: a person or an organisation, by id. */
export interface MemberOwner {
  kind: "person" | "organisation";
  id: string;
}

/** A member's memberships with their tier's names, newest first. */
export function listMemberMemberships(db: DbOrTx, owner: MemberOwner) {
  return db
    .select({ membership: memberships, tierNameEn: tiers.nameEn, tierNameJa: tiers.nameJa })
    .from(memberships)
    .innerJoin(tiers, eq(tiers.id, memberships.tierId))
    .where(owner.kind === "person" ? eq(memberships.personId, owner.id) : eq(memberships.organisationId, owner.id))
    .orderBy(desc(memberships.createdAt));
}

/** The status history of these memberships, with the staff member who made each change, oldest first. */
export async function listMembershipHistory(db: DbOrTx, membershipIds: string[]) {
  if (!membershipIds.length) return [];
  return db
    .select({ h: membershipStatusHistory, staffName: staffUsers.name })
    .from(membershipStatusHistory)
    .leftJoin(staffUsers, eq(staffUsers.id, membershipStatusHistory.staffUserId))
    .where(inArray(membershipStatusHistory.membershipId, membershipIds))
    .orderBy(asc(membershipStatusHistory.at), asc(membershipStatusHistory.id));
}

/** A member's payments with their original receipt's id and number, newest first. */
export function listMemberPayments(db: DbOrTx, owner: MemberOwner) {
  return db
    .select({ payment: payments, receiptId: receipts.id, receiptNumber: receipts.number })
    .from(payments)
    .leftJoin(receipts, and(eq(receipts.paymentId, payments.id), eq(receipts.kind, "original")))
    .where(owner.kind === "person" ? eq(payments.personId, owner.id) : eq(payments.organisationId, owner.id))
    .orderBy(desc(payments.paidAt));
}

/** The last 100 emails to a member: a person's by their id or address (any case), an organisation's by its id. */
export function listMemberEmails(db: DbOrTx, member: { personId: string; email: string } | { organisationId: string }) {
  return db
    .select({
      id: emailOutbox.id,
      template: emailOutbox.template,
      subject: emailOutbox.subject,
      status: emailOutbox.status,
      toEmail: emailOutbox.toEmail,
      createdAt: emailOutbox.createdAt,
      sentAt: emailOutbox.sentAt,
    })
    .from(emailOutbox)
    .where(
      "personId" in member
        ? or(eq(emailOutbox.personId, member.personId), sql`lower(${emailOutbox.toEmail}) = lower(${member.email})`)
        : eq(emailOutbox.organisationId, member.organisationId),
    )
    .orderBy(desc(emailOutbox.createdAt))
    .limit(100);
}

/** The last 100 audit rows about a member or their memberships, with the staff member's name. */
export function listMemberAudits(db: DbOrTx, memberId: string, membershipIds: string[]) {
  return db
    .select({ id: auditLog.id, at: auditLog.at, action: auditLog.action, details: auditLog.details, actorName: staffUsers.name })
    .from(auditLog)
    .leftJoin(staffUsers, eq(staffUsers.id, auditLog.actorStaffUserId))
    .where(or(eq(auditLog.subjectId, memberId), membershipIds.length ? inArray(auditLog.subjectId, membershipIds) : sql`false`))
    .orderBy(desc(auditLog.id))
    .limit(100);
}

/** The corrected receipts of these payments, in the order they were issued. */
export async function listCorrectedReceipts(db: DbOrTx, paymentIds: string[]) {
  if (!paymentIds.length) return [];
  return db
    .select({ id: receipts.id, number: receipts.number, paymentId: receipts.paymentId, amount: receipts.amount })
    .from(receipts)
    .where(and(inArray(receipts.paymentId, paymentIds), eq(receipts.kind, "corrected")))
    .orderBy(asc(receipts.issuedAt), asc(receipts.seq));
}

/** The refunds of these payments, with the staff member who made each, oldest first. */
export async function listPaymentRefunds(db: DbOrTx, paymentIds: string[]) {
  if (!paymentIds.length) return [];
  return db
    .select({ refund: refunds, staffName: staffUsers.name })
    .from(refunds)
    .leftJoin(staffUsers, eq(staffUsers.id, refunds.staffUserId))
    .where(inArray(refunds.paymentId, paymentIds))
    .orderBy(asc(refunds.createdAt));
}

// ---------------------------------------------------------------- memberships

/** A membership by id, or null. */
export async function getMembership(db: DbOrTx, id: string): Promise<Membership | null> {
  const [row] = await db.select().from(memberships).where(eq(memberships.id, id));
  return row ?? null;
}

/** A membership of this member (a person's or an organisation's), locked until the transaction ends, or null. */
export async function lockMemberMembership(tx: DbOrTx, memberId: string, membershipId: string): Promise<Membership | null> {
  const [row] = await tx
    .select()
    .from(memberships)
    .where(and(eq(memberships.id, membershipId), or(eq(memberships.personId, memberId), eq(memberships.organisationId, memberId))))
    .for("update");
  return row ?? null;
}

/** Comps a membership until `until` (started now if it never started; no cancel, no grace); returns the row. */
export async function updateMembershipComped(tx: DbOrTx, id: string, until: Date): Promise<Membership | null> {
  const [row] = await tx
    .update(memberships)
    .set({
      status: "comped",
      compedUntil: until,
      startedAt: sql`coalesce(${memberships.startedAt}, now())`,
      cancelAtPeriodEnd: false,
      canceledAt: null,
      graceUntil: null,
      updatedAt: new Date(),
    })
    .where(eq(memberships.id, id))
    .returning();
  return row ?? null;
}

/** Sets exactly these columns of a membership; returns the row. */
export async function updateMembershipReturning(tx: DbOrTx, id: string, values: Partial<Membership>): Promise<Membership | null> {
  const [row] = await tx.update(memberships).set(values).where(eq(memberships.id, id)).returning();
  return row ?? null;
}

/** Up to `limit` comped memberships whose comp has ended by `now`, as ids. */
export function listDueComps(db: DbOrTx, now: Date, limit: number) {
  return db
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.status, "comped"), isNotNull(memberships.compedUntil), lte(memberships.compedUntil, now)))
    .limit(limit);
}

// ---------------------------------------------------------------- payments, receipts and refunds

/** The payment recorded from this one-time form token, as its id, or null. */
export async function findPaymentByFormToken(tx: DbOrTx, token: string): Promise<{ id: string } | null> {
  const [row] = await tx.select({ id: payments.id }).from(payments).where(eq(payments.formToken, token));
  return row ?? null;
}

/** A new payment row. */
export async function insertPayment(tx: DbOrTx, values: NewPayment): Promise<Payment> {
  const [row] = await tx.insert(payments).values(values).returning();
  return row!;
}

/** A payment by id, locked until the transaction ends, or null. */
export async function lockPayment(tx: DbOrTx, id: string): Promise<Payment | null> {
  const [row] = await tx.select().from(payments).where(eq(payments.id, id)).for("update");
  return row ?? null;
}

/** A receipt with its payment, when the payment is this member's (a person's or an organisation's), or null. */
export async function getMemberReceipt(tx: DbOrTx, memberId: string, receiptId: string) {
  const [row] = await tx
    .select({ receipt: receipts, payment: payments })
    .from(receipts)
    .innerJoin(payments, eq(payments.id, receipts.paymentId))
    .where(and(eq(receipts.id, receiptId), or(eq(payments.personId, memberId), eq(payments.organisationId, memberId))));
  return row ?? null;
}

/** A refund by id, or null. */
export async function getRefund(tx: DbOrTx, id: string): Promise<Refund | null> {
  const [row] = await tx.select().from(refunds).where(eq(refunds.id, id));
  return row ?? null;
}

/** A payment's refunds that are pending or succeeded. */
export function listLiveRefunds(tx: DbOrTx, paymentId: string) {
  return tx
    .select()
    .from(refunds)
    .where(and(eq(refunds.paymentId, paymentId), inArray(refunds.status, ["pending", "succeeded"])));
}

/** A new refund row. */
export async function insertRefund(tx: DbOrTx, values: typeof refunds.$inferInsert): Promise<Refund> {
  const [row] = await tx.insert(refunds).values(values).returning();
  return row!;
}

/** Records Stripe's refund id and status (a refund already succeeded stays so); returns the row. */
export async function updateRefundFromStripe(db: DbOrTx, id: string, answer: { stripeRefundId: string; status: Refund["status"] }): Promise<Refund | null> {
  const [row] = await db
    .update(refunds)
    .set({
      stripeRefundId: answer.stripeRefundId,
      status: sql`case when ${refunds.status} = 'succeeded' then 'succeeded' else ${answer.status} end`,
      updatedAt: new Date(),
    })
    .where(eq(refunds.id, id))
    .returning();
  return row ?? null;
}

/** Marks a refund failed with its error. */
export async function updateRefundFailed(db: DbOrTx, id: string, error: string): Promise<void> {
  await db.update(refunds).set({ status: "failed", error, updatedAt: new Date() }).where(eq(refunds.id, id));
}
