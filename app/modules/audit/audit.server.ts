/**
 * The audit log: one row per staff action (who, what, on what, the details), written in the
 * same transaction as the change it records.
 */
import type { DbOrTx } from "../../../db/client";
import { isUuid } from "../shared/ids";
import type { AuditAction } from "./audit-actions";
import {
  insertAuditEntry,
  listAuditEntries,
  listFundNamesBySlug,
  listMembershipHolders,
  listOrganisationNames,
  listPeopleNames,
  listStaffUserNames,
  listStaffUsersByName,
  listTierNames,
} from "./audit.queries.server";

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
  return insertAuditEntry(tx, {
    actorStaffUserId: entry.actorStaffUserId,
    action: entry.action,
    subjectType: entry.subjectType ?? null,
    subjectId: entry.subjectId ?? null,
    details: entry.details ?? {},
    ip: entry.ip ?? null,
  });
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
  const entries = await listAuditEntries(db, { ...filter, limit: filter.limit ?? 100 });
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
    membershipIds.length ? listMembershipHolders(db, membershipIds) : [],
    staffIds.length ? listStaffUserNames(db, staffIds) : [],
    tierIds.length ? listTierNames(db, tierIds) : [],
    fundSlugs.length ? listFundNamesBySlug(db, fundSlugs) : [],
  ]);
  const allPeople = [...new Set([...personIds, ...byMembership.flatMap((m) => (m.personId ? [m.personId] : []))])];
  const allOrgs = [...new Set([...organisationIds, ...byMembership.flatMap((m) => (m.organisationId ? [m.organisationId] : []))])];
  const [persons, orgs] = await Promise.all([allPeople.length ? listPeopleNames(db, allPeople) : [], allOrgs.length ? listOrganisationNames(db, allOrgs) : []]);
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
  return listStaffUsersByName(db);
}
