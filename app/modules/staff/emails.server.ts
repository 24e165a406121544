/** The email outbox as staff see it: newest first, filterable by status and recipient. */
import type { DbOrTx } from "../../../db/client";
import type { EmailOutboxRow } from "../../../db/schema";
import { listEmails } from "../email/outbox.queries.server";
import { getOutboxRow } from "./staff.queries.server";

export async function listOutbox(db: DbOrTx, filter: { status?: EmailOutboxRow["status"]; to?: string; before?: string }) {
  return listEmails(db, { ...filter, limit: 100 });
}

export async function getOutboxEmail(db: DbOrTx, id: string) {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  return getOutboxRow(db, id);
}
