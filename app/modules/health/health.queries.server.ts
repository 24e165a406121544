/** The health check's statement. */
import { sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";

/** Asks the database the most trivial question (`select 1`). */
export function pingDatabase(db: DbOrTx) {
  return db.execute(sql`select 1`);
}
