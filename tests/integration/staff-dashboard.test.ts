import { describe, expect, it } from "vitest";
import { emailOutbox, membershipStatusHistory, payments } from "../../db/schema";
import { loader as dashboardLoader } from "~/routes/staff._index";
import { loader as emailLoader } from "~/routes/staff.emails.$emailId";
import { loader as emailsLoader } from "~/routes/staff.emails._index";
import { args, makeMember, makeStaff, respond, staffCookie } from "../fixtures/staff";
import { useTestDatabase } from "../setup/test-db";

const t = useTestDatabase();

describe("dashboard", () => {
  it("counts members and keeps revenue per currency", async () => {
    const cookie = await staffCookie(t.db, (await makeStaff(t.db, "viewer")).id);
    const now = new Date();
    const a = await makeMember(t.db, { familyName: "A", givenName: "A", startedAt: now, currentPeriodEnd: new Date(now.getTime() + 10 * 86_400_000) });
    const b = await makeMember(t.db, { familyName: "B", givenName: "B", status: "past_due", tierSlug: "student" });
    const c = await makeMember(t.db, { familyName: "C", givenName: "C", status: "lapsed", currentPeriodEnd: new Date(now.getTime() - 2 * 86_400_000) });
    await t.db.insert(membershipStatusHistory).values({ membershipId: c.membership.id, fromStatus: "past_due", toStatus: "lapsed", cause: "system" });
    await t.db.insert(payments).values([
      { membershipId: a.membership.id, personId: a.person.id, amount: 6000, currency: "USD", paidAt: now },
      { membershipId: b.membership.id, personId: b.person.id, amount: 8000, currency: "JPY", paidAt: now },
      { membershipId: b.membership.id, personId: b.person.id, amount: 4000, currency: "JPY", refundedAmount: 1000, paidAt: now },
    ]);
    const r = (await respond(() => dashboardLoader(args(t.db, "/staff", { cookie })))) as { data: Awaited<ReturnType<typeof dashboardLoader>> };
    const d = r.data;
    expect(d.revenue).toEqual([
      { currency: "USD", month: 6000, year: 6000 },
      { currency: "JPY", month: 11000, year: 11000 },
    ]);
    expect(d.byTier.map((x) => [x.nameEn, x.n])).toEqual([
      ["Student", 1],
      ["Individual", 1],
    ]);
    expect(d.newThisMonth).toBe(1);
    expect(d.lapsedThisMonth).toBe(1);
    expect(d.renewalsCount).toBe(1);
    expect(d.pastDue.map((x) => x.familyName)).toEqual(["B"]);
    expect(d.renewals.map((x) => x.familyName)).toEqual(["A"]);
    expect(d.chart).toHaveLength(12);
    expect(d.chart.at(-1)!.n).toBe(2);
  });
});

describe("emails", () => {
  it("lists the outbox and shows an email as it was stored", async () => {
    const cookie = await staffCookie(t.db, (await makeStaff(t.db, "viewer")).id);
    const [row] = await t.db
      .insert(emailOutbox)
      .values({
        template: "welcome",
        locale: "ja",
        toEmail: "hanako@example.jp",
        status: "failed",
        attempts: 3,
        lastError: "429 rate limited",
        subject: "ようこそ",
        html: '<html lang="ja"><body><p>ようこそ</p></body></html>',
      })
      .returning();
    const list = (await respond(() => emailsLoader(args(t.db, "/staff/emails?status=failed", { cookie })))) as {
      data: Awaited<ReturnType<typeof emailsLoader>>;
    };
    expect(list.data.emails.map((e) => [e.toEmail, e.attempts, e.lastError])).toEqual([["hanako@example.jp", 3, "429 rate limited"]]);
    const one = (await respond(() => emailLoader(args(t.db, `/staff/emails/${row!.id}`, { cookie, params: { emailId: row!.id } })))) as {
      data: Awaited<ReturnType<typeof emailLoader>>;
    };
    expect(one.data.email.html).toContain("ようこそ");
    const missing = (await respond(() => emailLoader(args(t.db, "/staff/emails/x", { cookie, params: { emailId: "x" } })))) as Response;
    expect(missing.status).toBe(404);
  });
});
