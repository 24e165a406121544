/**
 * The outbox as staff see it (the staff console lists, reads and retries emails through these).
 */
import { and, desc, eq, lt, sql, type QueryPromise, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { emailOutbox, type EmailOutboxRow } from "../../../db/schema";

export type EmailStatus = EmailOutboxRow["status"];

/**
 * Newest first (before `before` when given); filter by status (e.g. `failed`, `kept_locally`), a
 * part of the address (case-insensitive), person or organisation. The staff console's list.
 */
export async function listEmails(
  db: DbOrTx,
  params: { status?: EmailStatus; to?: string; before?: string; personId?: string; organisationId?: string; limit?: number; offset?: number } = {},
) {
  const where: SQL[] = [];
  if (params.status) where.push(eq(emailOutbox.status, params.status));
  if (params.to) where.push(sql`lower(${emailOutbox.toEmail}) like ${`%${params.to.toLowerCase().replace(/[\\%_]/g, "\\$&")}%`}`);
  if (params.before) where.push(lt(emailOutbox.createdAt, new Date(params.before)));
  if (params.personId) where.push(eq(emailOutbox.personId, params.personId));
  if (params.organisationId) where.push(eq(emailOutbox.organisationId, params.organisationId));
  return db
    .select({
      id: emailOutbox.id,
      template: emailOutbox.template,
      locale: emailOutbox.locale,
      toEmail: emailOutbox.toEmail,
      status: emailOutbox.status,
      attempts: emailOutbox.attempts,
      lastError: emailOutbox.lastError,
      subject: emailOutbox.subject,
      createdAt: emailOutbox.createdAt,
      sentAt: emailOutbox.sentAt,
      nextAttemptAt: emailOutbox.nextAttemptAt,
      personId: emailOutbox.personId,
    })
    .from(emailOutbox)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(emailOutbox.createdAt))
    .limit(params.limit ?? 50)
    .offset(params.offset ?? 0);
}

/**
 * Sends a failed email again (after staff corrected the address, say) as a new outbox row, so
 * it gets a new Resend idempotency key: Resend may remember the failed attempt's key for 24 h
 * and refuse a different payload under it. The failed row stays, pointing at its retry.
 * Returns the new row's id, or null when the row is not failed.
 */
export async function retryFailedEmail(db: DbOrTx, id: string, values: { toEmail?: string } = {}): Promise<string | null> {
  const [old] = await db
    .select()
    .from(emailOutbox)
    .where(and(eq(emailOutbox.id, id), eq(emailOutbox.status, "failed")))
    .for("update");
  if (!old) return null;
  const [created] = await db
    .insert(emailOutbox)
    .values({
      template: old.template,
      locale: old.locale,
      toEmail: values.toEmail ?? old.toEmail,
      personId: old.personId,
      organisationId: old.organisationId,
      props: old.props,
    })
    .returning({ id: emailOutbox.id });
  await db
    .update(emailOutbox)
    .set({ lastError: `${old.lastError ?? "failed"} (retried as ${created!.id})` })
    .where(eq(emailOutbox.id, id));
  return created!.id;
}

/** An outbox row as queueEmails builds it (snake_case: it travels as one JSON parameter). */
export interface OutboxRowValues {
  template: string;
  locale: string;
  to_email: string;
  props: unknown;
  person_id: string | null;
  organisation_id: string | null;
  dedupe_key: string | null;
  next_attempt_at: string;
}

/** Inserts outbox rows (a repeated dedupe key is ignored), returning the new ids; the statement is sent when first awaited. */
export function insertOutboxRows(tx: DbOrTx, rows: OutboxRowValues[]): QueryPromise<{ id: string }[]> {
  return tx.execute<{ id: string }>(sql`
    insert into email_outbox (template, locale, to_email, props, person_id, organisation_id, dedupe_key, next_attempt_at)
    select x.template, x.locale, x.to_email, x.props, x.person_id, x.organisation_id, x.dedupe_key, x.next_attempt_at
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(template text, locale text, to_email text, props jsonb, person_id uuid,
         organisation_id uuid, dedupe_key text, next_attempt_at timestamptz)
    on conflict (dedupe_key) do nothing
    returning id`);
}
