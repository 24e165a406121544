/**
 * People by email: the one place that finds a person by address and the one find-or-create.
 * An address is one person whatever its case (the unique index people_email_lower).
 */
import { sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { people, type NewPerson, type Person } from "../../../db/schema";

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
