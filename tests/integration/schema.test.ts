import { count, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { applyMigrations } from "../../db/migrate";
import * as s from "../../db/schema";
import { seed } from "../../db/seed";
import { createTestDatabase, useTestDatabase } from "../setup/test-db";

/** Drizzle wraps the driver error; postgres.js names the constraint that refused the row. */
const violates = (constraint: string) => ({ cause: { constraint_name: constraint } });

describe("migrations", () => {
  it("apply to an empty database, and applying them again changes nothing", async () => {
    const empty = await createTestDatabase({ seed: false });
    try {
      // Start from nothing at all: drop what the template gave us.
      await empty.db.execute(sql`drop schema public cascade; create schema public; drop schema if exists drizzle cascade`);
      await applyMigrations(empty.url);
      const tables = await empty.db.execute<{ table_name: string }>(
        sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`,
      );
      expect(tables.map((r) => r.table_name)).toEqual(
        expect.arrayContaining([
          "people",
          "organisations",
          "organisation_contacts",
          "tiers",
          "tier_prices",
          "memberships",
          "membership_status_history",
          "donations",
          "payments",
          "receipts",
          "receipt_counters",
          "stripe_events",
          "email_outbox",
          "staff_users",
          "audit_log",
          "partnerships",
          "funds",
        ]),
      );
      const [before] = await empty.db.execute<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      await applyMigrations(empty.url);
      const [after] = await empty.db.execute<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      expect(after?.n).toBe(before?.n);
    } finally {
      await empty.drop();
    }
  });
});

describe("seed", () => {
  const t = useTestDatabase({ seed: false });

  async function snapshot() {
    const tiers = await t.db.select().from(s.tiers).orderBy(s.tiers.slug);
    const prices = await t.db.select().from(s.tierPrices).orderBy(s.tierPrices.lookupKey);
    const values = await t.db.select().from(s.tierBenefitValues).orderBy(s.tierBenefitValues.tierId, s.tierBenefitValues.currency);
    const partnerships = await t.db.select().from(s.partnerships).orderBy(s.partnerships.slug);
    const funds = await t.db.select().from(s.funds).orderBy(s.funds.slug);
    const staff = await t.db.select().from(s.staffUsers);
    return { tiers, prices, values, partnerships, funds, staff };
  }

  it("loads the catalogue, and seeding twice leaves the same rows", async () => {
    await seed(t.db);
    const first = await snapshot();
    await seed(t.db);
    expect(await snapshot()).toEqual(first);

    expect(first.tiers).toHaveLength(9);
    expect(first.partnerships.map((p) => `${p.usCityEn}–${p.jpCityEn} ${p.establishedYear}`)).toEqual([
      "Riverside–Sendai 1957",
      "San Diego–Yokohama 1957",
      "San Jose–Okayama 1957",
      "St. Paul–Nagasaki 1955",
    ]);
    expect(first.staff).toEqual([]); // the demo admin is for the embedded default only
    const byKey = Object.fromEntries(first.prices.map((p) => [p.lookupKey, p.amount]));
    expect(byKey).toMatchObject({
      student_yearly_usd: 2500,
      student_yearly_jpy: 3000,
      individual_yearly_usd: 6000,
      individual_yearly_jpy: 8000,
      individual_monthly_usd: 600,
      individual_monthly_jpy: 800,
      family_yearly_jpy: 13000,
      patron_yearly_usd: 25000,
      community_partner_yearly_jpy: 70000,
      platinum_yearly_usd: 1000000,
      platinum_yearly_jpy: 1500000,
    });
    const gold = first.tiers.find((tier) => tier.slug === "gold");
    expect(gold?.seats).toBe(10);
    const goldValues = first.values.filter((v) => v.tierId === gold?.id).map((v) => [v.currency, v.amount]);
    expect(goldValues).toEqual([
      ["USD", 30000],
      ["JPY", 33000],
    ]);
    for (const tier of first.tiers) {
      expect(tier.nameJa).toMatch(/[\u3040-\u9fff]/);
      expect(tier.benefitsJa.length).toBe(tier.benefitsEn.length);
    }
  });

  it("never overwrites what staff changed", async () => {
    await t.db.update(s.tiers).set({ nameEn: "Individual (edited)" }).where(eq(s.tiers.slug, "individual"));
    await seed(t.db);
    const [row] = await t.db.select().from(s.tiers).where(eq(s.tiers.slug, "individual"));
    expect(row?.nameEn).toBe("Individual (edited)");
  });

  it("adds the demo admin when asked, once", async () => {
    await seed(t.db, { demoAdmin: true });
    await seed(t.db, { demoAdmin: true });
    const [row] = await t.db.select({ n: count() }).from(s.staffUsers);
    expect(row?.n).toBe(1);
  });
});

describe("constraints", () => {
  const t = useTestDatabase();

  async function person(email: string) {
    const [row] = await t.db
      .insert(s.people)
      .values({ email, familyName: "山田", givenName: "太郎", familyNameKana: "ヤマダ", givenNameKana: "タロウ", country: "JP" })
      .returning();
    return row!;
  }

  async function tierId() {
    const [row] = await t.db.select().from(s.tiers).where(eq(s.tiers.slug, "individual"));
    return row!.id;
  }

  async function organisation() {
    const [row] = await t.db.insert(s.organisations).values({ legalNameEn: "Sample Inc.", billingEmail: "ap@sample.example", country: "US" }).returning();
    return row!;
  }

  it("refuses the same email in another case", async () => {
    await person("Taro.Yamada@example.jp");
    await expect(person("taro.yamada@EXAMPLE.jp")).rejects.toMatchObject(violates("people_email_lower"));
  });

  it("refuses a membership with two owners or none", async () => {
    const p = await person("owner@example.com");
    const o = await organisation();
    const tier = await tierId();
    await expect(t.db.insert(s.memberships).values({ tierId: tier, personId: p.id, organisationId: o.id })).rejects.toMatchObject(
      violates("memberships_one_owner"),
    );
    await expect(t.db.insert(s.memberships).values({ tierId: tier })).rejects.toMatchObject(violates("memberships_one_owner"));
    await expect(t.db.insert(s.memberships).values({ tierId: tier, personId: p.id })).resolves.toBeDefined();
    await expect(t.db.insert(s.memberships).values({ tierId: tier, organisationId: o.id })).resolves.toBeDefined();
  });

  it("refuses negative and zero amounts, and refunds beyond the amount", async () => {
    const p = await person("payer@example.com");
    const base = { personId: p.id, currency: "JPY" as const, paidAt: new Date() };
    await expect(t.db.insert(s.payments).values({ ...base, amount: -8000 })).rejects.toMatchObject(violates("payments_amount"));
    await expect(t.db.insert(s.payments).values({ ...base, amount: 0 })).rejects.toMatchObject(violates("payments_amount"));
    await expect(t.db.insert(s.payments).values({ ...base, amount: 8000, refundedAmount: 9000 })).rejects.toMatchObject(violates("payments_refund"));
    const tier = await tierId();
    await expect(t.db.insert(s.tierPrices).values({ tierId: tier, currency: "USD", interval: "year", amount: -1, lookupKey: "x" })).rejects.toMatchObject(
      violates("tier_prices_amount"),
    );
    await expect(t.db.insert(s.payments).values({ ...base, amount: 8000 })).resolves.toBeDefined();
  });

  it("keeps Stripe ids unique", async () => {
    const a = await person("a@example.com");
    const b = await person("b@example.com");
    const tier = await tierId();
    await t.db.insert(s.memberships).values({ tierId: tier, personId: a.id, stripeSubscriptionId: "sub_1" });
    await expect(t.db.insert(s.memberships).values({ tierId: tier, personId: b.id, stripeSubscriptionId: "sub_1" })).rejects.toMatchObject(
      violates("memberships_stripe_subscription_id_unique"),
    );
    await t.db.update(s.people).set({ stripeCustomerId: "cus_1" }).where(eq(s.people.id, a.id));
    await expect(t.db.update(s.people).set({ stripeCustomerId: "cus_1" }).where(eq(s.people.id, b.id))).rejects.toMatchObject(
      violates("people_stripe_customer_id_unique"),
    );
  });

  it("keeps receipt numbers in the YYYY-NNNNNN form and unique per year", async () => {
    const p = await person("r@example.com");
    const [payment] = await t.db.insert(s.payments).values({ personId: p.id, amount: 6000, currency: "USD", paidAt: new Date() }).returning();
    const receipt = { paymentId: payment!.id, amount: 6000, currency: "USD" as const, deductibleAmount: 6000, locale: "en" as const, snapshot: {} };
    await t.db.insert(s.receipts).values({ ...receipt, number: "2026-000001", year: 2026, seq: 1 });
    await expect(t.db.insert(s.receipts).values({ ...receipt, number: "2026-1", year: 2026, seq: 2 })).rejects.toMatchObject(
      violates("receipts_number_format"),
    );
    await expect(t.db.insert(s.receipts).values({ ...receipt, number: "2026-000009", year: 2026, seq: 1 })).rejects.toMatchObject(
      violates("receipts_year_seq"),
    );
  });
});
