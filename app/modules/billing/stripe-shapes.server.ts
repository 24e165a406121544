/**
 * Stripe-shaped objects and events in the pinned API version's shapes (2026-10-28.endive), as
 * Stripe sends them in webhooks. Used by the demo gateway (so it exercises the same webhook code
 * as Stripe), the tests and the benchmark.
 *
 * The rule for every shape here (tests/unit/stripe-fixtures.test.ts holds it):
 * - Each builder's object `satisfies Sent<…>` of the SDK's own type, so `tsc` refuses a field the
 *   SDK does not have (a Charge has no `invoice`, an Invoice no `subscription`, a Subscription no
 *   `current_period_end`), at any depth.
 * - No includable field (INCLUDABLE below: `invoice.payments`, …): Stripe returns those only to a
 *   request that asks for them, never in a webhook. An invoice's payment intent and charge reach
 *   us through `invoice_payment.paid` and `charge.succeeded`, which come in no fixed order.
 */
import { randomBytes } from "node:crypto";
import type Stripe from "stripe";
import { STRIPE_API_VERSION } from "./stripe.server";

export const demoId = (prefix: string) => `${prefix}_${randomBytes(12).toString("hex")}`;

/** What a webhook may carry of a Stripe object: any of the SDK type's own fields, at any depth, and no other. */
export type Sent<T> = T extends readonly (infer U)[] ? Sent<U>[] : T extends object ? { [K in keyof T]?: Sent<T[K]> } : T;

/** The webhook shapes of the objects we build, without their includable fields (INCLUDABLE). */
export type SentInvoice = Sent<Omit<Stripe.Invoice, "payments" | "confirmation_secret">>;
export type SentCharge = Sent<Omit<Stripe.Charge, "refunds">>;
export type SentSession = Sent<Omit<Stripe.Checkout.Session, "line_items">>;

/**
 * Fields Stripe includes only when a request asks for them (`expand` / include), by object
 * type. The SDK declares each optional (`?:`); its doc comments call `payments` and
 * `line_items` "includable"; the others are Stripe's documented "not included by default" fields.
 */
export const INCLUDABLE: Readonly<Record<string, readonly string[]>> = {
  invoice: ["payments", "confirmation_secret"],
  charge: ["refunds"],
  "checkout.session": ["line_items"],
  customer: ["sources", "subscriptions", "tax_ids", "cash_balance", "invoice_credit_balance"],
};

/** The includable fields an object carries (recursively, by each nested object's `object`), as paths. */
export function includableFieldsIn(value: unknown, at = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => includableFieldsIn(item, `${at}[${i}]`));
  if (!value || typeof value !== "object") return [];
  const record = value as Record<string, unknown>;
  const type = typeof record.object === "string" ? record.object : null;
  const own = type ? (INCLUDABLE[type] ?? []).filter((field) => field in record).map((field) => `${at}${at ? "." : ""}${field} (${type})`) : [];
  return [...own, ...Object.entries(record).flatMap(([key, inner]) => includableFieldsIn(inner, `${at}${at ? "." : ""}${key}`))];
}

export interface EventShape {
  id: string;
  object: "event";
  api_version: string;
  created: number;
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
}

export function stripeEvent(type: string, object: Record<string, unknown>, created = Math.floor(Date.now() / 1000), id = demoId("evt")): EventShape {
  return {
    id,
    object: "event",
    api_version: STRIPE_API_VERSION,
    created,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
}

export interface SubscriptionRefs {
  membershipId: string;
  subscriptionId: string;
  customerId: string;
  priceId?: string;
  /** The price's lookup key (our tier price's), as Stripe sends it on the price. */
  lookupKey?: string;
  currency: "usd" | "jpy";
  amount: number;
  interval: "year" | "month";
}

export function checkoutSessionShape(refs: SubscriptionRefs & { sessionId: string; email: string; locale: "en" | "ja"; paid: boolean }, created: number) {
  return {
    id: refs.sessionId,
    object: "checkout.session",
    mode: "subscription",
    status: "complete",
    payment_status: refs.paid ? "paid" : "unpaid",
    client_reference_id: refs.membershipId,
    customer: refs.customerId,
    customer_email: refs.email,
    subscription: refs.subscriptionId,
    payment_intent: null,
    currency: refs.currency,
    amount_total: refs.amount,
    locale: refs.locale,
    metadata: { membershipId: refs.membershipId },
    created,
    livemode: false,
  } satisfies SentSession;
}

export function subscriptionShape(
  refs: SubscriptionRefs,
  options: {
    status: Stripe.Subscription.Status;
    periodStart: number;
    periodEnd: number;
    created: number;
    cancelAtPeriodEnd?: boolean;
    endedAt?: number | null;
    /** Billing paused until then (staff comped the member): Stripe voids the invoices meanwhile. */
    pausedUntil?: number | null;
  },
) {
  return {
    id: refs.subscriptionId,
    object: "subscription",
    status: options.status,
    customer: refs.customerId,
    currency: refs.currency,
    cancel_at_period_end: options.cancelAtPeriodEnd ?? false,
    cancel_at: options.cancelAtPeriodEnd ? options.periodEnd : null,
    canceled_at: options.endedAt ?? null,
    ended_at: options.endedAt ?? null,
    created: options.created,
    start_date: options.created,
    billing_cycle_anchor: options.periodStart,
    collection_method: "charge_automatically",
    pause_collection: options.pausedUntil !== undefined ? { behavior: "void", resumes_at: options.pausedUntil } : null,
    metadata: { membershipId: refs.membershipId },
    items: {
      object: "list",
      has_more: false,
      url: `/v1/subscription_items?subscription=${refs.subscriptionId}`,
      data: [
        {
          id: `si_${refs.subscriptionId.slice(4)}`,
          object: "subscription_item",
          current_period_start: options.periodStart,
          current_period_end: options.periodEnd,
          quantity: 1,
          subscription: refs.subscriptionId,
          price: {
            id: refs.priceId ?? "price_demo",
            object: "price",
            lookup_key: refs.lookupKey ?? null,
            currency: refs.currency,
            unit_amount: refs.amount,
            recurring: { interval: refs.interval, interval_count: 1 },
          },
        },
      ],
    },
    livemode: false,
  } satisfies Sent<Stripe.Subscription>;
}

export function invoiceShape(
  refs: SubscriptionRefs,
  options: {
    invoiceId: string;
    status: "paid" | "open";
    periodStart: number;
    periodEnd: number;
    created: number;
    attemptCount?: number;
    billingReason?: "subscription_create" | "subscription_cycle";
  },
) {
  const paid = options.status === "paid";
  return {
    id: options.invoiceId,
    object: "invoice",
    status: options.status,
    customer: refs.customerId,
    currency: refs.currency,
    amount_due: refs.amount,
    amount_paid: paid ? refs.amount : 0,
    amount_remaining: paid ? 0 : refs.amount,
    attempt_count: options.attemptCount ?? 1,
    attempted: true,
    billing_reason: options.billingReason ?? "subscription_create",
    collection_method: "charge_automatically",
    created: options.created,
    hosted_invoice_url: `https://invoice.stripe.com/i/${options.invoiceId}`,
    livemode: false,
    metadata: {},
    parent: {
      type: "subscription_details",
      quote_details: null,
      subscription_details: { metadata: { membershipId: refs.membershipId }, subscription: refs.subscriptionId },
    },
    lines: {
      object: "list",
      has_more: false,
      url: `/v1/invoices/${options.invoiceId}/lines`,
      data: [
        {
          id: `il_${options.invoiceId.slice(3)}`,
          object: "line_item",
          amount: refs.amount,
          currency: refs.currency,
          period: { start: options.periodStart, end: options.periodEnd },
          pricing: {
            type: "price_details",
            price_details: { price: refs.priceId ?? "price_demo", product: "prod_demo" },
            unit_amount_decimal: String(refs.amount),
          },
        },
      ],
    },
    status_transitions: { finalized_at: options.created, paid_at: paid ? options.created : null, marked_uncollectible_at: null, voided_at: null },
  } satisfies SentInvoice;
}

/** The payment intent Stripe made to collect an invoice (the demo's: `pi_<invoice id without in_>`). */
export const paymentIntentFor = (invoiceId: string) => `pi_${invoiceId.slice(3)}`;

/** invoice_payment.paid's object: an invoice paid in Stripe, naming the payment intent that paid it. */
export function invoicePaymentShape(options: {
  invoiceId: string;
  paymentIntentId: string;
  currency: "usd" | "jpy";
  amount: number;
  created: number;
  status?: "paid" | "open" | "canceled";
}) {
  const paid = (options.status ?? "paid") === "paid";
  return {
    id: `inpay_${options.invoiceId.slice(3)}`,
    object: "invoice_payment",
    amount_paid: paid ? options.amount : null,
    amount_requested: options.amount,
    created: options.created,
    currency: options.currency,
    invoice: options.invoiceId,
    is_default: true,
    livemode: false,
    payment: { type: "payment_intent", payment_intent: options.paymentIntentId },
    status: options.status ?? "paid",
    status_transitions: { paid_at: paid ? options.created : null, canceled_at: null },
  } satisfies Sent<Stripe.InvoicePayment>;
}

/** Adds one billing interval to a unix time (calendar months/years, in UTC). */
export function addInterval(seconds: number, interval: "year" | "month"): number {
  const d = new Date(seconds * 1000);
  if (interval === "year") d.setUTCFullYear(d.getUTCFullYear() + 1);
  else d.setUTCMonth(d.getUTCMonth() + 1);
  return Math.floor(d.getTime() / 1000);
}

/**
 * A one-off corporate invoice (collection_method send_invoice, due in `daysUntilDue` days): no
 * subscription parent; our ids in its metadata; the PO number as a custom field. Whether it was
 * paid in Stripe (then invoice_payment.paid and charge.succeeded follow) or out of band (a check
 * staff recorded: nothing follows) is not on the invoice a webhook carries.
 */
export function corporateInvoiceShape(options: {
  invoiceId: string;
  membershipId: string;
  organisationId: string;
  customerId: string;
  currency: "usd" | "jpy";
  amount: number;
  status: "open" | "paid";
  created: number;
  dueDate: number;
  poNumber?: string | null;
  description?: string;
  corporateInvoiceId?: string;
}) {
  const paid = options.status === "paid";
  return {
    id: options.invoiceId,
    object: "invoice",
    number: `DEMO-${options.invoiceId.slice(-8).toUpperCase()}`,
    status: options.status,
    customer: options.customerId,
    currency: options.currency,
    amount_due: options.amount,
    amount_paid: paid ? options.amount : 0,
    amount_remaining: paid ? 0 : options.amount,
    attempt_count: 0,
    attempted: paid,
    billing_reason: "manual",
    collection_method: "send_invoice",
    created: options.created,
    due_date: options.dueDate,
    description: options.description ?? null,
    hosted_invoice_url: `https://invoice.stripe.com/i/${options.invoiceId}`,
    livemode: false,
    metadata: {
      membershipId: options.membershipId,
      organisationId: options.organisationId,
      ...(options.poNumber ? { poNumber: options.poNumber } : {}),
      ...(options.corporateInvoiceId ? { corporateInvoiceId: options.corporateInvoiceId } : {}),
    },
    custom_fields: options.poNumber ? [{ name: "PO Number", value: options.poNumber }] : null,
    parent: null,
    lines: {
      object: "list",
      has_more: false,
      url: `/v1/invoices/${options.invoiceId}/lines`,
      data: [
        {
          id: `il_${options.invoiceId.slice(3)}`,
          object: "line_item",
          amount: options.amount,
          currency: options.currency,
          period: { start: options.created, end: options.created },
        },
      ],
    },
    status_transitions: { finalized_at: options.created, paid_at: paid ? options.created : null, marked_uncollectible_at: null, voided_at: null },
  } satisfies SentInvoice;
}

/**
 * A charge as charge.succeeded (or, with `amountRefunded`, charge.refunded) carries it: by card
 * (the demo gateway's test card is VISA 4242) or a bank transfer into the customer balance.
 * A Charge names its payment intent, never its invoice.
 */
export function chargeShape(
  payer: { customerId: string | null; currency: "usd" | "jpy"; amount: number },
  options: {
    chargeId: string;
    paymentIntentId: string | null;
    created: number;
    method?: "card" | "customer_balance";
    brand?: string;
    last4?: string;
    amountRefunded?: number;
  },
) {
  const refunded = options.amountRefunded ?? 0;
  return {
    id: options.chargeId,
    object: "charge",
    amount: payer.amount,
    amount_captured: payer.amount,
    amount_refunded: refunded,
    currency: payer.currency,
    customer: payer.customerId,
    paid: true,
    captured: true,
    refunded: refunded >= payer.amount,
    disputed: false,
    status: "succeeded",
    payment_intent: options.paymentIntentId,
    payment_method_details:
      options.method === "customer_balance"
        ? { type: "customer_balance", customer_balance: {} }
        : {
            type: "card",
            card: { brand: options.brand ?? "visa", last4: options.last4 ?? "4242", exp_month: 12, exp_year: 2030, country: "US", funding: "credit" },
          },
    metadata: {},
    created: options.created,
    livemode: false,
  } satisfies SentCharge;
}

/** charge.dispute.created's object. */
export function disputeShape(options: {
  disputeId: string;
  chargeId: string;
  paymentIntentId: string | null;
  amount: number;
  currency: "usd" | "jpy";
  created: number;
}) {
  return {
    id: options.disputeId,
    object: "dispute",
    amount: options.amount,
    charge: options.chargeId,
    payment_intent: options.paymentIntentId,
    currency: options.currency,
    created: options.created,
    reason: "fraudulent",
    status: "needs_response",
    livemode: false,
    metadata: {},
  } satisfies Sent<Stripe.Dispute>;
}

/**
 * Everything Stripe sends when an invoice is paid in Stripe: charge.succeeded, invoice_payment.paid
 * and invoice.paid, in the order they usually come (any order is possible). The invoice is built
 * by the caller; the charge and its payment intent are made up here unless given.
 */
export function invoicePaidEvents(
  invoice: { id: string; currency: string; amount_paid: number; customer: string | null },
  options: { created: number; chargeId?: string; paymentIntentId?: string; method?: "card" | "customer_balance"; brand?: string; last4?: string },
): { charge: EventShape; invoicePayment: EventShape; invoicePaid: EventShape; all: EventShape[] } {
  const currency = invoice.currency === "jpy" ? "jpy" : "usd";
  const paymentIntentId = options.paymentIntentId ?? paymentIntentFor(invoice.id);
  const chargeId = options.chargeId ?? `ch_${invoice.id.slice(3)}`;
  const charge = stripeEvent(
    "charge.succeeded",
    chargeShape(
      { customerId: invoice.customer, currency, amount: invoice.amount_paid },
      { chargeId, paymentIntentId, created: options.created, method: options.method, brand: options.brand, last4: options.last4 },
    ),
    options.created,
  );
  const invoicePayment = stripeEvent(
    "invoice_payment.paid",
    invoicePaymentShape({ invoiceId: invoice.id, paymentIntentId, currency, amount: invoice.amount_paid, created: options.created }),
    options.created,
  );
  const invoicePaid = stripeEvent("invoice.paid", invoice as unknown as Record<string, unknown>, options.created);
  return { charge, invoicePayment, invoicePaid, all: [charge, invoicePayment, invoicePaid] };
}
