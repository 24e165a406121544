/**
 * Statements behind the audit log: writing a row, reading a page of rows, and naming their subjects.
 */
import { and, asc, desc, eq, gte, inArray, lt, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { auditLog, funds, memberships, organisations, people, staffUsers, tiers } from "../../../db/schema";
import type { AuditAction } from "./audit-actions";

/** Inserts an audit row; returns its id. */
export async function insertAuditEntry(
  db: DbOrTx,
  values: {
    actorStaffUserId: string | null;
    action: AuditAction;
    subjectType: string | null;
    subjectId: string | null;
    details: Record<string, unknown>;
    ip: string | null;
  },
): Promise<number> {
  const [row] = await db.insert(auditLog).values(values).returning({ id: auditLog.id });
  return row!.id;
}

/** Audit rows, newest first, with their actor's address and name, filtered (`before`: ids below it) and limited. */
export async function listAuditEntries(
  db: DbOrTx,
  filter: { actor?: string; action?: AuditAction; subjectId?: string; from?: Date; to?: Date; before?: number; limit: number },
) {
  const where: SQL[] = [];
  if (filter.actor) where.push(eq(auditLog.actorStaffUserId, filter.actor));
  if (filter.action) where.push(eq(auditLog.action, filter.action));
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
    .limit(filter.limit);
}

/** Memberships by id, with the person or organisation holding each. */
export function listMembershipHolders(db: DbOrTx, ids: string[]) {
  return db
    .select({ id: memberships.id, personId: memberships.personId, organisationId: memberships.organisationId })
    .from(memberships)
    .where(inArray(memberships.id, ids));
}

/** Staff users' names by id. */
export function listStaffUserNames(db: DbOrTx, ids: string[]) {
  return db.select({ id: staffUsers.id, name: staffUsers.name }).from(staffUsers).where(inArray(staffUsers.id, ids));
}

/** Tiers' names by id. */
export function listTierNames(db: DbOrTx, ids: number[]) {
  return db.select({ id: tiers.id, en: tiers.nameEn, ja: tiers.nameJa }).from(tiers).where(inArray(tiers.id, ids));
}

/** Funds' names by slug. */
export function listFundNamesBySlug(db: DbOrTx, slugs: string[]) {
  return db.select({ slug: funds.slug, en: funds.nameEn, ja: funds.nameJa }).from(funds).where(inArray(funds.slug, slugs));
}

/** People's names by id. */
export function listPeopleNames(db: DbOrTx, ids: string[]) {
  return db.select({ id: people.id, familyName: people.familyName, givenName: people.givenName }).from(people).where(inArray(people.id, ids));
}

/** Organisations' legal names by id. */
export function listOrganisationNames(db: DbOrTx, ids: string[]) {
  return db
    .select({ id: organisations.id, en: organisations.legalNameEn, ja: organisations.legalNameJa })
    .from(organisations)
    .where(inArray(organisations.id, ids));
}

/** Every staff user (id, name, address), by name. */
export function listStaffUsersByName(db: DbOrTx) {
  return db.select({ id: staffUsers.id, name: staffUsers.name, email: staffUsers.email }).from(staffUsers).orderBy(asc(staffUsers.name));
}
