/**
 * Where checkout and the customer portal happen: Stripe when STRIPE_SECRET_KEY is set, or the
 * built-in demo gateway (local pages that produce signed Stripe-shaped events).
 */
import type Stripe from "stripe";
import type { Env } from "../config/env.server";
import type { Locale } from "../i18n/i18n";
import { appUrl } from "./links.server";
import { getStripe } from "./stripe.server";

export interface CheckoutRequest {
  membershipId: string;
  email: string;
  customerId: string | null;
  locale: Locale;
  /** Stripe Price id recorded by `npm run stripe:sync`; without one the price is sent inline. */
  stripePriceId: string | null;
  currency: "USD" | "JPY";
  amount: number;
  interval: "year" | "month";
  productName: string;
  successUrl: string;
  cancelUrl: string;
}

/** A gift: the amount is the donor's, so the price is built here (price_data), never a catalogue price. */
export interface DonationCheckoutRequest {
  donationId: string;
  email: string;
  customerId: string | null;
  locale: Locale;
  currency: "USD" | "JPY";
  /** Minor units, the fee the donor chose to cover included. */
  amount: number;
  interval: "once" | "month";
  productName: string;
  successUrl: string;
  cancelUrl: string;
}

/** `donation-<uuid>`: how a Checkout Session, subscription or invoice names the gift it pays for. */
export const DONATION_REF_PREFIX = "donation-";

export interface BillingGateway {
  kind: "stripe" | "demo";
  createCheckoutSession(request: CheckoutRequest, idempotencyKey: string): Promise<{ id: string; url: string }>;
  createDonationCheckoutSession(request: DonationCheckoutRequest, idempotencyKey: string): Promise<{ id: string; url: string }>;
  createPortalSession(customerId: string, returnUrl: string, locale: Locale, token: string): Promise<{ url: string }>;
}

export function checkoutSessionParams(request: CheckoutRequest): Stripe.Checkout.SessionCreateParams {
  return {
    mode: "subscription",
    line_items: [
      request.stripePriceId
        ? { price: request.stripePriceId, quantity: 1 }
        : {
            price_data: {
              currency: request.currency.toLowerCase(),
              unit_amount: request.amount,
              recurring: { interval: request.interval },
              product_data: { name: request.productName },
            },
            quantity: 1,
          },
    ],
    client_reference_id: request.membershipId,
    ...(request.customerId ? { customer: request.customerId } : { customer_email: request.email }),
    locale: request.locale,
    metadata: { membershipId: request.membershipId },
    subscription_data: { metadata: { membershipId: request.membershipId } },
    success_url: request.successUrl,
    cancel_url: request.cancelUrl,
  };
}

/**
 * One-time gifts: Checkout in payment mode; monthly gifts: subscription mode with a monthly
 * recurring price. Either way `price_data.unit_amount` is built on the server from the
 * validated form, and every object Stripe creates carries the donation id in its metadata.
 */
export function donationCheckoutParams(request: DonationCheckoutRequest): Stripe.Checkout.SessionCreateParams {
  const metadata = { donationId: request.donationId };
  const common = {
    client_reference_id: `${DONATION_REF_PREFIX}${request.donationId}`,
    locale: request.locale,
    metadata,
    success_url: request.successUrl,
    cancel_url: request.cancelUrl,
    ...(request.customerId ? { customer: request.customerId } : { customer_email: request.email }),
  } satisfies Partial<Stripe.Checkout.SessionCreateParams>;
  const productData = { name: request.productName };
  const currency = request.currency.toLowerCase();
  if (request.interval === "month") {
    return {
      ...common,
      mode: "subscription",
      line_items: [{ price_data: { currency, unit_amount: request.amount, recurring: { interval: "month" }, product_data: productData }, quantity: 1 }],
      subscription_data: { metadata, description: request.productName },
    };
  }
  return {
    ...common,
    mode: "payment",
    line_items: [{ price_data: { currency, unit_amount: request.amount, product_data: productData }, quantity: 1 }],
    payment_intent_data: { metadata, description: request.productName },
    ...(request.customerId ? {} : { customer_creation: "always" as const }),
    submit_type: "donate",
  };
}

function stripeGateway(stripe: Stripe): BillingGateway {
  return {
    kind: "stripe",
    async createCheckoutSession(request, idempotencyKey) {
      const session = await stripe.checkout.sessions.create(checkoutSessionParams(request), { idempotencyKey });
      if (!session.url) throw new Error(`Checkout Session ${session.id} has no URL`);
      return { id: session.id, url: session.url };
    },
    async createDonationCheckoutSession(request, idempotencyKey) {
      const session = await stripe.checkout.sessions.create(donationCheckoutParams(request), { idempotencyKey });
      if (!session.url) throw new Error(`Checkout Session ${session.id} has no URL`);
      return { id: session.id, url: session.url };
    },
    async createPortalSession(customerId, returnUrl, locale) {
      const session = await stripe.billingPortal.sessions.create({ customer: customerId, return_url: returnUrl, locale });
      return { url: session.url };
    },
  };
}

/** The demo session id for a membership: `cs_demo_<uuid without dashes>`. */
export function demoSessionId(membershipId: string): string {
  return `cs_demo_${membershipId.replaceAll("-", "")}`;
}

export function membershipIdFromDemoSession(sessionId: string): string | null {
  const m = /^cs_demo_([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/.exec(sessionId);
  return m ? m.slice(1).join("-") : null;
}

/** The demo session id for a donation: `cs_demo_don_<uuid without dashes>`. */
export function demoDonationSessionId(donationId: string): string {
  return `cs_demo_don_${donationId.replaceAll("-", "")}`;
}

export function donationIdFromDemoSession(sessionId: string): string | null {
  const m = /^cs_demo_don_([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/.exec(sessionId);
  return m ? m.slice(1).join("-") : null;
}

function demoGateway(env: Env): BillingGateway {
  return {
    kind: "demo",
    async createCheckoutSession(request) {
      const id = demoSessionId(request.membershipId);
      return { id, url: appUrl(env, request.locale, `/demo-checkout/${id}`) };
    },
    async createDonationCheckoutSession(request) {
      const id = demoDonationSessionId(request.donationId);
      return { id, url: appUrl(env, request.locale, `/demo-checkout/${id}`) };
    },
    async createPortalSession(_customerId, _returnUrl, locale, token) {
      return { url: appUrl(env, locale, `/demo-checkout/card/${token}`) };
    },
  };
}

const overrides = new WeakMap<Env, BillingGateway>();

export function getGateway(env: Env): BillingGateway {
  const override = overrides.get(env);
  if (override) return override;
  const stripe = getStripe(env);
  return stripe ? stripeGateway(stripe) : demoGateway(env);
}
