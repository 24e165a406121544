/**
 * Year-end giving statements for 10,000 donors on real PostgreSQL: 10,000 donors with three
 * gifts each in 2026 (USD and JPY, some refunded, each with its receipt) plus gifts in other
 * years; times the January job (every statement built and queued in the outbox), a second run
 * (all deduplicated), one donor's statement on demand, and the statement PDF rate (rendered by
 * the email worker when it sends), with the time for 10,000 PDFs at that rate.
 *
 * PostgreSQL: BENCH_DATABASE_URL or TEST_DATABASE_URL (a server URL; a database is created and
 * dropped), else an embedded one.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { connect } from "../../db/client";
import { startEmbedded } from "../../db/embedded";
import { applyMigrations } from "../../db/migrate";
import { seed } from "../../db/seed";
import { parseEnv } from "../../app/modules/config/env.server";
import { buildGivingStatement, queueGivingStatements } from "../../app/modules/donations/statements.server";
import { renderStatementPdf } from "../../app/modules/donations/statement-pdf.server";
import { issuerFromEnv } from "../../app/modules/receipts/receipts.server";
import { freePort } from "../setup/pg-server";

const DONORS = Number(process.env.BENCH_STATEMENT_DONORS ?? 10_000);

async function server() {
  const configured = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (configured) return { adminUrl: configured, label: `PostgreSQL at ${new URL(configured).host}`, stop: async () => {} };
  const dir = mkdtempSync(path.join(os.tmpdir(), "kizuna-bench-pg-"));
  chmodSync(dir, 0o755);
  const pg = await startEmbedded({ dataDir: path.join(dir, "pg"), port: await freePort() });
  return {
    adminUrl: pg.url("postgres"),
    label: `embedded PostgreSQL on port ${pg.port}`,
    stop: async () => {
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const ms = (since: number) => `${(performance.now() - since).toFixed(0)} ms`;

export async function benchStatements(): Promise<void> {
  const pg = await server();
  const name = `kizuna_bench_${randomBytes(4).toString("hex")}`;
  const admin = postgres(pg.adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(pg.adminUrl);
  url.pathname = `/${name}`;
  const handle = connect(url.toString(), { max: 5 });
  try {
    await applyMigrations(url.toString());
    await seed(handle.db);
    const sql = handle.sql;
    let started = performance.now();
    await sql.unsafe(`
      insert into people (email, family_name, given_name, preferred_locale, country)
        select 'donor' || i || '@example.org', case when i % 2 = 0 then '山田' else 'Smith' end, case when i % 2 = 0 then '花子' else 'Jane' end,
               (case when i % 2 = 0 then 'ja' else 'en' end)::locale, case when i % 2 = 0 then 'JP' else 'US' end
        from generate_series(1, ${DONORS}) i;
      create temp table gifts as
        select p.id as person_id, g as n, (select id from funds order by id limit 1 offset (g % 3)) as fund_id,
               (case when g % 2 = 0 then 'JPY' else 'USD' end)::currency as currency,
               case when g % 2 = 0 then 10000 else 5000 end as amount,
               timestamptz '2025-11-01' + (g * interval '121 days') + (row_number() over () % 1000) * interval '1 minute' as paid_at,
               gen_random_uuid() as donation_id, gen_random_uuid() as payment_id
          from people p cross join generate_series(0, 4) g;
      insert into donations (id, person_id, fund_id, amount, currency, interval, status)
        select donation_id, person_id, fund_id, amount, currency, 'once', 'completed' from gifts;
      insert into payments (id, donation_id, person_id, fund_id, amount, currency, paid_at, refunded_amount)
        select payment_id, donation_id, person_id, fund_id, amount, currency, paid_at, case when n = 3 and person_id::text < '1' then 1000 else 0 end from gifts;
      insert into receipts (number, year, seq, payment_id, amount, currency, deductible_amount, locale, snapshot, issued_at)
        select extract(year from paid_at)::int || '-' || lpad((row_number() over (partition by extract(year from paid_at) order by payment_id))::text, 6, '0'),
               extract(year from paid_at)::int, row_number() over (partition by extract(year from paid_at) order by payment_id),
               payment_id, amount, currency, amount, 'en', '{}'::jsonb, paid_at from gifts;
      analyze;
    `);
    const [counted] = await sql<{ n: number }[]>`select count(*)::int as n from payments where paid_at >= '2026-01-01' and paid_at < '2027-01-01'`;
    const n = counted!.n;
    console.log(`database: ${pg.label}; ${DONORS} donors, ${DONORS * 5} gifts over 2025–2027 (${n} in 2026), loaded in ${ms(started)}`);

    started = performance.now();
    const queued = await queueGivingStatements(handle.db, 2026, "calendar");
    const jobMs = performance.now() - started;
    console.log(`January job, calendar 2026: ${queued} statements built and queued in ${jobMs.toFixed(0)} ms (${((queued / jobMs) * 1000).toFixed(0)} /s)`);
    started = performance.now();
    const again = await queueGivingStatements(handle.db, 2026, "calendar");
    console.log(`second run (all deduplicated): ${again} queued in ${ms(started)}`);

    const [person] = await sql<{ id: string }[]>`select id from people where email = 'donor42@example.org'`;
    started = performance.now();
    const runs = 50;
    let one;
    for (let i = 0; i < runs; i++) one = await buildGivingStatement(handle.db, person!.id, 2026, i % 2 ? "april" : "calendar");
    console.log(`one donor's statement on demand: ${((performance.now() - started) / runs).toFixed(2)} ms each (${one!.data.gifts.length} gifts)`);

    const issuer = issuerFromEnv(parseEnv({}));
    await renderStatementPdf(one!.data, "ja", issuer); // fonts parsed once per process
    const pdfs = 40;
    started = performance.now();
    let size = 0;
    for (let i = 0; i < pdfs; i++) size = (await renderStatementPdf(one!.data, i % 2 ? "en" : "ja", issuer)).length;
    const perPdf = (performance.now() - started) / pdfs;
    console.log(
      `statement PDF: ${perPdf.toFixed(1)} ms each (${(size / 1024).toFixed(0)} KB); 10,000 PDFs ≈ ${((perPdf * 10_000) / 1000).toFixed(0)} s of worker time, spread over sends`,
    );
  } finally {
    await handle.close();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end({ timeout: 5 });
    await pg.stop();
  }
}
