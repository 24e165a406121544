/** What the billing commands share: configuration and a database connection. */
import { connect, type DatabaseHandle } from "../../../../db/client";
import { embeddedDatabaseUrl } from "../../../../db/embedded";
import { EnvError, parseEnv, type Env } from "../../config/env.server";

export function commandEnv(): Env {
  try {
    return parseEnv(process.env);
  } catch (error) {
    console.error(error instanceof EnvError ? error.message : String(error));
    process.exit(1);
  }
}

/** DATABASE_URL, or the embedded database of an app running with the same DATA_DIR/EMBEDDED_PG_PORT. */
export function commandDatabase(env: Env): DatabaseHandle {
  return connect(env.DATABASE_URL ?? embeddedDatabaseUrl(env.EMBEDDED_PG_PORT), { max: 2 });
}

export function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
