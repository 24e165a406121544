/** What the billing commands share: configuration and a database connection. */
import { connect, type DatabaseHandle } from "../../../db/client";
import { embeddedDatabaseUrl } from "../../../db/embedded";
import { EnvError, parseEnv, type Env } from "../../modules/config/env.server";

export function commandEnv(): Env {
  try {
    return parseEnv(process.env);
  } catch (error) {
    console.error(error instanceof EnvError ? error.message : String(error));
    process.exit(1);
  }
}

/**
 * DATABASE_URL, or the embedded database of an app running with the same DATA_DIR/EMBEDDED_PG_PORT,
 * checked before any work: reachable, and migrated (a clear message instead of a raw SQL error).
 */
export async function commandDatabase(env: Env): Promise<DatabaseHandle> {
  const where = env.DATABASE_URL ? "the database at DATABASE_URL" : `the embedded database on port ${env.EMBEDDED_PG_PORT}`;
  const handle = connect(env.DATABASE_URL ?? embeddedDatabaseUrl(env.EMBEDDED_PG_PORT), { max: 2 });
  let migrated: boolean;
  try {
    const [row] = await handle.sql<{ table: string | null }[]>`select to_regclass('public.tier_prices')::text as table`;
    migrated = row?.table != null;
  } catch (error) {
    await handle.close();
    fail(
      `Could not connect to ${where}: ${(error as Error)?.message ?? error}. ${env.DATABASE_URL ? "Check DATABASE_URL." : "Is the app running (npm start) with the same DATA_DIR and EMBEDDED_PG_PORT?"}`,
    );
  }
  if (!migrated) {
    await handle.close();
    fail(
      `${where[0]!.toUpperCase()}${where.slice(1)} has no Kizuna tables yet. Run \`npm run db:migrate\` (and \`npm run db:seed\`) first, or start the app once: it migrates at start-up.`,
    );
  }
  return handle;
}

export function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
