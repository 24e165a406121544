/**
 * Giving: a pending gift in one transaction, then (after commit) a Checkout Session built on
 * the server (payment mode for one-time gifts, subscription mode with a monthly price for
 * monthly ones) with an idempotency key from the gift's id. When Stripe fails the pending gift
 * is removed, like a pending membership, so a retry starts clean with a new id and key.
 */
import type { DbOrTx } from "../../../db/client";
import type { Currency } from "../../../db/schema";
import { getPersonById as getPerson } from "../people/people.queries.server";
import { classifyStripeError } from "../billing/checkout.server";
import { deliverAll, DemoError } from "../billing/demo.server";
import { donationIdFromDemoSession, getGateway } from "../billing/gateway.server";
import { appUrl } from "../shared/links.server";
import {
  addInterval,
  chargeShape,
  checkoutSessionShape,
  demoId,
  invoicePaidEvents,
  invoiceShape,
  stripeEvent,
  subscriptionShape,
  type EventShape,
  type SubscriptionRefs,
} from "../billing/stripe-shapes.server";
import type { BillingContext } from "../billing/webhook.server";
import type { Env } from "../config/env.server";
import type { Locale } from "../i18n/i18n";
import type { DonateInput, DonateOptions, DonationCurrency } from "./donate.schema.server";
import { verifyDonationManageToken, donationManageToken } from "./links.server";
import { personForPublicForm } from "../people/details.server";
import { UUID } from "../shared/ids";
import {
  countDonationPayments,
  deleteFundGoal,
  deletePendingDonation,
  getActiveFund,
  getDonationWithDonor,
  getFundIdBySlug,
  insertDonation,
  listActiveFunds,
  listActiveFundSlugs,
  listFundGoals,
  listFundsRaised,
  updateDonation,
  upsertFundGoal,
} from "./donations.queries.server";

export type DonationFailure = "cardDeclined" | "rateLimited" | "unavailable";

export type StartDonationResult =
  | { ok: true; url: string; donationId: string }
  | { ok: false; fieldErrors?: { fund?: "unknownFund"; interval?: "monthlyNotOffered" }; formError?: DonationFailure };

/** What the form offers, from the configuration and the funds table. */
export async function getDonateOptions(db: DbOrTx, env: Env): Promise<DonateOptions> {
  const rows = await listActiveFundSlugs(db);
  return { funds: rows.map((r) => r.slug), monthlyCurrencies: env.DONATION_MONTHLY_CURRENCIES, feePercent: env.DONATION_FEE_PERCENT };
}

/**
 * Active funds with their goals and progress per currency: the sum of paid gifts minus
 * refunds, never summed across currencies. Names no donor (anonymous or not). For the public
 * page (`publicMinGifts`), a currency's progress only where the fund has a goal in it and at
 * least that many gifts, so one donor's gift is never revealed by a total.
 */
export async function getFundsWithProgress(db: DbOrTx, options: { publicMinGifts?: number } = {}) {
  const [fundRows, goalRows, raisedRows] = await Promise.all([listActiveFunds(db), listFundGoals(db), listFundsRaised(db)]);
  return fundRows.map((fund) => {
    const currencies: Currency[] = ["USD", "JPY"];
    return {
      slug: fund.slug,
      name: { en: fund.nameEn, ja: fund.nameJa },
      description: { en: fund.descriptionEn, ja: fund.descriptionJa },
      progress: currencies
        .map((currency) => ({
          currency,
          goal: goalRows.find((g) => g.fundId === fund.id && g.currency === currency)?.amount ?? null,
          raised: raisedRows.find((r) => r.fundId === fund.id && r.currency === currency)?.raised ?? 0,
          gifts: raisedRows.find((r) => r.fundId === fund.id && r.currency === currency)?.gifts ?? 0,
        }))
        .filter((p) => (options.publicMinGifts === undefined ? p.goal !== null || p.raised > 0 : p.goal !== null && p.gifts >= options.publicMinGifts))
        .map(({ currency, goal, raised }) => ({ currency, goal, raised })),
    };
  });
}

/** Sets (or with null, removes) a fund's goal in one currency. */
export async function setFundGoal(db: DbOrTx, fundSlug: string, currency: Currency, amount: number | null) {
  const fund = await getFundIdBySlug(db, fundSlug);
  if (!fund) throw new Error(`no fund ${fundSlug}`);
  if (amount === null) {
    await deleteFundGoal(db, fund.id, currency);
    return;
  }
  await upsertFundGoal(db, { fundId: fund.id, currency, amount });
}

/** `signedInPersonId` as for joining: a form never changes someone else's details (members/details.server.ts). */
export async function startDonationCheckout(
  ctx: BillingContext,
  input: DonateInput,
  pageLocale: Locale,
  signedInPersonId: string | null = null,
): Promise<StartDonationResult> {
  const fund = await getActiveFund(ctx.db, input.fund);
  if (!fund) return { ok: false, fieldErrors: { fund: "unknownFund" } };
  if (input.interval === "month" && !ctx.env.DONATION_MONTHLY_CURRENCIES.includes(input.currency)) {
    return { ok: false, fieldErrors: { interval: "monthlyNotOffered" } };
  }
  const details = {
    email: input.email,
    familyName: input.familyName,
    givenName: input.givenName,
    preferredLocale: input.preferredLocale,
    country: input.country,
    postalCode: input.postalCode,
    region: input.region,
    city: input.city,
    addressLine1: input.addressLine1,
    addressLine2: input.addressLine2,
  };

  const { person, donation } = await ctx.db.transaction(async (tx) => {
    const { person, pending } = await personForPublicForm(tx, details, signedInPersonId);
    const donation = await insertDonation(tx, {
      personId: person.id,
      fundId: fund.id,
      amount: input.amount,
      feeAmount: input.feeAmount,
      currency: input.currency,
      interval: input.interval,
      status: "pending",
      tributeKind: input.tribute?.kind ?? null,
      tributeName: input.tribute?.name ?? null,
      tributeNotifyEmail: input.tribute?.notify?.email ?? null,
      tributeNotifyName: input.tribute?.notify?.name ?? null,
      tributeNotifyLocale: input.tribute?.notify?.locale ?? null,
      anonymous: input.anonymous,
      submittedDetails: pending,
    });
    return { person, donation };
  });

  try {
    const session = await getGateway(ctx.env).createDonationCheckoutSession(
      {
        donationId: donation.id,
        email: person.email,
        customerId: person.stripeCustomerId,
        locale: pageLocale,
        currency: donation.currency,
        amount: donation.amount,
        interval: donation.interval,
        productName:
          donation.interval === "month" ? `Monthly gift: ${fund.nameEn} / 毎月のご寄付：${fund.nameJa}` : `Gift: ${fund.nameEn} / ご寄付：${fund.nameJa}`,
        successUrl: appUrl(ctx.env, pageLocale, `/donate/thanks?d=${donation.id}`),
        cancelUrl: appUrl(ctx.env, pageLocale, `/donate`),
      },
      `donation-${donation.id}-checkout`,
    );
    await updateDonation(ctx.db, donation.id, { stripeCheckoutSessionId: session.id });
    return { ok: true, url: session.url, donationId: donation.id };
  } catch (error) {
    const failure = classifyStripeError(error);
    console.warn(`donations: checkout for donation ${donation.id} failed (${failure}):`, (error as Error)?.message ?? error);
    await deletePendingDonation(ctx.db, donation.id);
    return { ok: false, formError: failure };
  }
}

async function loadDonation(db: DbOrTx, donationId: string) {
  if (!UUID.test(donationId)) return null;
  return getDonationWithDonor(db, donationId);
}

/** The thank-you page: the gift's state once the webhook has landed (no address, no email). */
export async function getDonationSummary(db: DbOrTx, donationId: string) {
  const row = await loadDonation(db, donationId);
  if (!row) return null;
  const paid = await countDonationPayments(db, donationId);
  const { donation, fund } = row;
  return {
    status: donation.status,
    paid: paid > 0,
    amount: donation.amount,
    currency: donation.currency as DonationCurrency,
    interval: donation.interval,
    fundName: { en: fund.nameEn, ja: fund.nameJa },
    tribute: donation.tributeKind && donation.tributeName ? { kind: donation.tributeKind, name: donation.tributeName } : null,
  };
}

/** A signed-in member's details for the form (name, email, address, language), or null. */
export async function getDonorDefaults(db: DbOrTx, personId: string | undefined) {
  if (!personId || !UUID.test(personId)) return null;
  const p = await getPerson(db, personId);
  if (!p) return null;
  return {
    familyName: p.familyName,
    givenName: p.givenName,
    email: p.email,
    country: p.country === "JP" || p.country === "US" ? p.country : "",
    postalCode: p.postalCode ?? "",
    prefecture: p.country === "JP" ? (p.region ?? "") : "",
    state: p.country === "US" ? (p.region ?? "") : "",
    city: p.city ?? "",
    addressLine1: p.addressLine1 ?? "",
    addressLine2: p.addressLine2 ?? "",
    preferredLocale: p.preferredLocale,
  };
}

// ---------------------------------------------------------------- demo gateway
function refsFor(row: NonNullable<Awaited<ReturnType<typeof loadDonation>>>): SubscriptionRefs {
  const h = row.donation.id.replaceAll("-", "");
  return {
    membershipId: row.donation.id,
    subscriptionId: row.donation.stripeSubscriptionId ?? `sub_demo_${h}`,
    customerId: row.person.stripeCustomerId ?? `cus_demo_${h}`,
    currency: row.donation.currency === "JPY" ? "jpy" : "usd",
    amount: row.donation.amount,
    interval: "month",
  };
}

/** Rewrites a membership-shaped demo object so it names the donation instead. */
function forDonation<T>(object: T, _donationId: string): T {
  return JSON.parse(JSON.stringify(object).replaceAll('"membershipId"', '"donationId"')) as T;
}

/** What the demo checkout page shows for a gift, or null when the session is not open. */
export async function getDemoDonationCheckout(ctx: BillingContext, sessionId: string) {
  const donationId = donationIdFromDemoSession(sessionId);
  const row = donationId ? await loadDonation(ctx.db, donationId) : null;
  if (!row || row.donation.stripeCheckoutSessionId !== sessionId) return null;
  return {
    donationId: row.donation.id,
    status: row.donation.status,
    email: row.person.email,
    fundName: { en: row.fund.nameEn, ja: row.fund.nameJa },
    amount: row.donation.amount,
    currency: row.donation.currency as DonationCurrency,
    interval: row.donation.interval,
  };
}

/** "Pay" on the demo page: the events Stripe sends for a completed payment- or subscription-mode Checkout. */
export async function completeDemoDonation(ctx: BillingContext, sessionId: string, locale: Locale): Promise<string> {
  const donationId = donationIdFromDemoSession(sessionId);
  const row = donationId ? await loadDonation(ctx.db, donationId) : null;
  if (!row || row.donation.stripeCheckoutSessionId !== sessionId) throw new DemoError("no such demo checkout session");
  const successUrl = appUrl(ctx.env, locale, `/donate/thanks?d=${row.donation.id}`);
  if (row.donation.status !== "pending") return successUrl;
  const refs = refsFor(row);
  const now = Math.floor(Date.now() / 1000);
  const base = checkoutSessionShape({ ...refs, sessionId, email: row.person.email, locale, paid: true }, now);
  const paymentIntentId = row.donation.interval === "month" ? null : demoId("pi_demo");
  const session = {
    ...forDonation(base, row.donation.id),
    client_reference_id: `donation-${row.donation.id}`,
    mode: row.donation.interval === "month" ? "subscription" : "payment",
    subscription: row.donation.interval === "month" ? refs.subscriptionId : null,
    payment_intent: paymentIntentId,
  };
  const events: EventShape[] = [];
  if (paymentIntentId) {
    // Stripe charges the card (charge.succeeded), then completes the Checkout Session.
    const charge = chargeShape(
      { customerId: refs.customerId, currency: refs.currency, amount: refs.amount },
      { chargeId: demoId("ch_demo"), paymentIntentId, created: now },
    );
    events.push(stripeEvent("charge.succeeded", charge, now), stripeEvent("checkout.session.completed", session, now));
  } else {
    const periodEnd = addInterval(now, "month");
    const invoice = forDonation(
      invoiceShape(refs, { invoiceId: demoId("in_demo"), status: "paid", periodStart: now, periodEnd, created: now }),
      row.donation.id,
    );
    events.push(
      stripeEvent("checkout.session.completed", session, now),
      stripeEvent(
        "customer.subscription.created",
        forDonation(subscriptionShape(refs, { status: "active", periodStart: now, periodEnd, created: now }), row.donation.id),
        now,
      ),
      ...invoicePaidEvents(invoice, { created: now }).all,
    );
  }
  await deliverAll(ctx, events);
  return successUrl;
}

// ---------------------------------------------------------------- managing a monthly gift
export async function getManagedDonation(ctx: BillingContext, token: string) {
  const donationId = verifyDonationManageToken(ctx.env, token);
  const row = donationId ? await loadDonation(ctx.db, donationId) : null;
  if (!row || row.donation.interval !== "month") return null;
  return {
    donationId: row.donation.id,
    status: row.donation.status,
    amount: row.donation.amount,
    currency: row.donation.currency as DonationCurrency,
    fundName: { en: row.fund.nameEn, ja: row.fund.nameJa },
    demo: getGateway(ctx.env).kind === "demo",
  };
}

/** Opens the Stripe Customer Portal (change amount, pause, cancel, update card) for the gift a signed link names. */
export async function openDonationPortal(
  ctx: BillingContext,
  token: string,
  locale: Locale,
): Promise<{ ok: true; url: string } | { ok: false; reason: "invalid" | "unavailable" }> {
  const donationId = verifyDonationManageToken(ctx.env, token);
  const row = donationId ? await loadDonation(ctx.db, donationId) : null;
  const customerId = row?.person.stripeCustomerId;
  if (!row || row.donation.interval !== "month" || !customerId) return { ok: false, reason: "invalid" };
  try {
    const session = await getGateway(ctx.env).createPortalSession(
      customerId,
      appUrl(ctx.env, locale, `/donate/manage/${donationManageToken(ctx.env, row.donation.id)}`),
      locale,
      token,
    );
    return { ok: true, url: session.url };
  } catch (error) {
    console.warn(`donations: portal session for donation ${row.donation.id} failed:`, (error as Error)?.message ?? error);
    return { ok: false, reason: "unavailable" };
  }
}

/** The demo portal's "cancel": Stripe's customer.subscription.deleted, through the same webhook code. */
export async function cancelDemoDonation(ctx: BillingContext, token: string) {
  const donationId = verifyDonationManageToken(ctx.env, token);
  const row = donationId ? await loadDonation(ctx.db, donationId) : null;
  if (!row || row.donation.interval !== "month" || !row.donation.stripeSubscriptionId) throw new DemoError("no such monthly gift");
  if (row.donation.status === "canceled") return;
  const refs = refsFor(row);
  const now = Math.max(Math.floor(Date.now() / 1000), Math.floor((row.donation.stripeStateAt?.getTime() ?? 0) / 1000) + 1);
  const sub = forDonation(
    subscriptionShape(refs, { status: "canceled", periodStart: now, periodEnd: addInterval(now, "month"), created: now, endedAt: now }),
    row.donation.id,
  );
  await deliverAll(ctx, [stripeEvent("customer.subscription.deleted", sub, now)]);
}
