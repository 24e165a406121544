import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { memberships, tierPrices, tiers } from "../../db/schema";
import { getStripe } from "~/modules/billing/stripe.server";
import { syncStripeCatalogue } from "~/modules/billing/stripe-sync.server";
import { updateCardUrl } from "~/modules/billing/portal-links.server";
import { loader as portalLoader } from "~/routes/billing.portal.$token";
import { catalogueHandlers, fakeCatalogue, stripeCalls, stripeServer, useStripeMock } from "../mocks/stripe";
import { useTestDatabase } from "../setup/test-db";
import { billingEnv, createPendingMembership } from "../fixtures/billing";

const t = useTestDatabase();
const env = billingEnv();

useStripeMock();

describe("npm run stripe:sync", () => {
  it("creates a Product per tier and a Price per tier/currency/interval by lookup key, records the ids, and is idempotent; a new amount replaces the Price", async () => {
    stripeServer.use(...catalogueHandlers);
    const stripe = getStripe(env)!;
    const first = await syncStripeCatalogue(t.db, stripe);
    const priceRows = await t.db.select().from(tierPrices).where(eq(tierPrices.active, true));
    expect(first.prices.created).toBe(priceRows.length);
    expect(first.products.created).toBe(new Set(priceRows.map((p) => p.tierId)).size);
    expect(priceRows.every((p) => p.stripePriceId?.startsWith("price_fake_"))).toBe(true);
    const yen = [...fakeCatalogue.prices.values()].find((p) => p.lookup_key === "individual_yearly_jpy")!;
    expect(yen).toMatchObject({ currency: "jpy", unit_amount: 8000, recurring: { interval: "year" }, product: "kizuna_tier_individual" });
    const usd = [...fakeCatalogue.prices.values()].find((p) => p.lookup_key === "individual_yearly_usd")!;
    expect(usd.unit_amount).toBe(6000);
    const creates = stripeCalls.filter((c) => c.method === "POST" && c.path === "/v1/prices");
    expect(creates.every((c) => c.headers.get("idempotency-key")?.startsWith("tier-price-"))).toBe(true);

    stripeCalls.length = 0;
    const second = await syncStripeCatalogue(t.db, stripe);
    expect(second).toEqual({
      products: { created: 0, updated: 0, unchanged: first.products.created },
      prices: { created: 0, replaced: 0, unchanged: priceRows.length },
    });
    expect(stripeCalls.filter((c) => c.method === "POST")).toHaveLength(0);

    const [tier] = await t.db.select().from(tiers).where(eq(tiers.slug, "individual"));
    await t.db
      .update(tierPrices)
      .set({ amount: 9000 })
      .where(and(eq(tierPrices.tierId, tier!.id), eq(tierPrices.lookupKey, "individual_yearly_jpy")));
    const third = await syncStripeCatalogue(t.db, stripe);
    expect(third.prices).toEqual({ created: 0, replaced: 1, unchanged: priceRows.length - 1 });
    expect(fakeCatalogue.prices.get(yen.id)).toMatchObject({ active: false, lookup_key: null });
    const [row] = await t.db.select().from(tierPrices).where(eq(tierPrices.lookupKey, "individual_yearly_jpy"));
    expect(row!.stripePriceId).not.toBe(yen.id);
    expect(fakeCatalogue.prices.get(row!.stripePriceId!)).toMatchObject({ unit_amount: 9000, lookup_key: "individual_yearly_jpy", active: true });
  });
});

describe("the update-card link", () => {
  it("opens a fresh Customer Portal session for the membership's customer; a forged or expired link does not", async () => {
    const { membership, refs } = await createPendingMembership(t.db);
    await t.db.update(memberships).set({ stripeCustomerId: refs.customerId, status: "past_due" }).where(eq(memberships.id, membership.id));
    const url = updateCardUrl(env, membership.id);
    const token = url.split("/").at(-1)!;
    const response = (await portalLoader({ request: new Request(url), params: { token }, context: { db: t.db, env } })) as Response;
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("https://billing.stripe.com/p/session/test_1");
    expect(Object.fromEntries(stripeCalls[0]!.params)).toMatchObject({
      customer: refs.customerId,
      return_url: `http://localhost:3000/ja/join/success?m=${membership.id}`,
      locale: "ja",
    });

    for (const bad of [
      token.replace(/.$/, (c) => (c === "A" ? "B" : "A")),
      token.replace(/\.\d+\./, ".99999999999."),
      `${membership.id}.1.${token.split(".")[2]}`,
      "nonsense",
    ]) {
      try {
        await portalLoader({ request: new Request(url), params: { token: bad }, context: { db: t.db, env } });
        throw new Error("expected a 404");
      } catch (error) {
        expect((error as Response).status, bad).toBe(404);
      }
    }
    expect(stripeCalls).toHaveLength(1);
  });
});

describe("npm run stripe:sync on a database that is not ready", () => {
  it("says the database has no tables yet (or cannot be reached) and exits 1, instead of a raw SQL error", async () => {
    const { execFile } = await import("node:child_process");
    const postgres = (await import("postgres")).default;
    const { inject } = await import("vitest");
    const admin = postgres(inject("pgAdminUrl"), { max: 1, onnotice: () => {} });
    const name = `${inject("pgRunPrefix")}_unmigrated`;
    await admin.unsafe(`create database "${name}"`);
    const url = new URL(inject("pgAdminUrl"));
    url.pathname = `/${name}`;
    const run = (databaseUrl: string) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = execFile(
          process.execPath,
          ["--import", "tsx", "app/server/commands/stripe-sync.ts"],
          {
            env: { ...process.env, DATABASE_URL: databaseUrl, STRIPE_SECRET_KEY: "sk_test_fake", NODE_ENV: "test" },
            timeout: 30_000,
          },
          () => {},
        );
        let stderr = "";
        child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("exit", (code) => resolve({ code, stderr }));
      });
    try {
      const empty = await run(url.toString());
      expect(empty).toEqual({
        code: 1,
        stderr:
          "The database at DATABASE_URL has no Kizuna tables yet. Run `npm run db:migrate` (and `npm run db:seed`) first, or start the app once: it migrates at start-up.\n",
      });
      url.port = "1"; // nothing listens there
      const unreachable = await run(url.toString());
      expect(unreachable.code).toBe(1);
      expect(unreachable.stderr).toMatch(/^Could not connect to the database at DATABASE_URL: .*Check DATABASE_URL\.\n$/);
    } finally {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    }
  }, 60_000);
});
