/**
 * Statements behind sign-in (staff and members) and sessions: sign-in links and requests, sessions, staff users.
 */
import { and, count, eq, gt, isNotNull, isNull, lt, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { sessions, signInRequests, signInTokens, staffUsers, type StaffUser } from "../../../db/schema";

/** Stores a sign-in link (only its token's hash). */
export async function insertSignInToken(
  db: DbOrTx,
  values: ({ staffUserId: string } | { personId: string; codeHash: string }) & { tokenHash: string; expiresAt: Date; requestedIp: string | null },
): Promise<{ id: string }> {
  const [row] = await db.insert(signInTokens).values(values).returning({ id: signInTokens.id });
  return row!;
}

/** Deletes sign-in requests over a day old. */
export async function deleteOldSignInRequests(db: DbOrTx) {
  await db.delete(signInRequests).where(lt(signInRequests.at, sql`now() - interval '1 day'`));
}

/** How many sign-in requests an address (or an IP) made in the last `minutes`. */
export async function countRecentSignInRequests(db: DbOrTx, by: { email: string } | { ip: string }, minutes: number): Promise<number> {
  const since = sql`now() - make_interval(mins => ${minutes})`;
  const [row] = await db
    .select({ n: count() })
    .from(signInRequests)
    .where(and("email" in by ? eq(signInRequests.email, by.email) : eq(signInRequests.ip, by.ip), gt(signInRequests.at, since)));
  return row?.n ?? 0;
}

/** Records a sign-in request. */
export async function insertSignInRequest(db: DbOrTx, values: { email: string; ip: string | null }) {
  await db.insert(signInRequests).values(values);
}

/** The staff user whose address, lower-cased, is `lowerEmail` (active ones only with `activeOnly`), or null. */
export async function getStaffUserByEmail(db: DbOrTx, lowerEmail: string, options: { activeOnly?: boolean } = {}): Promise<StaffUser | null> {
  const byEmail = sql`lower(${staffUsers.email}) = ${lowerEmail}`;
  const [row] = await db
    .select()
    .from(staffUsers)
    .where(options.activeOnly ? and(byEmail, eq(staffUsers.active, true)) : byEmail);
  return row ?? null;
}

/** The active staff user with this id, or null. */
export async function getActiveStaffUser(db: DbOrTx, id: string): Promise<StaffUser | null> {
  const [row] = await db
    .select()
    .from(staffUsers)
    .where(and(eq(staffUsers.id, id), eq(staffUsers.active, true)));
  return row ?? null;
}

const pending = and(isNull(signInTokens.usedAt), gt(signInTokens.expiresAt, sql`now()`));
const subjectOf = (subject: "staff" | "person") => (subject === "staff" ? isNotNull(signInTokens.staffUserId) : isNotNull(signInTokens.personId));

/** The active staff user of an unused, unexpired sign-in token, or null. */
export async function getPendingSignInToken(db: DbOrTx, tokenHash: string) {
  const [row] = await db
    .select({ staffUserId: signInTokens.staffUserId })
    .from(signInTokens)
    .innerJoin(staffUsers, eq(staffUsers.id, signInTokens.staffUserId))
    .where(and(eq(signInTokens.tokenHash, tokenHash), pending, eq(staffUsers.active, true)));
  return row ?? null;
}

/**
 * Marks an unused, unexpired sign-in token of a staff user (or of a person) used; returns its
 * subject, or null when there was none. A member's link posted to the staff page is not used up.
 */
export async function updateSignInTokenUsed(db: DbOrTx, tokenHash: string, subject: "staff" | "person") {
  const [row] = await db
    .update(signInTokens)
    .set({ usedAt: sql`now()` })
    .where(and(eq(signInTokens.tokenHash, tokenHash), pending, subjectOf(subject)))
    .returning({ staffUserId: signInTokens.staffUserId, personId: signInTokens.personId });
  return row ?? null;
}

/** The person of an unused, unexpired member sign-in token, or null. */
export async function getPendingMemberToken(db: DbOrTx, tokenHash: string) {
  const [row] = await db
    .select({ personId: signInTokens.personId })
    .from(signInTokens)
    .where(and(eq(signInTokens.tokenHash, tokenHash), pending, subjectOf("person")));
  return row?.personId ? { personId: row.personId } : null;
}

/** An unused, unexpired member sign-in token by id, locked until the transaction ends; null otherwise. */
export async function lockMemberToken(tx: DbOrTx, id: string) {
  const [row] = await tx
    .select({
      id: signInTokens.id,
      personId: signInTokens.personId,
      tokenHash: signInTokens.tokenHash,
      codeHash: signInTokens.codeHash,
      codeAttempts: signInTokens.codeAttempts,
    })
    .from(signInTokens)
    .where(and(eq(signInTokens.id, id), pending, subjectOf("person")))
    .for("update");
  return row?.personId && row.codeHash ? { ...row, personId: row.personId, codeHash: row.codeHash } : null;
}

/** Counts a wrong code; at `limit` wrong codes the token is used up. */
export async function updateMemberTokenAttempt(tx: DbOrTx, id: string, limit: number) {
  await tx
    .update(signInTokens)
    .set({
      codeAttempts: sql`${signInTokens.codeAttempts} + 1`,
      usedAt: sql`case when ${signInTokens.codeAttempts} + 1 >= ${limit} then now() else null end`,
    })
    .where(eq(signInTokens.id, id));
}

/** Marks a member token used (its code was right). */
export async function updateMemberTokenUsed(tx: DbOrTx, id: string) {
  await tx
    .update(signInTokens)
    .set({ usedAt: sql`now()` })
    .where(eq(signInTokens.id, id));
}

/** Deletes sessions over a day past their end. */
export async function deleteExpiredSessions(db: DbOrTx) {
  await db.delete(sessions).where(lt(sessions.expiresAt, sql`now() - interval '1 day'`));
}

/** Stores a session (its id is the token's hash) for a staff user or a person. */
export async function insertSession(db: DbOrTx, values: ({ staffUserId: string } | { personId: string }) & { id: string; expiresAt: Date; ip: string | null }) {
  await db.insert(sessions).values(values);
}

/** A session neither revoked nor expired, with its staff user when active; null otherwise. */
export async function getLiveSession(db: DbOrTx, id: string) {
  const [row] = await db
    .select({ personId: sessions.personId, staff: staffUsers })
    .from(sessions)
    .leftJoin(staffUsers, and(eq(staffUsers.id, sessions.staffUserId), eq(staffUsers.active, true)))
    .where(and(eq(sessions.id, id), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date())));
  return row ?? null;
}

/** Revokes a session unless it already is. */
export async function updateSessionRevoked(db: DbOrTx, id: string) {
  await db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.id, id), isNull(sessions.revokedAt)));
}

/** Revokes every session of a staff user not revoked yet. */
export async function updateStaffSessionsRevoked(db: DbOrTx, staffUserId: string) {
  await db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.staffUserId, staffUserId), isNull(sessions.revokedAt)));
}

/** Revokes every session of a person not revoked yet. */
export async function updatePersonSessionsRevoked(db: DbOrTx, personId: string) {
  await db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.personId, personId), isNull(sessions.revokedAt)));
}

/** Updates a staff user; returns the row, or null when there is none. */
export async function updateStaffUser(db: DbOrTx, id: string, values: Partial<Pick<StaffUser, "name" | "role" | "locale" | "active">>) {
  const [row] = await db.update(staffUsers).set(values).where(eq(staffUsers.id, id)).returning();
  return row ?? null;
}

/** Creates a staff user. */
export async function insertStaffUser(db: DbOrTx, values: { email: string; name: string; role: StaffUser["role"]; locale: StaffUser["locale"] }) {
  const [row] = await db.insert(staffUsers).values(values).returning();
  return row!;
}
