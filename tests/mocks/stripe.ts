/**
 * msw stands in for api.stripe.com at the network edge. Every request is recorded (path, form
 * params, headers) so tests can assert what would have reached Stripe; any request without a
 * handler fails the test (`onUnhandledRequest: 'error'`).
 */
import { http, HttpResponse, type HttpResponseResolver } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";

export interface StripeCall {
  method: string;
  path: string;
  params: URLSearchParams;
  headers: Headers;
}

export const stripeCalls: StripeCall[] = [];

async function record(request: Request): Promise<StripeCall> {
  const call = {
    method: request.method,
    path: new URL(request.url).pathname,
    params: new URLSearchParams(request.method === "GET" ? new URL(request.url).search : await request.clone().text()),
    headers: request.headers,
  };
  stripeCalls.push(call);
  return call;
}

export const STRIPE = "https://api.stripe.com";

export const stripeHandlers = [
  http.post(`${STRIPE}/v1/checkout/sessions`, async ({ request }) => {
    const call = await record(request);
    const id = `cs_test_${call.params.get("client_reference_id")?.replaceAll("-", "") ?? "x"}`;
    return HttpResponse.json({ id, object: "checkout.session", mode: "subscription", url: `https://checkout.stripe.com/c/pay/${id}` });
  }),
  http.post(`${STRIPE}/v1/billing_portal/sessions`, async ({ request }) => {
    const call = await record(request);
    return HttpResponse.json({
      id: "bps_test_1",
      object: "billing_portal.session",
      customer: call.params.get("customer"),
      url: "https://billing.stripe.com/p/session/test_1",
    });
  }),
];

/** Corporate invoices: customer, draft invoice, its item, finalise, send, and "paid out of band". */
export const fakeInvoices = new Map<string, Record<string, unknown>>();
let invoiceSeq = 0;
stripeHandlers.push(
  http.post(`${STRIPE}/v1/customers`, async ({ request }) => {
    const call = await record(request);
    return HttpResponse.json({
      id: `cus_test_${call.params.get("metadata[organisationId]")?.replaceAll("-", "").slice(0, 16)}`,
      object: "customer",
      email: call.params.get("email"),
      name: call.params.get("name"),
    });
  }),
  http.post(`${STRIPE}/v1/invoices`, async ({ request }) => {
    const call = await record(request);
    const id = `in_test_${++invoiceSeq}_${Date.now()}`;
    const invoice = {
      id,
      object: "invoice",
      status: "draft",
      customer: call.params.get("customer"),
      currency: call.params.get("currency"),
      collection_method: call.params.get("collection_method"),
      amount_due: 0,
      amount_paid: 0,
      metadata: { membershipId: call.params.get("metadata[membershipId]") },
      hosted_invoice_url: null,
      due_date: null,
    };
    fakeInvoices.set(id, invoice);
    return HttpResponse.json(invoice);
  }),
  http.post(`${STRIPE}/v1/invoiceitems`, async ({ request }) => {
    const call = await record(request);
    const invoice = fakeInvoices.get(call.params.get("invoice") ?? "");
    if (invoice) invoice.amount_due = Number(call.params.get("amount"));
    return HttpResponse.json({
      id: `ii_test_${invoiceSeq}`,
      object: "invoiceitem",
      invoice: call.params.get("invoice"),
      amount: Number(call.params.get("amount")),
      currency: call.params.get("currency"),
    });
  }),
  http.post(`${STRIPE}/v1/invoices/:id/finalize`, async ({ request, params }) => {
    await record(request);
    const invoice = fakeInvoices.get(String(params.id))!;
    Object.assign(invoice, {
      status: "open",
      hosted_invoice_url: `https://invoice.stripe.com/i/acct_test/${params.id}`,
      due_date: Math.floor(Date.now() / 1000) + 30 * 86_400,
    });
    return HttpResponse.json(invoice);
  }),
  http.post(`${STRIPE}/v1/invoices/:id/send`, async ({ request, params }) => {
    await record(request);
    return HttpResponse.json(fakeInvoices.get(String(params.id)));
  }),
  http.post(`${STRIPE}/v1/invoices/:id/pay`, async ({ request, params }) => {
    await record(request);
    const invoice = fakeInvoices.get(String(params.id));
    if (!invoice) return stripeError(404, "invalid_request_error", "resource_missing", "No such invoice");
    if (invoice.status === "paid") return stripeError(400, "invalid_request_error", "invoice_already_paid", "Invoice is already paid");
    Object.assign(invoice, { status: "paid", amount_paid: invoice.amount_due });
    return HttpResponse.json(invoice);
  }),
);

/**
 * Subscriptions as Stripe has them now: the webhook code re-reads a subscription for every
 * customer.subscription.* event (`GET /v1/subscriptions/:id`), so a test says what Stripe holds
 * (`stripeHas`) before delivering them. Unknown ids answer 404 as Stripe does. Updates (pause,
 * resume, a price change) are applied to the stored object.
 */
export const fakeSubscriptions = new Map<string, Record<string, unknown>>();

/** Tells the fake Stripe what a subscription is now (a subscriptionShape, or an event's object). */
export function stripeHas(subscription: Record<string, unknown>) {
  fakeSubscriptions.set(String(subscription.id), structuredClone(subscription));
}

stripeHandlers.push(
  http.get(`${STRIPE}/v1/subscriptions/:id`, async ({ request, params }) => {
    await record(request);
    const subscription = fakeSubscriptions.get(String(params.id));
    return subscription
      ? HttpResponse.json(subscription)
      : stripeError(404, "invalid_request_error", "resource_missing", `No such subscription: '${params.id}'`);
  }),
  http.post(`${STRIPE}/v1/subscriptions/:id`, async ({ request, params }) => {
    const call = await record(request);
    const subscription = fakeSubscriptions.get(String(params.id)) ?? { id: params.id, object: "subscription", status: "active" };
    if (call.params.has("pause_collection")) subscription.pause_collection = null;
    if (call.params.has("pause_collection[behavior]")) {
      const resumesAt = call.params.get("pause_collection[resumes_at]");
      subscription.pause_collection = { behavior: call.params.get("pause_collection[behavior]"), resumes_at: resumesAt ? Number(resumesAt) : null };
    }
    if (call.params.has("cancel_at_period_end")) {
      // As Stripe: cancel_at follows, at the end of the item's current period (null once resumed).
      const cancel = call.params.get("cancel_at_period_end") === "true";
      const item = (subscription.items as { data?: { current_period_end?: number }[] } | undefined)?.data?.[0];
      subscription.cancel_at_period_end = cancel;
      subscription.cancel_at = cancel ? (item?.current_period_end ?? null) : null;
    }
    if (fakeSubscriptions.has(String(params.id))) fakeSubscriptions.set(String(params.id), subscription);
    return HttpResponse.json(subscription);
  }),
);

/** Refunds: Stripe answers with the refund (succeeded for cards); charge.refunded follows as a webhook. */
stripeHandlers.push(
  http.post(`${STRIPE}/v1/refunds`, async ({ request }) => {
    const call = await record(request);
    return HttpResponse.json({
      id: `re_test_${
        call.headers
          .get("idempotency-key")
          ?.replace(/[^a-z0-9]/gi, "")
          .slice(-24) ?? "x"
      }`,
      object: "refund",
      amount: Number(call.params.get("amount")),
      currency: "usd",
      payment_intent: call.params.get("payment_intent"),
      charge: call.params.get("charge"),
      reason: call.params.get("reason"),
      status: "succeeded",
      metadata: {},
    });
  }),
);

/** Invoices a test says Stripe holds for a subscription (invoiceShape objects), for `GET /v1/invoices?subscription=&status=`. */
export const fakeSubscriptionInvoices: Record<string, unknown>[] = [];
stripeHandlers.push(
  http.get(`${STRIPE}/v1/invoices`, async ({ request }) => {
    const call = await record(request);
    const subscription = call.params.get("subscription");
    const status = call.params.get("status");
    const data = fakeSubscriptionInvoices.filter(
      (inv) =>
        (!subscription || (inv.parent as { subscription_details?: { subscription?: string } } | null)?.subscription_details?.subscription === subscription) &&
        (!status || inv.status === status),
    );
    const limit = Number(call.params.get("limit") ?? 10);
    return HttpResponse.json({ object: "list", url: "/v1/invoices", has_more: data.length > limit, data: data.slice(0, limit) });
  }),
);

/** A customer's update (a member's new email address): Stripe answers with the customer as it now is. */
stripeHandlers.push(
  http.post(`${STRIPE}/v1/customers/:id`, async ({ request, params }) => {
    const call = await record(request);
    return HttpResponse.json({
      id: params.id,
      object: "customer",
      address: null,
      balance: 0,
      created: 1780000000,
      currency: "usd",
      default_source: null,
      delinquent: false,
      description: null,
      email: call.params.get("email"),
      invoice_prefix: "KZ0A1B2C",
      invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
      livemode: false,
      metadata: {},
      name: null,
      next_invoice_sequence: 2,
      phone: null,
      preferred_locales: [],
      shipping: null,
      tax_exempt: "none",
      test_clock: null,
    });
  }),
);

export const stripeServer = setupServer(...stripeHandlers);

/** A Stripe API error body with the status Stripe uses for it. */
export function stripeError(status: number, type: string, code: string, message: string) {
  return HttpResponse.json({ error: { type, code, message } }, { status });
}

/** Replaces the Checkout Session handler for one test (recording calls all the same). */
export function failCheckoutWith(respond: () => ReturnType<HttpResponseResolver>) {
  stripeServer.use(
    http.post(`${STRIPE}/v1/checkout/sessions`, async ({ request }) => {
      await record(request);
      return respond();
    }),
  );
}

/** A tiny in-memory Stripe catalogue (Products and Prices with lookup keys) for stripe:sync. */
export interface FakePrice {
  id: string;
  object: "price";
  active: boolean;
  currency: string;
  unit_amount: number;
  lookup_key: string | null;
  product: string;
  recurring: { interval: string; interval_count: number };
}
export const fakeCatalogue = { products: new Map<string, Record<string, unknown>>(), prices: new Map<string, FakePrice>(), seq: 0 };

export const catalogueHandlers = [
  http.get(`${STRIPE}/v1/products/:id`, async ({ request, params }) => {
    await record(request);
    const product = fakeCatalogue.products.get(String(params.id));
    return product ? HttpResponse.json(product) : stripeError(404, "invalid_request_error", "resource_missing", "No such product");
  }),
  http.post(`${STRIPE}/v1/products`, async ({ request }) => {
    const call = await record(request);
    const product = { id: call.params.get("id"), object: "product", active: true, name: call.params.get("name"), description: call.params.get("description") };
    fakeCatalogue.products.set(String(product.id), product);
    return HttpResponse.json(product);
  }),
  http.post(`${STRIPE}/v1/products/:id`, async ({ request, params }) => {
    const call = await record(request);
    const product = {
      ...fakeCatalogue.products.get(String(params.id)),
      name: call.params.get("name"),
      description: call.params.get("description"),
      active: true,
    };
    fakeCatalogue.products.set(String(params.id), product);
    return HttpResponse.json(product);
  }),
  http.get(`${STRIPE}/v1/prices`, async ({ request }) => {
    const call = await record(request);
    const keys = call.params.getAll("lookup_keys[0]").concat(call.params.getAll("lookup_keys[]"));
    const data = [...fakeCatalogue.prices.values()].filter((p) => p.lookup_key && keys.includes(p.lookup_key));
    return HttpResponse.json({ object: "list", data, has_more: false, url: "/v1/prices" });
  }),
  http.post(`${STRIPE}/v1/prices`, async ({ request }) => {
    const call = await record(request);
    const key = call.params.get("lookup_key");
    if (key && call.params.get("transfer_lookup_key") === "true") {
      for (const p of fakeCatalogue.prices.values()) if (p.lookup_key === key) p.lookup_key = null;
    }
    const price: FakePrice = {
      id: `price_fake_${++fakeCatalogue.seq}`,
      object: "price",
      active: true,
      currency: call.params.get("currency")!,
      unit_amount: Number(call.params.get("unit_amount")),
      lookup_key: key,
      product: call.params.get("product")!,
      recurring: { interval: call.params.get("recurring[interval]")!, interval_count: 1 },
    };
    fakeCatalogue.prices.set(price.id, price);
    return HttpResponse.json(price);
  }),
  http.post(`${STRIPE}/v1/prices/:id`, async ({ request, params }) => {
    const call = await record(request);
    const price = fakeCatalogue.prices.get(String(params.id))!;
    if (call.params.has("active")) price.active = call.params.get("active") === "true";
    return HttpResponse.json(price);
  }),
];

/** For a test file that reaches Stripe: msw answers api.stripe.com, anything else unhandled fails; calls are recorded per test. */
export function useStripeMock() {
  beforeAll(() => stripeServer.listen({ onUnhandledRequest: "error" }));
  beforeEach(() => {
    stripeCalls.length = 0;
    fakeSubscriptions.clear();
    fakeSubscriptionInvoices.length = 0;
  });
  afterEach(() => stripeServer.resetHandlers());
  afterAll(() => stripeServer.close());
}
