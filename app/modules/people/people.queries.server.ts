/**
 * People by email: the one place that finds a person by address and the one find-or-create.
 * An address is one person whatever its case (the unique index people_email_lower).
 * Also a person by id, their updates, and the details a public form kept for confirmation.
 */
import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { donations, memberships, people, type NewPerson, type Person, type SubmittedDetails } from "../../../db/schema";

const byEmail = (email: string) => sql`lower(${people.email}) = ${email.toLowerCase()}`;

/** The person with this address, or null; `lock` holds their row until the transaction ends. */
export async function findPersonByEmail(tx: DbOrTx, email: string, options: { lock?: boolean } = {}): Promise<Person | null> {
  const query = tx.select().from(people).where(byEmail(email));
  const [row] = options.lock ? await query.for("update") : await query;
  return row ?? null;
}

/**
 * The person with this address, or a new one made of `details` (someone already known keeps
 * their own details: forms that name a known person never rewrite them). Safe when two
 * requests name the same new address at once: the insert yields to the other's row instead of
 * failing on the unique index, and that row is returned, locked.
 */
export async function findOrCreatePerson(tx: DbOrTx, details: NewPerson & { email: string }): Promise<{ person: Person; created: boolean }> {
  const existing = await findPersonByEmail(tx, details.email, { lock: true });
  if (existing) return { person: existing, created: false };
  const [created] = await tx.insert(people).values(details).onConflictDoNothing().returning();
  if (created) return { person: created, created: true };
  return { person: (await findPersonByEmail(tx, details.email, { lock: true }))!, created: false };
}

/** Another person (not `exceptId`) with this address, as their id, or null. */
export async function findOtherPersonByEmail(tx: DbOrTx, email: string, exceptId: string): Promise<{ id: string } | null> {
  const [row] = await tx
    .select({ id: people.id })
    .from(people)
    .where(and(byEmail(email), sql`${people.id} <> ${exceptId}`));
  return row ?? null;
}

/** A person by id, or null. */
export async function getPersonById(db: DbOrTx, id: string): Promise<Person | null> {
  const [row] = await db.select().from(people).where(eq(people.id, id));
  return row ?? null;
}

/** A person by id, locked until the transaction ends, or null. */
export async function lockPerson(tx: DbOrTx, id: string): Promise<Person | null> {
  const [row] = await tx.select().from(people).where(eq(people.id, id)).for("update");
  return row ?? null;
}

/** Sets a person's columns (and updated_at); returns the row, or null when there is none. */
export async function updatePerson(tx: DbOrTx, id: string, values: Partial<NewPerson>): Promise<Person | null> {
  const [row] = await tx
    .update(people)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(people.id, id))
    .returning();
  return row ?? null;
}

type DetailsKind = "membership" | "gift";

const detailsTable = (kind: DetailsKind) => (kind === "membership" ? memberships : donations);

/** A membership's or gift's person and the details kept with it for confirmation, or null. */
export async function getSubmittedDetails(
  db: DbOrTx,
  kind: DetailsKind,
  id: string,
): Promise<{ personId: string | null; pending: SubmittedDetails | null } | null> {
  const table = detailsTable(kind);
  const [row] = await db.select({ personId: table.personId, pending: table.submittedDetails }).from(table).where(eq(table.id, id));
  return row ?? null;
}

/** The details kept with a membership or gift, its row locked until the transaction ends, or null when there is no row. */
export async function lockSubmittedDetails(tx: DbOrTx, kind: DetailsKind, id: string): Promise<{ pending: SubmittedDetails | null } | null> {
  const table = detailsTable(kind);
  const [row] = await tx.select({ pending: table.submittedDetails }).from(table).where(eq(table.id, id)).for("update");
  return row ?? null;
}

/** Forgets the details kept with a membership or gift. */
export async function clearSubmittedDetails(tx: DbOrTx, kind: DetailsKind, id: string): Promise<void> {
  const table = detailsTable(kind);
  await tx.update(table).set({ submittedDetails: null }).where(eq(table.id, id));
}
