/**
 * Where checkout and the customer portal happen: Stripe when STRIPE_SECRET_KEY is set, or the
 * built-in demo gateway (local pages that produce signed Stripe-shaped events).
 */
import type Stripe from "stripe";
import type { Env } from "../config/env.server";
import type { Locale } from "../i18n/i18n";
import { appUrl } from "../shared/links.server";
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
/** A corporate membership paid by invoice: one yearly invoice, sent for payment by bank transfer (or card). */
export interface InvoiceRequest {
  membershipId: string;
  organisationId: string;
  /** Set once the organisation has a Stripe customer (then no customer is created). */
  customerId: string | null;
  customerName: string;
  billingEmail: string;
  locale: "en" | "ja";
  currency: "USD" | "JPY";
  amount: number;
  description: string;
  poNumber: string | null;
  daysUntilDue: number;
  /** Our corporate_invoices row: keys every Stripe POST (`corporate-invoice-<id>`) and names the demo invoice. */
  corporateInvoiceId?: string;
  /** Extra metadata on the invoice (a renewal's period). */
  metadata?: Record<string, string>;
}

export interface CreatedInvoice {
  customerId: string;
  invoiceId: string;
  hostedInvoiceUrl: string;
  dueDate: Date;
  number: string | null;
}

export interface BillingGateway {
  kind: "stripe" | "demo";
  createCheckoutSession(request: CheckoutRequest, idempotencyKey: string): Promise<{ id: string; url: string }>;
  createDonationCheckoutSession(request: DonationCheckoutRequest, idempotencyKey: string): Promise<{ id: string; url: string }>;
  /** Customer (once), invoice with its line, finalised and sent; every POST keyed from our membership id. */
  createInvoice(request: InvoiceRequest): Promise<CreatedInvoice>;
  /** Marks an open invoice paid outside Stripe (a check or a wire): Stripe then sends invoice.paid. */
  payInvoiceOutOfBand(invoiceId: string, idempotencyKey: string): Promise<void>;
  createPortalSession(customerId: string, returnUrl: string, locale: Locale, token: string): Promise<{ url: string }>;
  /**
   * A subscription's next period at another price (a tier change at renewal): the item's price
   * is replaced with proration_behavior 'none', so nothing is charged or credited now and the
   * next renewal bills the new price.
   */
  changeSubscriptionPrice(subscriptionId: string, price: SubscriptionPriceChange, idempotencyKey: string): Promise<void>;
  /** The subscription as Stripe has it now (null with the demo gateway, whose events are delivered in order). */
  retrieveSubscription(subscriptionId: string): Promise<Stripe.Subscription | null>;
  /**
   * Stops charging a subscription without cancelling it (staff comped the member): Stripe voids
   * the invoices until `resumesAt` (or until resumed), and keeps the subscription active.
   */
  pauseBilling(subscriptionId: string, resumesAt: Date | null, idempotencyKey: string): Promise<void>;
  /** Charges a paused subscription again from its next invoice; returns its status then (null: demo). */
  resumeBilling(subscriptionId: string, idempotencyKey: string): Promise<Stripe.Subscription.Status | null>;
  /** Refunds all or part of a payment in Stripe (the demo gateway's refunds are made in demo.server.ts). */
  refund(request: RefundRequest, idempotencyKey: string): Promise<{ id: string; status: string | null }>;
}

export interface RefundRequest {
  paymentIntentId: string | null;
  chargeId: string | null;
  amount: number;
  reason: "requested_by_customer" | "duplicate" | "fraudulent" | null;
  metadata: Record<string, string>;
}

export interface SubscriptionPriceChange {
  /** Set once `npm run stripe:sync` has made the tier's Price; otherwise price_data on the item's product. */
  stripePriceId: string | null;
  currency: "USD" | "JPY";
  amount: number;
  interval: "year" | "month";
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

/** The invoice Stripe sends: send_invoice collection, PO number as a custom field, bank transfer offered. */
export function invoiceParams(request: InvoiceRequest, customerId: string): Stripe.InvoiceCreateParams {
  return {
    customer: customerId,
    collection_method: "send_invoice",
    days_until_due: request.daysUntilDue,
    currency: request.currency.toLowerCase(),
    auto_advance: true,
    pending_invoice_items_behavior: "exclude",
    description: request.description,
    ...(request.poNumber ? { custom_fields: [{ name: "PO Number", value: request.poNumber }] } : {}),
    metadata: {
      membershipId: request.membershipId,
      organisationId: request.organisationId,
      ...(request.poNumber ? { poNumber: request.poNumber } : {}),
      ...(request.corporateInvoiceId ? { corporateInvoiceId: request.corporateInvoiceId } : {}),
      ...request.metadata,
    },
    payment_settings: {
      payment_method_types: ["customer_balance", "card"],
      payment_method_options: {
        customer_balance: {
          funding_type: "bank_transfer",
          bank_transfer: { type: request.currency === "JPY" ? "jp_bank_transfer" : "us_bank_transfer" },
        },
      },
    },
  };
}

function stripeGateway(stripe: Stripe): BillingGateway {
  return {
    kind: "stripe",
    async createInvoice(request) {
      // The first invoice keeps its original key; each later one is keyed by its own row.
      const key = request.corporateInvoiceId ? `corporate-invoice-${request.corporateInvoiceId}` : `membership-${request.membershipId}-invoice`;
      const customerId =
        request.customerId ??
        (
          await stripe.customers.create(
            {
              name: request.customerName,
              email: request.billingEmail,
              preferred_locales: [request.locale === "ja" ? "ja" : "en-US"],
              metadata: { organisationId: request.organisationId },
            },
            { idempotencyKey: `organisation-${request.organisationId}-customer` },
          )
        ).id;
      const draft = await stripe.invoices.create(invoiceParams(request, customerId), { idempotencyKey: key });
      await stripe.invoiceItems.create(
        {
          customer: customerId,
          invoice: draft.id,
          amount: request.amount,
          currency: request.currency.toLowerCase(),
          description: request.description,
          metadata: { membershipId: request.membershipId },
        },
        { idempotencyKey: `${key}-item` },
      );
      const finalised = await stripe.invoices.finalizeInvoice(draft.id, { auto_advance: true }, { idempotencyKey: `${key}-finalize` });
      const sent = await stripe.invoices.sendInvoice(finalised.id, {}, { idempotencyKey: `${key}-send` });
      if (!sent.hosted_invoice_url) throw new Error(`invoice ${sent.id} has no hosted URL`);
      const due = sent.due_date ?? Math.floor(Date.now() / 1000) + request.daysUntilDue * 86_400;
      return { customerId, invoiceId: sent.id, hostedInvoiceUrl: sent.hosted_invoice_url, dueDate: new Date(due * 1000), number: sent.number ?? null };
    },
    async payInvoiceOutOfBand(invoiceId, idempotencyKey) {
      await stripe.invoices.pay(invoiceId, { paid_out_of_band: true }, { idempotencyKey });
    },
    async changeSubscriptionPrice(subscriptionId, price, idempotencyKey) {
      const subscription = await stripe.subscriptions.retrieve(subscriptionId);
      const item = subscription.items.data[0];
      if (!item) throw new Error(`subscription ${subscriptionId} has no item`);
      const product = typeof item.price.product === "string" ? item.price.product : item.price.product.id;
      await stripe.subscriptions.update(
        subscriptionId,
        {
          items: [
            price.stripePriceId
              ? { id: item.id, price: price.stripePriceId }
              : {
                  id: item.id,
                  price_data: { currency: price.currency.toLowerCase(), product, unit_amount: price.amount, recurring: { interval: price.interval } },
                },
          ],
          proration_behavior: "none",
        },
        { idempotencyKey },
      );
    },
    async retrieveSubscription(subscriptionId) {
      return stripe.subscriptions.retrieve(subscriptionId);
    },
    async pauseBilling(subscriptionId, resumesAt, idempotencyKey) {
      await stripe.subscriptions.update(
        subscriptionId,
        { pause_collection: { behavior: "void", ...(resumesAt ? { resumes_at: Math.floor(resumesAt.getTime() / 1000) } : {}) } },
        { idempotencyKey },
      );
    },
    async resumeBilling(subscriptionId, idempotencyKey) {
      const subscription = await stripe.subscriptions.update(subscriptionId, { pause_collection: "" }, { idempotencyKey });
      return subscription.status;
    },
    async refund(request, idempotencyKey) {
      const refund = await stripe.refunds.create(
        {
          ...(request.paymentIntentId ? { payment_intent: request.paymentIntentId } : { charge: request.chargeId! }),
          amount: request.amount,
          ...(request.reason ? { reason: request.reason } : {}),
          metadata: request.metadata,
        },
        { idempotencyKey },
      );
      return { id: refund.id, status: refund.status };
    },
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

/** The demo invoice id for a membership: `in_demo_<uuid without dashes>`. */
export function demoInvoiceId(membershipId: string): string {
  return `in_demo_${membershipId.replaceAll("-", "")}`;
}

/** A later demo invoice (a renewal): `in_demo_r<corporate invoice uuid without dashes>`. */
export function demoCorporateInvoiceId(corporateInvoiceId: string): string {
  return `in_demo_r${corporateInvoiceId.replaceAll("-", "")}`;
}

function demoGateway(env: Env): BillingGateway {
  return {
    kind: "demo",
    async createInvoice(request) {
      const invoiceId = request.corporateInvoiceId ? demoCorporateInvoiceId(request.corporateInvoiceId) : demoInvoiceId(request.membershipId);
      return {
        number: null,
        customerId: request.customerId ?? `cus_demo_${request.organisationId.replaceAll("-", "")}`,
        invoiceId,
        hostedInvoiceUrl: appUrl(env, request.locale, `/demo-invoice/${invoiceId}`),
        dueDate: new Date(Date.now() + request.daysUntilDue * 86_400_000),
      };
    },
    async payInvoiceOutOfBand() {
      // Nothing to tell: the demo gateway has no invoices of its own; the payment is recorded locally.
    },
    async changeSubscriptionPrice() {
      // The demo renewal simulator bills the membership's price, which follows the tier when it changes.
    },
    async retrieveSubscription() {
      return null;
    },
    async pauseBilling() {
      // The demo renewal simulator charges nothing while a membership is comped.
    },
    async resumeBilling() {
      return null;
    },
    async refund() {
      throw new Error("the demo gateway refunds through demo.server.ts");
    },
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
