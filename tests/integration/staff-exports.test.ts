import ExcelJS from "exceljs";
import { parse } from "csv-parse/sync";
import { and, asc, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../db/schema";
import { loader as exportLoader } from "~/routes/staff.members.export";
import { loader as listLoader } from "~/routes/staff.members._index";
import { args, makeMember, makeStaff, respond, staffCookie } from "../fixtures/staff";
import { useTestDatabase } from "../setup/test-db";

const t = useTestDatabase();
let staffId = "";
let cookie = "";
let viewerCookie = "";

const tricky = [
  { familyName: '=HYPERLINK("http://x")', givenName: "Eve" },
  { familyName: "+1", givenName: "Plus" },
  { familyName: "@SUM(A1)", givenName: "At" },
  { familyName: "山田", givenName: "太郎", familyNameKana: "ヤマダ", givenNameKana: "タロウ", country: "JP", region: "13" },
  { familyName: 'O\'Brien, "Bob"', givenName: "-minus" },
  { familyName: "Newline", givenName: "Nora", addressLine1: "1 Main St\nApt 2", city: "St. Paul", region: "MN", postalCode: "55102" },
];

async function download(path: string, c = cookie) {
  const response = (await respond(() => exportLoader(args(t.db, path, { cookie: c })))) as Response;
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

async function auditsFor(id: string) {
  return t.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, "export.members"), eq(auditLog.actorStaffUserId, id)))
    .orderBy(asc(auditLog.id));
}

beforeAll(async () => {
  const staff = await makeStaff(t.db, "staff");
  staffId = staff.id;
  cookie = await staffCookie(t.db, staff.id);
  viewerCookie = await staffCookie(t.db, (await makeStaff(t.db, "viewer")).id);
  for (const m of tricky) await makeMember(t.db, { ...m, status: "active" });
  for (let i = 0; i < 7; i++) {
    await makeMember(t.db, {
      familyName: i % 2 ? "佐藤" : "Smith",
      givenName: `Member${i}`,
      familyNameKana: i % 2 ? "サトウ" : null,
      country: i % 2 ? "JP" : "US",
      status: i % 3 === 0 ? "lapsed" : "active",
      startedAt: new Date(Date.UTC(2025, i, 10)),
    });
  }
});

describe("member exports", () => {
  it("CSV: BOM, CRLF, RFC 4180 quoting, formulas neutralised, every value round-trips", async () => {
    const { response, bytes } = await download("/staff/members/export?format=csv&preset=mailing");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toMatch(/^attachment; filename="members-mailing-\d{8}-\d{4}\.csv"/);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString("utf8").slice(1);

    const rows = parse(text, { relax_column_count: false }) as string[][];
    const [header, ...data] = rows;
    expect(header!.slice(0, 3)).toEqual(["Family name", "Given name", "Family name (kana)"]);
    expect(data).toHaveLength(tricky.length + 7);
    // Every record ends in CRLF; the only other line breaks are the LFs inside quoted addresses.
    expect(text.split("\r\n")).toHaveLength(rows.length + 1);
    expect(text.endsWith("\r\n")).toBe(true);
    expect(text).toContain('"1 Main St\nApt 2"');
    expect(text).toContain('"\'=HYPERLINK(""http://x"")"');
    expect(text).toContain('"O\'Brien, ""Bob"""');
    for (const row of data) for (const cell of row) expect(cell, "no cell starts a formula").not.toMatch(/^[=+\-@\t\r]/);
    const byGiven = new Map(data.map((r) => [r[1]!.replace(/^'/, ""), r]));
    const unneutralise = (s: string) => (/^'[=+\-@\t\r]/.test(s) ? s.slice(1) : s);
    for (const m of tricky) {
      const row = byGiven.get(m.givenName)!;
      expect(row, m.givenName).toBeDefined();
      expect(unneutralise(row[0]!)).toBe(m.familyName);
      expect(unneutralise(row[1]!)).toBe(m.givenName);
    }
    expect(byGiven.get("Eve")![0]).toBe(`'=HYPERLINK("http://x")`);
    expect(byGiven.get("-minus")![1]).toBe("'-minus");
    expect(byGiven.get("太郎")![2]).toBe("ヤマダ");
    const addressCol = header!.indexOf("Address line 1");
    expect(byGiven.get("Nora")![addressCol]).toBe("1 Main St\nApt 2");
    const mailing = header!.indexOf("Mailing address");
    expect(byGiven.get("Nora")![mailing]).toBe("1 Main St\nApt 2\nSt. Paul, MN 55102");
    expect(byGiven.get("太郎")![mailing]).toBe("東京都");
  });

  it("XLSX: values round-trip as plain strings (dates as dates), no cell is a formula", async () => {
    const { response, bytes } = await download("/staff/members/export?format=xlsx&preset=roll");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.rowCount).toBe(1 + tricky.length + 7);
    const values: string[][] = [];
    sheet.eachRow((row) => {
      const cells: string[] = [];
      row.eachCell({ includeEmpty: true }, (cell) => {
        expect(cell.type === ExcelJS.ValueType.Formula || cell.formula !== undefined, `cell ${cell.address}`).toBe(false);
        expect(typeof cell.value === "string" || cell.value === null || typeof cell.value === "number" || cell.value instanceof Date).toBe(true);
        cells.push(cell.value === null ? "" : String(cell.value));
      });
      values.push(cells);
    });
    expect(values[0]!.slice(0, 2)).toEqual(["Family name", "Given name"]);
    for (const m of tricky) {
      const row = values.find((r) => r[1] === m.givenName);
      expect(row, m.givenName).toBeDefined();
      expect(row![0]).toBe(m.familyName);
    }
  });

  it("XLSX: days are date cells and regions names, the header row frozen and filtering, columns as wide as their text", async () => {
    const [csvHeader, ...csvRows] = parse((await download("/staff/members/export?format=csv&preset=roll")).bytes.toString("utf8").slice(1)) as string[][];
    const { bytes } = await download("/staff/members/export?format=xlsx&preset=roll");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
    expect(header).toEqual(csvHeader);
    expect(sheet.getRow(1).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    expect(sheet.autoFilter).toBe(`A1:${sheet.getColumn(header.length).letter}1`);

    const col = (name: string) => header.indexOf(name) + 1;
    const taro = sheet.getRows(2, sheet.rowCount - 1)!.find((r) => r.getCell(col("Given name")).value === "太郎")!;
    const joined = taro.getCell(col("Joined"));
    expect(joined.value).toBeInstanceOf(Date);
    expect(joined.numFmt).toBe("yyyy-mm-dd");
    const csvTaro = csvRows.find((r) => r[1] === "太郎")!;
    expect((joined.value as Date).toISOString().slice(0, 10)).toBe(csvTaro[header.indexOf("Joined")]); // the same day as the CSV's
    expect(taro.getCell(col("Prefecture / state")).value).toBe("Tokyo");
    const nora = sheet.getRows(2, sheet.rowCount - 1)!.find((r) => r.getCell(col("Given name")).value === "Nora")!;
    expect(nora.getCell(col("Prefecture / state")).value).toBe("Minnesota");

    const longestEmail = Math.max(...csvRows.map((r) => r[header.indexOf("Email")]!.length));
    expect(sheet.getColumn(col("Email")).width).toBeGreaterThanOrEqual(longestEmail);
    expect(sheet.getColumn(col("Joined")).width).toBeGreaterThanOrEqual(10);
  });

  it("regions by name in the staff user's language, in the CSV and the list alike", async () => {
    const ja = await makeStaff(t.db, "staff", "ja");
    const jaCookie = await staffCookie(t.db, ja.id);
    const [header, ...rows] = parse((await download("/staff/members/export?format=csv&preset=roll", jaCookie)).bytes.toString("utf8").slice(1)) as string[][];
    const region = header!.indexOf("都道府県・州");
    expect(region).toBeGreaterThan(-1);
    expect(rows.find((r) => r[1] === "太郎")![region]).toBe("東京都");
    expect(rows.find((r) => r[1] === "Nora")![region]).toBe("ミネソタ州");
    const enRows = parse((await download("/staff/members/export?format=csv&preset=roll")).bytes.toString("utf8").slice(1)) as string[][];
    expect(enRows.find((r) => r[1] === "太郎")![region]).toBe("Tokyo");
  });

  it("header row in the staff user's language", async () => {
    const ja = await makeStaff(t.db, "staff", "ja");
    const { bytes } = await download("/staff/members/export?format=csv", await staffCookie(t.db, ja.id));
    const [header] = parse(bytes.toString("utf8").slice(1)) as string[][];
    expect(header!.slice(0, 4)).toEqual(["姓", "名", "セイ", "メイ"]);
  });

  it("exports exactly the rows the list shows under the same filters", async () => {
    const filters = [
      "country=JP",
      "status=lapsed",
      "q=%E3%82%B5%E3%83%88%E3%82%A6", // サトウ
      "q=sato",
      "q=smith&status=active",
      "joinedFrom=2025-03-01&joinedTo=2025-06-30",
      "country=US&sort=joined&dir=desc",
    ];
    for (const qs of filters) {
      const list = (await respond(() => listLoader(args(t.db, `/staff/members?${qs}`, { cookie })))) as { data: Awaited<ReturnType<typeof listLoader>> };
      const listed = list.data.rows.map((r) => r.email);
      expect(list.data.total, qs).toBe(listed.length);
      const { bytes } = await download(`/staff/members/export?${qs}&format=csv`);
      const [header, ...data] = parse(bytes.toString("utf8").slice(1)) as string[][];
      const emailCol = header!.indexOf("Email");
      expect(
        data.map((r) => r[emailCol]),
        qs,
      ).toEqual(listed);
      expect(listed.length, qs).toBeGreaterThan(0);
    }
  });

  it("writes one audit entry per export with who, filters, columns and row count", async () => {
    const before = (await auditsFor(staffId)).length;
    const { bytes } = await download("/staff/members/export?country=JP&format=xlsx&preset=finance");
    expect(bytes.length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 50));
    const entries = await auditsFor(staffId);
    expect(entries).toHaveLength(before + 1);
    const entry = entries.at(-1)!;
    expect(entry.details).toMatchObject({
      format: "xlsx",
      preset: "finance",
      filters: { country: "JP" },
      query: "country=JP",
      status: "completed",
      rowCount: 4,
    });
    expect(entry.details.columns).toContain("receiptNumber");
  });

  it("a viewer cannot export, and nothing is logged", async () => {
    const viewerAudits = await t.db.select().from(auditLog).where(eq(auditLog.action, "export.members"));
    const response = (await respond(() => exportLoader(args(t.db, "/staff/members/export?format=csv", { cookie: viewerCookie })))) as Response;
    expect(response.status).toBe(403);
    expect(await t.db.select().from(auditLog).where(eq(auditLog.action, "export.members"))).toHaveLength(viewerAudits.length);
  });

  it("refuses a bad filter or format with a clear 400 instead of exporting more than asked", async () => {
    for (const qs of ["country=Japan", "format=pdf", "joinedFrom=2025-02-30", "status=gold"]) {
      const { response, bytes } = await download(`/staff/members/export?${qs}`);
      expect(response.status, qs).toBe(400);
      expect(bytes.toString("utf8")).toMatch(/export was not started/);
    }
  });
});

describe("an export the client abandons", () => {
  it("stops reading from the database, frees its connection and marks its audit entry failed", async () => {
    const { generateMembers } = await import("../../db/demo-members");
    await generateMembers(t.handle.sql, 5000);
    for (const format of ["csv", "xlsx"]) {
      const response = (await respond(() => exportLoader(args(t.db, `/staff/members/export?format=${format}`, { cookie })))) as Response;
      const reader = response.body!.getReader();
      const first = await reader.read();
      expect(first.done).toBe(false);
      await reader.cancel();
      let entry: Record<string, unknown> | undefined;
      for (let i = 0; i < 100 && entry?.status !== "failed"; i++) {
        await new Promise((r) => setTimeout(r, 20));
        entry = (await auditsFor(staffId)).at(-1)!.details;
      }
      expect(entry, format).toMatchObject({ format, status: "failed" });
      expect(entry!.rowCount as number, format).toBeLessThan(5000);
    }
    // The pool still answers: no connection was left reserved.
    for (let i = 0; i < 6; i++) expect((await t.handle.sql`select 1 as ok`)[0]!.ok).toBe(1);
    // And PostgreSQL is not still running the abandoned COPY or cursor.
    const running = await t.handle.sql`select query from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and state = 'active'`;
    expect(running.map((r) => r.query as string)).toEqual([]);
  });
});

describe("an export whose query fails after the file has started", () => {
  it("cuts the download off (the body errors) instead of ending a file with only its header, and marks the audit entry failed", async () => {
    const { connect } = await import("../../db/client");
    const postgres = (await import("postgres")).default;
    // The export's connections wait at most 300 ms for a lock; another session holds the people table.
    await t.handle.sql.unsafe(`alter database "${t.name}" set lock_timeout = '300ms'`);
    const exporting = connect(t.url, { max: 2 });
    const holder = postgres(t.url, { max: 1, onnotice: () => {} });
    try {
      for (const format of ["csv", "xlsx"]) {
        await holder.begin(async (tx) => {
          await tx`lock table people in access exclusive mode`;
          const response = (await respond(() => exportLoader(args(exporting.db, `/staff/members/export?format=${format}`, { cookie })))) as Response;
          expect(response.status, format).toBe(200); // the header row leaves before the rows are read
          await expect(response.text(), format).rejects.toThrow();
        });
        let entry: Record<string, unknown> | undefined;
        for (let i = 0; i < 100 && entry?.status !== "failed"; i++) {
          await new Promise((r) => setTimeout(r, 20));
          entry = (await auditsFor(staffId)).at(-1)!.details;
        }
        expect(entry, format).toMatchObject({ format, status: "failed" });
        expect(String(entry!.error), format).toContain("lock timeout");
      }
    } finally {
      await holder.end({ timeout: 5 });
      await exporting.close();
      await t.handle.sql.unsafe(`alter database "${t.name}" reset lock_timeout`);
    }
  });
});
