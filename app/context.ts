/** What the server hands every loader and action (see app/server/main.ts). */
import type { Database } from "../db/client";
import type { Env } from "./modules/config/env.server";

declare module "@remix-run/node" {
  interface AppLoadContext {
    db: Database;
    env: Env;
    /** The client's address as the server sees it (rate limits, audit); absent in tests. */
    clientIp?: string | null;
  }
}

export {};

declare module "@remix-run/server-runtime" {
  interface Future {
    v3_singleFetch: true;
  }
}
