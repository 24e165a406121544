/**
 * What a signed-in member changes about how they pay (issue 16 item 4): cancel at the end of
 * the paid period and undo it, update the card, pay an overdue invoice, renew a lapsed membership. Each goes to Stripe first (with an
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
import { startCheckout } from "../billing/checkout.server";
import { getPersonById } from "../people/people.queries.server";
import type { JoinInput } from "../people/join.schema.server";
import { getRenewalChoice } from "./account.queries.server";

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

export type RenewError = "notFound" | "notAllowed" | "alreadyMember" | "notOffered" | "stripe";

/**
 * Renews a lapsed or canceled membership of the member's own in one step: Checkout for the same
 * tier, currency and interval, with the details on file (nothing to type again). Lands, like
 * joining, through the webhook.
 */
export async function renewMembership(
  ctx: BillingContext,
  personId: string,
  membershipId: string,
  locale: Locale,
): Promise<{ ok: true; url: string } | { ok: false; error: RenewError }> {
  const [choice, person] = await Promise.all([getRenewalChoice(ctx.db, personId, membershipId), getPersonById(ctx.db, personId)]);
  if (!choice || !person) return { ok: false, error: "notFound" };
  if (choice.seatOfMembershipId || (choice.status !== "lapsed" && choice.status !== "canceled")) return { ok: false, error: "notAllowed" };
  if (!choice.currency || !choice.interval) return { ok: false, error: "notOffered" };
  // The person's details as they are: a signed-in checkout applies them to the person, so unchanged values change nothing.
  const input = {
    tier: choice.tierSlug,
    currency: choice.currency,
    interval: choice.interval,
    familyName: person.familyName,
    givenName: person.givenName,
    familyNameKana: person.familyNameKana,
    givenNameKana: person.givenNameKana,
    email: person.email,
    country: person.country,
    postalCode: person.postalCode,
    region: person.region,
    city: person.city,
    addressLine1: person.addressLine1,
    addressLine2: person.addressLine2,
    preferredLocale: person.preferredLocale,
    partnership: choice.partnershipSlug,
  } as JoinInput;
  const started = await startCheckout(ctx, input, locale, personId);
  if (started.ok) return { ok: true, url: started.url };
  if (started.fieldErrors) return { ok: false, error: "notOffered" };
  return { ok: false, error: started.formError === "alreadyMember" ? "alreadyMember" : "stripe" };
}

/**
 * Pays what a past-due membership owes now: Stripe's page for its open invoice (the demo
 * gateway's card page, which charges a past-due membership).
 */
export async function openOverdueInvoice(
  ctx: BillingContext,
  personId: string,
  membershipId: string,
  locale: Locale,
): Promise<{ ok: true; url: string } | { ok: false; error: MemberBillingError | "nothingDue" }> {
  const found = await ownSubscription(ctx, personId, membershipId);
  if (found.error) return { ok: false, error: found.error };
  if (found.membership.status !== "past_due") return { ok: false, error: "nothingDue" };
  if (isDemo(ctx)) return openMemberCardUpdate(ctx, personId, membershipId, locale);
  try {
    const open = await getStripe(ctx.env)!.invoices.list({ subscription: found.membership.stripeSubscriptionId!, status: "open", limit: 1 });
    const url = open.data[0]?.hosted_invoice_url;
    return url ? { ok: true, url } : { ok: false, error: "nothingDue" };
  } catch (error) {
    console.warn(`account: listing the open invoice of membership ${membershipId} failed:`, (error as Error)?.message ?? error);
    return { ok: false, error: "stripe" };
  }
}
