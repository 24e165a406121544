/**
 * A member's data (issue 16 item 6): the zip download of everything held about them (and
 * nothing about anyone else), the deletion request and its withdrawal, and staff anonymising
 * the person while payments and receipts stay for the retention period.
 */
import { and, eq } from "drizzle-orm";
import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { auditLog, emailConsents, emailOutbox, memberships, payments, people, receipts, sessions } from "../../db/schema";
import { parseEnv } from "~/modules/config/env.server";
import { purgeExpiredRecords } from "~/modules/account/data.server";
import { action as dataAction, loader as dataLoader } from "~/routes/($lang).account.data";
import { action as downloadAction } from "~/routes/($lang).account.data.download";
import { action as signInAction } from "~/routes/($lang).account.sign-in";
import { loader as dashboardLoader } from "~/routes/staff._index";
import { args, env, makeMember, makeStaff, memberCookie, postMemberForm, respond, staffCookie } from "../fixtures/staff";
import { useTestDatabase } from "../setup/test-db";

const t = useTestDatabase();

async function member(seed: Partial<Parameters<typeof makeMember>[1]> = {}) {
  const made = await makeMember(t.db, {
    familyName: "山田",
    givenName: "花子",
    familyNameKana: "ヤマダ",
    givenNameKana: "ハナコ",
    country: "JP",
    region: "13",
    city: "千代田区",
    postalCode: "100-0005",
    addressLine1: "丸の内1-1-1",
    preferredLocale: "ja",
    ...seed,
  });
  return { ...made, cookie: await memberCookie(t.db, made.person.id) };
}

function post(cookie: string | undefined, form: Record<string, string>, origin?: string | null) {
  if (form.intent === "download") {
    return respond(() =>
      downloadAction({ ...args(t.db, "/account/data/download", { form, cookie, origin }), context: { db: t.db, env, clientIp: "10.7.0.1" } }),
    );
  }
  return respond(() => dataAction({ ...args(t.db, "/account/data", { form, cookie, origin }), context: { db: t.db, env, clientIp: "10.7.0.1" } }));
}

const bodyOf = async (r: Awaited<ReturnType<typeof respond>>) => (r instanceof Response ? r.json() : r.data) as Promise<Record<string, unknown>>;

/** A cash payment recorded by staff: a payment with its receipt, as the console makes one. */
async function paid(memberId: string, membershipId: string, staffCookieValue: string, amount = "8000") {
  const response = await postMemberForm(t.db, env, memberId, staffCookieValue, {
    intent: "payment",
    membershipId,
    amount,
    currency: "JPY",
    method: "cash",
    paidAt: "2026-11-20",
    reference: "",
    token: crypto.randomUUID(),
    confirm: "yes",
  });
  expect(response.status).toBe(302);
}

describe("the data download", () => {
  it("is a zip of data.json and CSV files with everything about the member, in UTF-8 with a BOM, and nothing about anyone else", async () => {
    const staff = await makeStaff(t.db, "staff");
    const cookie = await staffCookie(t.db, staff.id);
    const m = await member();
    const other = await member({ familyName: "Other", givenName: "Person", email: "someone.else@example.org", preferredLocale: "en" });
    await paid(m.person.id, m.membership.id, cookie);
    await paid(other.person.id, other.membership.id, cookie, "12345");
    await t.db.insert(emailConsents).values({ personId: m.person.id, topic: "newsletter", granted: true, source: "member_area", ip: "10.7.0.9" });

    const response = (await post(m.cookie, { intent: "download" })) as Response;
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/zip");
    expect(response.headers.get("Content-Disposition")).toMatch(/^attachment; filename="kizuna-data-\d{4}-\d{2}-\d{2}\.zip"$/);
    expect(response.headers.get("Cache-Control")).toBe("private, no-store");
    const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
    expect(Object.keys(files).sort()).toEqual(
      expect.arrayContaining([
        "README.txt",
        "data.json",
        "person.csv",
        "memberships.csv",
        "payments.csv",
        "receipts.csv",
        "emails.csv",
        "emailConsents.csv",
        "sessions.csv",
      ]),
    );
    const json = JSON.parse(strFromU8(files["data.json"]!));
    expect(json.person).toMatchObject({
      id: m.person.id,
      familyName: "山田",
      givenName: "花子",
      familyNameKana: "ヤマダ",
      email: m.person.email,
      city: "千代田区",
    });
    expect(json.memberships).toHaveLength(1);
    expect(json.payments).toEqual([expect.objectContaining({ amount: 8000, currency: "JPY", method: "cash" })]);
    expect(json.receipts[0].number).toMatch(/^\d{4}-\d{6}$/);
    expect(json.emailConsents).toEqual([expect.objectContaining({ topic: "newsletter", granted: true, source: "member_area" })]);
    expect(json.emails.map((e: { template: string }) => e.template)).toContain("receipt");
    expect(json.sessions.length).toBeGreaterThan(0);
    // No secrets: no session token hashes, no email bodies (which hold sign-in links).
    expect(Object.keys(json.sessions[0])).toEqual(["createdAt", "expiresAt", "revokedAt", "ip"]);
    expect(Object.keys(json.emails[0])).not.toContain("props");

    const personCsv = files["person.csv"]!;
    expect([...personCsv.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = strFromU8(personCsv).slice(1);
    expect(text.split("\r\n")[1]).toContain("山田");
    expect(strFromU8(files["payments.csv"]!)).toContain("8000");

    const everything = Object.values(files)
      .map((f) => strFromU8(f))
      .join("\n");
    for (const foreign of [other.person.id, other.person.email, "Other", "12345", other.membership.id]) expect(everything, foreign).not.toContain(foreign);

    const [audit] = await t.db.select().from(auditLog).where(eq(auditLog.action, "person.data_download"));
    expect(audit).toMatchObject({ subjectId: m.person.id, ip: "10.7.0.1" });
  });

  it("needs the member signed in, from this site", async () => {
    const m = await member();
    const signedOut = (await post(undefined, { intent: "download" })) as Response;
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.get("Location")).toBe("/account/sign-in?next=%2Faccount%2Fdata%2Fdownload");
    expect((await post(m.cookie, { intent: "download" }, "https://evil.example")).status).toBe(403);
    for (const bad of [{}, { intent: "export" }, { intent: "download", personId: crypto.randomUUID() }]) {
      const r = await post(m.cookie, bad as Record<string, string>);
      if ((bad as { intent?: string }).intent === "download") {
        // An id in the form is ignored: the zip is the session's person's.
        const files = unzipSync(new Uint8Array(await (r as Response).arrayBuffer()));
        expect(JSON.parse(strFromU8(files["data.json"]!)).person.id).toBe(m.person.id);
      } else expect(r.status, JSON.stringify(bad)).toBe(400);
    }
  });
});

describe("asking for deletion", () => {
  it("needs the box ticked; is recorded and audited; can be withdrawn until staff act; staff see it on the dashboard", async () => {
    const m = await member();
    const unticked = await post(m.cookie, { intent: "request" });
    expect(unticked.status).toBe(400);
    expect(await bodyOf(unticked)).toMatchObject({ error: "confirm" });
    const personRow = async () => (await t.db.select().from(people).where(eq(people.id, m.person.id)))[0]!;
    expect((await personRow()).deletionRequestedAt).toBeNull();

    expect(await bodyOf(await post(m.cookie, { intent: "request", confirm: "yes" }))).toEqual({ result: "requested", error: null });
    expect((await personRow()).deletionRequestedAt).toBeInstanceOf(Date);
    expect(await bodyOf(await post(m.cookie, { intent: "request", confirm: "yes" }))).toMatchObject({ result: "unchanged" });
    const page = await bodyOf(
      await respond(() => dataLoader({ ...args(t.db, "/ja/account/data", { cookie: m.cookie, params: { lang: "ja" } }), context: { db: t.db, env } })),
    );
    expect(page.requestedAt).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日$/);

    const viewer = await makeStaff(t.db, "viewer");
    const viewerCookie = await staffCookie(t.db, viewer.id);
    const dashboard = await bodyOf(await respond(() => dashboardLoader(args(t.db, "/staff", { cookie: viewerCookie }))));
    expect(dashboard.deletionRequests).toEqual([expect.objectContaining({ id: m.person.id, familyName: "山田" })]);

    expect(await bodyOf(await post(m.cookie, { intent: "withdraw" }))).toMatchObject({ result: "withdrawn" });
    expect((await personRow()).deletionRequestedAt).toBeNull();
    const actions = (await t.db.select().from(auditLog).where(eq(auditLog.subjectId, m.person.id))).map((a) => a.action);
    expect(actions).toEqual(["person.deletion_request", "person.deletion_withdraw"]);
  });
});

describe("staff anonymise a person", () => {
  it("removes what names or reaches them, keeps payments and receipts, ends sessions and email; audited; viewers and bad forms refused", async () => {
    const staff = await makeStaff(t.db, "staff");
    const cookie = await staffCookie(t.db, staff.id);
    const m = await member();
    await paid(m.person.id, m.membership.id, cookie);
    await post(m.cookie, { intent: "request", confirm: "yes" });
    const [payment] = await t.db.select().from(payments).where(eq(payments.personId, m.person.id));
    const [receipt] = await t.db.select().from(receipts).where(eq(receipts.paymentId, payment!.id));

    const viewer = await makeStaff(t.db, "viewer");
    const refused = await postMemberForm(t.db, env, m.person.id, await staffCookie(t.db, viewer.id), { intent: "anonymise", reason: "asked", confirm: "yes" });
    expect(refused.status).toBe(403);
    for (const bad of [
      { intent: "anonymise", reason: "asked" },
      { intent: "anonymise", reason: "", confirm: "yes" },
    ] as Record<string, string>[]) {
      expect((await postMemberForm(t.db, env, m.person.id, cookie, bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await t.db.select().from(people).where(eq(people.id, m.person.id)))[0]!.anonymisedAt).toBeNull();

    const done = await postMemberForm(t.db, env, m.person.id, cookie, { intent: "anonymise", reason: "Asked from the member area", confirm: "yes" });
    expect(done.status).toBe(302);
    const [after] = await t.db.select().from(people).where(eq(people.id, m.person.id));
    expect(after).toMatchObject({
      familyName: "Deleted",
      givenName: "Member",
      familyNameKana: null,
      givenNameKana: null,
      email: `deleted+${m.person.id}@invalid.invalid`,
      postalCode: null,
      city: null,
      addressLine1: null,
      deletionRequestedAt: null,
    });
    expect(after!.anonymisedAt).toBeInstanceOf(Date);
    expect(after!.searchText).not.toContain("山田");
    // Tax records stay: the payment, and the receipt as printed.
    expect((await t.db.select().from(payments).where(eq(payments.id, payment!.id)))[0]).toMatchObject({ amount: 8000, currency: "JPY" });
    expect((await t.db.select().from(receipts).where(eq(receipts.id, receipt!.id)))[0]).toEqual(receipt);
    // Signed out everywhere; the old address signs no one in and gets nothing.
    const live = await t.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.personId, m.person.id)));
    expect(live.every((s) => s.revokedAt !== null)).toBe(true);
    expect((await post(m.cookie, { intent: "download" })).status).toBe(302);
    await respond(() => signInAction(args(t.db, "/account/sign-in", { form: { intent: "request", email: m.person.email }, ip: "10.7.0.5" })));
    const toOld = await t.db.select().from(emailOutbox).where(eq(emailOutbox.toEmail, m.person.email));
    expect(toOld).toHaveLength(0);
    const [audit] = await t.db.select().from(auditLog).where(eq(auditLog.action, "person.anonymise"));
    expect(audit).toMatchObject({ actorStaffUserId: staff.id, subjectId: m.person.id });
    expect(audit!.details).toMatchObject({ reason: "Asked from the member area", requested: true });
    expect(JSON.stringify(audit!.details)).not.toContain("山田");
    const personAudits = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, m.person.id), eq(auditLog.action, "person.deletion_request")));
    expect(personAudits[0]!.ip).toBeNull();

    // Once is enough.
    expect((await postMemberForm(t.db, env, m.person.id, cookie, { intent: "anonymise", reason: "again", confirm: "yes" })).status).toBe(400);

    // After the retention period the receipt stops naming them; the number and amounts stay.
    expect(await purgeExpiredRecords(t.db, env)).toBe(0);
    const later = new Date(Date.now() + 7 * 366 * 86_400_000);
    expect(await purgeExpiredRecords(t.db, env, later)).toBe(1);
    const [scrubbed] = await t.db.select().from(receipts).where(eq(receipts.id, receipt!.id));
    expect(scrubbed).toMatchObject({ number: receipt!.number, amount: receipt!.amount });
    expect((scrubbed!.snapshot as { payer: Record<string, unknown> }).payer).toEqual({
      kind: "person",
      familyName: "Deleted",
      givenName: "Member",
      email: "",
      country: "JP",
    });
    expect(await purgeExpiredRecords(t.db, env, later)).toBe(0);
  });

  it("waits while a membership is still billed by Stripe, and the retention period is configurable (1–30 years)", async () => {
    const staff = await makeStaff(t.db, "admin");
    const cookie = await staffCookie(t.db, staff.id);
    const m = await member();
    await t.db.update(memberships).set({ stripeSubscriptionId: "sub_test_live_1" }).where(eq(memberships.id, m.membership.id));
    const refused = await postMemberForm(t.db, env, m.person.id, cookie, { intent: "anonymise", reason: "asked", confirm: "yes" });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toContain("Stripe");
    expect((await t.db.select().from(people).where(eq(people.id, m.person.id)))[0]!.anonymisedAt).toBeNull();

    expect(parseEnv({ NODE_ENV: "test", RECORD_RETENTION_YEARS: "10" }).RECORD_RETENTION_YEARS).toBe(10);
    for (const bad of ["0", "31", "7.5", "seven"])
      expect(() => parseEnv({ NODE_ENV: "test", RECORD_RETENTION_YEARS: bad }), bad).toThrow(/RECORD_RETENTION_YEARS/);
  });
});
