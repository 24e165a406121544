/**
 * Statements shared by the events of one webhook batch. Events of different Stripe customers
 * run side by side in one transaction; what each asks for in the same tick (its membership
 * locked, its payment, its new period) goes to PostgreSQL as one
 * statement for all of them, through DataLoader (the batching loader GraphQL servers use),
 * instead of one statement per event. Each handler still reads as if it ran alone.
 *
 * Nothing is cached: every load is a new statement's row, in this transaction only.
 */
import DataLoader from "dataloader";
import type { DbOrTx } from "../../../db/client";
import {
  insertMembershipPayments,
  lockMembershipParties,
  setMembershipPeriods,
  type MembershipParties,
  type MembershipPaymentRow,
  type MembershipRef,
} from "./billing.queries.server";

export interface StatementBatch {
  /** A membership locked for update with its person and tier, or null. */
  lockParties: (ref: MembershipRef) => Promise<MembershipParties | null>;
  /** Records an invoice's payment; null when that invoice already has one. */
  insertPayment: (row: MembershipPaymentRow) => Promise<{ id: string; amount: number; earlier: number } | null>;
  setPeriod: (row: { id: string; start: Date; end: Date }) => Promise<void>;
}

const options = { cache: false } as const;

export function statementBatch(tx: DbOrTx): StatementBatch {
  const parties = new DataLoader<MembershipRef, MembershipParties | null>((refs) => lockMembershipParties(tx, refs), options);
  const payments = new DataLoader<MembershipPaymentRow, { id: string; amount: number; earlier: number } | null>(
    (rows) => insertMembershipPayments(tx, rows),
    options,
  );
  const periods = new DataLoader<{ id: string; start: Date; end: Date }, void>(async (rows) => {
    await setMembershipPeriods(tx, rows);
    return rows.map(() => undefined);
  }, options);
  return {
    lockParties: (ref) => parties.load(ref),
    insertPayment: (row) => payments.load(row),
    setPeriod: (row) => periods.load(row),
  };
}
