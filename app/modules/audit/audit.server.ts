/**
 * The audit log: one row per staff action (who, what, on what, the details), written in the
 * same transaction as the change it records.
 */
import { and, asc, desc, eq, gte, inArray, lt, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { auditLog, funds, memberships, organisations, people, staffUsers, tiers } from "../../../db/schema";
import { isUuid } from "../shared/ids";
import type { AuditAction } from "./audit-actions";

/** Who does a staff action, as the use-cases receive it: the staff user, and the request's IP for the audit row. */
export interface StaffActor {
  staff: { id: string };
  ip: string | null;
}

export interface AuditEntryInput {
  actorStaffUserId: string | null;
  action: AuditAction;
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
  action?: AuditAction;
  subjectId?: string;
  from?: Date;
  to?: Date;
  limit?: number;
  before?: number;
}

export async function listAudit(db: DbOrTx, filter: AuditFilter) {
  const where: SQL[] = [];
  if (filter.actor) where.push(eq(auditLog.actorStaffUserId, filter.actor));
  if (filter.action) where.push(eq(auditLog.action, filter.action));
  if (filter.subjectId) where.push(eq(auditLog.subjectId, filter.subjectId));
  if (filter.from) where.push(gte(auditLog.at, filter.from));
  if (filter.to) where.push(lt(auditLog.at, filter.to));
  if (filter.before) where.push(lt(auditLog.id, filter.before));
  const entries = await db
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
  const subjects = await auditSubjects(db, entries);
  return entries.map((e) => ({ ...e, subject: subjects.get(`${e.subjectType}:${e.subjectId}`) ?? null }));
}

/** What an audit row names, in words: a member's or company's name (with the member page it opens), a tier's, a staff user's. */
export interface AuditSubject {
  name: { familyName: string; givenName: string } | { en: string; ja: string | null };
  memberId?: string;
}

/** The subjects of a page of audit rows, looked up by id in one query per kind (not a join on the log's text ids). */
async function auditSubjects(db: DbOrTx, entries: { subjectType: string | null; subjectId: string | null }[]) {
  const ids = (type: string, uuid = true) => [
    ...new Set(entries.filter((e) => e.subjectType === type && e.subjectId && (!uuid || isUuid(e.subjectId))).map((e) => e.subjectId!)),
  ];
  const found = new Map<string, AuditSubject>();
  const [personIds, membershipIds, organisationIds, staffIds] = [ids("person"), ids("membership"), ids("organisation"), ids("staff_user")];
  const tierIds = ids("tier", false)
    .map(Number)
    .filter((n) => Number.isSafeInteger(n) && n > 0 && n <= 2_147_483_647);
  const fundSlugs = ids("fund", false);
  const [byMembership, byStaff, byTier, byFund] = await Promise.all([
    membershipIds.length
      ? db
          .select({ id: memberships.id, personId: memberships.personId, organisationId: memberships.organisationId })
          .from(memberships)
          .where(inArray(memberships.id, membershipIds))
      : [],
    staffIds.length ? db.select({ id: staffUsers.id, name: staffUsers.name }).from(staffUsers).where(inArray(staffUsers.id, staffIds)) : [],
    tierIds.length ? db.select({ id: tiers.id, en: tiers.nameEn, ja: tiers.nameJa }).from(tiers).where(inArray(tiers.id, tierIds)) : [],
    fundSlugs.length ? db.select({ slug: funds.slug, en: funds.nameEn, ja: funds.nameJa }).from(funds).where(inArray(funds.slug, fundSlugs)) : [],
  ]);
  const allPeople = [...new Set([...personIds, ...byMembership.flatMap((m) => (m.personId ? [m.personId] : []))])];
  const allOrgs = [...new Set([...organisationIds, ...byMembership.flatMap((m) => (m.organisationId ? [m.organisationId] : []))])];
  const [persons, orgs] = await Promise.all([
    allPeople.length
      ? db.select({ id: people.id, familyName: people.familyName, givenName: people.givenName }).from(people).where(inArray(people.id, allPeople))
      : [],
    allOrgs.length
      ? db
          .select({ id: organisations.id, en: organisations.legalNameEn, ja: organisations.legalNameJa })
          .from(organisations)
          .where(inArray(organisations.id, allOrgs))
      : [],
  ]);
  for (const p of persons) found.set(`person:${p.id}`, { name: { familyName: p.familyName, givenName: p.givenName }, memberId: p.id });
  for (const o of orgs) found.set(`organisation:${o.id}`, { name: { en: o.en, ja: o.ja }, memberId: o.id });
  for (const m of byMembership) {
    const owner = found.get(m.personId ? `person:${m.personId}` : `organisation:${m.organisationId}`);
    if (owner) found.set(`membership:${m.id}`, owner);
  }
  for (const u of byStaff) found.set(`staff_user:${u.id}`, { name: { en: u.name, ja: null } });
  for (const t of byTier) found.set(`tier:${t.id}`, { name: { en: t.en, ja: t.ja } });
  for (const f of byFund) found.set(`fund:${f.slug}`, { name: { en: f.en, ja: f.ja } });
  return found;
}

/** Every staff user, by name, for the audit log's "who" filter. */
export function listAuditActors(db: DbOrTx) {
  return db.select({ id: staffUsers.id, name: staffUsers.name, email: staffUsers.email }).from(staffUsers).orderBy(asc(staffUsers.name));
}
