/**
 * Staff console figures: member exports at N = 10,000 / 100,000 / 1,000,000 as CSV and XLSX
 * (wall time, rows/s, time to first byte, the exporting process's peak RSS), with psql's
 * `\copy (same SELECT) TO STDOUT CSV` as the ceiling, and member-search p95 over 100,000.
 *
 * BENCH_SIZES=10000,100000 limits the sizes. Uses TEST_DATABASE_URL's server when set,
 * otherwise an embedded PostgreSQL; makes its own database and drops it.
 */
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import postgres from "postgres";
import { PgDialect } from "drizzle-orm/pg-core";
import { connect } from "../../db/client";
import { generateMembers } from "../../db/demo-members";
import { applyMigrations } from "../../db/migrate";
import { seed } from "../../db/seed";
import { staffUsers } from "../../db/schema";
import { PRESET_COLUMNS } from "../../app/modules/exports/exports.server";
import { memberSelectSql } from "../../app/modules/members/members.queries.server";
import { getMemberList } from "../../app/modules/members/members.server";
import { startTestPgServer } from "../setup/pg-server";
import { NODE_HEAP_FLAGS } from "../../app/server/node-flags";

const root = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);

interface ChildResult {
  rows: number;
  bytes: number;
  firstByteMs: number;
  wallMs: number;
  baseRssMb: number;
  maxRssMb: number;
  peakHeapMb: number;
}

function exportInChild(url: string, staffId: string, format: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...NODE_HEAP_FLAGS, "--import", "tsx", "tests/bench/export-child.ts", url, staffId, format], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    child.once("exit", (code) => {
      const line = out.trim().split("\n").at(-1) ?? "";
      if (code === 0) resolve(JSON.parse(line) as ChildResult);
      else reject(new Error(`export child exited ${code}:\n${out}`));
    });
  });
}

/** The export's own SELECT with its parameters inlined, for psql's \copy. */
function copySql(): string {
  const { sql, params } = new PgDialect({ casing: "snake_case" }).sqlToQuery(memberSelectSql({ sort: "name", dir: "asc" }, "ja"));
  const inner = sql.replace(/\$(\d+)/g, (_, n: string) => `'${String(params[Number(n) - 1]).replace(/'/g, "''")}'`);
  // The roll preset's columns, as the CSV export writes them.
  return `select ${PRESET_COLUMNS.roll.map((c) => `"${c}"`).join(", ")} from (${inner}) s`.replace(/\s+/g, " ");
}

async function psqlCeiling(url: string): Promise<{ wallMs: number; bytes: number }> {
  const started = performance.now();
  const { stdout } = await run("bash", ["-c", `psql "$1" -Atc "$2" | wc -c`, "psql", url, `\\copy (${copySql()}) TO STDOUT CSV HEADER`], {
    maxBuffer: 1 << 20,
  });
  return { wallMs: performance.now() - started, bytes: Number(stdout.trim()) };
}

const fmt = (n: number, d = 0) => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });

async function searchP95(db: Parameters<typeof getMemberList>[0]): Promise<{ p50: number; p95: number; max: number; queries: number }> {
  const terms = [
    "佐藤",
    "さとう",
    "サトウ",
    "sato",
    "tanaka",
    "田中 太郎",
    "yamada hanako",
    "smith",
    "o'brien",
    "4243@example.jp",
    "-4242@",
    "kizuna",
    "Sakura Trading",
    "さくら",
    "はな",
    "jennifer",
    "garcia",
    "林",
    "ken",
    "渡辺",
  ];
  const extra = ["", "&status=active", "&country=JP", "&type=corporate", "&sort=joined&dir=desc"];
  const times: number[] = [];
  for (let round = 0; round < 2; round++) {
    for (const term of terms) {
      for (const e of extra) {
        const params = new URLSearchParams(`q=${encodeURIComponent(term)}${e}`);
        const started = performance.now();
        await getMemberList(db, params, "ja");
        if (round === 1) times.push(performance.now() - started);
      }
    }
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  return { p50: at(0.5), p95: at(0.95), max: times.at(-1)!, queries: times.length };
}

export async function benchMembers(): Promise<void> {
  const sizes = (process.env.BENCH_SIZES ?? "10000,100000,1000000")
    .split(",")
    .map(Number)
    .filter((n) => n > 0)
    .sort((a, b) => a - b);
  const server = await startTestPgServer();
  const name = `kizuna_bench_${randomBytes(3).toString("hex")}`;
  const admin = postgres(server.url("postgres"), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = server.url(name);
  console.log(`  database: ${server.label}, ${name}`);
  const handle = connect(url, { max: 4 });
  try {
    await applyMigrations(url);
    await seed(handle.db);
    const [staff] = await handle.db.insert(staffUsers).values({ email: "bench@kizuna.example", name: "Bench", role: "staff", locale: "ja" }).returning();
    let have = 0;
    for (const n of sizes) {
      const gen = await generateMembers(handle.sql, n - have);
      have = n;
      console.log(`\n  N = ${fmt(n)} members (generated ${fmt(gen.people + gen.organisations)} more in ${gen.seconds.toFixed(1)} s)`);
      if (n === 100_000 || (sizes.length === 1 && n < 100_000)) {
        const s = await searchP95(handle.db);
        console.log(
          `    member search (${s.queries} queries: kanji, kana, romaji, email, company, with filters; page + count): p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, max ${s.max.toFixed(1)} ms`,
        );
      }
      const ceiling = await psqlCeiling(url);
      const ceilingRate = n / (ceiling.wallMs / 1000);
      console.log(
        `    psql \\copy (same SELECT, roll columns) TO STDOUT CSV: ${(ceiling.wallMs / 1000).toFixed(2)} s, ${fmt(ceilingRate)} rows/s, ${fmt(ceiling.bytes / 2 ** 20, 1)} MiB`,
      );
      for (const format of ["csv", "xlsx"]) {
        const r = await exportInChild(url, staff!.id, format);
        const rate = r.rows / (r.wallMs / 1000);
        console.log(
          `    ${format.toUpperCase().padEnd(4)} ${fmt(r.rows)} rows: ${(r.wallMs / 1000).toFixed(2)} s, ${fmt(rate)} rows/s (${((rate / ceilingRate) * 100).toFixed(0)}% of psql), first byte ${r.firstByteMs.toFixed(0)} ms, ${fmt(r.bytes / 2 ** 20, 1)} MiB, peak RSS ${fmt(r.maxRssMb, 0)} MB (at start ${fmt(r.baseRssMb, 0)} MB; peak JS heap + buffers ${fmt(r.peakHeapMb, 0)} MB)`,
        );
      }
    }
  } finally {
    await handle.close();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end({ timeout: 5 });
    await server.stop();
  }
}
