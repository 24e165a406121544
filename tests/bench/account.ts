/**
 * `npm run bench -- account`: the member home page (/account, /ja/account) of a member with 10
 * memberships and 200 payments (each with its receipt), among 10,000 generated members with
 * their payments, over HTTP from the production server (NODE_ENV=production, the server's own
 * flags): 300 sequential signed-in requests per page after 20 to warm up; p50, p95 and max.
 */
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { connect } from "../../db/client";
import { generateMembers } from "../../db/demo-members";
import { applyMigrations } from "../../db/migrate";
import { seed } from "../../db/seed";
import { memberships, payments, people, receipts, tierPrices, tiers } from "../../db/schema";
import { startSession } from "../../app/modules/auth/auth.server";
import { parseEnv } from "../../app/modules/config/env.server";
import { SERVER_NODE_FLAGS } from "../../app/server/node-flags";
import { freePort, startTestPgServer } from "../setup/pg-server";
import { startServer, waitFor } from "./pages";

const root = fileURLToPath(new URL("../..", import.meta.url));
const SESSION_SECRET = "bench-session-secret-0123456789abcdef";
const REQUESTS = 300;

export async function benchAccount(): Promise<void> {
  const pg = await startTestPgServer();
  const dbName = `kizuna_bench_account_${randomBytes(4).toString("hex")}`;
  const admin = postgres(pg.url("postgres"), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${dbName}"`);
  const url = pg.url(dbName);
  let server: ReturnType<typeof startServer> | undefined;
  const handle = connect(url, { max: 2 });
  try {
    await applyMigrations(url);
    await seed(handle.db);
    await generateMembers(handle.sql, 10_000, { payments: true });
    const allTiers = await handle.db.select().from(tiers);
    const prices = await handle.db.select().from(tierPrices);
    const [person] = await handle.db
      .insert(people)
      .values({ email: "bench.member@example.jp", familyName: "山田", givenName: "花子", preferredLocale: "ja", country: "JP", region: "13" })
      .returning();
    const held = [];
    for (let i = 0; i < 10; i++) {
      const tier = allTiers.filter((t) => t.kind === "individual")[i % 4]!;
      const price = prices.find((p) => p.tierId === tier.id && p.currency === "JPY" && p.interval === "year") ?? prices.find((p) => p.tierId === tier.id)!;
      const [m] = await handle.db
        .insert(memberships)
        .values({
          personId: person!.id,
          tierId: tier.id,
          priceId: price.id,
          status: i < 3 ? "active" : "lapsed",
          currency: price.currency,
          interval: price.interval,
          stripeSubscriptionId: `sub_bench_${i}`,
          currentPeriodStart: new Date(Date.UTC(2017 + i, 3, 1)),
          currentPeriodEnd: new Date(Date.UTC(2018 + i, 3, 1)),
        })
        .returning();
      held.push(m!);
    }
    for (let i = 0; i < 200; i++) {
      const m = held[i % 10]!;
      const [p] = await handle.db
        .insert(payments)
        .values({
          membershipId: m.id,
          personId: person!.id,
          amount: 8000,
          currency: "JPY",
          method: "card",
          cardBrand: "visa",
          cardLast4: "4242",
          paidAt: new Date(Date.UTC(2010, 0, 1) + i * 15 * 86_400_000),
        })
        .returning();
      await handle.db.insert(receipts).values({
        number: `2025-${String(900_000 + i).padStart(6, "0")}`,
        year: 2025,
        seq: 900_000 + i,
        paymentId: p!.id,
        amount: 8000,
        currency: "JPY",
        deductibleAmount: 8000,
        locale: "ja",
        snapshot: {},
      });
    }
    const env = parseEnv({ NODE_ENV: "test", SESSION_SECRET });
    const cookie = (await startSession(new Request("http://127.0.0.1/"), { db: handle.db, env }, { personId: person!.id })).split(";")[0]!;

    const port = await freePort();
    server = startServer([...SERVER_NODE_FLAGS, "--import", "tsx", "app/server/main.ts"], root, {
      DATABASE_URL: url,
      PORT: String(port),
      APP_URL: `http://127.0.0.1:${port}`,
      SESSION_SECRET,
      UNSAFE_DEMO_IN_PRODUCTION: "payments,email",
      BACKGROUND_JOBS: "off",
    });
    const base = `http://127.0.0.1:${port}`;
    await waitFor(`${base}/healthz`, server.child, server.output);
    console.log(`  database: ${pg.label}; 10,000 generated members with payments, and one member with 10 memberships and 200 payments (receipts)`);
    for (const path of ["/account", "/ja/account"]) {
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < REQUESTS + 20; i++) {
        const started = performance.now();
        const response = await fetch(base + path, { headers: { Cookie: cookie } });
        const body = await response.text();
        if (response.status !== 200 || !body.includes("2025-900199")) throw new Error(`${path} answered ${response.status}:\n${body.slice(0, 500)}`);
        if (i >= 20) times.push(performance.now() - started);
        bytes = Buffer.byteLength(body);
      }
      times.sort((a, b) => a - b);
      const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
      console.log(
        `  ${path.padEnd(12)} ${REQUESTS} requests: p50 ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms; ${(bytes / 1024).toFixed(0)} KB of HTML`,
      );
    }
  } finally {
    await server?.stop();
    await handle.close();
    await admin.unsafe(`drop database if exists "${dbName}" with (force)`).catch(() => {});
    await admin.end({ timeout: 5 });
    await pg.stop();
  }
}
