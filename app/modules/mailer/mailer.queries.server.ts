/**
 * Statements behind the outbox worker: claiming due rows, marking them, and the shared send-rate clock.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { emailOutbox } from "../../../db/schema";

/** What marking an outbox row may change. */
export type EmailOutboxUpdate = Partial<typeof emailOutbox.$inferInsert>;

/**
 * Takes the next slot of the named rate clock, `interval` (a PostgreSQL interval) after the
 * last one and not before now; returns the slot and how long until it (ms, by PostgreSQL's clock).
 */
export async function upsertRateClockSlot(db: DbOrTx, name: string, interval: string) {
  const [row] = await db.execute<{ slot_ms: number; wait_ms: number }>(sql`
      insert into rate_clocks (name, next_at) values (${name}, clock_timestamp() + ${interval}::interval)
      on conflict (name) do update set next_at = greatest(rate_clocks.next_at, clock_timestamp()) + ${interval}::interval
      returning extract(epoch from (next_at - ${interval}::interval)) * 1000 as slot_ms,
                greatest(0, extract(epoch from (next_at - ${interval}::interval - clock_timestamp())) * 1000)::float8 as wait_ms`);
  return row ?? null;
}

/**
 * Moves up to `limit` due rows (pending and due, or `sending` whose lease ran out; rows locked by
 * another worker skipped) to `sending`, counting the attempt, leased until `leaseUntil`; returns their ids.
 */
export function updateDueEmailsToSending(db: DbOrTx, now: Date, leaseUntil: Date, limit: number) {
  return db.execute<{ id: string }>(sql`
    update email_outbox set status = 'sending', attempts = attempts + 1, next_attempt_at = ${leaseUntil.toISOString()}::timestamptz
    where id in (
      select id from email_outbox
      where status in ('pending', 'sending') and next_attempt_at <= ${now.toISOString()}::timestamptz
      order by next_attempt_at, created_at, id
      limit ${limit}
      for update skip locked
    )
    returning id`);
}

/** Outbox rows by id (in no particular order). */
export function listOutboxRowsById(db: DbOrTx, ids: string[]) {
  return db.select().from(emailOutbox).where(inArray(emailOutbox.id, ids));
}

/** Updates an outbox row while it is still `sending` (a row taken over meanwhile is left alone). */
export async function updateSendingEmail(db: DbOrTx, id: string, values: EmailOutboxUpdate) {
  await db
    .update(emailOutbox)
    .set(values)
    .where(and(eq(emailOutbox.id, id), eq(emailOutbox.status, "sending")));
}
