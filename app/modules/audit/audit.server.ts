/**
 * The audit log: one row per staff action (who, what, on what, the details), written in the
 * same transaction as the change it records.
 */
import { and, asc, desc, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { auditLog, staffUsers } from "../../../db/schema";

/** Who does a staff action, as the use-cases receive it: the staff user, and the request's IP for the audit row. */
export interface StaffActor {
  staff: { id: string };
  ip: string | null;
}

export interface AuditEntryInput {
  actorStaffUserId: string | null;
  action: string;
  subjectType?: string | null;
  subjectId?: string | null;
  details?: Record<string, unknown>;
  ip?: string | null;
}

export async function writeAudit(tx: DbOrTx, entry: AuditEntryInput): Promise<number> {
  const [row] = await tx
    .insert(auditLog)
    .values({
      actorStaffUserId: entry.actorStaffUserId,
      action: entry.action,
      subjectType: entry.subjectType ?? null,
      subjectId: entry.subjectId ?? null,
      details: entry.details ?? {},
      ip: entry.ip ?? null,
    })
    .returning({ id: auditLog.id });
  return row!.id;
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  subjectId?: string;
  from?: Date;
  to?: Date;
  limit?: number;
  before?: number;
}

export function listAudit(db: DbOrTx, filter: AuditFilter) {
  const where: SQL[] = [];
  if (filter.actor) where.push(eq(auditLog.actorStaffUserId, filter.actor));
  if (filter.action) where.push(sql`${auditLog.action} like ${`${filter.action.replace(/[\\%_]/g, "\\$&")}%`}`);
  if (filter.subjectId) where.push(eq(auditLog.subjectId, filter.subjectId));
  if (filter.from) where.push(gte(auditLog.at, filter.from));
  if (filter.to) where.push(lt(auditLog.at, filter.to));
  if (filter.before) where.push(lt(auditLog.id, filter.before));
  return db
    .select({
      id: auditLog.id,
      at: auditLog.at,
      action: auditLog.action,
      subjectType: auditLog.subjectType,
      subjectId: auditLog.subjectId,
      details: auditLog.details,
      ip: auditLog.ip,
      actorEmail: staffUsers.email,
      actorName: staffUsers.name,
    })
    .from(auditLog)
    .leftJoin(staffUsers, eq(staffUsers.id, auditLog.actorStaffUserId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(filter.limit ?? 100);
}

/** Every staff user, by name, for the audit log's "who" filter. */
export function listAuditActors(db: DbOrTx) {
  return db.select({ id: staffUsers.id, name: staffUsers.name, email: staffUsers.email }).from(staffUsers).orderBy(asc(staffUsers.name));
}
