/**
 * The one place a PostgreSQL connection is made. Callers pass the handle down:
 * query functions take `db` (or a transaction `tx`) as their first argument.
 */
import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
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
    const socket = options.path
      ? net.connect({ path: options.path })
      : net.connect({ host: options.host[0], port: options.port[0]!, noDelay: true });
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
