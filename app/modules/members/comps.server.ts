/**
 * Comps: staff give a membership free of charge until a date. A member who pays by card keeps
 * their Stripe subscription, but Stripe stops charging it (`pause_collection`, behaviour `void`,
 * resuming at the comp's end) — asked of Stripe first, with an idempotency key, before anything
 * is recorded. When the comp ends (on its date, by the schedule below, or early by staff) billing
 * resumes: the membership is active again (or as Stripe says: past due, canceled); one that has
 * no subscription stays active while its paid period lasts, else it lapses. Each step writes the
 * status history and an audit row.
 */
import type { Database } from "../../../db/client";
import type { Membership } from "../../../db/schema";
import { writeAudit, type StaffActor } from "../audit/audit.server";
import type { Env } from "../config/env.server";
import type { CompSchema } from "./member-actions.schema";
import { ActionError, compMembership } from "./member-page.server";
import { getMembership, listDueComps } from "./members.queries.server";
import { getMembershipForUpdate } from "../billing/billing.queries.server";
import { getGateway } from "../billing/gateway.server";
import { statusForSubscription } from "../billing/handlers.server";
import { endInvoiceTerms, expireGracePeriods, graceEnd, queueLapsedEmail, transition } from "../billing/lifecycle.server";
import type { BillingContext } from "../billing/webhook.server";
import type { z } from "zod";

type Context = BillingContext;
type Actor = StaffActor;

/** A comp's end, in Japan: the end of the chosen day. */
export const compEnd = (day: string) => new Date(`${day}T23:59:59+09:00`);

/** Does Stripe bill this membership (a card subscription that has not ended)? */
const billedByStripe = (m: Pick<Membership, "stripeSubscriptionId" | "status">) => m.stripeSubscriptionId !== null && m.status !== "canceled";

/** Staff comp a membership: Stripe's billing paused first (a refusal changes nothing), then the comp recorded. */
export async function compMembershipAsStaff(ctx: Context, actor: Actor, memberId: string, input: z.infer<typeof CompSchema>) {
  const until = compEnd(input.until);
  if (until.getTime() <= Date.now()) throw new ActionError("until", "futureDate");
  const membership = await getMembership(ctx.db, input.membershipId);
  if (!membership || (membership.personId !== memberId && membership.organisationId !== memberId)) throw new ActionError("membershipId", "membership");
  const pause = billedByStripe(membership);
  if (pause) {
    try {
      await getGateway(ctx.env).pauseBilling(membership.stripeSubscriptionId!, until, `membership-${membership.id}-comp-until-${until.getTime()}`);
    } catch (error) {
      console.warn(`billing: pausing subscription ${membership.stripeSubscriptionId} for a comp failed:`, (error as Error)?.message ?? error);
      throw new ActionError("until", "stripe");
    }
  }
  await compMembership(ctx.db, actor, memberId, input, { billingPaused: pause });
}

/**
 * Ends a comp (its date has come, or staff end it early): Stripe billing resumed first when the
 * member pays by card, then the membership moves on. Returns the new status, or null when the
 * membership is not comped (any more).
 */
export async function endComp(ctx: Context, membershipId: string, by: { actor: Actor | null; now?: Date }): Promise<Membership["status"] | null> {
  const now = by.now ?? new Date();
  const membership = await getMembership(ctx.db, membershipId);
  if (!membership || membership.status !== "comped") return null;
  const resume = billedByStripe(membership);
  // Stripe resumes by itself at the comp's end (resumes_at); asking again is harmless, and covers an early end.
  const stripeStatus = resume
    ? await getGateway(ctx.env).resumeBilling(
        membership.stripeSubscriptionId!,
        `membership-${membership.id}-comp-until-${membership.compedUntil?.getTime() ?? "open"}-resume`,
      )
    : null;
  return ctx.db.transaction(async (tx) => {
    const locked = await getMembershipForUpdate(tx, membershipId);
    // Changed meanwhile (comped again to a new date, or ended by another instance): leave it.
    if (!locked || locked.status !== "comped" || locked.compedUntil?.getTime() !== membership.compedUntil?.getTime()) return null;
    const paidOn = locked.currentPeriodEnd !== null && locked.currentPeriodEnd.getTime() > now.getTime();
    const to = resume ? statusForSubscription(stripeStatus ?? "active", "active") : paidOn ? "active" : "lapsed";
    const note = by.actor ? "comp ended by staff" : "comp ended";
    const cause = by.actor ? { cause: "staff" as const, staffUserId: by.actor.staff.id, note } : { cause: "system" as const, note };
    await transition(tx, locked, to, cause, {
      compedUntil: null,
      graceUntil: to === "past_due" ? graceEnd(now, ctx.env) : null,
      ...(to === "canceled" ? { canceledAt: now } : {}),
    });
    if (to === "lapsed") await queueLapsedEmail(tx, ctx.env, locked.id);
    await writeAudit(tx, {
      actorStaffUserId: by.actor?.staff.id ?? null,
      action: "membership.comp_end",
      subjectType: "membership",
      subjectId: locked.id,
      details: { compedUntil: locked.compedUntil?.toISOString() ?? null, billingResumed: resume, statusAfter: to },
      ip: by.actor?.ip ?? null,
    });
    return to;
  });
}

/** Ends every comp whose date has passed. Any number of instances may run it (each end re-checks under a lock). */
export async function endDueComps(ctx: Context, now = new Date()): Promise<number> {
  const due = await listDueComps(ctx.db, now, 200);
  let ended = 0;
  for (const { id } of due) {
    try {
      if (await endComp(ctx, id, { actor: null, now })) ended++;
    } catch (error) {
      // Stripe unreachable: the next run tries again.
      console.warn(`billing: ending the comp of membership ${id} failed:`, (error as Error)?.message ?? error);
    }
  }
  return ended;
}

/**
 * The membership schedule, every `everyMs` in each instance with background jobs: comps that
 * have ended, then companies' paid terms that have ended, then grace periods that are over.
 * Returns a stop function.
 */
export function scheduleMembershipTerms(db: Database, env: Env, everyMs = 60_000): () => void {
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    endDueComps({ db, env })
      .then(async (comps) => comps + (await endInvoiceTerms(db, env)) + (await expireGracePeriods(db, env)))
      .then((n) => {
        if (n > 0) console.log(`billing: ${n} membership(s) moved at the end of a comp, a paid term or a grace period`);
      })
      .catch((error: unknown) => console.error("billing: membership schedule failed", error))
      .finally(() => {
        running = false;
      });
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  setTimeout(tick, 1_000).unref();
  return () => clearInterval(timer);
}

/** Staff end a comp before its date: billing resumes now (Stripe first), as it would on the date. */
export async function endCompAsStaff(ctx: Context, actor: Actor, memberId: string, input: { membershipId: string }) {
  const membership = await getMembership(ctx.db, input.membershipId);
  if (!membership || (membership.personId !== memberId && membership.organisationId !== memberId)) throw new ActionError("membershipId", "membership");
  if (membership.status !== "comped") throw new ActionError("membershipId", "notComped");
  try {
    await endComp(ctx, membership.id, { actor });
  } catch (error) {
    console.warn(`billing: resuming subscription ${membership.stripeSubscriptionId} at a comp's end failed:`, (error as Error)?.message ?? error);
    throw new ActionError("membershipId", "stripe");
  }
}
