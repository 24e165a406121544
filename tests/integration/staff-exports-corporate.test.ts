/**
 * Issue 6 in the exports: employee seats are rows of the list and its exports, named with
 * their company; the corporate preset gives each company's legal names, seats, PO number and
 * contacts.
 */
import ExcelJS from "exceljs";
import { parse } from "csv-parse/sync";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { memberships, organisationContacts, organisations, people, tiers } from "../../db/schema";
import { loader as exportLoader } from "~/routes/staff.members.export";
import { loader as listLoader } from "~/routes/staff.members._index";
import { args, makeMember, makeStaff, respond, staffCookie } from "../fixtures/staff";
import { useTestDatabase } from "../setup/test-db";

const t = useTestDatabase();
let cookie = "";
let jaCookie = "";

async function download(qs: string, c = cookie) {
  const response = (await respond(() => exportLoader(args(t.db, `/staff/members/export?${qs}`, { cookie: c })))) as Response;
  expect(response.status, qs).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}
const csvRows = async (qs: string, c = cookie) => parse((await download(qs, c)).toString("utf8").slice(1)) as string[][];

async function person(familyName: string, givenName: string, email: string) {
  const [p] = await t.db.insert(people).values({ familyName, givenName, email, country: "JP", preferredLocale: "ja" }).returning();
  return p!;
}

beforeAll(async () => {
  cookie = await staffCookie(t.db, (await makeStaff(t.db, "staff")).id);
  jaCookie = await staffCookie(t.db, (await makeStaff(t.db, "staff", "ja")).id);
  const [gold] = await t.db.select().from(tiers).where(eq(tiers.slug, "gold"));
  const [org] = await t.db
    .insert(organisations)
    .values({
      legalNameEn: "Sakura Trading Co., Ltd.",
      legalNameJa: "株式会社さくら商事",
      legalNameKana: "サクラショウジ",
      website: "https://sakura-trading.example.jp",
      billingEmail: "keiri@sakura-trading.example.jp",
      jpCorporateNumber: "1234567890123",
      country: "JP",
      region: "13",
      city: "千代田区",
    })
    .returning();
  const primary = await person("佐藤", "花子", "hanako@sakura-trading.example.jp");
  const billing = await person("鈴木", "一郎", "keiri@sakura-trading.example.jp");
  await t.db.insert(organisationContacts).values([
    { organisationId: org!.id, personId: primary.id, role: "primary" },
    { organisationId: org!.id, personId: billing.id, role: "billing" },
  ]);
  const period = {
    currency: "JPY" as const,
    interval: "year" as const,
    startedAt: new Date("2026-04-01T00:00:00Z"),
    currentPeriodEnd: new Date("2027-04-01T00:00:00Z"),
  };
  const [company] = await t.db
    .insert(memberships)
    .values({ organisationId: org!.id, tierId: gold!.id, status: "active", poNumber: "=PO-2026-0042", ...period })
    .returning();
  // Two seats in use, one given back; one seat holder also has a membership of her own.
  const seatHolders = [primary, await person("高橋", "健", "ken@sakura-trading.example.jp"), await person("田中", "美咲", "misaki@sakura-trading.example.jp")];
  for (const [i, p] of seatHolders.entries()) {
    await t.db
      .insert(memberships)
      .values({ personId: p.id, tierId: gold!.id, seatOfMembershipId: company!.id, status: i === 2 ? "canceled" : "active", ...period });
  }
  await makeMember(t.db, { familyName: "Smith", givenName: "Jo", email: "jo@example.org" });
});

describe("seat holders in the list and exports", () => {
  it("each seat is a row, with its company in the organisation column, in the list and in the export alike", async () => {
    const list = (await respond(() => listLoader(args(t.db, "/staff/members?type=corporate", { cookie })))) as { data: Awaited<ReturnType<typeof listLoader>> };
    const listed = list.data.rows.map((r) => [r.email, r.organisation]);
    expect(listed).toHaveLength(4);
    for (const email of ["hanako@sakura-trading.example.jp", "ken@sakura-trading.example.jp", "misaki@sakura-trading.example.jp"]) {
      expect(listed, email).toContainEqual([email, "Sakura Trading Co., Ltd."]);
    }
    for (const format of ["csv", "xlsx"] as const) {
      let rows: string[][];
      if (format === "csv") rows = await csvRows("type=corporate&format=csv");
      else {
        const workbook = new ExcelJS.Workbook();
        await workbook.xlsx.load((await download("type=corporate&format=xlsx")) as unknown as ArrayBuffer);
        rows = [];
        workbook.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v == null ? "" : String(v)))));
      }
      const [header, ...data] = rows;
      const email = header!.indexOf("Email");
      const organisation = header!.indexOf("Organisation");
      expect(
        data.map((r) => [r[email], r[organisation]]),
        format,
      ).toEqual(listed);
    }
    const [jaHeader, ...jaRows] = await csvRows("type=corporate&format=csv", jaCookie);
    const ken = jaRows.find((r) => r[jaHeader!.indexOf("メールアドレス")] === "ken@sakura-trading.example.jp")!;
    expect(ken[jaHeader!.indexOf("団体名")]).toBe("株式会社さくら商事");
    expect(ken.slice(0, 2)).toEqual(["高橋", "健"]);
  });
});

describe("the corporate preset", () => {
  const expected = {
    "Legal name (English)": "Sakura Trading Co., Ltd.",
    "Legal name (Japanese)": "株式会社さくら商事",
    "Legal name (kana)": "サクラショウジ",
    "Corporate number": "1234567890123",
    Website: "https://sakura-trading.example.jp",
    Tier: "Gold",
    Status: "Active",
    Joined: "2026-04-01",
    Renews: "2027-04-01",
    "Seats used": "2",
    Seats: "10",
    "PO number": "'=PO-2026-0042",
    // Names follow the name, not the reader: written in Japanese script, family name first in either language.
    "Primary contact": "佐藤 花子",
    "Primary contact email": "hanako@sakura-trading.example.jp",
    "Billing contact": "鈴木 一郎",
    "Billing contact email": "keiri@sakura-trading.example.jp",
    Country: "JP",
    "Prefecture / state": "Tokyo",
    City: "千代田区",
  };

  it("CSV: the company's names, number, seats in use of the tier's, PO number, contacts, in English and Japanese", async () => {
    const [header, ...data] = await csvRows("type=corporate&format=csv&preset=corporate");
    expect(header).toEqual(Object.keys(expected));
    // The company's row and its three seats' rows (the canceled seat is listed, not counted).
    expect(data).toHaveLength(4);
    const byStatus = data.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]])));
    expect(byStatus.filter((r) => r.Status === "Active")).toEqual([expected, expected, expected]);
    expect(byStatus.filter((r) => r.Status === "Canceled")).toEqual([{ ...expected, Status: "Canceled" }]);
    // The individual member's row has no company columns.
    const all = await csvRows("format=csv&preset=corporate");
    expect(all.slice(1).filter((r) => r[0] === "")).toHaveLength(1);

    const [jaHeader, ...jaData] = await csvRows("type=corporate&format=csv&preset=corporate", jaCookie);
    expect(jaHeader!.slice(0, 5)).toEqual(["法人名（英語）", "法人名（日本語）", "法人名（フリガナ）", "法人番号", "ウェブサイト"]);
    expect(jaHeader).toContain("使用中の社員枠");
    const jaCompany = jaData.find((r) => r[jaHeader!.indexOf("主担当者")] === "佐藤 花子")!;
    expect(jaCompany[jaHeader!.indexOf("請求担当者")]).toBe("鈴木 一郎");
    expect(jaCompany[jaHeader!.indexOf("会員種別")]).toBe("ゴールド法人会員");
    expect(jaCompany[jaHeader!.indexOf("状態")]).toBe("有効");
    expect(jaCompany[jaHeader!.indexOf("都道府県・州")]).toBe("東京都");
  });

  it("XLSX: the same cells, seat counts as numbers, the PO number as plain text", async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await download("type=corporate&format=xlsx&preset=corporate")) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(Object.keys(expected));
    const rows: unknown[][] = [];
    sheet.eachRow((row, n) => n > 1 && rows.push((row.values as unknown[]).slice(1)));
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      expect(row[header.indexOf("Seats used")]).toBe(2);
      expect(row[header.indexOf("Seats")]).toBe(10);
      expect(row[header.indexOf("PO number")]).toBe("=PO-2026-0042");
      expect(row[header.indexOf("Billing contact")]).toBe("鈴木 一郎");
      expect(row[header.indexOf("Joined")]).toEqual(new Date("2026-04-01T00:00:00Z"));
      expect(row[header.indexOf("Prefecture / state")]).toBe("Tokyo");
    }
  });
});
