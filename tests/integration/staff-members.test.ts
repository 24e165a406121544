import { and, desc, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog, emailOutbox, memberships, membershipStatusHistory, payments, receipts } from "../../db/schema";
import { action as memberAction, loader as memberLoader } from "~/routes/staff.members.$memberId";
import { loader as listLoader } from "~/routes/staff.members._index";
import { args, makeMember, makeStaff, respond, staffCookie } from "../fixtures/staff";
import { useTestDatabase } from "../setup/test-db";

const t = useTestDatabase();
let cookie = "";
let staffId = "";
let yamada: Awaited<ReturnType<typeof makeMember>>;

async function list(qs: string) {
  const r = (await respond(() => listLoader(args(t.db, `/staff/members?${qs}`, { cookie })))) as { data: Awaited<ReturnType<typeof listLoader>> };
  return r.data;
}

beforeAll(async () => {
  const staff = await makeStaff(t.db, "staff");
  staffId = staff.id;
  cookie = await staffCookie(t.db, staff.id);
  yamada = await makeMember(t.db, {
    familyName: "山田",
    givenName: "太郎",
    familyNameKana: "ヤマダ",
    givenNameKana: "タロウ",
    country: "JP",
    region: "13",
    preferredLocale: "ja",
  });
  await makeMember(t.db, {
    familyName: "伊藤",
    givenName: "花子",
    familyNameKana: "イトウ",
    givenNameKana: "ハナコ",
    country: "JP",
    region: "27",
    status: "lapsed",
  });
  await makeMember(t.db, { familyName: "林", givenName: "健", familyNameKana: "ハヤシ", givenNameKana: "ケン", country: "JP" });
  await makeMember(t.db, { familyName: "Anderson", givenName: "Amy", email: "amy@harbor.example", region: "MN" });
  await makeMember(t.db, { familyName: "Zimmer", givenName: "Zoe" });
});

describe("member search and list", () => {
  it("finds a Japanese member by kanji, katakana, hiragana, romaji and full-width romaji", async () => {
    for (const q of ["山田", "山田 太郎", "ヤマダ", "やまだ", "yamada", "Yamada Taro", "taro yamada", "ｙａｍａｄａ", "やまだたろう"]) {
      const data = await list(`q=${encodeURIComponent(q)}`);
      expect(
        data.rows.map((r) => r.familyName),
        q,
      ).toEqual(["山田"]);
    }
    expect((await list(`q=${encodeURIComponent("林")}`)).rows.map((r) => r.givenName)).toEqual(["健"]);
    expect((await list("q=harbor.example")).rows.map((r) => r.familyName)).toEqual(["Anderson"]);
  });

  it("sorts Japanese names by their kana reading, and both ways", async () => {
    const asc = (await list("country=JP")).rows.map((r) => r.familyName);
    expect(asc).toEqual(["伊藤", "林", "山田"]); // いとう, はやし, やまだ
    const desc = (await list("country=JP&dir=desc")).rows.map((r) => r.familyName);
    expect(desc).toEqual(["山田", "林", "伊藤"]);
  });

  it("filters by status, prefecture and language, and keeps them in the URL", async () => {
    expect((await list("status=lapsed")).rows.map((r) => r.familyName)).toEqual(["伊藤"]);
    expect((await list("region=27")).rows.map((r) => r.familyName)).toEqual(["伊藤"]);
    // A region typed as its name, in either language, finds the same members as its code.
    for (const typed of ["Osaka", "大阪府", "大阪"])
      expect(
        (await list(`region=${encodeURIComponent(typed)}`)).rows.map((r) => r.familyName),
        typed,
      ).toEqual(["伊藤"]);
    expect((await list("region=Minnesota")).rows.map((r) => r.familyName)).toEqual(["Anderson"]);
    expect((await list("lang=ja")).rows.map((r) => r.familyName)).toEqual(["山田"]);
  });

  it("answers a bad query string with clear messages and the rest of the filters, not a 500", async () => {
    const data = await list("status=gold&country=Japan&joinedFrom=2025-02-30&page=-1&region=27");
    expect(data.problems.map((p) => p.field).sort()).toEqual(["country", "joinedFrom", "page", "status"]);
    expect(data.problems.find((p) => p.field === "country")!.message).toContain("two letters");
    expect(data.rows.map((r) => r.familyName)).toEqual(["伊藤"]);
    expect(data.query.page).toBe(1);
  });
});

describe("member page actions", () => {
  const post = (form: Record<string, string>) =>
    respond(() => memberAction(args(t.db, `/staff/members/${yamada.person.id}`, { form, cookie, params: { memberId: yamada.person.id } })));

  it("shows the profile, memberships and audit entries", async () => {
    const r = (await respond(() => memberLoader(args(t.db, `/staff/members/${yamada.person.id}`, { cookie, params: { memberId: yamada.person.id } })))) as {
      data: Awaited<ReturnType<typeof memberLoader>>;
    };
    expect(r.data.person?.familyName).toBe("山田");
    expect(r.data.memberships).toHaveLength(1);
    expect(r.data.canWrite).toBe(true);
  });

  it("needs confirmation, keeps what was typed and explains", async () => {
    const response = (await post({ intent: "comp", membershipId: yamada.membership.id, until: "2099-12-31" })) as Response;
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Record<string, string>; values: Record<string, string> };
    expect(body.errors.confirm).toBe("Tick the box to confirm.");
    expect(body.values.until).toBe("2099-12-31");
    const past = (await post({ intent: "comp", membershipId: yamada.membership.id, until: "2001-01-01", confirm: "yes" })) as Response;
    expect(past.status).toBe(400);
    expect(((await past.json()) as { errors: Record<string, string> }).errors.until).toMatch(/future/);
  });

  it("comps a membership until a date, with history and one audit row", async () => {
    const response = (await post({ intent: "comp", membershipId: yamada.membership.id, until: "2099-12-31", confirm: "yes" })) as Response;
    expect(response.status).toBe(302);
    const [m] = await t.db.select().from(memberships).where(eq(memberships.id, yamada.membership.id));
    expect(m!.status).toBe("comped");
    expect(m!.compedUntil!.toISOString()).toBe("2099-12-31T14:59:59.000Z");
    const history = await t.db.select().from(membershipStatusHistory).where(eq(membershipStatusHistory.membershipId, m!.id));
    expect(history).toMatchObject([{ fromStatus: "active", toStatus: "comped", cause: "staff", staffUserId: staffId }]);
    const audit = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "membership.comp"), eq(auditLog.subjectId, m!.id)));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ before: { status: "active" }, after: { status: "comped" } });
  });

  it("cancels at period end, then now", async () => {
    await post({ intent: "cancel", membershipId: yamada.membership.id, when: "period_end", confirm: "yes" });
    let [m] = await t.db.select().from(memberships).where(eq(memberships.id, yamada.membership.id));
    expect(m!.cancelAtPeriodEnd).toBe(true);
    expect(m!.status).toBe("comped");
    await post({ intent: "cancel", membershipId: yamada.membership.id, when: "now", confirm: "yes" });
    [m] = await t.db.select().from(memberships).where(eq(memberships.id, yamada.membership.id));
    expect(m!.status).toBe("canceled");
    expect(m!.canceledAt).not.toBeNull();
  });

  it("records an offline payment that issues a receipt and queues it; resend queues it again", async () => {
    const response = (await post({
      intent: "payment",
      membershipId: yamada.membership.id,
      amount: "8000",
      currency: "JPY",
      method: "bank_transfer",
      paidAt: "2026-11-20",
      reference: "振込 123",
      token: "6f1c2a5e-8d7b-4c3a-9e2f-1a2b3c4d5e6f",
      confirm: "yes",
    })) as Response;
    expect(response.status).toBe(302);
    const [payment] = await t.db.select().from(payments).where(eq(payments.membershipId, yamada.membership.id));
    expect(payment).toMatchObject({ amount: 8000, currency: "JPY", method: "bank_transfer", recordedByStaffUserId: staffId });
    const [receipt] = await t.db.select().from(receipts).where(eq(receipts.paymentId, payment!.id));
    expect(receipt!.number).toMatch(/^\d{4}-\d{6}$/);
    expect(receipt!.locale).toBe("ja");
    const queued = await t.db.select().from(emailOutbox).where(eq(emailOutbox.template, "receipt")).orderBy(desc(emailOutbox.createdAt));
    expect(queued[0]!.props).toEqual({ recipient: { kind: "person", familyName: "山田", givenName: "太郎" }, receiptId: receipt!.id });

    const decimals = (await post({
      intent: "payment",
      membershipId: yamada.membership.id,
      amount: "10.5",
      currency: "JPY",
      method: "check",
      paidAt: "2026-11-20",
      token: "7a1c2a5e-8d7b-4c3a-9e2f-1a2b3c4d5e6f",
      confirm: "yes",
    })) as Response;
    expect(decimals.status).toBe(400);

    await post({ intent: "resend", receiptId: receipt!.id, confirm: "yes" });
    expect(await t.db.select().from(emailOutbox).where(eq(emailOutbox.template, "receipt"))).toHaveLength(2);
    expect(await t.db.select().from(auditLog).where(eq(auditLog.action, "receipt.resend"))).toHaveLength(1);
  });

  it("edits the profile and records what changed", async () => {
    const response = (await post({
      intent: "edit",
      familyName: "山田",
      givenName: "次郎",
      familyNameKana: "ヤマダ",
      givenNameKana: "ジロウ",
      email: yamada.person.email,
      preferredLocale: "ja",
      country: "jp",
      postalCode: "100-0001",
      region: "13",
      city: "千代田区",
      addressLine1: "千代田1-1",
      addressLine2: "",
      confirm: "yes",
    })) as Response;
    expect(response.status).toBe(302);
    const [entry] = await t.db.select().from(auditLog).where(eq(auditLog.action, "member.edit"));
    expect(entry!.details).toMatchObject({ changes: { givenName: { from: "太郎", to: "次郎" }, givenNameKana: { from: "タロウ", to: "ジロウ" } } });
    expect((await list("q=jirou")).rows.map((r) => r.givenName)).toEqual(["次郎"]);
  });
});
