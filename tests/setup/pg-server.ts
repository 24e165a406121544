/**
 * The PostgreSQL server a test run uses: TEST_DATABASE_URL's when set (CI sets it to the
 * machine's PostgreSQL), otherwise an embedded one in a temporary directory on a free port.
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { startEmbedded } from "../../db/embedded";

export interface PgServer {
  /** URL of `database` on the server. */
  url: (database: string) => string;
  stop: () => Promise<void>;
  label: string;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export async function startTestPgServer(): Promise<PgServer> {
  const configured = process.env.TEST_DATABASE_URL;
  if (configured) {
    const base = new URL(configured);
    return {
      url: (database) => {
        const u = new URL(base);
        u.pathname = `/${database}`;
        return u.toString();
      },
      stop: async () => {},
      label: `TEST_DATABASE_URL (${base.host})`,
    };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "kizuna-test-pg-"));
  chmodSync(dir, 0o755); // as root, the cluster runs as the `postgres` user, who must reach it
  const server = await startEmbedded({ dataDir: path.join(dir, "pg"), port: await freePort(), durable: false });
  return {
    url: server.url,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    label: `embedded PostgreSQL on port ${server.port}`,
  };
}
