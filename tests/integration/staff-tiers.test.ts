import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, tierBenefitValues, tierPrices, tiers } from "../../db/schema";
import { action as tiersAction } from "~/routes/staff.tiers";
import { args, makeStaff, respond, staffCookie } from "../fixtures/staff";
import { useTestDatabase } from "../setup/test-db";

const t = useTestDatabase();

const form = {
  intent: "save",
  slug: "alumni",
  kind: "individual",
  nameEn: "Exchange Alumni",
  nameJa: "交流同窓会員",
  descriptionEn: "For former exchange students.",
  descriptionJa: "交流プログラムの卒業生向け。",
  benefitsEn: "Newsletter\nAlumni events",
  benefitsJa: "会報\n同窓会イベント",
  seats: "",
  fmvUsd: "0",
  fmvJpy: "0",
  priceYearUsd: "25",
  priceMonthUsd: "",
  priceYearJpy: "3000",
  priceMonthJpy: "",
};

describe("tiers", () => {
  it("an admin creates a tier, and a price change makes a new price row, keeping the old one", async () => {
    const cookie = await staffCookie(t.db, (await makeStaff(t.db, "admin")).id);
    const created = (await respond(() => tiersAction(args(t.db, "/staff/tiers", { cookie, form })))) as Response;
    expect(created.status).toBe(302);
    const [tier] = await t.db.select().from(tiers).where(eq(tiers.slug, "alumni"));
    expect(tier).toMatchObject({ nameJa: "交流同窓会員", benefitsEn: ["Newsletter", "Alumni events"], seats: null, active: true });
    expect((await t.db.select().from(tierPrices).where(eq(tierPrices.tierId, tier!.id))).map((p) => [p.currency, p.interval, p.amount]).sort()).toEqual([
      ["JPY", "year", 3000],
      ["USD", "year", 2500],
    ]);

    await respond(() => tiersAction(args(t.db, "/staff/tiers", { cookie, form: { ...form, id: String(tier!.id), priceYearUsd: "30.50" } })));
    const usd = await t.db
      .select()
      .from(tierPrices)
      .where(and(eq(tierPrices.tierId, tier!.id), eq(tierPrices.currency, "USD")));
    expect(usd.map((p) => [p.amount, p.active]).sort()).toEqual([
      [2500, false],
      [3050, true],
    ]);
    expect(await t.db.select().from(tierBenefitValues).where(eq(tierBenefitValues.tierId, tier!.id))).toHaveLength(2);

    await respond(() => tiersAction(args(t.db, "/staff/tiers", { cookie, form: { intent: "archive", id: String(tier!.id) } })));
    expect((await t.db.select().from(tiers).where(eq(tiers.id, tier!.id)))[0]!.active).toBe(false);
    expect(
      (
        await t.db
          .select()
          .from(auditLog)
          .where(eq(auditLog.subjectId, String(tier!.id)))
      )
        .map((a) => a.action)
        .sort(),
    ).toEqual(["tier.archive", "tier.create", "tier.update"]);
  });

  it("explains bad input next to the fields and keeps what was typed", async () => {
    const cookie = await staffCookie(t.db, (await makeStaff(t.db, "admin", "ja")).id);
    const response = (await respond(() =>
      tiersAction(args(t.db, "/staff/tiers", { cookie, form: { ...form, slug: "Bad Slug", kind: "corporate", priceYearJpy: "10.5" } })),
    )) as Response;
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Record<string, string>; values: Record<string, string> };
    expect(body.errors.slug).toBe("半角英小文字・数字・ハイフンで入力してください。");
    expect(body.errors.seats).toBeDefined();
    expect(body.values.slug).toBe("Bad Slug");
  });
});
