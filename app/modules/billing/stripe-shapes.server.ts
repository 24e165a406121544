/**
 * Stripe-shaped objects and events in the pinned API version's shapes (2026-10-28.endive): an
 * invoice names its subscription under `parent.subscription_details`, periods live on
 * subscription items, payments are listed in `invoice.payments`. Used by the demo gateway (so
 * it exercises the same webhook code as Stripe), the tests and the benchmark.
 */
import { randomBytes } from "node:crypto";
import { STRIPE_API_VERSION } from "./stripe.server";

export const demoId = (prefix: string) => `${prefix}_${randomBytes(12).toString("hex")}`;

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
  currency: "usd" | "jpy";
  amount: number;
  interval: "year" | "month";
}

export function checkoutSessionShape(
  refs: SubscriptionRefs & { sessionId: string; email: string; locale: "en" | "ja"; paid: boolean },
  created: number,
) {
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
    currency: refs.currency,
    amount_total: refs.amount,
    locale: refs.locale,
    metadata: { membershipId: refs.membershipId },
    created,
    livemode: false,
  };
}

export function subscriptionShape(
  refs: SubscriptionRefs,
  options: { status: string; periodStart: number; periodEnd: number; created: number; cancelAtPeriodEnd?: boolean; endedAt?: number | null },
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
            currency: refs.currency,
            unit_amount: refs.amount,
            recurring: { interval: refs.interval, interval_count: 1 },
          },
        },
      ],
    },
    livemode: false,
  };
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
    chargeId?: string;
    paymentIntentId?: string;
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
          pricing: { type: "price_details", price_details: { price: refs.priceId ?? "price_demo", product: "prod_demo" } },
        },
      ],
    },
    payments: {
      object: "list",
      has_more: false,
      url: `/v1/invoice_payments?invoice=${options.invoiceId}`,
      data: [
        {
          id: `inpay_${options.invoiceId.slice(3)}`,
          object: "invoice_payment",
          amount_paid: paid ? refs.amount : null,
          amount_requested: refs.amount,
          currency: refs.currency,
          invoice: options.invoiceId,
          is_default: true,
          status: paid ? "paid" : "open",
          payment: {
            type: "payment_intent",
            payment_intent: options.paymentIntentId ?? `pi_${options.invoiceId.slice(3)}`,
            ...(options.chargeId ? { charge: options.chargeId } : {}),
          },
          status_transitions: { paid_at: paid ? options.created : null, canceled_at: null },
          created: options.created,
          livemode: false,
        },
      ],
    },
    status_transitions: { finalized_at: options.created, paid_at: paid ? options.created : null },
  };
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
 * subscription parent; our ids in its metadata; the PO number as a custom field. `paid` by bank
 * transfer lists a paid InvoicePayment; `paid_out_of_band` (a check staff recorded) lists none.
 */
export function corporateInvoiceShape(options: {
  invoiceId: string;
  membershipId: string;
  organisationId: string;
  customerId: string;
  currency: "usd" | "jpy";
  amount: number;
  status: "open" | "paid";
  paidBy?: "bank_transfer" | "out_of_band";
  created: number;
  dueDate: number;
  poNumber?: string | null;
  description?: string;
  corporateInvoiceId?: string;
}) {
  const paid = options.status === "paid";
  const inStripe = paid && options.paidBy !== "out_of_band";
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
    payments: {
      object: "list",
      has_more: false,
      url: `/v1/invoice_payments?invoice=${options.invoiceId}`,
      data: inStripe
        ? [
            {
              id: `inpay_${options.invoiceId.slice(3)}`,
              object: "invoice_payment",
              amount_paid: options.amount,
              amount_requested: options.amount,
              currency: options.currency,
              invoice: options.invoiceId,
              is_default: true,
              status: "paid",
              payment: { type: "payment_intent", payment_intent: `pi_${options.invoiceId.slice(3)}` },
              status_transitions: { paid_at: options.created, canceled_at: null },
              created: options.created,
              livemode: false,
            },
          ]
        : [],
    },
    status_transitions: { finalized_at: options.created, paid_at: paid ? options.created : null },
  };
}

/** A card charge as charge.succeeded carries it (the demo gateway's test card is VISA 4242). */
export function chargeShape(
  refs: SubscriptionRefs,
  options: { chargeId: string; paymentIntentId: string; created: number; brand?: string; last4?: string },
) {
  return {
    id: options.chargeId,
    object: "charge",
    amount: refs.amount,
    amount_captured: refs.amount,
    amount_refunded: 0,
    currency: refs.currency,
    customer: refs.customerId,
    paid: true,
    captured: true,
    refunded: false,
    status: "succeeded",
    payment_intent: options.paymentIntentId,
    payment_method_details: {
      type: "card",
      card: { brand: options.brand ?? "visa", last4: options.last4 ?? "4242", exp_month: 12, exp_year: 2030, country: "US", funding: "credit" },
    },
    created: options.created,
    livemode: false,
  };
}
