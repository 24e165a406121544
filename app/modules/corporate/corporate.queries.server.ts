/**
 * Drizzle only: organisations, their contacts and seats, and the sponsors page
 * (corporate.server.ts, seats.server.ts, staff-corporate.server.ts, corporate-billing.server.ts).
 * `db` may be a transaction.
 */
import { and, asc, count, desc, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import {
  emailOutbox,
  memberships,
  organisationContacts,
  organisations,
  people,
  tierPrices,
  tiers,
  type MembershipStatus,
  type NewMembership,
} from "../../../db/schema";

type NewOrganisation = typeof organisations.$inferInsert;
type NewOrganisationContact = typeof organisationContacts.$inferInsert;
type ContactRole = NewOrganisationContact["role"];

// ---------------------------------------------------------------- organisations

/** A new organisation; the row. */
export async function insertOrganisation(tx: DbOrTx, values: NewOrganisation) {
  const [row] = await tx.insert(organisations).values(values).returning();
  return row!;
}

/** Sets columns of an organisation (and its updated time). */
export async function updateOrganisation(tx: DbOrTx, id: string, values: Partial<NewOrganisation>) {
  await tx
    .update(organisations)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(organisations.id, id));
}

/** An organisation learns its Stripe customer, unless it has one already. */
export async function updateOrganisationStripeCustomerIfUnset(tx: DbOrTx, id: string, customerId: string) {
  await tx
    .update(organisations)
    .set({ stripeCustomerId: customerId, updatedAt: new Date() })
    .where(and(eq(organisations.id, id), isNull(organisations.stripeCustomerId)));
}

/** Removes an organisation that has no Stripe customer yet. */
export async function deleteOrganisationWithoutCustomer(tx: DbOrTx, id: string) {
  await tx.delete(organisations).where(and(eq(organisations.id, id), sql`${organisations.stripeCustomerId} is null`));
}

/** An organisation locked until the transaction ends, or null. */
export async function lockOrganisation(tx: DbOrTx, id: string) {
  const [row] = await tx.select().from(organisations).where(eq(organisations.id, id)).for("update");
  return row ?? null;
}

// ---------------------------------------------------------------- contacts

/** An organisation's contacts (every role, seats too) with their people. */
export function listOrganisationContacts(db: DbOrTx, organisationId: string) {
  return db
    .select({ role: organisationContacts.role, person: people })
    .from(organisationContacts)
    .innerJoin(people, eq(people.id, organisationContacts.personId))
    .where(eq(organisationContacts.organisationId, organisationId));
}

/** New contacts of organisations. */
export async function insertOrganisationContacts(tx: DbOrTx, values: NewOrganisationContact[]) {
  await tx.insert(organisationContacts).values(values);
}

/** The person in a contact role of an organisation, or null. */
export async function getOrganisationContactPerson(tx: DbOrTx, organisationId: string, role: ContactRole) {
  const [row] = await tx
    .select({ person: people })
    .from(organisationContacts)
    .innerJoin(people, eq(people.id, organisationContacts.personId))
    .where(and(eq(organisationContacts.organisationId, organisationId), eq(organisationContacts.role, role)));
  return row?.person ?? null;
}

/** A person linked to an organisation (a contact in any role, or a seat holder), or null. */
export async function findOrganisationPerson(tx: DbOrTx, organisationId: string, personId: string) {
  const [row] = await tx
    .select({ person: people })
    .from(people)
    .innerJoin(organisationContacts, eq(organisationContacts.personId, people.id))
    .where(and(eq(people.id, personId), eq(organisationContacts.organisationId, organisationId)))
    .limit(1);
  return row?.person ?? null;
}

/** Removes an organisation's contacts in a role. */
export async function deleteOrganisationContacts(tx: DbOrTx, organisationId: string, role: ContactRole) {
  await tx.delete(organisationContacts).where(and(eq(organisationContacts.organisationId, organisationId), eq(organisationContacts.role, role)));
}

/** A person's seat contact of an organisation, accepted now (again, when there is one already). */
export async function upsertSeatContact(tx: DbOrTx, contact: { organisationId: string; personId: string; invitedAt: Date }) {
  await tx
    .insert(organisationContacts)
    .values({ organisationId: contact.organisationId, personId: contact.personId, role: "seat", invitedAt: contact.invitedAt, acceptedAt: new Date() })
    .onConflictDoUpdate({
      target: [organisationContacts.organisationId, organisationContacts.personId, organisationContacts.role],
      set: { acceptedAt: new Date() },
    });
}

/** Removes a person's seat contact of an organisation. */
export async function deleteSeatContact(tx: DbOrTx, organisationId: string, personId: string) {
  await tx
    .delete(organisationContacts)
    .where(and(eq(organisationContacts.organisationId, organisationId), eq(organisationContacts.personId, personId), eq(organisationContacts.role, "seat")));
}

// ---------------------------------------------------------------- sponsors

/** A company membership with its organisation, tier and price (null when it has none), or null. */
export async function getSponsorMembership(db: DbOrTx, membershipId: string) {
  const rows = await db
    .select({ membership: memberships, organisation: organisations, tier: tiers, price: tierPrices })
    .from(memberships)
    .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
    .innerJoin(tiers, eq(tiers.id, memberships.tierId))
    .leftJoin(tierPrices, eq(tierPrices.id, memberships.priceId))
    .where(eq(memberships.id, membershipId));
  return rows[0] ?? null;
}

/** Companies on the sponsors page (opted in, a company membership in `statuses`): one row each, with its highest tier. */
export function listSponsorRows(db: DbOrTx, statuses: readonly MembershipStatus[]) {
  return db
    .selectDistinctOn([organisations.id], {
      id: organisations.id,
      nameEn: organisations.legalNameEn,
      nameJa: organisations.legalNameJa,
      website: organisations.website,
      hasLogo: sql<boolean>`${organisations.logo} is not null`,
      updatedAt: organisations.updatedAt,
      tierSlug: tiers.slug,
      tierNameEn: tiers.nameEn,
      tierNameJa: tiers.nameJa,
      sortOrder: tiers.sortOrder,
    })
    .from(memberships)
    .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
    .innerJoin(tiers, eq(tiers.id, memberships.tierId))
    .where(and(eq(organisations.showOnSponsorsPage, true), inArray(memberships.status, [...statuses]), sql`${memberships.seatOfMembershipId} is null`))
    .orderBy(asc(organisations.id), desc(tiers.sortOrder));
}

/** The logo of an organisation shown on the sponsors page with a current membership (bytes and type, either may be null), or null. */
export async function getShownSponsorLogo(db: DbOrTx, organisationId: string) {
  const rows = await db
    .select({ logo: organisations.logo, mime: organisations.logoMime })
    .from(organisations)
    .where(
      and(
        eq(organisations.id, organisationId),
        eq(organisations.showOnSponsorsPage, true),
        sql`exists (select 1 from memberships m where m.organisation_id = ${organisations.id} and m.status in ('active','past_due','comped'))`,
      ),
    );
  return rows[0] ?? null;
}

/** An organisation's SVG logo replaced by its PNG (left alone when it is no longer an SVG). */
export async function updateOrganisationLogoFromSvg(db: DbOrTx, id: string, png: Buffer) {
  await db
    .update(organisations)
    .set({ logo: png, logoMime: "image/png" })
    .where(and(eq(organisations.id, id), eq(organisations.logoMime, "image/svg+xml")));
}

// ---------------------------------------------------------------- seats

/** A company membership (not a seat) with its organisation and tier; the membership locked with `lock`; or null. */
export async function getCompanyMembership(db: DbOrTx, membershipId: string, lock = false) {
  const query = db
    .select({ membership: memberships, organisation: organisations, tier: tiers })
    .from(memberships)
    .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
    .innerJoin(tiers, eq(tiers.id, memberships.tierId))
    .where(and(eq(memberships.id, membershipId), sql`${memberships.seatOfMembershipId} is null`));
  const rows = lock ? await query.for("update", { of: memberships }) : await query;
  return rows[0] ?? null;
}

/** A company membership (not a seat) of an organisation, or null. */
export async function getOrganisationMembership(db: DbOrTx, organisationId: string, membershipId: string) {
  const [row] = await db
    .select()
    .from(memberships)
    .where(and(eq(memberships.id, membershipId), eq(memberships.organisationId, organisationId), isNull(memberships.seatOfMembershipId)));
  return row ?? null;
}

/** A membership's organisation id (null for a person's), or null when there is no such membership. */
export async function getMembershipOrganisationId(tx: DbOrTx, id: string) {
  const [row] = await tx.select({ organisationId: memberships.organisationId }).from(memberships).where(eq(memberships.id, id));
  return row ?? null;
}

/** How many seats of a company membership are taken (seats not canceled). */
export async function countSeatsUsed(db: DbOrTx, membershipId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(memberships)
    .where(and(eq(memberships.seatOfMembershipId, membershipId), ne(memberships.status, "canceled")));
  return row!.n;
}

/** A company membership's seat holders (seats not canceled), oldest seat first. */
export function listSeatHolders(db: DbOrTx, membershipId: string) {
  return db
    .select({
      seatMembershipId: memberships.id,
      status: memberships.status,
      familyName: people.familyName,
      givenName: people.givenName,
      email: people.email,
    })
    .from(memberships)
    .innerJoin(people, eq(people.id, memberships.personId))
    .where(and(eq(memberships.seatOfMembershipId, membershipId), ne(memberships.status, "canceled")))
    .orderBy(memberships.createdAt);
}

/**
 * Seat invitations sent for an organisation in the last `days` (while their links work) that no
 * seat of this membership has come from since (accepted, even if later removed): the newest per address.
 */
export async function listPendingSeatInvitations(db: DbOrTx, organisationId: string, membershipId: string, days: number) {
  const rows = await db.execute(sql`
    select distinct on (lower(o.to_email)) o.to_email as email, o.created_at as "sentAt"
    from ${emailOutbox} o
    where o.template = 'seat-invitation' and o.organisation_id = ${organisationId}
      and o.created_at > now() - make_interval(days => ${days})
      and not exists (
        select 1 from ${memberships} m join ${people} p on p.id = m.person_id
        where m.seat_of_membership_id = ${membershipId} and m.created_at >= o.created_at and lower(p.email) = lower(o.to_email))
    order by lower(o.to_email), o.created_at desc`);
  return (rows as unknown as { email: string; sentAt: string | Date }[])
    .map((r) => ({ email: r.email, sentAt: new Date(r.sentAt) }))
    .sort((a, b) => b.sentAt.getTime() - a.sentAt.getTime());
}

/** Every seat holder of an organisation's memberships (canceled seats too), oldest seat first, since they started (or were created). */
export function listOrganisationSeats(db: DbOrTx, organisationId: string) {
  return db
    .select({
      membershipId: memberships.id,
      personId: people.id,
      familyName: people.familyName,
      givenName: people.givenName,
      email: people.email,
      preferredLocale: people.preferredLocale,
      status: memberships.status,
      since: sql<Date>`coalesce(${memberships.startedAt}, ${memberships.createdAt})`,
    })
    .from(memberships)
    .innerJoin(people, eq(people.id, memberships.personId))
    .where(sql`${memberships.seatOfMembershipId} in (select id from ${memberships} m where m.organisation_id = ${organisationId})`)
    .orderBy(asc(memberships.createdAt));
}

/** A company membership's seat (not canceled) held by the person with this email (lower case), its id; or null. */
export async function findSeatByEmail(tx: DbOrTx, membershipId: string, email: string) {
  const [row] = await tx
    .select({ id: memberships.id })
    .from(memberships)
    .innerJoin(people, eq(people.id, memberships.personId))
    .where(and(eq(memberships.seatOfMembershipId, membershipId), ne(memberships.status, "canceled"), sql`lower(${people.email}) = ${email}`));
  return row ?? null;
}

/** A company membership's seat (not canceled) held by this person, its id; or null. */
export async function findSeatOfPerson(tx: DbOrTx, membershipId: string, personId: string) {
  const [row] = await tx
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.seatOfMembershipId, membershipId), eq(memberships.personId, personId), ne(memberships.status, "canceled")));
  return row ?? null;
}

/** A new seat membership; its id. */
export async function insertSeatMembership(tx: DbOrTx, values: NewMembership) {
  const [row] = await tx.insert(memberships).values(values).returning({ id: memberships.id });
  return row!;
}

/** A seat of a company membership, locked until the transaction ends, or null. */
export async function lockSeat(tx: DbOrTx, seatMembershipId: string, membershipId: string) {
  const [row] = await tx
    .select()
    .from(memberships)
    .where(and(eq(memberships.id, seatMembershipId), eq(memberships.seatOfMembershipId, membershipId)))
    .for("update");
  return row ?? null;
}
