/**
 * POST /webhooks/stripe: verify the signature on the raw body, store the event by id (a
 * duplicate is a no-op), apply it in one transaction that also marks it processed, answer 200.
 * A failure answers 500 and leaves the stored event unprocessed, so Stripe's retry or
 * `npm run stripe:replay -- <id>` applies it again. Concurrent deliveries of one event queue
 * on the stored row's lock; the second finds it processed.
 */
import type Stripe from "stripe";
import { z } from "zod";
import { pipelinedTransaction, type Database, type Tx } from "../../../db/client";
import type { Env } from "../config/env.server";
import { queueEmails, type QueueEmail } from "../email/outbox.server";
import { receiptStatements, type IssueReceipt } from "../receipts/receipts.server";
import {
  getStripeEvent,
  insertProcessedEvents,
  lockStripeEvents,
  markEventFailed,
  markEventsProcessed,
  markEventUnprocessed,
  storeFailedEvent,
  storeRefusedEvent,
} from "./billing.queries.server";
import { getGateway } from "./gateway.server";
import { handlersFor, type AppliedEvent, type Effects } from "./handler-registry.server";
import { lockParkedEvents, parkEvent, unparkEvent } from "./payment-links.queries.server";
import { issueRefundReceipt } from "./refund-receipt.server";
import { getWebhookSecret, stripeWebhooks, WEBHOOK_TOLERANCE_SECONDS } from "./stripe.server";

export interface BillingContext {
  db: Database;
  env: Env;
}

// What a delivery must hold for us to store and apply it. The schemas only check: the event is
// used as it came (z.object drops the keys it does not name, and checks faster than a loose
// object that copies every key of an 80-key invoice).
const id = z.string().min(1).max(255);
const ref = z.union([id, z.object({ id })]);
/** Seconds since 1970, before 2100: anything later is no date Stripe sends (and past PostgreSQL's range at 1e15). */
const ts = z.number().int().nonnegative().max(4_102_444_800);

const objectSchemas: Record<string, z.ZodType> = {
  checkout: z.object({
    id,
    object: z.literal("checkout.session"),
    mode: z.string(),
    payment_status: z.string(),
    client_reference_id: id.nullable().optional(),
  }),
  subscription: z.object({
    id,
    object: z.literal("subscription"),
    status: z.string(),
    customer: ref,
    cancel_at_period_end: z.boolean(),
    items: z.object({ data: z.array(z.object({ current_period_start: ts, current_period_end: ts })) }),
  }),
  invoice: z.object({
    id,
    object: z.literal("invoice"),
    currency: z.string().length(3),
    amount_paid: z.number().int().nonnegative(),
    amount_due: z.number().int().nonnegative(),
  }),
  invoicePayment: z.object({
    id,
    object: z.literal("invoice_payment"),
    invoice: ref,
    status: z.string(),
    payment: z.object({ type: z.string(), payment_intent: ref.optional(), charge: ref.optional() }),
  }),
  charge: z.object({ id, object: z.literal("charge"), amount_refunded: z.number().int().nonnegative(), payment_intent: ref.nullable() }),
  dispute: z.object({ id, object: z.literal("dispute"), charge: ref }),
};

function objectSchemaFor(type: string): z.ZodType | null {
  if (type.startsWith("checkout.session.")) return objectSchemas.checkout!;
  if (type.startsWith("customer.subscription.")) return objectSchemas.subscription!;
  if (type.startsWith("invoice.")) return objectSchemas.invoice!;
  if (type.startsWith("invoice_payment.")) return objectSchemas.invoicePayment!;
  if (type === "charge.refunded" || type === "charge.succeeded") return objectSchemas.charge!;
  if (type.startsWith("charge.dispute.")) return objectSchemas.dispute!;
  return null;
}

const EventEnvelope = z.object({
  id: id.regex(/^evt_\w+$/),
  object: z.literal("event"),
  type: z.string().min(1).max(100),
  created: ts,
  api_version: z.string().nullable().optional(),
  data: z.object({ object: z.object({ object: z.string() }) }),
});

/** The problems (at most five, "path: message") that keep `parsed` from being a Stripe event we can read; none when it is one. */
export function stripeEventIssues(parsed: unknown): string[] {
  const listed = (issues: z.core.$ZodIssue[], at: string[] = []) => issues.slice(0, 5).map((i) => `${[...at, ...i.path].join(".")}: ${i.message}`);
  const envelope = EventEnvelope.safeParse(parsed);
  if (!envelope.success) return listed(envelope.error.issues);
  // The event as it came, not the envelope's output, which holds only the keys it names.
  const object = objectSchemaFor(envelope.data.type)?.safeParse((parsed as { data: { object: unknown } }).data.object);
  return object && !object.success ? listed(object.error.issues, ["data", "object"]) : [];
}

export type WebhookOutcome = "applied" | "parked" | "ignored" | "duplicate";

/** A webhook answer: its status and its JSON body. */
interface WebhookAnswer {
  status: number;
  body: string;
}

const json = (status: number, body: Record<string, unknown>): WebhookAnswer => ({ status, body: JSON.stringify(body) });

/** A verified delivery: the event as parsed, and the exact JSON it came as (stored as is). */
export interface IncomingEvent {
  id: string;
  type: string;
  apiVersion: string | null;
  created: number;
  object: unknown;
  raw: string;
  /** Set when the object was re-read from Stripe: the moment (ms) it was as it is. */
  stateAt?: number;
}

/** The object as Stripe has it now, instead of the event's snapshot, and when it was read. */
type CurrentState = { object: unknown; stateAt: number };

/**
 * Subscription events carry a snapshot, and several about one subscription often share a
 * second (`created` cannot order them: a failed renewal's "active, new period" and "past_due"
 * come together, in either order). With Stripe configured, the subscription is re-read
 * (`subscriptions.retrieve`, outside any transaction) and applied as Stripe has it now, dated
 * by when it was read; so the last one applied is Stripe's latest, whatever the delivery order.
 * The demo gateway delivers its events in order, so their own snapshots serve.
 */
async function currentState(ctx: BillingContext, type: string, object: unknown): Promise<CurrentState | null> {
  if (!type.startsWith("customer.subscription.")) return null;
  const readAt = Date.now();
  const subscription = await getGateway(ctx.env).retrieveSubscription((object as { id: string }).id);
  return subscription ? { object: subscription, stateAt: readAt } : null;
}

/** What went wrong, for the stored event: the database's own message rather than drizzle's "Failed query: <the SQL>". */
function failureMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? error.cause.message : error.message;
}

/** Verifies, stores and applies one delivery, as a Response (the demo gateway's in-process deliveries, the tests). Never throws. */
export async function receiveStripeWebhook(ctx: BillingContext, rawBody: string, signature: string | null): Promise<Response> {
  const answer = await answerStripeWebhook(ctx, rawBody, signature);
  const headers = { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(answer.body)) };
  return new Response(answer.body, { status: answer.status, headers });
}

/** Verifies, stores and applies one delivery (app/server/stripe-webhook.ts, Stripe's door). Never throws: answers 400, 200 or 500. */
export async function answerStripeWebhook(ctx: BillingContext, rawBody: string, signature: string | null): Promise<WebhookAnswer> {
  if (!signature) return json(400, { error: "missing Stripe-Signature header" });
  let parsed: unknown;
  try {
    // Verifies `t=…,v1=…` over the exact bytes (tolerance 300 s), then parses.
    parsed = stripeWebhooks.constructEvent(rawBody, signature, getWebhookSecret(ctx.env), WEBHOOK_TOLERANCE_SECONDS);
  } catch (error) {
    const badJson = error instanceof SyntaxError;
    return json(400, { error: badJson ? "body is not JSON" : "invalid or stale signature" });
  }
  const issues = stripeEventIssues(parsed);
  // PostgreSQL's jsonb cannot hold a NUL character: such an event could never be stored as it came.
  if (/(?<!\\)\\u0000/.test(rawBody)) issues.push("a string holds a NUL character (\\u0000)");
  if (issues.length > 0) {
    // Signed with our secret, so not a forgery, yet it can never apply: answered 200 so Stripe stops
    // retrying (for three days), and kept, refused, for staff to see on the dashboard.
    await storeRefusedEvent(ctx.db, parsed, rawBody, issues);
    return json(200, { received: true, refused: true, issues });
  }
  const event = parsed as Stripe.Event;
  const incoming: IncomingEvent = {
    id: event.id,
    type: event.type,
    apiVersion: event.api_version ?? null,
    created: event.created,
    object: event.data.object,
    raw: rawBody,
  };

  try {
    const current = await currentState(ctx, incoming.type, incoming.object);
    const outcome = await applierFor(ctx).apply(current ? { ...incoming, ...current } : incoming);
    return json(200, outcome === "duplicate" ? { received: true, duplicate: true } : { received: true, outcome });
  } catch (error) {
    console.error(`stripe webhook ${event.id} (${event.type}) failed:`, error);
    // Nothing of the failed transaction stays, so the event is stored here, unprocessed, for
    // Stripe's retry or `npm run stripe:replay`.
    await storeFailedEvent(ctx.db, incoming, failureMessage(error)).catch(() => {});
    return json(500, { error: "could not apply the event; it is stored and will be applied on retry" });
  }
}

/** What the handlers of one transaction left for its end: receipts to number (with their emails), then corrected receipts. */
type AtCommit = { receipts: (IssueReceipt & { id: string })[]; emails: QueueEmail[]; refundReceipts: NonNullable<Effects["refundReceipts"]> };
/** An event to apply: a delivery in hand, or (a replay) the id of a stored one, with its object as Stripe has it now. */
type Work = IncomingEvent | { id: string; stored: true; current?: CurrentState | null };
type ToApply = AppliedEvent;

/**
 * Applies one event inside `tx`: the first registered handler of its type that takes it, then
 * what it asks for (parked until its payment comes; the events parked on the payment it linked
 * applied now, in the same transaction; receipts kept for the end of the transaction).
 */
async function runHandler(tx: Tx, env: Env, event: ToApply, atCommit: AtCommit): Promise<WebhookOutcome> {
  const handlers = handlersFor(event.type);
  if (handlers.length === 0) return "ignored";
  let effects: Effects | null = null;
  for (const handler of handlers) {
    effects = await handler(tx, event, env);
    if (effects) break;
  }
  if (!effects) return "applied";
  for (const { receipt, email } of effects.receipts ?? []) {
    atCommit.receipts.push(receipt);
    atCommit.emails.push(email);
  }
  atCommit.refundReceipts.push(...(effects.refundReceipts ?? []));
  if (effects.parkUntil) {
    await parkEvent(tx, event.id, effects.parkUntil);
    return "parked";
  }
  if (effects.unpark?.some(Boolean)) {
    for (const row of await lockParkedEvents(tx, effects.unpark)) {
      await unparkEvent(tx, row.id);
      const parked = row.payload as Stripe.Event;
      await runHandler(tx, env, { id: row.id, type: row.type, created: parked.created, object: parked.data.object, stateAt: parked.created * 1000 }, atCommit);
    }
  }
  return "applied";
}

/**
 * What orders a batch: events about one Stripe customer are applied one after another, in the
 * order they came; events about different customers run side by side (their statements share
 * the connection's round trips). Events naming no customer (a one-time gift's Checkout, say)
 * form one sequence.
 */
function sequenceKey(event: { object: unknown }): string {
  const customer = (event.object as { customer?: string | { id: string } | null }).customer;
  return typeof customer === "string" ? customer : (customer?.id ?? "");
}

/**
 * Stores and applies events in one transaction. A new event is stored already marked
 * processed: if anything fails the whole transaction, its row goes with it. An event stored
 * before (a retry, a replay, a delivery another instance holds) is locked and skipped when
 * processed. Receipts come last, as one block with their outbox rows, then the commit.
 *
 * Round trips: BEGIN and the event rows go together; then the handlers' own; then the
 * receipts, outbox rows and COMMIT together (corrected receipts, rare, before the COMMIT).
 */
async function applyBatch(ctx: BillingContext, work: Work[]): Promise<WebhookOutcome[]> {
  return pipelinedTransaction(
    ctx.db,
    async (tx) => {
      const incoming = work.filter((w): w is IncomingEvent => !("stored" in w));
      const inserted = await insertProcessedEvents(tx, incoming);
      const earlier = work.filter((w) => !inserted.has(w.id)).map((w) => w.id);
      const stored = new Map((await lockStripeEvents(tx, earlier)).map((row) => [row.id, row]));

      const outcomes: WebhookOutcome[] = new Array(work.length);
      const sequences = new Map<string, { index: number; event: ToApply }[]>();
      const markLater: string[] = [];
      work.forEach((w, index) => {
        let event: ToApply;
        if (inserted.has(w.id)) {
          const incoming = w as IncomingEvent;
          event = { ...incoming, stateAt: incoming.stateAt ?? incoming.created * 1000 };
        } else {
          const row = stored.get(w.id);
          if (!row) throw new Error(`stripe event ${w.id} is not stored`);
          if (row.processedAt) {
            outcomes[index] = "duplicate";
            return;
          }
          const payload = row.payload as Stripe.Event;
          // A delivery in hand may carry the object re-read from Stripe; a replay says so itself.
          const current = "stored" in w ? w.current : w.stateAt !== undefined ? { object: w.object, stateAt: w.stateAt } : null;
          event = {
            id: row.id,
            type: row.type,
            created: payload.created,
            object: current?.object ?? payload.data.object,
            stateAt: current?.stateAt ?? payload.created * 1000,
          };
          markLater.push(row.id);
        }
        const key = sequenceKey(event);
        const sequence = sequences.get(key) ?? [];
        sequence.push({ index, event });
        sequences.set(key, sequence);
      });

      const atCommit: AtCommit = { receipts: [], emails: [], refundReceipts: [] };
      // Every sequence settles before the transaction ends (one failure aborts it for all).
      const settled = await Promise.allSettled(
        [...sequences.values()].map(async (sequence) => {
          for (const { index, event } of sequence) outcomes[index] = await runHandler(tx, ctx.env, event, atCommit);
        }),
      );
      const failure = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
      if (failure) throw failure.reason;

      // A corrected receipt needs its original's number, which may be one of this transaction's.
      if (atCommit.refundReceipts.length > 0) {
        for (const { statement } of receiptStatements(tx, atCommit.receipts.splice(0))) await statement;
        for (const refund of atCommit.refundReceipts) await issueRefundReceipt(tx, refund.payment, refund.refundedTotal, refund.issuedAt);
      }
      // With the COMMIT: the processed marks, the outbox rows (they name the receipts by their
      // already chosen ids) and the receipts, whose numbers are taken last.
      return {
        result: outcomes,
        last: [
          markEventsProcessed(tx, markLater),
          queueEmails(tx, atCommit.emails),
          ...receiptStatements(tx, atCommit.receipts).map((r) => r.statement),
        ].filter((statement) => statement !== null),
      };
    },
    { genericPlans: true },
  );
}

/**
 * Applies a stored event in its own transaction (a subscription event with the subscription as
 * Stripe has it now). Throws when the handler fails (nothing of it stays).
 */
export async function applyStripeEvent(ctx: BillingContext, eventId: string): Promise<WebhookOutcome> {
  const stored = await getStripeEvent(ctx.db, eventId);
  const current = stored ? await currentState(ctx, stored.type, (stored.payload as Stripe.Event).data.object) : null;
  const [outcome] = await applyBatch(ctx, [{ id: eventId, stored: true, current }]);
  return outcome!;
}

/**
 * Group commit for webhooks. Receipt numbers are gap-free, so every payment's transaction
 * queues on the year's counter row from allocation to commit (a WAL flush): one event per
 * transaction caps ingestion at one flush per event. Deliveries arriving together are stored
 * and applied together, one transaction at a time (two while many wait); each request
 * is answered after its transaction commits. A second delivery of an event already in flight here waits for it (and
 * reports a duplicate) instead of queueing on its row. When a shared transaction fails, its
 * events are applied again one by one, so one bad event (or a deadlock between instances)
 * affects only itself.
 */
class EventApplier {
  private queue: { work: IncomingEvent; resolve: (o: WebhookOutcome) => void; reject: (e: unknown) => void }[] = [];
  private inFlight = new Map<string, Promise<WebhookOutcome>>();
  private active = 0;
  /** The customers (sequence keys) whose events a running batch holds. */
  private busy = new Set<string>();

  constructor(
    private readonly ctx: BillingContext,
    private readonly workers = 2,
    private readonly maxBatch = 32,
    private readonly secondAt = 10,
  ) {}

  apply(event: IncomingEvent): Promise<WebhookOutcome> {
    const running = this.inFlight.get(event.id);
    if (running) return running.then(() => "duplicate" as const);
    const promise = new Promise<WebhookOutcome>((resolve, reject) => this.queue.push({ work: event, resolve, reject }));
    this.inFlight.set(event.id, promise);
    promise.then(
      () => this.inFlight.delete(event.id),
      () => this.inFlight.delete(event.id),
    );
    this.pump();
    return promise;
  }

  /**
   * One transaction at a time while deliveries keep up (the batches grow, and each event costs
   * less); a second one when `secondAt` deliveries are waiting, so that one batch's round trips
   * (and its commit's WAL flush) overlap the other's work. In the benchmark a second transaction
   * at 10 waiting gave a quarter more events/s than at 32 (at concurrency 20, never).
   */
  private pump() {
    while (this.active < this.workers && this.queue.length > 0 && (this.active === 0 || this.queue.length >= this.secondAt)) {
      const batch = this.take();
      if (batch.length === 0) return;
      const keys = new Set(batch.map((item) => sequenceKey(item.work)));
      for (const key of keys) this.busy.add(key);
      this.active++;
      void this.run(batch).finally(() => {
        for (const key of keys) this.busy.delete(key);
        this.active--;
        this.pump();
      });
    }
  }

  /**
   * Up to `maxBatch` queued deliveries, in order. A customer's delivery stays queued while a
   * running batch holds that customer's events (and so do the customer's later ones), so one
   * customer's events are applied in the order they came even with two batches running.
   */
  private take(): EventApplier["queue"] {
    const batch: EventApplier["queue"] = [];
    const rest: EventApplier["queue"] = [];
    const held = new Set(this.busy);
    for (const item of this.queue) {
      const key = sequenceKey(item.work);
      if (batch.length < this.maxBatch && !held.has(key)) {
        batch.push(item);
      } else {
        rest.push(item);
        held.add(key);
      }
    }
    this.queue = rest;
    return batch;
  }

  private async run(batch: EventApplier["queue"]) {
    try {
      const outcomes = await applyBatch(
        this.ctx,
        batch.map((item) => item.work),
      );
      batch.forEach((item, i) => item.resolve(outcomes[i]!));
      return;
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
    }
    for (const item of batch) {
      try {
        const [outcome] = await applyBatch(this.ctx, [item.work]);
        item.resolve(outcome!);
      } catch (error) {
        item.reject(error);
      }
    }
  }
}

const appliers = new WeakMap<Database, WeakMap<Env, EventApplier>>();
function applierFor(ctx: BillingContext): EventApplier {
  let byEnv = appliers.get(ctx.db);
  if (!byEnv) appliers.set(ctx.db, (byEnv = new WeakMap()));
  let applier = byEnv.get(ctx.env);
  if (!applier) byEnv.set(ctx.env, (applier = new EventApplier(ctx)));
  return applier;
}

/** `stripe:replay`: applies a stored event again (a processed one only with `force`). */
export async function replayStripeEvent(ctx: BillingContext, eventId: string, options: { force?: boolean } = {}) {
  const stored = await getStripeEvent(ctx.db, eventId);
  if (!stored) return { found: false as const };
  if (stored.processedAt && options.force) await markEventUnprocessed(ctx.db, eventId);
  try {
    const outcome = await applyStripeEvent(ctx, eventId);
    return { found: true as const, outcome };
  } catch (error) {
    await markEventFailed(ctx.db, eventId, failureMessage(error));
    throw error;
  }
}
