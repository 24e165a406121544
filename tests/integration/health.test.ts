import { mkdtempSync, chmodSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { connect } from "../../db/client";
import { PortInUseError, startEmbedded } from "../../db/embedded";
import { parseEnv } from "~/modules/config/env.server";
import { loader as healthLoader } from "~/routes/healthz";
import { freePort } from "../setup/pg-server";

const env = parseEnv({ NODE_ENV: "test" });
const dir = mkdtempSync(path.join(os.tmpdir(), "kizuna-health-"));
chmodSync(dir, 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("embedded PostgreSQL and /healthz", () => {
  it("answers 200 while the database answers and 503 once it is stopped", async () => {
    const server = await startEmbedded({ dataDir: path.join(dir, "a"), port: await freePort(), durable: false });
    const handle = connect(server.url(), { max: 1 });
    try {
      const up = await healthLoader({ request: new Request("http://localhost/healthz"), params: {}, context: { db: handle.db, env } });
      expect(up.status).toBe(200);
      expect(await up.json()).toMatchObject({ ok: true, database: "up" });
      await server.stop();
      const down = await healthLoader({ request: new Request("http://localhost/healthz"), params: {}, context: { db: handle.db, env } });
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ ok: false, database: "down" });
      expect(down.headers.get("Cache-Control")).toBe("no-store");
    } finally {
      await handle.close().catch(() => {});
      await server.stop();
    }
  });

  it("reuses its data on a second start and is not blocked by a stale lock file", async () => {
    const dataDir = path.join(dir, "b");
    const port = await freePort();
    const first = await startEmbedded({ dataDir, port, durable: false });
    expect(first.initialised).toBe(true);
    const h1 = connect(first.url(), { max: 1 });
    await h1.sql`create table kept (v text)`;
    await h1.sql`insert into kept values ('still here')`;
    await h1.close();
    await first.stop();

    // A killed app leaves postmaster.pid naming a process that no longer exists.
    const lock = path.join(dataDir, "postmaster.pid");
    writeFileSync(lock, `999999\n${dataDir}\n`);
    const second = await startEmbedded({ dataDir, port, durable: false });
    try {
      expect(second.initialised).toBe(false);
      const h2 = connect(second.url(), { max: 1 });
      expect(await h2.sql`select v from kept`).toEqual([{ v: "still here" }]);
      await h2.close();
      expect(readFileSync(lock, "utf8").split("\n")[0]).not.toBe("999999");
    } finally {
      await second.stop();
    }
  });

  it("says clearly when its port is taken", async () => {
    const blocker = net.createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", () => resolve()));
    try {
      const error = await startEmbedded({ dataDir: path.join(dir, "c"), port, durable: false }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PortInUseError);
      expect(String((error as Error).message)).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(String((error as Error).message)).toContain("EMBEDDED_PG_PORT");
    } finally {
      blocker.close();
    }
  });
});
