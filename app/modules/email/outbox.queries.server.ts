/**
 * The outbox as staff see it (the staff console lists, reads and retries emails through these).
 */
import { and, desc, eq, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { emailOutbox, type EmailOutboxRow } from "../../../db/schema";

export type EmailStatus = EmailOutboxRow["status"];

/** Newest first; filter by status (e.g. `failed`, `kept_locally`), person or organisation. */
export async function listEmails(
  db: DbOrTx,
  params: { status?: EmailStatus; personId?: string; organisationId?: string; limit?: number; offset?: number } = {},
) {
  const where: SQL[] = [];
  if (params.status) where.push(eq(emailOutbox.status, params.status));
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
