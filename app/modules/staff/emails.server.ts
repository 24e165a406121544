/** The email outbox as staff see it: newest first, filterable by status and recipient. */
import { and, desc, eq, lt, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { emailOutbox } from "../../../db/schema";

export async function listOutbox(db: DbOrTx, filter: { status?: (typeof emailOutbox.status.enumValues)[number]; to?: string; before?: string }) {
  const where: SQL[] = [];
  if (filter.status) where.push(eq(emailOutbox.status, filter.status));
  if (filter.to) where.push(sql`lower(${emailOutbox.toEmail}) like ${`%${filter.to.toLowerCase().replace(/[\\%_]/g, "\\$&")}%`}`);
  if (filter.before) where.push(lt(emailOutbox.createdAt, new Date(filter.before)));
  return db
    .select({
      id: emailOutbox.id,
      template: emailOutbox.template,
      locale: emailOutbox.locale,
      toEmail: emailOutbox.toEmail,
      subject: emailOutbox.subject,
      status: emailOutbox.status,
      attempts: emailOutbox.attempts,
      lastError: emailOutbox.lastError,
      createdAt: emailOutbox.createdAt,
      sentAt: emailOutbox.sentAt,
      personId: emailOutbox.personId,
    })
    .from(emailOutbox)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(emailOutbox.createdAt))
    .limit(100);
}

export async function getOutboxEmail(db: DbOrTx, id: string) {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const [row] = await db.select().from(emailOutbox).where(eq(emailOutbox.id, id));
  return row ?? null;
}
