/**
 * Applies db/migrations (drizzle-kit output) under an advisory lock, so several app
 * instances starting at once migrate exactly once. `npm run db:migrate` runs it alone.
 */
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

export const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));
const LOCK_KEY = 0x6b697a75; // "kizu"

export async function applyMigrations(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${LOCK_KEY})`;
    try {
      await migrate(drizzle({ client: sql }), { migrationsFolder });
    } finally {
      await sql`select pg_advisory_unlock(${LOCK_KEY})`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("DATABASE_URL is not set: nothing to migrate (npm start migrates the embedded database itself).");
    process.exit(1);
  }
  applyMigrations(url).then(
    () => console.log("migrations applied"),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
