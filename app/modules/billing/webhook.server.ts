/**
 * POST /webhooks/stripe: verify the signature on the raw body, store the event by id (a
 * duplicate is a no-op), apply it in one transaction that also marks it processed, answer 200.
 * A failure answers 500 and leaves the stored event unprocessed, so Stripe's retry or
 * `npm run stripe:replay -- <id>` applies it again. Concurrent deliveries of one event queue
 * on the stored row's lock; the second finds it processed.
 */
import type Stripe from "stripe";
import { z } from "zod";
import type { Database } from "../../../db/client";
import type { Env } from "../config/env.server";
import { getStripeEvent, insertStripeEvent, lockStripeEvent, markEventFailed, markEventProcessed } from "./billing.queries.server";
import { handlers } from "./handlers.server";
import { getWebhookSecret, stripeWebhooks, WEBHOOK_TOLERANCE_SECONDS } from "./stripe.server";

export interface BillingContext {
  db: Database;
  env: Env;
}

const id = z.string().min(1).max(255);
const ref = z.union([id, z.looseObject({ id })]);
const ts = z.number().int().nonnegative();

const objectSchemas: Record<string, z.ZodType> = {
  checkout: z.looseObject({ id, object: z.literal("checkout.session"), mode: z.string(), payment_status: z.string(), client_reference_id: id.nullable().optional() }),
  subscription: z.looseObject({
    id,
    object: z.literal("subscription"),
    status: z.string(),
    customer: ref,
    cancel_at_period_end: z.boolean(),
    items: z.looseObject({ data: z.array(z.looseObject({ current_period_start: ts, current_period_end: ts })) }),
  }),
  invoice: z.looseObject({
    id,
    object: z.literal("invoice"),
    currency: z.string().length(3),
    amount_paid: z.number().int().nonnegative(),
    amount_due: z.number().int().nonnegative(),
  }),
  charge: z.looseObject({ id, object: z.literal("charge"), amount_refunded: z.number().int().nonnegative() }),
  dispute: z.looseObject({ id, object: z.literal("dispute"), charge: ref }),
};

function objectSchemaFor(type: string): z.ZodType | null {
  if (type.startsWith("checkout.session.")) return objectSchemas.checkout!;
  if (type.startsWith("customer.subscription.")) return objectSchemas.subscription!;
  if (type.startsWith("invoice.")) return objectSchemas.invoice!;
  if (type === "charge.refunded") return objectSchemas.charge!;
  if (type.startsWith("charge.dispute.")) return objectSchemas.dispute!;
  return null;
}

export const StripeEventSchema = z
  .looseObject({
    id: id.regex(/^evt_\w+$/),
    object: z.literal("event"),
    type: z.string().min(1).max(100),
    created: ts,
    api_version: z.string().nullable().optional(),
    data: z.looseObject({ object: z.looseObject({ object: z.string() }) }),
  })
  .superRefine((event, ctx) => {
    const schema = objectSchemaFor(event.type);
    if (!schema) return;
    const result = schema.safeParse(event.data.object);
    if (!result.success) {
      for (const issue of result.error.issues) ctx.addIssue({ code: "custom", path: ["data", "object", ...issue.path], message: issue.message });
    }
  });

export type WebhookOutcome = "applied" | "ignored" | "duplicate";

const json = (status: number, body: Record<string, unknown>) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

/** Verifies, stores and applies one delivery. Never throws: answers 400, 200 or 500. */
export async function receiveStripeWebhook(ctx: BillingContext, rawBody: string, signature: string | null): Promise<Response> {
  if (!signature) return json(400, { error: "missing Stripe-Signature header" });
  let parsed: unknown;
  try {
    // Verifies `t=…,v1=…` over the exact bytes (tolerance 300 s), then parses.
    parsed = stripeWebhooks.constructEvent(rawBody, signature, getWebhookSecret(ctx.env), WEBHOOK_TOLERANCE_SECONDS);
  } catch (error) {
    const badJson = error instanceof SyntaxError;
    return json(400, { error: badJson ? "body is not JSON" : "invalid or stale signature" });
  }
  const checked = StripeEventSchema.safeParse(parsed);
  if (!checked.success) {
    return json(400, { error: "not a Stripe event we can read", issues: checked.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`) });
  }
  const event = checked.data as unknown as Stripe.Event;

  try {
    const inserted = await insertStripeEvent(ctx.db, {
      id: event.id,
      type: event.type,
      apiVersion: event.api_version ?? null,
      created: event.created,
      payload: parsed,
    });
    if (!inserted) {
      const stored = await getStripeEvent(ctx.db, event.id);
      if (stored?.processedAt) return json(200, { received: true, duplicate: true });
    }
    const outcome = await applyStripeEvent(ctx, event.id);
    return json(200, { received: true, outcome });
  } catch (error) {
    console.error(`stripe webhook ${event.id} (${event.type}) failed:`, error);
    await markEventFailed(ctx.db, event.id, error instanceof Error ? error.message : String(error)).catch(() => {});
    return json(500, { error: "could not apply the event; it is stored and will be applied on retry" });
  }
}

/**
 * Applies a stored event in one transaction, holding its row lock; a processed event is a no-op.
 * Throws when the handler fails (the transaction, and with it the processed mark, rolls back).
 */
export async function applyStripeEvent(ctx: BillingContext, eventId: string): Promise<WebhookOutcome> {
  return ctx.db.transaction(async (tx) => {
    const row = await lockStripeEvent(tx, eventId);
    if (!row) throw new Error(`stripe event ${eventId} is not stored`);
    if (row.processedAt) return "duplicate";
    const payload = row.payload as Stripe.Event;
    const handler = handlers[row.type];
    if (handler) {
      await handler({ tx, env: ctx.env, event: { id: row.id, type: row.type, created: payload.created, object: payload.data.object } });
    }
    await markEventProcessed(tx, eventId);
    return handler ? "applied" : "ignored";
  });
}

/** `stripe:replay`: applies a stored event again (a processed one only with `force`). */
export async function replayStripeEvent(ctx: BillingContext, eventId: string, options: { force?: boolean } = {}) {
  const stored = await getStripeEvent(ctx.db, eventId);
  if (!stored) return { found: false as const };
  if (stored.processedAt && options.force) {
    const { stripeEvents } = await import("../../../db/schema");
    const { eq } = await import("drizzle-orm");
    await ctx.db.update(stripeEvents).set({ processedAt: null }).where(eq(stripeEvents.id, eventId));
  }
  try {
    const outcome = await applyStripeEvent(ctx, eventId);
    return { found: true as const, outcome };
  } catch (error) {
    await markEventFailed(ctx.db, eventId, error instanceof Error ? error.message : String(error));
    throw error;
  }
}
