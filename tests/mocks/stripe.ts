/**
 * msw stands in for api.stripe.com at the network edge. Every request is recorded (path, form
 * params, headers) so tests can assert what would have reached Stripe; any request without a
 * handler fails the test (`onUnhandledRequest: 'error'`).
 */
import { http, HttpResponse, type HttpResponseResolver } from "msw";
import { setupServer } from "msw/node";

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
    return HttpResponse.json({ id: "bps_test_1", object: "billing_portal.session", customer: call.params.get("customer"), url: "https://billing.stripe.com/p/session/test_1" });
  }),
];

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
