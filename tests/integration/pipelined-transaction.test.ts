/**
 * pipelinedTransaction (db/client.ts): BEGIN travels with the first statements and COMMIT with
 * the last ones. What must hold: all or nothing, whichever statement fails, and the connection
 * goes back to the pool with no transaction open.
 */
import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { PostgresJsSession, PostgresJsTransaction } from "drizzle-orm/postgres-js/session";
import { beforeAll, describe, expect, it } from "vitest";
import { pipelinedTransaction } from "../../db/client";
import { people } from "../../db/schema";
import { useTestDatabase } from "../setup/test-db";

const t = useTestDatabase({ seed: false });

async function rows() {
  return (await t.db.execute<{ v: number }>(sql`select v from pipelined order by v`)).map((row) => row.v);
}
/** The database's own message (drizzle wraps it as the cause of "Failed query: …"). */
async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { cause?: Error };
    return e.cause?.message ?? e.message;
  }
  throw new Error("expected the transaction to fail");
}
const insert = (tx: Parameters<Parameters<typeof pipelinedTransaction>[1]>[0], v: number) => tx.execute(sql`insert into pipelined (v) values (${v})`);

describe("pipelinedTransaction", () => {
  beforeAll(async () => {
    await t.db.execute(sql`create table pipelined (v int primary key check (v > 0))`);
  });

  // db/client.ts builds drizzle's transaction object itself, from drizzle's private session
  // (dialect, schema, options) and its postgres.js client. Any other drizzle-orm version must be
  // read again before it is used here: this fails first, naming what changed.
  it("is pinned to drizzle-orm 0.45.4, whose private session it reuses", async () => {
    const manifest = JSON.parse(readFileSync(new URL("../../node_modules/drizzle-orm/package.json", import.meta.url), "utf8")) as { version: string };
    expect(manifest.version).toBe("0.45.4");
    const internals = t.db as unknown as { $client?: unknown; session?: { dialect?: unknown; schema?: unknown; options?: unknown } };
    expect(typeof internals.$client).toBe("function");
    expect(internals.session?.dialect).toBeDefined();
    expect(internals.session?.schema).toBeDefined();
    expect(internals.session).toBeInstanceOf(PostgresJsSession);
    expect(String(PostgresJsSession)).toContain("constructor(client, dialect, schema, options = {})");
    expect(String(PostgresJsTransaction)).toContain("constructor(dialect, session, schema, nestedIndex = 0)");
    // The transaction it builds does what drizzle's own does: builders, relational queries, SQL.
    const found = await pipelinedTransaction(t.db, async (tx) => ({
      result: [
        await tx.select({ id: people.id }).from(people).limit(1),
        await tx.query.people.findFirst(),
        (await tx.execute<{ one: number }>(sql`select 1 as one`))[0],
      ],
      last: [],
    }));
    expect(found).toEqual([[], undefined, { one: 1 }]);
  });

  it("commits every statement, the last ones with the COMMIT, and returns the result", async () => {
    const result = await pipelinedTransaction(t.db, async (tx) => {
      await insert(tx, 1);
      await insert(tx, 2);
      return { result: "done", last: [insert(tx, 3), insert(tx, 4)] };
    });
    expect(result).toBe("done");
    expect(await rows()).toEqual([1, 2, 3, 4]);
    await t.db.execute(sql`delete from pipelined`);
  });

  it("keeps nothing when a last statement fails (COMMIT becomes ROLLBACK) and throws its error", async () => {
    const message = await failure(
      pipelinedTransaction(t.db, async (tx) => {
        await insert(tx, 10);
        return { result: null, last: [insert(tx, 11), insert(tx, -1), insert(tx, 12)] };
      }),
    );
    expect(message).toMatch(/pipelined_v_check/);
    expect(await rows()).toEqual([]);
  });

  it("keeps nothing when the work fails after its statements, or a statement in the middle fails", async () => {
    await expect(
      pipelinedTransaction(t.db, async (tx) => {
        await insert(tx, 20);
        throw new Error("the handler gave up");
      }),
    ).rejects.toThrow("the handler gave up");
    const message = await failure(
      pipelinedTransaction(t.db, async (tx) => {
        await insert(tx, 21);
        await insert(tx, 21);
        return { result: null, last: [] };
      }),
    );
    expect(message).toMatch(/duplicate key/);
    expect(await rows()).toEqual([]);
  });

  it("plans its statements generically when asked, for that transaction only", async () => {
    const mode = (tx: Parameters<Parameters<typeof pipelinedTransaction>[1]>[0]) => tx.execute<{ plan_cache_mode: string }>(sql`show plan_cache_mode`);
    const inside = await pipelinedTransaction(t.db, async (tx) => ({ result: (await mode(tx))[0]!.plan_cache_mode, last: [] }), { genericPlans: true });
    expect(inside).toBe("force_generic_plan");
    // SET LOCAL ends with the transaction: the connection goes back to the pool as it was.
    const after = await Promise.all(
      Array.from({ length: 12 }, () => pipelinedTransaction(t.db, async (tx) => ({ result: (await mode(tx))[0]!.plan_cache_mode, last: [] }))),
    );
    expect(new Set(after)).toEqual(new Set(["auto"]));
  });

  it("hands its connections back with no transaction open: later work on every pooled connection commits", async () => {
    for (let i = 0; i < 3; i++) {
      await expect(pipelinedTransaction(t.db, async (tx) => ({ result: null, last: [insert(tx, 30 + i), insert(tx, -1)] }))).rejects.toThrow();
    }
    // More at once than the pool has connections, so each connection is used again.
    await Promise.all(Array.from({ length: 12 }, (_, i) => pipelinedTransaction(t.db, async (tx) => ({ result: null, last: [insert(tx, 100 + i)] }))));
    expect(await rows()).toEqual(Array.from({ length: 12 }, (_, i) => 100 + i));
    const open = await t.db.execute<{ n: number }>(
      sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`,
    );
    expect(open[0]!.n).toBe(0);
  });
});
