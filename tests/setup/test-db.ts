/**
 * A fresh database for one test file, cloned from the migrated template.
 *
 *   const t = useTestDatabase();       // in a describe or at the top of a file
 *   it("…", async () => { await t.db.select()… });
 */
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, beforeAll, inject } from "vitest";
import { connect, type Database, type DatabaseHandle } from "../../db/client";
import { seed } from "../../db/seed";

export interface TestDatabase {
  db: Database;
  url: string;
  name: string;
  handle: DatabaseHandle;
}

export async function createTestDatabase(options: { seed?: boolean } = {}): Promise<TestDatabase & { drop: () => Promise<void> }> {
  const adminUrl = inject("pgAdminUrl");
  const name = `${inject("pgRunPrefix")}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}" template "${inject("pgTemplate")}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = connect(url.toString(), { max: 5 });
  if (options.seed !== false) await seed(handle.db);
  return {
    db: handle.db,
    url: url.toString(),
    name,
    handle,
    drop: async () => {
      await handle.close();
      const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await a.end({ timeout: 5 });
      }
    },
  };
}

export function useTestDatabase(options: { seed?: boolean } = {}): TestDatabase {
  const holder = {} as TestDatabase;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const created = await createTestDatabase(options);
    drop = created.drop;
    Object.assign(holder, created);
  });
  afterAll(async () => {
    await drop?.();
  });
  return holder;
}
