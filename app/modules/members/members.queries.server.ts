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
import { sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import type { Locale } from "../../../db/schema";
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
