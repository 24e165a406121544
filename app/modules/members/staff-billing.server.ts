/**
 * Staff actions that reach Stripe. The Stripe call comes first, outside any transaction; only
 * when Stripe has accepted it is the change recorded (with its audit row). A refusal changes
 * nothing. Stripe's own webhook for the change arrives later and is a no-op by then.
 */
import { writeAudit } from "../audit/audit.server";
import type { CancelSchema, SimulateRenewalSchema } from "./member-actions.schema";
import { ActionError, cancelMembershipLocally } from "./member-page.server";
import { getMembership } from "./members.queries.server";
import { isDemo, simulateRenewal } from "../billing/demo.server";
import { getStripe } from "../billing/stripe.server";
import type { BillingContext } from "../billing/webhook.server";
import type { z } from "zod";

interface Actor {
  staff: { id: string };
  ip: string | null;
}

export async function cancelMembershipAsStaff(ctx: BillingContext, actor: Actor, memberId: string, input: z.infer<typeof CancelSchema>) {
  const membership = await getMembership(ctx.db, input.membershipId);
  const stripe = getStripe(ctx.env);
  if (membership?.stripeSubscriptionId && stripe) {
    try {
      if (input.when === "now") {
        await stripe.subscriptions.cancel(membership.stripeSubscriptionId, {}, { idempotencyKey: `membership-${membership.id}-cancel-now` });
      } else {
        await stripe.subscriptions.update(
          membership.stripeSubscriptionId,
          { cancel_at_period_end: true },
          // The same state gives the same key: a double submit is one request to Stripe.
          { idempotencyKey: `membership-${membership.id}-cancel-at-period-end-${membership.updatedAt.getTime()}` },
        );
      }
    } catch {
      throw new ActionError("when", "stripe");
    }
  }
  await cancelMembershipLocally(ctx.db, actor, memberId, input);
}

/** Demo gateway only: a paid or failed renewal, through the same signed-webhook path as Stripe's. */
export async function simulateRenewalAsStaff(ctx: BillingContext, actor: Actor, memberId: string, input: z.infer<typeof SimulateRenewalSchema>) {
  if (!isDemo(ctx)) throw new ActionError("outcome", "demoOnly");
  const membership = await getMembership(ctx.db, input.membershipId);
  if (!membership || (membership.personId !== memberId && membership.organisationId !== memberId)) throw new ActionError("membershipId", "membership");
  if (!membership.stripeSubscriptionId || !membership.currentPeriodEnd || membership.status === "canceled") {
    throw new ActionError("membershipId", "noSubscription");
  }
  const result = await simulateRenewal(ctx, membership.id, input.outcome);
  await writeAudit(ctx.db, {
    actorStaffUserId: actor.staff.id,
    action: "membership.simulate_renewal",
    subjectType: "membership",
    subjectId: membership.id,
    details: { memberId, outcome: input.outcome, statusAfter: result.status },
    ip: actor.ip,
  });
  return result;
}
