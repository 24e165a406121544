/**
 * Joining: a pending membership in one transaction, then (after commit) a Stripe Checkout
 * Session with an idempotency key derived from the membership id. When Stripe fails the
 * pending membership is removed, so a retry starts clean with a new id (and a new key:
 * Stripe replays a key's first answer, even an error, for 24 hours).
 */
import type { DbOrTx } from "../../../db/client";
import type { NewPerson } from "../../../db/schema";
import type { Locale } from "../i18n/i18n";
import type { JoinFieldErrors, JoinInput } from "../people/join.schema.server";
import { getGateway } from "./gateway.server";
import { appUrl } from "../shared/links.server";
import type { BillingContext } from "./webhook.server";
import { personForPublicForm } from "../people/details.server";
import {
  deletePendingMembership,
  findPrice,
  getActivePartnership,
  getMembershipWithTier,
  getPendingJoin,
  insertMembership,
  listOwnCurrentMemberships,
  updateMembership,
} from "./billing.queries.server";

export type CheckoutFailure = "alreadyMember" | "cardDeclined" | "rateLimited" | "unavailable";

export type StartCheckoutResult = { ok: true; url: string; membershipId: string } | { ok: false; fieldErrors?: JoinFieldErrors; formError?: CheckoutFailure };

/** Stripe's error classes carry `type`; anything else (our own bugs included) is "unavailable". */
export function classifyStripeError(error: unknown): Exclude<CheckoutFailure, "alreadyMember"> {
  const type = (error as { type?: string } | null)?.type;
  if (type === "StripeCardError") return "cardDeclined";
  if (type === "StripeRateLimitError") return "rateLimited";
  return "unavailable";
}

/** What a join form chose, resolved: the tier's price and the partnership; or the field naming neither. */
export async function resolveJoinChoices(
  db: DbOrTx,
  input: JoinInput,
): Promise<
  { ok: true; found: NonNullable<Awaited<ReturnType<typeof findPrice>>>; details: Omit<NewPerson, "id"> } | { ok: false; fieldErrors: JoinFieldErrors }
> {
  const found = await findPrice(db, input);
  if (!found) return { ok: false, fieldErrors: { interval: "intervalNotOffered" } };
  let partnershipId: number | null = null;
  if (input.partnership) {
    const p = await getActivePartnership(db, input.partnership);
    if (!p) return { ok: false, fieldErrors: { partnership: "invalidChoice" } };
    partnershipId = p.id;
  }
  const details = {
    email: input.email,
    familyName: input.familyName,
    givenName: input.givenName,
    familyNameKana: input.familyNameKana,
    givenNameKana: input.givenNameKana,
    preferredLocale: input.preferredLocale,
    country: input.country,
    postalCode: input.postalCode,
    region: input.region,
    city: input.city,
    addressLine1: input.addressLine1,
    addressLine2: input.addressLine2,
    partnershipId,
  };
  return { ok: true, found, details };
}

/**
 * `signedInPersonId`: the member signed in on this browser, if any. A form naming someone else's
 * address never changes their details (members/details.server.ts).
 */
export async function startCheckout(
  ctx: BillingContext,
  input: JoinInput,
  pageLocale: Locale,
  signedInPersonId: string | null = null,
): Promise<StartCheckoutResult> {
  const choices = await resolveJoinChoices(ctx.db, input);
  if (!choices.ok) return choices;
  const { found, details } = choices;

  const created = await ctx.db.transaction(async (tx) => {
    const { person, pending, known } = await personForPublicForm(tx, details, signedInPersonId);
    if (known) {
      // A company seat is not the person's own membership: a seat holder may still join in their own right.
      const current = await listOwnCurrentMemberships(tx, person.id);
      if (current.length > 0) return null;
    }
    const membership = await insertMembership(tx, {
      personId: person.id,
      tierId: found.tier.id,
      priceId: found.price.id,
      currency: found.price.currency,
      interval: found.price.interval,
      status: "pending",
      submittedDetails: pending,
    });
    return { person, membership };
  });
  if (!created) return { ok: false, formError: "alreadyMember" };
  const { person, membership } = created;

  try {
    const session = await getGateway(ctx.env).createCheckoutSession(
      {
        membershipId: membership.id,
        email: person.email,
        customerId: person.stripeCustomerId,
        locale: pageLocale,
        stripePriceId: found.price.stripePriceId,
        currency: found.price.currency,
        amount: found.price.amount,
        interval: found.price.interval,
        productName: `${found.tier.nameEn} membership / ${found.tier.nameJa}`,
        successUrl: appUrl(ctx.env, pageLocale, `/join/success?m=${membership.id}`),
        cancelUrl: appUrl(ctx.env, pageLocale, `/join?resume=${membership.id}`),
      },
      `membership-${membership.id}-checkout`,
    );
    await updateMembership(ctx.db, membership.id, { stripeCheckoutSessionId: session.id });
    return { ok: true, url: session.url, membershipId: membership.id };
  } catch (error) {
    const failure = classifyStripeError(error);
    console.warn(`billing: checkout for membership ${membership.id} failed (${failure}):`, (error as Error)?.message ?? error);
    await deletePendingMembership(ctx.db, membership.id);
    return { ok: false, formError: failure };
  }
}

/** What the join page shows again after Checkout's cancel: the details of a still-pending membership. */
export async function getResumableJoin(db: DbOrTx, membershipId: string) {
  if (!/^[0-9a-f-]{36}$/.test(membershipId)) return null;
  const row = await getPendingJoin(db, membershipId);
  if (!row) return null;
  const { person, membership, tier, partnership } = row;
  return {
    tier: tier.slug,
    currency: membership.currency ?? "",
    interval: membership.interval ?? "",
    familyName: person.familyName,
    givenName: person.givenName,
    familyNameKana: person.familyNameKana ?? "",
    givenNameKana: person.givenNameKana ?? "",
    email: person.email,
    country: person.country,
    postalCode: person.postalCode ?? "",
    prefecture: person.country === "JP" ? (person.region ?? "") : "",
    state: person.country === "US" ? (person.region ?? "") : "",
    city: person.city ?? "",
    addressLine1: person.addressLine1 ?? "",
    addressLine2: person.addressLine2 ?? "",
    preferredLocale: person.preferredLocale,
    partnership: partnership?.slug ?? "",
  };
}

/** The success page: the membership's state, once the webhook has landed. */
export async function getMembershipSummary(db: DbOrTx, membershipId: string) {
  if (!/^[0-9a-f-]{36}$/.test(membershipId)) return null;
  const row = await getMembershipWithTier(db, membershipId);
  if (!row) return null;
  return {
    status: row.membership.status,
    tierName: { en: row.tier.nameEn, ja: row.tier.nameJa },
    currentPeriodEnd: row.membership.currentPeriodEnd?.toISOString() ?? null,
    cancelAtPeriodEnd: row.membership.cancelAtPeriodEnd,
    name: { familyName: row.person.familyName, givenName: row.person.givenName },
  };
}
