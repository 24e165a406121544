/**
 * Backup and restore at 100,000 members (with payments): `pg_dump -Fc` to a file, then
 * `pg_restore` into an empty database, each timed, with the dump's size and a check that every
 * table came back with the same number of rows. Needs pg_dump/pg_restore of the server's major
 * version: BENCH_DATABASE_URL or TEST_DATABASE_URL (e.g. the machine's PostgreSQL 15). The
 * embedded server is newer than Debian's client, so without one of them this prints why it
 * cannot run. BENCH_BACKUP_MEMBERS changes the count.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { connect } from "../../db/client";
import { generateMembers } from "../../db/demo-members";
import { applyMigrations } from "../../db/migrate";
import { seed } from "../../db/seed";

const MEMBERS = Number(process.env.BENCH_BACKUP_MEMBERS ?? 100_000);

async function counts(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const tables = await sql<
      { name: string }[]
    >`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`;
    const out: Record<string, number> = {};
    for (const { name } of tables) out[name] = Number((await sql.unsafe(`select count(*) as n from "${name}"`))[0]!.n);
    return out;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export async function benchBackup() {
  const server = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!server) {
    console.log(
      "  skipped: set TEST_DATABASE_URL (or BENCH_DATABASE_URL) to a server whose major version matches this machine's pg_dump; the embedded server is newer than Debian's client",
    );
    return;
  }
  const name = `kizuna_bench_backup_${Date.now().toString(36)}`;
  const urlOf = (db: string) => Object.assign(new URL(server), { pathname: `/${db}` }).toString();
  const admin = postgres(server, { max: 1, onnotice: () => {} });
  const dir = mkdtempSync(path.join(os.tmpdir(), "kizuna-backup-"));
  try {
    await admin.unsafe(`create database "${name}"`);
    await admin.unsafe(`create database "${name}_restored" template template0`);
    await applyMigrations(urlOf(name));
    const handle = connect(urlOf(name), { max: 2 });
    await seed(handle.db);
    await generateMembers(handle.sql, MEMBERS, { payments: true });
    await handle.close();
    const before = await counts(urlOf(name));
    const file = path.join(dir, "kizuna.dump");
    let t = performance.now();
    execFileSync("pg_dump", ["-Fc", "--no-owner", "--no-privileges", "-f", file, urlOf(name)]);
    const dumpMs = performance.now() - t;
    t = performance.now();
    execFileSync("pg_restore", ["--exit-on-error", "--no-owner", "--no-privileges", "-j", "2", "-d", urlOf(`${name}_restored`), file]);
    const restoreMs = performance.now() - t;
    const after = await counts(urlOf(`${name}_restored`));
    const same = JSON.stringify(before) === JSON.stringify(after);
    console.log(
      `  ${MEMBERS.toLocaleString("en-US")} members (${before.people} people, ${before.payments} payments, ${before.receipts} receipts) on ${new URL(server).host}`,
    );
    console.log(
      `  pg_dump -Fc: ${(dumpMs / 1000).toFixed(1)} s, ${(statSync(file).size / 1e6).toFixed(1)} MB; pg_restore -j 2: ${(restoreMs / 1000).toFixed(1)} s; round trip ${((dumpMs + restoreMs) / 1000).toFixed(1)} s`,
    );
    console.log(`  every table restored with the same row count: ${same ? "yes" : `NO: ${JSON.stringify({ before, after })}`}`);
  } finally {
    for (const db of [name, `${name}_restored`]) await admin.unsafe(`drop database if exists "${db}" with (force)`);
    await admin.end({ timeout: 5 });
    rmSync(dir, { recursive: true, force: true });
  }
}
