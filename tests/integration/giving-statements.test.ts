import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { donations, emailOutbox, funds, payments, people, type Person } from "../../db/schema";
import { renderEmail } from "../../emails";
import { parseEnv } from "~/modules/config/env.server";
import { buildGivingStatement, dueStatementPeriod, queueGivingStatements, startGivingStatementSchedule } from "~/modules/donations/statements.server";
import { renderOutboxRow } from "~/modules/mailer/render.server";
import { issueReceiptForPayment } from "~/modules/receipts/receipts.server";
import { useTestDatabase } from "../setup/test-db";

const t = useTestDatabase();
const env = parseEnv({ NODE_ENV: "test", APP_URL: "http://localhost:3000" });

async function donor(email: string, locale: "en" | "ja"): Promise<Person> {
  const [p] = await t.db
    .insert(people)
    .values({
      email,
      familyName: locale === "ja" ? "山田" : "Smith",
      givenName: locale === "ja" ? "花子" : "Jane",
      preferredLocale: locale,
      country: locale === "ja" ? "JP" : "US",
    })
    .returning();
  return p!;
}

/** A paid gift with its receipt, as the webhook records it; optionally partly refunded. */
async function gift(person: Person, fundSlug: string, amount: number, currency: "USD" | "JPY", paidAt: string, refunded = 0) {
  const [fund] = await t.db.select().from(funds).where(eq(funds.slug, fundSlug));
  return t.db.transaction(async (tx) => {
    const [d] = await tx
      .insert(donations)
      .values({ personId: person.id, fundId: fund!.id, amount, currency, interval: "once", status: "completed" })
      .returning();
    const [p] = await tx
      .insert(payments)
      .values({ donationId: d!.id, personId: person.id, fundId: fund!.id, amount, currency, paidAt: new Date(paidAt), refundedAmount: refunded })
      .returning();
    const receipt = await issueReceiptForPayment(tx, p!.id);
    return receipt.number;
  });
}

describe("year-end giving statements", () => {
  it("lists exactly the year's gifts (in Tokyo time), totals per currency never summed, refunds subtracted; the April–March year picks its own gifts", async () => {
    const hanako = await donor("hanako@example.jp", "ja");
    const other = await donor("other@example.com", "en");
    const dec2025 = await gift(hanako, "general", 5000, "USD", "2025-12-31T14:00:00Z"); // 23:00 on 31 Dec in Tokyo
    const jan2026 = await gift(hanako, "student-exchange", 10000, "JPY", "2025-12-31T16:00:00Z"); // 01:00 on 1 Jan in Tokyo
    const mar2026 = await gift(hanako, "sister-city-grants", 2500, "USD", "2026-03-15T03:00:00Z");
    const may2026 = await gift(hanako, "general", 3000, "JPY", "2026-05-01T03:00:00Z", 1000);
    const jan2027 = await gift(hanako, "general", 1000, "USD", "2027-01-02T03:00:00Z");
    await gift(other, "general", 7700, "USD", "2026-06-01T03:00:00Z");

    const cal = (await buildGivingStatement(t.db, hanako.id, 2026, "calendar"))!;
    expect(cal.locale).toBe("ja");
    expect(cal.data.gifts.map((g) => g.receiptNumber)).toEqual([jan2026, mar2026, may2026]);
    expect(cal.data.gifts.map((g) => [g.amount, g.currency, g.refundedAmount])).toEqual([
      [10000, "JPY", 0],
      [2500, "USD", 0],
      [3000, "JPY", 1000],
    ]);
    expect(cal.data.gifts[0]!.fundName).toEqual({ en: "Student Exchange", ja: "学生交流基金" });
    expect(cal.data.totals).toEqual([
      { currency: "USD", amount: 2500 },
      { currency: "JPY", amount: 12000 },
    ]);

    const fy2025 = (await buildGivingStatement(t.db, hanako.id, 2025, "april"))!;
    expect(fy2025.data.gifts.map((g) => g.receiptNumber)).toEqual([dec2025, jan2026, mar2026]);
    expect(fy2025.data.totals).toEqual([
      { currency: "USD", amount: 7500 },
      { currency: "JPY", amount: 10000 },
    ]);
    const fy2026 = (await buildGivingStatement(t.db, hanako.id, 2026, "april"))!;
    expect(fy2026.data.gifts.map((g) => g.receiptNumber)).toEqual([may2026, jan2027]);
    expect(fy2026.data.totals).toEqual([
      { currency: "USD", amount: 1000 },
      { currency: "JPY", amount: 2000 },
    ]);

    // Rendered bilingual: both totals, never a sum across currencies.
    const email = await renderEmail("giving-statement", "ja", cal.data as unknown as Record<string, unknown>);
    expect(email.subject).toBe("2026年のご寄付明細");
    expect(email.text).toContain("合計（USD）: $25.00");
    expect(email.text).toContain("合計（JPY）: ￥12,000");
    expect(email.text).toContain("Total (JPY): ¥12,000");
    expect(email.text).toContain(jan2026);
    expect(email.text).toContain("No goods or services were provided");
    const fiscalEmail = await renderEmail("giving-statement", "en", fy2025.data as unknown as Record<string, unknown>);
    expect(fiscalEmail.subject).toBe("Your giving statement for April 2025 – March 2026");
  });

  it("the January job queues one statement per donor for last year, once however often it runs, with a PDF", async () => {
    expect(dueStatementPeriod(new Date("2027-01-05T00:00:00Z"), 1)).toEqual({ year: 2026, fiscal: "calendar" });
    expect(dueStatementPeriod(new Date("2026-12-31T16:00:00Z"), 1)).toEqual({ year: 2026, fiscal: "calendar" }); // 1 Jan in Tokyo
    expect(dueStatementPeriod(new Date("2027-02-01T00:00:00Z"), 1)).toBeNull();
    expect(dueStatementPeriod(new Date("2027-04-10T00:00:00Z"), 4)).toEqual({ year: 2026, fiscal: "april" });

    const first = await queueGivingStatements(t.db, 2026, "calendar");
    expect(first).toBe(2);
    expect(await queueGivingStatements(t.db, 2026, "calendar")).toBe(0);
    // The schedule, started as app/server/main.ts starts it, finds nothing new to queue.
    const schedule = startGivingStatementSchedule({ db: t.db, env, now: () => new Date("2027-01-05T00:00:00Z") });
    await schedule.stop();
    const rows = await t.db.select().from(emailOutbox).where(eq(emailOutbox.template, "giving-statement"));
    expect(rows).toHaveLength(2);
    const hanakoRow = rows.find((r) => r.toEmail === "hanako@example.jp")!;
    expect(hanakoRow.locale).toBe("ja");
    expect(hanakoRow.dedupeKey).toMatch(/^giving-statement:[0-9a-f-]{36}:calendar:2026$/);
    const rendered = await renderOutboxRow(t.db, env, hanakoRow);
    expect(rendered.attachments).toHaveLength(1);
    expect(rendered.attachments[0]!.filename).toBe("giving-statement-2026.pdf");
    expect(rendered.attachments[0]!.content.subarray(0, 5).toString()).toBe("%PDF-");
    expect(rendered.text).toContain("￥12,000");
  });
});
