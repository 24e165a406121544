/**
 * The membership lifecycle is ours, not a copy of Stripe's status:
 *   pending → active → past_due (grace keeps benefits) → lapsed,  or canceled;  comped by staff.
 * Every change of status writes a history row naming its cause (Stripe event, staff, system).
 */
import { and, eq, inArray, isNotNull, isNull, lte, ne } from "drizzle-orm";
import type { Database, DbOrTx } from "../../../db/client";
import { memberships, membershipStatusHistory, type Membership, type MembershipStatus } from "../../../db/schema";
import type { Env } from "../config/env.server";
import { queueEmail } from "../email/outbox.server";
import { getMembershipParties, lockExpiredGrace, updateMembership } from "./billing.queries.server";
import { appUrl, recipientOf, tierNameOf } from "./links.server";

export type Cause =
  | { cause: "stripe_event"; stripeEventId: string }
  | { cause: "staff"; staffUserId: string; note?: string }
  | { cause: "member"; note?: string }
  | { cause: "system"; note?: string };

/** Sets the status (and other fields) of a membership; records the transition when the status changes. */
export async function transition<M extends Pick<Membership, "id" | "status">>(
  tx: DbOrTx,
  membership: M,
  to: MembershipStatus,
  cause: Cause,
  values: Partial<Membership> = {},
): Promise<M> {
  const next = { ...membership, ...values, status: to };
  await updateMembership(tx, membership.id, { ...values, status: to });
  if (membership.status !== to) {
    await tx.insert(membershipStatusHistory).values({
      membershipId: membership.id,
      fromStatus: membership.status,
      toStatus: to,
      cause: cause.cause,
      stripeEventId: cause.cause === "stripe_event" ? cause.stripeEventId : null,
      staffUserId: cause.cause === "staff" ? cause.staffUserId : null,
      note: "note" in cause ? (cause.note ?? null) : null,
    });
    const organisationId = (membership as Partial<Membership>).organisationId;
    if (organisationId) await followSeats(tx, membership.id, to, cause);
  }
  return next;
}

/**
 * Seat holders' memberships follow their company's: lapsed or canceled with it, active again
 * when it is paid. A removed seat (canceled) stays canceled. Seats are people's memberships
 * with seat_of_membership_id set; a person's own membership is a different row and is never
 * touched here, and nothing a seat holder does reaches the company's row.
 */
async function followSeats(tx: DbOrTx, companyMembershipId: string, to: MembershipStatus, cause: Cause) {
  if (to === "pending") return;
  const moved = await tx
    .update(memberships)
    .set({ status: to, updatedAt: new Date(), ...(to === "canceled" ? { canceledAt: new Date() } : {}) })
    .where(and(eq(memberships.seatOfMembershipId, companyMembershipId), ne(memberships.status, "canceled"), ne(memberships.status, to)))
    .returning({ id: memberships.id });
  if (moved.length === 0) return;
  // The previous status is not returned by UPDATE; seats only ever hold their company's status.
  await tx.insert(membershipStatusHistory).values(
    moved.map((seat) => ({
      membershipId: seat.id,
      fromStatus: null,
      toStatus: to,
      cause: cause.cause,
      stripeEventId: cause.cause === "stripe_event" ? cause.stripeEventId : null,
      staffUserId: cause.cause === "staff" ? cause.staffUserId : null,
      note: "follows the company membership",
    })),
  );
}

export function graceEnd(from: Date, env: Pick<Env, "MEMBERSHIP_GRACE_DAYS">): Date {
  return new Date(from.getTime() + env.MEMBERSHIP_GRACE_DAYS * 86_400_000);
}

/** Queues the "your membership has lapsed" email (once per grace period). */
export async function queueLapsedEmail(tx: DbOrTx, env: Env, membershipId: string) {
  const parties = await getMembershipParties(tx, membershipId);
  if (!parties) return;
  const { person, tier, membership } = parties;
  await queueEmail(tx, {
    template: "membership-lapsed",
    locale: person.preferredLocale,
    to: person.email,
    personId: person.id,
    props: { recipient: recipientOf(person), tierName: tierNameOf(tier), renewUrl: appUrl(env, person.preferredLocale, "/join") },
    dedupeKey: `membership-lapsed:${membershipId}:${membership.graceUntil?.toISOString() ?? "none"}`,
  });
}

/**
 * Lapses past-due memberships whose grace period is over. Needs no webhook: the server calls
 * it on an interval, and any number of instances may (rows are claimed with SKIP LOCKED).
 * Returns how many memberships lapsed.
 */
export async function expireGracePeriods(db: Database, env: Env, now = new Date(), batch = 200): Promise<number> {
  let total = 0;
  for (;;) {
    const count = await db.transaction(async (tx) => {
      const due = await lockExpiredGrace(tx, now, batch);
      for (const membership of due) {
        await transition(tx, membership, "lapsed", { cause: "system", note: "grace period over" });
        await queueLapsedEmail(tx, env, membership.id);
      }
      return due.length;
    });
    total += count;
    if (count < batch) return total;
  }
}

/**
 * A company's year paid by invoice (no subscription) ends at its period end: the membership
 * lapses (its seats with it) until the next invoice is paid. Returns how many lapsed.
 */
export async function lapseEndedInvoiceTerms(db: Database, now = new Date(), batch = 200): Promise<number> {
  let total = 0;
  for (;;) {
    const count = await db.transaction(async (tx) => {
      const due = await tx
        .select()
        .from(memberships)
        .where(
          and(
            isNotNull(memberships.organisationId),
            isNull(memberships.stripeSubscriptionId),
            inArray(memberships.status, ["active", "past_due"]),
            lte(memberships.currentPeriodEnd, now),
          ),
        )
        .limit(batch)
        .for("update", { skipLocked: true });
      for (const membership of due) await transition(tx, membership, "lapsed", { cause: "system", note: "paid term ended" });
      return due.length;
    });
    total += count;
    if (count < batch) return total;
  }
}

/** Runs `expireGracePeriods` every `everyMs`; returns a stop function. */
export function scheduleGraceExpiry(db: Database, env: Env, everyMs = 60_000): () => void {
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    Promise.all([expireGracePeriods(db, env), lapseEndedInvoiceTerms(db)])
      .then(([graced, ended]) => graced + ended)
      .then((n) => {
        if (n > 0) console.log(`billing: ${n} membership(s) lapsed after their grace period`);
      })
      .catch((error: unknown) => console.error("billing: grace expiry failed", error))
      .finally(() => {
        running = false;
      });
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  setTimeout(tick, 1_000).unref();
  return () => clearInterval(timer);
}
