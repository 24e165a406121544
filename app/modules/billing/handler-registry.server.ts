/**
 * Stripe event handlers: what each is given, what it returns, and the registry the webhook
 * dispatches through. A handler is a plain function of the transaction and the event (and the
 * configuration): it reads and writes in `tx` and returns what it asks of the ingest beyond
 * that (receipts to number at the commit, parked events to apply, its own parking). How events
 * are batched, pipelined and committed is the ingest's business (webhook.server.ts, db/client.ts).
 *
 * Memberships (billing), gifts (donations) and companies (corporate) each own a table of
 * handlers by event type; app/modules/stripe-handlers.server.ts registers the three, so billing
 * never imports the domains that build on it.
 */
import type { Tx } from "../../../db/client";
import type { Payment } from "../../../db/schema";
import type { Env } from "../config/env.server";
import type { QueueEmail } from "../email/outbox.server";
import type { IssueReceipt } from "../receipts/receipts.server";

/** An event to apply. `stateAt` (ms) orders its object against the state already applied. */
export interface AppliedEvent {
  id: string;
  type: string;
  created: number;
  object: unknown;
  /** When the object was as it is: Stripe's `created` (in ms), or the moment we re-read it from Stripe. */
  stateAt: number;
}

/** What a handler asks of the ingest, beyond what it wrote in its transaction. */
export interface Effects {
  /**
   * Receipts to issue at the end of the transaction, after every event in it, each with the
   * email that sends it: the year's counter row is locked from a number's allocation to the
   * commit, so numbers are taken last, all in one statement.
   */
  receipts?: { receipt: IssueReceipt & { id: string }; email: QueueEmail }[];
  /** Corrected receipts for refunds (issued after the receipts above: the original may be one of them). */
  refundReceipts?: { payment: Pick<Payment, "id" | "personId" | "organisationId">; refundedTotal: number; issuedAt: Date }[];
  /** Payment intent or charge ids a payment was just linked to: the events parked on them are applied now. */
  unpark?: (string | null | undefined)[];
  /** The event cannot apply yet: it stays stored, unprocessed, until a payment is linked to this id. */
  parkUntil?: string;
}

/** Applied, nothing more to do. */
export const DONE: Effects = Object.freeze({});

/** Null: not this handler's event (the next registered one for its type is tried). */
export type Handler = (tx: Tx, event: AppliedEvent, env: Env) => Promise<Effects | null>;

/** One domain's handlers, by Stripe event type. */
export type HandlerTable = Readonly<Partial<Record<string, Handler>>>;

let registered: readonly HandlerTable[] | null = null;

/**
 * Registers every domain's handlers, in the order a type's handlers are tried (the first that
 * does not answer null applies the event). Called once, by app/modules/stripe-handlers.server.ts.
 */
export function registerStripeHandlers(tables: readonly HandlerTable[]) {
  registered = tables;
}

/** The handlers of an event type, in order. Throws when nothing registered them (a wiring mistake, never a quiet no-op). */
export function handlersFor(type: string): Handler[] {
  if (!registered) throw new Error("no Stripe event handlers are registered: import app/modules/stripe-handlers.server.ts at start-up");
  return registered.flatMap((table) => table[type] ?? []);
}
