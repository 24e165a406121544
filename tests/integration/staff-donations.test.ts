import ExcelJS from "exceljs";
import { parse } from "csv-parse/sync";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog, donations, funds, payments, people } from "../../db/schema";
import { issueReceiptForPayment } from "~/modules/receipts/receipts.server";
import { loader as exportLoader } from "~/routes/staff.donations.export";
import { loader as listLoader } from "~/routes/staff.donations._index";
import { loader as statementLoader } from "~/routes/staff.donations.statement";
import { action as summaryAction, loader as summaryLoader } from "~/routes/staff.donations.summary";
import { getFundsWithProgress } from "~/modules/donations/donations.server";
import { args, makeStaff, respond, staffCookie } from "../fixtures/staff";
import { useTestDatabase } from "../setup/test-db";

const t = useTestDatabase();
let cookie = "";
let viewerCookie = "";
let staffId = "";
let anonymousDonor = "";

async function gift(
  email: string,
  fundSlug: string,
  amount: number,
  currency: "USD" | "JPY",
  paidAt: string,
  extra: Partial<typeof donations.$inferInsert> = {},
  refunded = 0,
) {
  const [fund] = await t.db.select().from(funds).where(eq(funds.slug, fundSlug));
  const [person] =
    (await t.db.select().from(people).where(eq(people.email, email))).length > 0
      ? await t.db.select().from(people).where(eq(people.email, email))
      : await t.db
          .insert(people)
          .values({ email, familyName: email.startsWith("anon") ? "Hidden" : "山田", givenName: "Donor", country: "JP" })
          .returning();
  await t.db.transaction(async (tx) => {
    const [d] = await tx
      .insert(donations)
      .values({ personId: person!.id, fundId: fund!.id, amount, currency, interval: "once", status: "completed", createdAt: new Date(paidAt), ...extra })
      .returning();
    const [p] = await tx
      .insert(payments)
      .values({ donationId: d!.id, personId: person!.id, fundId: fund!.id, amount, currency, paidAt: new Date(paidAt), refundedAmount: refunded })
      .returning();
    await issueReceiptForPayment(tx, p!.id);
  });
  return person!.id;
}

beforeAll(async () => {
  const staff = await makeStaff(t.db, "staff");
  staffId = staff.id;
  cookie = await staffCookie(t.db, staff.id);
  viewerCookie = await staffCookie(t.db, (await makeStaff(t.db, "viewer")).id);
  await gift("yamada@example.jp", "student-exchange", 10000, "JPY", "2026-02-10T03:00:00Z", { tributeKind: "memory", tributeName: '=HYPERLINK("http://x")' });
  await gift("yamada@example.jp", "general", 5000, "USD", "2026-02-20T03:00:00Z", {}, 1000);
  anonymousDonor = await gift("anon@example.org", "general", 25000, "USD", "2026-03-01T03:00:00Z", { anonymous: true });
});

type ListData = { rows: { fundSlug: string; anonymous: boolean; familyName: string; amount: number; currency: string }[]; problems: unknown[] };

describe("donations in the staff console", () => {
  it("lists and filters gifts (fund, currency, amount range, tribute, anonymous); anonymous gifts are marked", async () => {
    const list = async (qs: string) => ((await respond(() => listLoader(args(t.db, `/staff/donations?${qs}`, { cookie })))) as { data: ListData }).data;
    expect((await list("")).rows).toHaveLength(3);
    const exchange = await list("fund=student-exchange");
    expect(exchange.rows.map((r) => [r.fundSlug, r.amount, r.currency])).toEqual([["student-exchange", 10000, "JPY"]]);
    expect((await list("currency=USD&min=100")).rows.map((r) => r.amount)).toEqual([25000]);
    expect((await list("tribute=yes")).rows).toHaveLength(1);
    const anonymous = await list("anonymous=yes");
    expect(anonymous.rows).toEqual([expect.objectContaining({ anonymous: true, familyName: "Hidden" })]);
    expect((await list(`donor=${anonymousDonor}`)).rows).toHaveLength(1);
    const bad = await list("min=1e6&currency=EUR");
    expect(bad.problems).toHaveLength(2);
    expect(bad.rows).toHaveLength(3);
    // Without a staff session: sent to sign in.
    const anonymousVisitor = (await respond(() => listLoader(args(t.db, "/staff/donations")))) as Response;
    expect(anonymousVisitor.status).toBe(302);
  });

  it("exports the donations preset as CSV (BOM, formulas neutralised, anonymous marked) and XLSX, with an audit entry; viewers cannot", async () => {
    const response = (await respond(() => exportLoader(args(t.db, "/staff/donations/export?format=csv", { cookie })))) as Response;
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(bytes.toString("utf8").slice(1)) as string[][];
    expect(rows[0]).toContain("Anonymous");
    expect(rows).toHaveLength(4);
    expect(rows.some((r) => r.some((c) => c.startsWith("'In memory of: =HYPERLINK") || (c.includes("=HYPERLINK") && !c.startsWith("="))))).toBe(true);
    expect(rows.flat().some((c) => c.startsWith("="))).toBe(false);
    const anonRow = rows.find((r) => r.includes("anon@example.org"))!;
    expect(anonRow[rows[0]!.indexOf("Anonymous")]).toBe("Yes");
    const yen = rows.find((r) => r.includes("JPY"))!;
    expect(yen[rows[0]!.indexOf("Amount")]).toBe("10000");

    const xlsx = (await respond(() => exportLoader(args(t.db, "/staff/donations/export?format=xlsx&fund=general", { cookie })))) as Response;
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.rowCount).toBe(3);
    // Amounts are numbers with their currency's format, dates are dates, statuses in words.
    const header = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
    const gift = sheet.getRow(2);
    const amount = gift.getCell(header.indexOf("Amount") + 1);
    expect(typeof amount.value).toBe("number");
    expect(amount.numFmt).toBe(gift.getCell(header.indexOf("Currency") + 1).value === "JPY" ? "#,##0" : "#,##0.00");
    expect(gift.getCell(header.indexOf("Date") + 1).value).toBeInstanceOf(Date);
    expect(["Awaiting payment", "Active", "Payment overdue", "Completed", "Stopped", "Failed"]).toContain(gift.getCell(header.indexOf("Status") + 1).value);

    const audits = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "export.donations"), eq(auditLog.actorStaffUserId, staffId)));
    expect(audits).toHaveLength(2);
    const viewer = (await respond(() => exportLoader(args(t.db, "/staff/donations/export?format=csv", { cookie: viewerCookie })))) as Response;
    expect(viewer.status).toBe(403);
  });

  it("summarises each fund by month and currency, refunds subtracted, currencies never summed", async () => {
    const result = (await respond(() => summaryLoader(args(t.db, "/staff/donations/summary?year=2026", { cookie })))) as {
      data: { rows: { slug: string; month: string; currency: string; gross: number; refunded: number; net: number; gifts: number }[] };
    };
    expect(result.data.rows.map((r) => [r.slug, r.month, r.currency, r.gifts, r.gross, r.refunded, r.net])).toEqual([
      ["general", "2026-02", "USD", 1, 5000, 1000, 4000],
      ["general", "2026-03", "USD", 1, 25000, 0, 25000],
      ["student-exchange", "2026-02", "JPY", 1, 10000, 0, 10000],
    ]);
  });

  it("admins set a fund's goal per currency (audited); the donate page shows it; staff cannot, and bad amounts are refused", async () => {
    const admin = await makeStaff(t.db, "admin");
    const adminCookie = await staffCookie(t.db, admin.id);
    const post = (c: string, form: Record<string, string>) => respond(() => summaryAction(args(t.db, "/staff/donations/summary", { cookie: c, form })));
    const saved = (await post(adminCookie, { fund: "student-exchange", currency: "JPY", amount: "1,000,000" })) as Response;
    expect(saved.status).toBe(302);
    const progress = (await getFundsWithProgress(t.db)).find((f) => f.slug === "student-exchange")!.progress;
    expect(progress).toEqual([{ currency: "JPY", goal: 1_000_000, raised: 10000 }]);
    expect(await t.db.select().from(auditLog).where(eq(auditLog.action, "fund.goal"))).toHaveLength(1);
    for (const amount of ["1e6", "-5", "10.5x"]) {
      const bad = (await post(adminCookie, { fund: "student-exchange", currency: "JPY", amount })) as Response;
      expect(bad.status).toBe(400);
    }
    expect(((await post(adminCookie, { fund: "student-exchange", currency: "JPY", amount: "100.50" })) as Response).status).toBe(400);
    expect(((await post(adminCookie, { fund: "nope", currency: "USD", amount: "5" })) as Response).status).toBe(400);
    expect(((await post(cookie, { fund: "general", currency: "USD", amount: "5" })) as Response).status).toBe(403);
  });

  it("produces any donor's statement for any year on demand, as a PDF", async () => {
    const ok = (await respond(() =>
      statementLoader(args(t.db, `/staff/donations/statement?donor=${anonymousDonor}&year=2025&fiscal=april`, { cookie })),
    )) as Response;
    expect(ok.status).toBe(200);
    expect(ok.headers.get("Content-Type")).toBe("application/pdf");
    expect(
      Buffer.from(await ok.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");
    const bad = (await respond(() => statementLoader(args(t.db, `/staff/donations/statement?donor=nope&year=2026`, { cookie })))) as Response;
    expect(bad.status).toBe(400);
  });
});
