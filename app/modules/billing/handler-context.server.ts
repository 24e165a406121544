/**
 * What a Stripe event handler receives and returns (the webhook code builds the context; the
 * membership, gift and company handlers use it). Types only, so every domain can name them
 * without importing the handlers.
 */
import type { Tx } from "../../../db/client";
import type { Env } from "../config/env.server";
import type { QueueEmail } from "../email/outbox.server";
import type { IssueReceipt } from "../receipts/receipts.server";
import type { StatementBatch } from "./statement-batch.server";

/** An event to apply. `stateAt` (ms) orders its object against the state already applied. */
export interface AppliedEvent {
  id: string;
  type: string;
  created: number;
  object: unknown;
  /** When the object was as it is: Stripe's `created` (in ms), or the moment we re-read it from Stripe. */
  stateAt: number;
}

export type HandlerOutcome = "applied" | "parked";

export interface HandlerContext {
  tx: Tx;
  env: Env;
  event: AppliedEvent;
  /** Statements shared with the other events of the batch (see statement-batch.server.ts). */
  batch: StatementBatch;
  /** What `earlyLookups` started for this event before its handler ran, if anything. */
  early?: Promise<unknown>;
  /**
   * Issues a receipt (and queues its email) at the end of the transaction, after every event
   * in it, all receipts in one block. The year's counter row is locked from allocation to
   * commit, so allocating last keeps that serialised stretch short, and no other lock is
   * waited for while it is held.
   */
  issueReceiptAtCommit: (receipt: IssueReceipt & { id: string }, email: QueueEmail) => void;
  /** Issues the receipts waiting for the commit now (a corrected receipt needs its original's number). */
  flushReceipts: () => Promise<void>;
  /** Applies another stored event in this transaction (a parked one whose payment has come). */
  reapply: (event: AppliedEvent) => Promise<HandlerOutcome>;
}
export type Handler = (ctx: HandlerContext) => Promise<HandlerOutcome | void>;
