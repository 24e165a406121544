/** Stripe's webhook endpoint. The raw body is read as text: signatures are over the exact bytes. */
import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveStripeWebhook } from "~/modules/billing/webhook.server";

export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
  const body = await request.text();
  return receiveStripeWebhook(context, body, request.headers.get("stripe-signature"));
}

export function loader() {
  return new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
}
