import type { Database } from "../../../db/client";
import { pingDatabase } from "./health.queries.server";

export interface Health {
  ok: boolean;
  database: "up" | "down";
  latencyMs: number;
  error?: string;
}

/** Asks the database a trivial question, giving up after `timeoutMs`. */
export async function checkHealth(db: Database, timeoutMs = 2000): Promise<Health> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      pingDatabase(db),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, database: "up", latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return {
      ok: false,
      database: "down",
      latencyMs: Math.round(performance.now() - started),
      error: error instanceof Error ? error.message : String(error),
    };
  } finally {
    clearTimeout(timer);
  }
}
