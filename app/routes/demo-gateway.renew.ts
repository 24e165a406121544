/**
 * Demo gateway only: `npm run demo:renew` asks the running app to simulate a renewal. The request
 * is signed like a Stripe webhook with the local secret, so only someone who can read the data
 * directory can trigger it; with a real Stripe key this route does not exist (404).
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { DemoError, findDemoMembership, isDemo, simulateRenewal } from "~/modules/billing/demo.server";
import { getWebhookSecret, stripeWebhooks, WEBHOOK_TOLERANCE_SECONDS } from "~/modules/billing/stripe.server";

const BodySchema = z.object({ membership: z.string().min(1).max(254), outcome: z.enum(["paid", "failed"]) });
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

export async function action({ request, context }: ActionFunctionArgs) {
  if (!isDemo(context)) return json(404, { error: "not found" });
  const raw = await request.text();
  let parsed: unknown;
  try {
    parsed = stripeWebhooks.constructEvent(raw, request.headers.get("kizuna-demo-signature") ?? "", getWebhookSecret(context.env), WEBHOOK_TOLERANCE_SECONDS);
  } catch {
    return json(400, { error: "invalid signature or body" });
  }
  const body = BodySchema.safeParse(parsed);
  if (!body.success) return json(400, { error: "expected {membership, outcome: paid|failed}" });
  const membershipId = await findDemoMembership(context, body.data.membership);
  if (!membershipId) return json(404, { error: `no membership for ${body.data.membership}` });
  try {
    const result = await simulateRenewal(context, membershipId, body.data.outcome);
    return json(200, { membershipId, ...result });
  } catch (error) {
    if (error instanceof DemoError) return json(409, { error: error.message });
    throw error;
  }
}

export function loader() {
  return json(405, { error: "POST only" });
}
