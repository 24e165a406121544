/**
 * The member CSV as PostgreSQL's COPY writes it: record ends, embedded line breaks, and
 * filter values that reach the COPY statement as inlined literals.
 */
import { parse } from "csv-parse/sync";
import { and, desc, eq, sql } from "drizzle-orm";
import { auditLog } from "../../db/schema";
import { beforeAll, describe, expect, it } from "vitest";
import { loader as exportLoader } from "~/routes/staff.members.export";
import { loader as listLoader } from "~/routes/staff.members._index";
import { args, makeMember, makeStaff, respond, staffCookie } from "../fixtures/staff";
import { useTestDatabase } from "../setup/test-db";

const t = useTestDatabase();
let cookie = "";
let staffId = "";

async function csv(qs: string) {
  const response = (await respond(() => exportLoader(args(t.db, `/staff/members/export?${qs}`, { cookie })))) as Response;
  expect(response.status, qs).toBe(200);
  const text = Buffer.from(await response.arrayBuffer()).toString("utf8");
  expect(text.charCodeAt(0), "BOM").toBe(0xfeff);
  return text.slice(1);
}

async function listed(qs: string) {
  const list = (await respond(() => listLoader(args(t.db, `/staff/members?${qs}`, { cookie })))) as { data: Awaited<ReturnType<typeof listLoader>> };
  return list.data.rows.map((r) => r.email);
}

beforeAll(async () => {
  staffId = (await makeStaff(t.db, "staff")).id;
  cookie = await staffCookie(t.db, staffId);
  await makeMember(t.db, {
    familyName: "Crlf",
    givenName: "Carla",
    email: "carla@example.org",
    addressLine1: "Unit 5\r\nBlock B",
    addressLine2: 'Say "hi"\nthen, go',
    city: "Duluth",
    region: "MN",
  });
  await makeMember(t.db, { familyName: "O'Brien", givenName: "Bob", email: "bob@example.org", region: "O'X" });
  await makeMember(t.db, { familyName: "Back\\slash", givenName: "Bea", email: "bea@example.org", region: "a\\'b" });
  await makeMember(t.db, { familyName: "Plain", givenName: "Pat", email: "pat@example.org" });
});

describe("member CSV from COPY", () => {
  it("ends every record with CRLF and nowhere else, keeps line breaks inside quoted fields exactly", async () => {
    const text = await csv("format=csv&preset=mailing");
    const rows = parse(text) as string[][];
    const [header, ...data] = rows;
    expect(data).toHaveLength(4);
    // Outside quoted fields every LF is preceded by CR, and there are exactly as many as records.
    let inQuotes = false;
    let recordEnds = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === '"') inQuotes = !inQuotes;
      else if (c === "\n" && !inQuotes) {
        expect(text[i - 1], `LF at ${i}`).toBe("\r");
        recordEnds++;
      } else if (c === "\r" && !inQuotes) expect(text[i + 1], `CR at ${i}`).toBe("\n");
    }
    expect(recordEnds).toBe(rows.length);
    expect(text.endsWith("\r\n")).toBe(true);
    const carla = data.find((r) => r[1] === "Carla")!;
    expect(carla[header!.indexOf("Address line 1")]).toBe("Unit 5\r\nBlock B");
    expect(carla[header!.indexOf("Address line 2")]).toBe('Say "hi"\nthen, go');
    expect(carla[header!.indexOf("Mailing address")]).toBe('Unit 5\r\nBlock B\nSay "hi"\nthen, go\nDuluth, MN');
    expect(text).toContain('"Unit 5\r\nBlock B"');
  });

  it("a filter value with quotes or backslashes is only a value: the list's rows, nothing more, nothing broken", async () => {
    const cases: [string, string[]][] = [
      ["q=O'Brien", ["bob@example.org"]],
      ["q=o%27brien&status=active", ["bob@example.org"]],
      ["region=O'X", ["bob@example.org"]],
      ["region=a%5C'b", ["bea@example.org"]],
      ["q=back%5Cslash", ["bea@example.org"]],
      ["region=x'%20or%20'1'%3D'1", []],
      ["region=%5C'%20or%201%3D1%20--", []],
      ["q=x');%20drop%20table%20people;%20--", []],
      ["q=%25", []],
      ["q=%24%31", []],
    ];
    for (const [qs, emails] of cases) {
      expect(await listed(qs), qs).toEqual(emails);
      const [header, ...data] = parse(await csv(`${qs}&format=csv`)) as string[][];
      expect(
        data.map((r) => r[header!.indexOf("Email")]),
        qs,
      ).toEqual(emails);
    }
    const counted = (await t.db.execute(sql`select count(*)::int as n from people`)) as unknown as { n: number }[];
    expect(counted[0]!.n, "no table was touched").toBe(4);
  });
});

describe("one CSV export after another", () => {
  it("each completes its audit entry and leaves its connection usable", async () => {
    // postgres.js can end a COPY stream with its socket paused (porsager/postgres#499): the
    // connection's next query then never returns, the audit entry stays "started", and the
    // pool runs dry after a few exports.
    const { generateMembers } = await import("../../db/demo-members");
    await generateMembers(t.handle.sql, 3000);
    for (let i = 0; i < 8; i++) {
      const text = await csv(`format=csv${i % 2 ? "&preset=mailing" : ""}`);
      let entry: Record<string, unknown> | undefined;
      for (let wait = 0; wait < 100 && entry?.status !== "completed"; wait++) {
        await new Promise((r) => setTimeout(r, 20));
        [entry] = (
          await t.db
            .select()
            .from(auditLog)
            .where(and(eq(auditLog.action, "export.members"), eq(auditLog.actorStaffUserId, staffId)))
            .orderBy(desc(auditLog.id))
            .limit(1)
        ).map((a) => a.details);
      }
      expect(entry, `export ${i}`).toMatchObject({ status: "completed", rowCount: 3004 });
      expect(text.split("\r\n").length).toBeGreaterThan(3005);
    }
  });
});
