/**
 * Statements behind the staff console: the staff users list, one outbox row (the list is the
 * outbox's listEmails), and the dashboard's figures (months and years counted in Japan time, the association's time zone).
 */
import { asc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { emailOutbox, staffUsers } from "../../../db/schema";
import type { MemberLine } from "./dashboard.server";

// ---------------------------------------------------------------- staff users

/** Every staff user, by address. */
export function listStaffUsersByEmail(db: DbOrTx) {
  return db
    .select({ id: staffUsers.id, email: staffUsers.email, name: staffUsers.name, role: staffUsers.role, locale: staffUsers.locale, active: staffUsers.active })
    .from(staffUsers)
    .orderBy(asc(staffUsers.email));
}

// ---------------------------------------------------------------- outbox

/** One outbox row, or null. */
export async function getOutboxRow(db: DbOrTx, id: string) {
  const [row] = await db.select().from(emailOutbox).where(eq(emailOutbox.id, id));
  return row ?? null;
}

// ---------------------------------------------------------------- dashboard

const TZ = "Asia/Tokyo";
const monthStart = sql`(date_trunc('month', now() at time zone ${TZ}) at time zone ${TZ})`;
const yearStart = sql`(date_trunc('year', now() at time zone ${TZ}) at time zone ${TZ})`;
const ACTIVE = sql`('active', 'past_due', 'comped')`;

/** Current members (not seats) per tier, by kind and display order. */
export function listCurrentMembersByTier(db: DbOrTx) {
  return db.execute<{ kind: string; tierId: number; nameEn: string; nameJa: string; n: number }>(sql`
      select t.kind, t.id as "tierId", t.name_en as "nameEn", t.name_ja as "nameJa", count(*)::int as n
      from memberships m join tiers t on t.id = m.tier_id
      where m.status in ${ACTIVE} and m.seat_of_membership_id is null
      group by t.kind, t.id, t.name_en, t.name_ja, t.sort_order order by t.kind, t.sort_order`);
}

/** Memberships new and lapsed this month, and renewals due within 30 days (one row). */
export function countMembershipChanges(db: DbOrTx) {
  return db.execute<{ newThisMonth: number; lapsedThisMonth: number; renewalsCount: number }>(sql`
      select
        (select count(*)::int from memberships m where m.seat_of_membership_id is null and m.status <> 'pending'
           and coalesce(m.started_at, m.created_at) >= ${monthStart}) as "newThisMonth",
        (select count(distinct h.membership_id)::int from membership_status_history h
           where h.to_status = 'lapsed' and h.at >= ${monthStart}) as "lapsedThisMonth",
        (select count(*)::int from memberships m where m.seat_of_membership_id is null and m.status = 'active'
           and not m.cancel_at_period_end and m.current_period_end between now() and now() + interval '30 days') as "renewalsCount"`);
}

/** Revenue net of refunds this month and this year, per currency (USD and JPY, each always present). */
export function listRevenueByCurrency(db: DbOrTx) {
  return db.execute<{ currency: "USD" | "JPY"; month: number; year: number }>(sql`
      select c.currency,
        coalesce(sum(p.amount - p.refunded_amount) filter (where p.paid_at >= ${monthStart}), 0)::bigint::float8 as month,
        coalesce(sum(p.amount - p.refunded_amount), 0)::bigint::float8 as year
      from (values ('USD'::currency), ('JPY'::currency)) c(currency)
      left join payments p on p.currency = c.currency and p.paid_at >= ${yearStart}
      group by c.currency order by c.currency`);
}

/** The first 20 past-due memberships (not seats), soonest grace end first. */
export function listPastDueMembers(db: DbOrTx) {
  return db.execute<MemberLine>(sql`
      select m.id as "membershipId", coalesce(p.id, o.id) as "memberId", p.family_name as "familyName", p.given_name as "givenName",
        o.legal_name_en as "organisation", to_char(coalesce(m.grace_until, m.current_period_end) at time zone ${TZ}, 'YYYY-MM-DD') as date
      from memberships m left join people p on p.id = m.person_id left join organisations o on o.id = m.organisation_id
      where m.status = 'past_due' and m.seat_of_membership_id is null
      order by coalesce(m.grace_until, m.current_period_end) nulls last limit 20`);
}

/** The first 20 active memberships (not seats) renewing within 30 days, soonest first. */
export function listUpcomingRenewals(db: DbOrTx) {
  return db.execute<MemberLine>(sql`
      select m.id as "membershipId", coalesce(p.id, o.id) as "memberId", p.family_name as "familyName", p.given_name as "givenName",
        o.legal_name_en as "organisation", to_char(m.current_period_end at time zone ${TZ}, 'YYYY-MM-DD') as date
      from memberships m left join people p on p.id = m.person_id left join organisations o on o.id = m.organisation_id
      where m.status = 'active' and not m.cancel_at_period_end and m.seat_of_membership_id is null
        and m.current_period_end between now() and now() + interval '30 days'
      order by m.current_period_end limit 20`);
}

/** Members (not seats) at the end of each of the last 12 months, this one included, oldest first. */
export function countMembersByMonth(db: DbOrTx) {
  return db.execute<{ month: string; n: number }>(sql`
      with months as (
        select generate_series(date_trunc('month', now() at time zone ${TZ}) - interval '11 months',
                               date_trunc('month', now() at time zone ${TZ}), interval '1 month') as start)
      select to_char(months.start, 'YYYY-MM') as month,
        (select count(*)::int from memberships m
          where m.seat_of_membership_id is null and m.status <> 'pending'
            and coalesce(m.started_at, m.created_at) < ((months.start + interval '1 month') at time zone ${TZ})
            and (m.status in ${ACTIVE}
                 or coalesce(m.canceled_at, m.grace_until, m.current_period_end, m.updated_at)
                    >= least(now(), ((months.start + interval '1 month') at time zone ${TZ})))) as n
      from months order by months.start`);
}

/** The newest 20 Stripe events with an error: failing ones and refused ones (`refused`: never applicable). */
export function listStripeEventProblems(db: DbOrTx) {
  return db.execute<{ id: string; type: string; receivedAt: string; attempts: number; error: string; refused: boolean }>(sql`
      select id, type, to_char(received_at at time zone ${TZ}, 'YYYY-MM-DD HH24:MI') as "receivedAt", attempts, error,
        processed_at is not null as refused
      from stripe_events where error is not null
      order by received_at desc limit 20`);
}
