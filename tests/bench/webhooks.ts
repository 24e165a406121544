/**
 * Webhook ingestion on real PostgreSQL, through the built app over HTTP (express + the Remix
 * build, as `npm start` serves it): 10,000 signed invoice.paid events for distinct members at
 * concurrency 20, then 10,000 more with 30% duplicates mixed in, after 3,000 deliveries for
 * other members to warm the app up. Prints events/s, p50/p99 latency, duplicates applied (must
 * be 0), failures (must be 0), CPU per delivery, and a plain single-row insert rate at the same
 * concurrency as the ceiling, measured before and after (the ratio is to the higher).
 *
 * PostgreSQL: BENCH_DATABASE_URL or TEST_DATABASE_URL (a server URL; a database is created and
 * dropped), else an embedded one with fsync on, in a temporary directory.
 *
 * BENCH_PG_STATEMENTS=1 (embedded PostgreSQL only) also prints, for the distinct run, each
 * statement's executions and PostgreSQL's execution and planning time per event
 * (pg_stat_statements): where the database's share of an event goes.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { spawn } from "node:child_process";
import postgres from "postgres";
import { connect } from "../../db/client";
import { startEmbedded } from "../../db/embedded";
import { applyMigrations } from "../../db/migrate";
import { seed } from "../../db/seed";
import { signPayload } from "../../app/modules/billing/stripe.server";
import { addInterval, invoiceShape, stripeEvent } from "../../app/modules/billing/stripe-shapes.server";
import { freePort } from "../setup/pg-server";
import { canMeasureCpu, postgresCpuMs, processCpuMs, processStatField } from "./cpu";
import { SERVER_NODE_FLAGS } from "../../app/server/node-flags";
import { connectHttp, postRequest } from "./http-client";

const root = fileURLToPath(new URL("../..", import.meta.url));
const EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 10_000);
/** Deliveries before the measured runs (other members), so the app's code is compiled and its connections are open, as on a server that has been up a while. */
const WARM_UP = 3_000;
const CONCURRENCY = 20;
const POOL = 20;
const SECRET = "whsec_bench_0123456789abcdef0123456789";
const STATEMENTS = process.env.BENCH_PG_STATEMENTS === "1";

async function server(): Promise<{ adminUrl: string; label: string; embedded: boolean; stop: () => Promise<void> }> {
  const configured = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (configured) return { adminUrl: configured, label: `PostgreSQL at ${new URL(configured).host}`, embedded: false, stop: async () => {} };
  const dir = mkdtempSync(path.join(os.tmpdir(), "kizuna-bench-pg-"));
  chmodSync(dir, 0o755);
  const pg = await startEmbedded({
    dataDir: path.join(dir, "pg"),
    port: await freePort(),
    settings: STATEMENTS ? { shared_preload_libraries: "pg_stat_statements", "pg_stat_statements.track_planning": "on" } : {},
  });
  return {
    adminUrl: pg.url("postgres"),
    label: `embedded PostgreSQL (fsync on) on port ${pg.port}`,
    embedded: true,
    stop: async () => {
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

export async function benchWebhooks(): Promise<void> {
  const pg = await server();
  const name = `kizuna_bench_${randomBytes(4).toString("hex")}`;
  const admin = postgres(pg.adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(pg.adminUrl);
  url.pathname = `/${name}`;
  const dbUrl = url.toString();
  const handle = connect(dbUrl, { max: POOL });
  let stopApp: () => Promise<void> = async () => {};
  try {
    await applyMigrations(dbUrl);
    await seed(handle.db);
    const sql = handle.sql;
    const [price] = await sql<{ id: number; tier_id: number; amount: number }[]>`
      select tp.id, tp.tier_id, tp.amount from tier_prices tp join tiers t on t.id = tp.tier_id
      where t.slug = 'individual' and tp.currency = 'USD' and tp.interval = 'year' and tp.active`;
    const start = Math.floor(Date.now() / 1000) - 86_400;
    // Members who joined a year ago (one payment each); the events are their renewals.
    await sql`
      with p as (
        insert into people (email, family_name, given_name, preferred_locale, country)
        select 'bench-' || i || '@example.org', 'Bench', 'Member ' || i, 'en', 'US' from generate_series(1, ${EVENTS + WARM_UP}) i
        returning id, email
      ), m as (
        insert into memberships (person_id, tier_id, price_id, status, currency, interval, current_period_start, current_period_end,
                                 stripe_customer_id, stripe_subscription_id, started_at)
        select p.id, ${price!.tier_id}, ${price!.id}, 'active', 'USD', 'year', to_timestamp(${start - 365 * 86_400}), to_timestamp(${start}),
               'cus_bench_' || split_part(split_part(p.email, '@', 1), '-', 2), 'sub_bench_' || split_part(split_part(p.email, '@', 1), '-', 2),
               to_timestamp(${start - 365 * 86_400})
        from p returning id, person_id
      )
      insert into payments (membership_id, person_id, amount, currency, paid_at)
      select m.id, m.person_id, ${price!.amount}, 'USD', to_timestamp(${start - 365 * 86_400}) from m`;
    const members = await sql<{ id: string; sub: string; cus: string }[]>`
      select id, stripe_subscription_id as sub, stripe_customer_id as cus from memberships where stripe_subscription_id like 'sub_bench_%'`;

    // The app in its own process, as `npm start` runs it (web only: no outbox worker rendering
    // the receipts meanwhile), so the load generator here does not share its event loop.
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
        ...SERVER_NODE_FLAGS,
        "--import",
        "tsx",
        "app/server/main.ts",
      ],
      {
        cwd: root,
        env: {
          ...process.env,
          NODE_ENV: "production",
          // The benchmark's app is a production build with the demo gateway and no email: said out loud.
          UNSAFE_DEMO_IN_PRODUCTION: "payments,email",
          SESSION_SECRET: "x".repeat(32),
          STRIPE_SECRET_KEY: "",
          STRIPE_WEBHOOK_SECRET: SECRET,
          DATABASE_URL: dbUrl,
          PORT: String(port),
          HOST: "127.0.0.1",
          BACKGROUND_JOBS: "off",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    stopApp = async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    };
    await new Promise<void>((resolve, reject) => {
      let output = "";
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("Kizuna is running at")) resolve();
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      child.once("exit", (code) => reject(new Error(`the app exited with ${code}:\n${output}`)));
    });
    const warmUpMembers = members.slice(EVENTS);
    const measuredMembers = members.slice(0, EVENTS);
    const makeEvents = (periodStart: number, created: number, list = measuredMembers) =>
      list.map((m, i) => {
        const refs = {
          membershipId: m.id,
          subscriptionId: m.sub,
          customerId: m.cus,
          currency: "usd" as const,
          amount: price!.amount,
          interval: "year" as const,
        };
        const invoiceId = `in_bench_${created}_${i}`;
        return JSON.stringify(
          stripeEvent(
            "invoice.paid",
            invoiceShape(refs, {
              invoiceId,
              status: "paid",
              periodStart,
              periodEnd: addInterval(periodStart, "year"),
              created,
              billingReason: "subscription_cycle",
            }),
            created,
            `evt_bench_${created}_${i}`,
          ),
        );
      });

    // CPU time per delivery of each process, when the server runs on this machine.
    const [{ pid: backendPid }] = (await sql`select pg_backend_pid() as pid`) as unknown as [{ pid: number }];
    const postmasterPid = canMeasureCpu ? Number(processStatField(backendPid, 1)) : 0;
    const cpu = () => ({
      app: processCpuMs(child.pid!),
      pg: postmasterPid ? postgresCpuMs(postmasterPid) : 0,
      self: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    });

    async function run(label: string, bodies: string[]) {
      const now = Math.floor(Date.now() / 1000);
      // Signed and framed before the clock starts: one keep-alive connection per concurrent sender.
      const deliveries = bodies.map((body) =>
        postRequest("127.0.0.1", port, "/webhooks/stripe", body, { "Content-Type": "application/json", "Stripe-Signature": signPayload(body, SECRET, now) }),
      );
      const connections = await Promise.all(Array.from({ length: CONCURRENCY }, () => connectHttp("127.0.0.1", port)));
      const latencies: number[] = [];
      let failures = 0;
      let next = 0;
      const cpu0 = cpu();
      const started = performance.now();
      await Promise.all(
        connections.map(async (connection) => {
          while (next < deliveries.length) {
            const request = deliveries[next++]!;
            const t0 = performance.now();
            const status = await connection.send(request).catch(() => 0);
            latencies.push(performance.now() - t0);
            if (status !== 200) failures++;
          }
        }),
      );
      for (const connection of connections) connection.close();
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      const rate = deliveries.length / seconds;
      const cpu1 = cpu();
      const per = (a: number, b: number) => ((b - a) / deliveries.length).toFixed(2);
      console.log(
        `  ${label}: ${deliveries.length} deliveries in ${seconds.toFixed(2)} s = ${rate.toFixed(0)} events/s, ` +
          `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, failures ${failures}`,
      );
      if (canMeasureCpu) {
        console.log(
          `    CPU per delivery: app ${per(cpu0.app, cpu1.app)} ms, PostgreSQL ${postmasterPid ? per(cpu0.pg, cpu1.pg) : "n/a"} ms, ` +
            `load generator ${per(cpu0.self, cpu1.self)} ms (${os.cpus().length} CPUs)`,
        );
      }
      return rate;
    }

    async function applied(created: number) {
      const [row] = await sql<{ payments: number; receipts: number; emails: number }[]>`
        select (select count(*)::int from payments where stripe_invoice_id like ${`in_bench_${created}_%`}) as payments,
               (select count(*)::int from receipts r join payments p on p.id = r.payment_id where p.stripe_invoice_id like ${`in_bench_${created}_%`}) as receipts,
               (select count(*)::int from email_outbox where template = 'receipt') as emails`;
      return row!;
    }

    console.log(
      `  ${pg.label}; ${EVENTS} members; concurrency ${CONCURRENCY}; over HTTP to the built app in its own process (pool 10, BACKGROUND_JOBS=off); load average ${os.loadavg()[0]!.toFixed(2)}`,
    );
    await run(`warm-up, not counted: ${WARM_UP} distinct invoice.paid for other members`, makeEvents(start, start + 5, warmUpMembers));
    // The ceiling: plain single-row inserts at the same concurrency through the same pool size,
    // measured before and after the webhook runs (the machine's disk flushes vary from minute to
    // minute); the ratio is to the higher of the two. Then, for comparison only, the same with
    // each row holding one of the events' JSON.
    await sql`create table bench_ceiling (id bigserial primary key, body jsonb not null)`;
    const ceilingRows = Array.from({ length: EVENTS }, (_, i) => i);
    async function ceilingRun(label: string, body: (i: number) => string) {
      const cpu0 = cpu();
      const t0 = performance.now();
      await pool(ceilingRows, CONCURRENCY, async (i) => {
        await sql`insert into bench_ceiling (body) values (${body(i)}::jsonb)`;
      });
      const rate = EVENTS / ((performance.now() - t0) / 1000);
      const cpu1 = cpu();
      const per = (a: number, b: number) => ((b - a) / EVENTS).toFixed(2);
      console.log(
        `  ${label}: ${rate.toFixed(0)} inserts/s at concurrency ${CONCURRENCY}` +
          (canMeasureCpu ? `; CPU per insert: PostgreSQL ${postmasterPid ? per(cpu0.pg, cpu1.pg) : "n/a"} ms, client ${per(cpu0.self, cpu1.self)} ms` : ""),
      );
      return rate;
    }
    const small = JSON.stringify({ hello: "world" });
    const ceilingBefore = await ceilingRun("plain single-row insert ceiling, before", () => small);

    const statements = STATEMENTS && pg.embedded;
    if (STATEMENTS && !statements)
      console.log("    BENCH_PG_STATEMENTS=1 is ignored: it needs the embedded PostgreSQL (pg_stat_statements loaded at its start)");
    if (statements) {
      await sql`create extension if not exists pg_stat_statements`;
      await sql`select pg_stat_statements_reset()`;
    }
    const c1 = start + 10;
    const first = makeEvents(start, c1);
    const rate1 = await run("distinct invoice.paid", first);
    if (statements) {
      const rows = await sql<{ calls: number; exec: number; plan: number; query: string }[]>`
        select calls::int, total_exec_time::float8 as exec, total_plan_time::float8 as plan, left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 90) as query
        from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database()) and calls > 0
        order by total_exec_time + total_plan_time desc limit 10`;
      console.log(`    PostgreSQL per event, by statement (execution + planning, µs; pg_stat_statements):`);
      for (const row of rows) {
        console.log(
          `      ${((row.exec * 1000) / EVENTS).toFixed(1).padStart(6)} + ${((row.plan * 1000) / EVENTS).toFixed(1).padStart(5)}  ${String(row.calls).padStart(6)} calls  ${row.query}`,
        );
      }
    }
    const a1 = await applied(c1);
    console.log(`    payments ${a1.payments}, receipts ${a1.receipts} (expected ${EVENTS} each)`);

    const c2 = start + 20;
    const second = makeEvents(addInterval(start, "year"), c2);
    const duplicates = Math.round(EVENTS * 0.3);
    const mixed = [...second];
    for (let i = 0; i < duplicates; i++) {
      // A duplicate lands near its original, so many are in flight at the same moment.
      const source = Math.floor(Math.random() * second.length);
      mixed.splice(Math.min(mixed.length, source + Math.floor(Math.random() * CONCURRENCY)), 0, second[source]!);
    }
    const rate2 = await run(`with 30% duplicates (${EVENTS} + ${duplicates})`, mixed);
    const a2 = await applied(c2);
    console.log(
      `    payments ${a2.payments}, receipts ${a2.receipts} for ${EVENTS} distinct events: duplicates applied ${a2.payments - EVENTS + (a2.receipts - EVENTS)}`,
    );
    const [{ unprocessed }] = (await sql`select count(*)::int as unprocessed from stripe_events where processed_at is null`) as unknown as [
      { unprocessed: number },
    ];
    const [{ gaps }] = (await sql`select (max(seq) - count(*))::int as gaps from receipts`) as unknown as [{ gaps: number }];
    console.log(`    unprocessed events ${unprocessed}, receipt number gaps ${gaps}`);

    const ceilingAfter = await ceilingRun("plain single-row insert ceiling, after", () => small);
    const ceiling = Math.max(ceilingBefore, ceilingAfter);
    console.log(
      `  ratio: ${((rate1 / ceiling) * 100).toFixed(1)}% (distinct), ${((rate2 / ceiling) * 100).toFixed(1)}% (with duplicates) of the ceiling (${ceiling.toFixed(0)}/s, the higher)`,
    );
    const eventCeiling = await ceilingRun("for comparison, the same with an event's JSON (~3 KB) in each row", (i) => first[i % first.length]!);
    console.log(`    ratio to that: ${((rate1 / eventCeiling) * 100).toFixed(1)}% (distinct), ${((rate2 / eventCeiling) * 100).toFixed(1)}% (with duplicates)`);
    console.log(
      `  load average during the run: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")} on ${os.cpus().length} CPUs`,
    );
  } finally {
    await stopApp();
    await handle.close();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end({ timeout: 5 });
    await pg.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await benchWebhooks();
}
