/**
 * What a signed-in member changes about how they pay (issue 16 item 4): cancel at the end of
 * the paid period and undo it, update the card, pay an overdue invoice, renew a lapsed membership. Each goes to Stripe first (with an
 * idempotency key) and is recorded only when Stripe's webhook reports it, through the same
 * handlers as every other change; the demo gateway delivers that webhook at once.
 */
import { getStripe } from "../billing/stripe.server";
import { isDemo, setDemoCancelAtPeriodEnd, setDemoPlan } from "../billing/demo.server";
import { addInterval } from "../billing/stripe-shapes.server";
import { openCardUpdate } from "../billing/portal.server";
import { portalToken } from "../billing/portal-links.server";
import type { BillingContext } from "../billing/webhook.server";
import type { Locale } from "../i18n/i18n";
import { localePath } from "../i18n/i18n";
import { getMembership } from "../members/members.queries.server";
import { startCheckout } from "../billing/checkout.server";
import { getPersonById } from "../people/people.queries.server";
import type { JoinInput } from "../people/join.schema.server";
import { getMembershipPrice, getRenewalChoice, listPlanPrices } from "./account.queries.server";

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

// ---------------------------------------------------------------- change of plan

/**
 * The proration rule (said on the page before confirming): a change takes effect at once. Stripe
 * credits the unused part of the current period at the old price and charges the new price for
 * the same part (proration_behavior always_invoice), on an invoice paid now with the card on file;
 * a change between yearly and monthly starts a new period today, so the new price is charged
 * in full less that credit. The next renewal is then at the new price.
 */
const PRORATION = "always_invoice" as const;

export interface PlanOption {
  priceId: number;
  tierNameEn: string;
  tierNameJa: string;
  amount: number;
  currency: "USD" | "JPY";
  interval: "year" | "month";
}

/** The plans this membership can switch to (other individual tier prices in its currency). */
export async function planOptions(ctx: BillingContext, membership: { priceId: number | null; currency: "USD" | "JPY" | null }): Promise<PlanOption[]> {
  if (!membership.currency) return [];
  const prices = await listPlanPrices(ctx.db, membership.currency);
  return prices
    .filter((p) => p.id !== membership.priceId && (isDemo(ctx) || p.stripePriceId))
    .map((p) => ({ priceId: p.id, tierNameEn: p.tierNameEn, tierNameJa: p.tierNameJa, amount: p.amount, currency: p.currency, interval: p.interval }));
}

export interface PlanPreview {
  priceId: number;
  /** Charged now (Stripe's preview invoice's amount_due); 0 when the change leaves a credit. */
  dueNow: number;
  /** The credit left on the account for the next invoices, when the new plan costs less. */
  credit: number;
  currency: "USD" | "JPY";
  nextAmount: number;
  nextInterval: "year" | "month";
  nextDate: Date;
  /** The moment the preview was priced for: the switch uses the same, so it charges what was shown. */
  prorationDate: number;
}

type PlanError = MemberBillingError | "notOffered";

async function ownPlanChange(ctx: BillingContext, personId: string, membershipId: string, priceId: number) {
  const found = await ownSubscription(ctx, personId, membershipId);
  if (found.error) return { error: found.error };
  const { membership } = found;
  if (membership.status !== "active" || membership.cancelAtPeriodEnd) return { error: "notAllowed" as const };
  const price = (await planOptions(ctx, membership)).find((p) => p.priceId === priceId);
  if (!price) return { error: "notOffered" as const };
  const row = (await listPlanPrices(ctx.db, membership.currency!)).find((p) => p.id === priceId)!;
  return { membership, price, row };
}

/** What a change of plan would charge now and next, priced by Stripe (the demo gateway: the same rule, computed here). */
export async function previewPlanChange(
  ctx: BillingContext,
  personId: string,
  membershipId: string,
  priceId: number,
  now = Math.floor(Date.now() / 1000),
): Promise<{ ok: true; preview: PlanPreview } | { ok: false; error: PlanError }> {
  const found = await ownPlanChange(ctx, personId, membershipId, priceId);
  if (found.error) return { ok: false, error: found.error };
  const { membership, price, row } = found;
  const periodEnd = Math.floor((membership.currentPeriodEnd?.getTime() ?? now * 1000) / 1000);
  const sameInterval = price.interval === membership.interval;
  const nextDate = new Date((sameInterval ? periodEnd : addInterval(now, price.interval)) * 1000);
  const base = { priceId, currency: price.currency, nextAmount: price.amount, nextInterval: price.interval, nextDate, prorationDate: now };
  try {
    if (isDemo(ctx)) {
      const current = await getMembershipPrice(ctx.db, membership.id);
      const start = Math.floor((membership.currentPeriodStart?.getTime() ?? now * 1000) / 1000);
      const unused = periodEnd > start ? Math.min(1, Math.max(0, (periodEnd - now) / (periodEnd - start))) : 0;
      const credit = Math.round((current?.amount ?? 0) * unused);
      const charge = sameInterval ? Math.round(price.amount * unused) : price.amount;
      return { ok: true, preview: { ...base, dueNow: Math.max(0, charge - credit), credit: Math.max(0, credit - charge) } };
    }
    const stripe = getStripe(ctx.env)!;
    const subscription = await stripe.subscriptions.retrieve(membership.stripeSubscriptionId!);
    const item = subscription.items.data[0]!;
    const invoice = await stripe.invoices.createPreview({
      customer: typeof subscription.customer === "string" ? subscription.customer : subscription.customer.id,
      subscription: subscription.id,
      subscription_details: { items: [{ id: item.id, price: row.stripePriceId! }], proration_behavior: PRORATION, proration_date: now },
    });
    return { ok: true, preview: { ...base, dueNow: Math.max(0, invoice.amount_due), credit: Math.max(0, -invoice.total) } };
  } catch (error) {
    console.warn(`account: previewing a change of plan for membership ${membershipId} failed:`, (error as Error)?.message ?? error);
    return { ok: false, error: "stripe" };
  }
}

/** The change itself, asked of Stripe with an idempotency key; it lands through customer.subscription.updated. */
export async function requestPlanChange(
  ctx: BillingContext,
  personId: string,
  membershipId: string,
  priceId: number,
  prorationDate: number,
  formToken: string,
): Promise<{ ok: true } | { ok: false; error: PlanError }> {
  const found = await ownPlanChange(ctx, personId, membershipId, priceId);
  if (found.error) return { ok: false, error: found.error };
  const { membership, row } = found;
  try {
    if (isDemo(ctx)) {
      await setDemoPlan(ctx, membership.id, row);
    } else {
      const stripe = getStripe(ctx.env)!;
      const subscription = await stripe.subscriptions.retrieve(membership.stripeSubscriptionId!);
      await stripe.subscriptions.update(
        subscription.id,
        { items: [{ id: subscription.items.data[0]!.id, price: row.stripePriceId! }], proration_behavior: PRORATION, proration_date: prorationDate },
        { idempotencyKey: `membership-${membership.id}-member-plan-${priceId}-${formToken}` },
      );
    }
  } catch (error) {
    console.warn(`account: changing the plan of membership ${membershipId} failed:`, (error as Error)?.message ?? error);
    return { ok: false, error: "stripe" };
  }
  return { ok: true };
}
