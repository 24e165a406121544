/**
 * What a signed-in member changes about how they pay (issue 16 item 4): cancel at the end of
 * the paid period and undo it, and update the card. Each goes to Stripe first (with an
 * idempotency key) and is recorded only when Stripe's webhook reports it, through the same
 * handlers as every other change; the demo gateway delivers that webhook at once.
 */
import { getStripe } from "../billing/stripe.server";
import { isDemo, setDemoCancelAtPeriodEnd } from "../billing/demo.server";
import { openCardUpdate } from "../billing/portal.server";
import { portalToken } from "../billing/portal-links.server";
import type { BillingContext } from "../billing/webhook.server";
import type { Locale } from "../i18n/i18n";
import { localePath } from "../i18n/i18n";
import { getMembership } from "../members/members.queries.server";

export type MemberBillingError = "notFound" | "notAllowed" | "stripe";

/** The person's own membership billed by subscription (not a company seat), or why not. */
async function ownSubscription(
  ctx: BillingContext,
  personId: string,
  membershipId: string,
): Promise<{ error: "notFound" | "notAllowed" } | { error?: never; membership: NonNullable<Awaited<ReturnType<typeof getMembership>>> }> {
  const membership = await getMembership(ctx.db, membershipId);
  // Another person's membership (or none) answers as if it did not exist.
  if (!membership || membership.personId !== personId) return { error: "notFound" as const };
  if (membership.seatOfMembershipId || !membership.stripeSubscriptionId || (membership.status !== "active" && membership.status !== "past_due")) {
    return { error: "notAllowed" as const };
  }
  return { membership };
}

/**
 * Asks Stripe to stop (or, `cancel` false, to resume) renewing at the end of the paid period.
 * Nothing changes here until the webhook lands; the page shows "being confirmed" until then.
 */
export async function requestCancelAtPeriodEnd(
  ctx: BillingContext,
  personId: string,
  membershipId: string,
  cancel: boolean,
  /** The form's one-time token: the same form sent twice (a double click, a retry) is one request to Stripe. */
  formToken: string,
): Promise<{ ok: true } | { ok: false; error: MemberBillingError }> {
  const found = await ownSubscription(ctx, personId, membershipId);
  if (found.error) return { ok: false, error: found.error };
  const { membership } = found;
  // Always asked of Stripe, even when our row already says so: the row may not have heard of a
  // change still on its way, and setting the flag to what it is changes nothing there.
  try {
    if (isDemo(ctx)) {
      await setDemoCancelAtPeriodEnd(ctx, membership.id, cancel);
    } else {
      await getStripe(ctx.env)!.subscriptions.update(
        membership.stripeSubscriptionId!,
        { cancel_at_period_end: cancel },
        { idempotencyKey: `membership-${membership.id}-member-${cancel ? "cancel" : "resume"}-${formToken}` },
      );
    }
  } catch (error) {
    console.warn(`account: cancel_at_period_end=${cancel} for membership ${membership.id} failed:`, (error as Error)?.message ?? error);
    return { ok: false, error: "stripe" };
  }
  return { ok: true };
}

/** A Customer Portal session (or the demo card page) for the member's own membership, back to the member area after. */
export async function openMemberCardUpdate(
  ctx: BillingContext,
  personId: string,
  membershipId: string,
  locale: Locale,
): Promise<{ ok: true; url: string } | { ok: false; error: MemberBillingError }> {
  const found = await ownSubscription(ctx, personId, membershipId);
  if (found.error) return { ok: false, error: found.error };
  const opened = await openCardUpdate(ctx, portalToken(ctx.env, membershipId), { returnPath: localePath(locale, "/account") });
  return opened.ok ? opened : { ok: false, error: opened.reason === "invalid" ? "notAllowed" : "stripe" };
}
