/**
 * The one place a PostgreSQL connection is made. Callers pass the handle down:
 * query functions take `db` (or a transaction `tx`) as their first argument.
 */
import type { QueryPromise } from "drizzle-orm";
import type { PgDialect } from "drizzle-orm/pg-core";
import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import { PostgresJsSession, PostgresJsTransaction } from "drizzle-orm/postgres-js/session";
import net from "node:net";
import postgres from "postgres";
import * as schema from "./schema";

export type Database = PostgresJsDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** A database handle or an open transaction: what query functions accept. */
export type DbOrTx = Database | Tx;

export interface DatabaseHandle {
  db: Database;
  sql: postgres.Sql;
  close: () => Promise<void>;
}

/**
 * postgres.js leaves Nagle's algorithm on, so a query written in more than one segment waits
 * for the server's delayed ACK; this connects with TCP_NODELAY (Unix sockets are unaffected).
 */
function connectNoDelay(options: { host: string[]; port: number[]; path?: string }): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = options.path ? net.connect({ path: options.path }) : net.connect({ host: options.host[0], port: options.port[0]!, noDelay: true });
    socket.once("connect", () => {
      socket.removeListener("error", reject);
      resolve(socket);
    });
    socket.once("error", reject);
  });
}

/**
 * Drizzle runs its queries through postgres.js's `unsafe` with `prepare: false`; postgres.js
 * then sends every query with parameters in two round trips (Parse/Describe, then
 * Bind/Execute) and PostgreSQL parses and plans it each time. Here they are prepared instead:
 * postgres.js keeps one named statement per query text on each connection (connections are
 * replaced every 30–60 minutes, max_lifetime, which bounds that cache), so a repeated query is
 * one round trip and no parsing. Transactions and savepoints hand out the same kind of client.
 */
export function preparedByDefault(sql: postgres.Sql): postgres.Sql {
  return new Proxy(sql, {
    get(target, property) {
      if (property === "unsafe") {
        return (query: string, params?: unknown[], options?: postgres.UnsafeQueryOptions) =>
          target.unsafe(query, params as postgres.ParameterOrJSON<never>[], params?.length ? { ...options, prepare: true } : options);
      }
      if (property === "begin" || property === "savepoint") {
        return (...args: unknown[]) => {
          const callback = args.pop() as (client: postgres.Sql) => unknown;
          const method = Reflect.get(target, property, target) as (...a: unknown[]) => unknown;
          return method.call(target, ...args, (client: postgres.Sql) => callback(preparedByDefault(client)));
        };
      }
      return Reflect.get(target, property, target);
    },
  });
}

/**
 * A transaction whose BEGIN goes out with its first statements and whose COMMIT goes out with
 * its last ones, on a reserved connection: two round trips fewer than `db.transaction`, which
 * waits for BEGIN's answer before the first statement and for the last statements' answers
 * before COMMIT. `work` runs the transaction's statements and returns the last ones not yet
 * sent (`last`: drizzle statements, which are sent when first awaited; a function that sends
 * more statements after awaiting a first would send them after COMMIT, so it cannot be passed);
 * they are sent in that order and COMMIT right behind them. Each statement is its own protocol
 * message sequence, so a failing one makes every later one fail ("current transaction is
 * aborted") and COMMIT becomes ROLLBACK: nothing of the transaction stays, and the error is thrown.
 * No savepoints (`tx.transaction`) inside.
 */
export async function pipelinedTransaction<T>(
  db: Database,
  work: (tx: Tx) => Promise<{ result: T; last: QueryPromise<unknown>[] }>,
  options: { genericPlans?: boolean } = {},
): Promise<T> {
  const client = (db as unknown as { $client: postgres.Sql }).$client;
  const reserved = await client.reserve();
  try {
    // Sent now (a postgres.js query goes out once awaited or caught), so it is queued ahead of
    // every statement of `work`, which take more microtask hops to reach the connection.
    const begin = reserved.unsafe("begin");
    begin.catch(() => {});
    // genericPlans: the transaction's prepared statements run on their generic plans (planned
    // once per connection) instead of being planned again for each set of parameters, which
    // PostgreSQL otherwise keeps doing for a statement whose parameters are arrays.
    const setting = options.genericPlans ? reserved.unsafe("set local plan_cache_mode = force_generic_plan") : null;
    setting?.catch(() => {});
    // The drizzle transaction object drizzle's own transaction() builds, over this connection.
    const base = (db as unknown as { session: { dialect: PgDialect; schema: never; options: never } }).session;
    const tx = new PostgresJsTransaction(
      base.dialect,
      new PostgresJsSession(preparedByDefault(reserved) as never, base.dialect, base.schema, base.options),
      base.schema,
    ) as Tx;
    try {
      const { result, last } = await work(tx);
      // Statements are sent when first awaited, a few microtasks later (drizzle's and
      // postgres.js's own promise hops): once every last statement is awaited here and those
      // microtasks have run (an immediate runs after them, and costs no round trip), all of them
      // are queued on the connection ahead of COMMIT.
      const settled = Promise.all([begin, ...(setting ? [setting] : []), ...last]);
      settled.catch(() => {});
      await new Promise((resolve) => setImmediate(resolve));
      const commit = reserved.unsafe("commit");
      commit.catch(() => {});
      await settled;
      const done = await commit;
      if (done.command !== "COMMIT") throw new Error(`the transaction ended with ${done.command}`);
      return result;
    } catch (error) {
      // After a failed statement (or COMMIT turned ROLLBACK) this only ends what is still open.
      await reserved.unsafe("rollback").catch(() => {});
      throw error;
    }
  } finally {
    reserved.release();
  }
}

export function connect(url: string, options: { max?: number } = {}): DatabaseHandle {
  const sql = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connection: { application_name: "kizuna" },
    ...({ socket: connectNoDelay } as object),
  });
  const db = drizzle({ client: preparedByDefault(sql), schema, casing: "snake_case" });
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
}

/** postgres.js URL for logging: the password replaced. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable URL)";
  }
}
