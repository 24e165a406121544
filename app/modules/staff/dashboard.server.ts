/**
 * The dashboard's figures. Months and years are counted in Japan time (the association's
 * time zone). Revenue is per currency: USD and JPY are never added together.
 */
import type { DbOrTx } from "../../../db/client";
import {
  countMembersByMonth,
  countMembershipChanges,
  listCurrentMembersByTier,
  listPastDueMembers,
  listRevenueByCurrency,
  listStripeEventProblems,
  listUpcomingRenewals,
} from "./staff.queries.server";

export async function getDashboard(db: DbOrTx) {
  const [byTier, counts, revenue, pastDue, renewals, chart, eventProblems] = await Promise.all([
    listCurrentMembersByTier(db),
    countMembershipChanges(db),
    listRevenueByCurrency(db),
    listPastDueMembers(db),
    listUpcomingRenewals(db),
    countMembersByMonth(db),
    // Stripe events not applied: failing ones (retried by Stripe and stripe:replay) and refused ones (never applicable).
    listStripeEventProblems(db),
  ]);
  return {
    byTier: [...byTier],
    ...counts[0]!,
    revenue: [...revenue],
    pastDue: [...pastDue],
    renewals: [...renewals],
    chart: [...chart],
    eventProblems: [...eventProblems],
  };
}

export type MemberLine = {
  membershipId: string;
  memberId: string;
  familyName: string | null;
  givenName: string | null;
  organisation: string | null;
  date: string | null;
};
