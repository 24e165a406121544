import { and, desc, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, emailOutbox, signInRequests, signInTokens, staffUsers } from "../../db/schema";
import { renderEmail } from "../../emails";
import { hashToken, LIMIT_PER_ADDRESS, LIMIT_PER_IP } from "~/modules/auth/auth.server";
import { action as signInAction } from "~/routes/staff.sign-in";
import { action as verifyAction, loader as verifyLoader } from "~/routes/staff.verify";
import { loader as dashboardLoader } from "~/routes/staff._index";
import { args, makeStaff, respond } from "../fixtures/staff";
import { useTestDatabase } from "../setup/test-db";

const t = useTestDatabase();

async function requestLink(email: string, ip = "10.0.0.1") {
  return respond(() => signInAction(args(t.db, "/staff/sign-in", { form: { email }, ip })));
}

async function latestLinkToken(to: string): Promise<string> {
  const [row] = await t.db.select().from(emailOutbox).where(eq(emailOutbox.toEmail, to)).orderBy(desc(emailOutbox.createdAt)).limit(1);
  const url = new URL((row!.props as { url: string }).url);
  return url.searchParams.get("token")!;
}

describe("staff sign-in by one-time link", () => {
  it("emails a link to a staff user, storing only the token's SHA-256, and answers the same for anyone", async () => {
    const staff = await makeStaff(t.db, "staff", "ja");
    const known = await requestLink(staff.email.toUpperCase(), "10.0.1.1");
    const unknown = await requestLink("nobody@example.org", "10.0.1.2");
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect("data" in known && known.data).toEqual({ status: "sent", email: staff.email.toUpperCase() });
    expect("data" in unknown && unknown.data).toEqual({ status: "sent", email: "nobody@example.org" });

    const [email] = await t.db.select().from(emailOutbox).where(eq(emailOutbox.toEmail, staff.email));
    expect(email).toMatchObject({ template: "sign-in-link", locale: "ja" });
    expect(email!.props).toMatchObject({ recipient: { kind: "person", familyName: "Test", givenName: "staff" }, expiresMinutes: 15 });
    expect(await t.db.select().from(emailOutbox).where(eq(emailOutbox.toEmail, "nobody@example.org"))).toEqual([]);

    const token = await latestLinkToken(staff.email);
    const [stored] = await t.db.select().from(signInTokens).where(eq(signInTokens.staffUserId, staff.id));
    expect(stored!.tokenHash).toBe(hashToken(token));
    expect(stored!.tokenHash).not.toContain(token);
    const minutes = (stored!.expiresAt.getTime() - stored!.createdAt.getTime()) / 60_000;
    expect(minutes).toBeCloseTo(15, 0);
  });

  it("emails a link to a staff user whose name is one word (事務局, Treasurer), greeting them without a name", async () => {
    for (const [name, locale] of [
      ["事務局", "ja"],
      ["Treasurer", "en"],
    ] as const) {
      const email = `one-word-${locale}@example.org`;
      await t.db.insert(staffUsers).values({ email, name, role: "staff", locale });
      const answer = await requestLink(email, `10.0.9.${locale === "ja" ? 1 : 2}`);
      expect(answer.status).toBe(200);
      const [row] = await t.db.select().from(emailOutbox).where(eq(emailOutbox.toEmail, email));
      expect(row, name).toMatchObject({ template: "sign-in-link", locale });
      expect((row!.props as { recipient?: unknown }).recipient).toBeUndefined();
      const rendered = await renderEmail("sign-in-link", locale, row!.props as Record<string, unknown>);
      expect(rendered.text).toContain((row!.props as { url: string }).url);
    }
  });

  it("signs in once with the link; a second use is refused", async () => {
    const staff = await makeStaff(t.db, "admin");
    await requestLink(staff.email, "10.0.2.1");
    const token = await latestLinkToken(staff.email);

    const page = await respond(() => verifyLoader(args(t.db, `/staff/verify?token=${token}`)));
    expect("data" in page && page.data).toEqual({ valid: true, token });

    const first = (await respond(() => verifyAction(args(t.db, "/staff/verify", { form: { token } })))) as Response;
    expect(first.status).toBe(302);
    expect(first.headers.get("Location")).toBe("/staff");
    const cookie = first.headers.get("Set-Cookie")!;
    expect(cookie).toMatch(/^kizuna_staff=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Max-Age=43200/);
    expect(cookie).not.toMatch(/Secure/); // only in production

    const dashboard = await respond(() => dashboardLoader(args(t.db, "/staff", { cookie: cookie.split(";")[0] })));
    expect(dashboard.status).toBe(200);

    const second = (await respond(() => verifyAction(args(t.db, "/staff/verify", { form: { token } })))) as Response;
    expect(second.status).toBe(400);
    const again = await respond(() => verifyLoader(args(t.db, `/staff/verify?token=${token}`)));
    expect("data" in again && again.data).toEqual({ valid: false, token: "" });

    const audits = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "staff.sign_in"), eq(auditLog.actorStaffUserId, staff.id)));
    expect(audits).toHaveLength(1);
  });

  it("refuses an expired link", async () => {
    const staff = await makeStaff(t.db, "viewer");
    await requestLink(staff.email, "10.0.3.1");
    const token = await latestLinkToken(staff.email);
    await t.db
      .update(signInTokens)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(signInTokens.tokenHash, hashToken(token)));
    const response = (await respond(() => verifyAction(args(t.db, "/staff/verify", { form: { token } })))) as Response;
    expect(response.status).toBe(400);
    expect(response.headers.get("Set-Cookie")).toBeNull();
  });

  it("refuses a sign-in form posted from another site", async () => {
    const response = (await respond(() =>
      signInAction(args(t.db, "/staff/sign-in", { form: { email: "a@b.example" }, origin: "https://evil.example" })),
    )) as Response;
    expect(response.status).toBe(403);
    const noOrigin = (await respond(() => signInAction(args(t.db, "/staff/sign-in", { form: { email: "a@b.example" }, origin: null })))) as Response;
    expect(noOrigin.status).toBe(403);
  });

  it("rate-limits per address and per IP, whether or not the address is staff", async () => {
    const staff = await makeStaff(t.db, "staff");
    for (let i = 0; i < LIMIT_PER_ADDRESS; i++) expect((await requestLink(staff.email, `10.1.0.${i}`)).status).toBe(200);
    expect((await requestLink(staff.email, "10.1.0.99")).status).toBe(429);
    for (let i = 0; i < LIMIT_PER_ADDRESS; i++) expect((await requestLink("ghost@example.org", `10.2.0.${i}`)).status).toBe(200);
    expect((await requestLink("ghost@example.org", "10.2.0.99")).status).toBe(429);
    const links = await t.db.select().from(emailOutbox).where(eq(emailOutbox.toEmail, staff.email));
    expect(links).toHaveLength(LIMIT_PER_ADDRESS);

    for (let i = 0; i < LIMIT_PER_IP; i++) expect((await requestLink(`person${i}@example.org`, "10.9.9.9")).status).toBe(200);
    expect((await requestLink("another@example.org", "10.9.9.9")).status).toBe(429);
    const [{ n }] = (await t.db.execute(sql`select count(*)::int as n from ${signInRequests} where ip = '10.9.9.9'`)) as unknown as [{ n: number }];
    expect(n).toBe(LIMIT_PER_IP + 1);
  });

  it("answers 400 with the typed value for a malformed address", async () => {
    const response = (await requestLink("not-an-email")) as Response;
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ status: "invalid", email: "not-an-email" });
  });
});

describe("staff users (admin)", () => {
  it("adds a staff user who can then sign in, and deactivation ends their access", async () => {
    const { action: usersAction } = await import("~/routes/staff.users");
    const { staffCookie } = await import("../fixtures/staff");
    const { staffUsers } = await import("../../db/schema");
    const admin = await makeStaff(t.db, "admin");
    const cookie = await staffCookie(t.db, admin.id);
    const add = (await respond(() =>
      usersAction(
        args(t.db, "/staff/users", { cookie, form: { intent: "save", email: "New.Person@Kizuna.example", name: "新人 花子", role: "viewer", locale: "ja" } }),
      ),
    )) as Response;
    expect(add.status).toBe(302);
    const [created] = await t.db
      .select()
      .from(staffUsers)
      .where(sql`lower(${staffUsers.email}) = 'new.person@kizuna.example'`);
    expect(created).toMatchObject({ role: "viewer", locale: "ja", active: true, name: "新人 花子" });

    const viewerCookie = await staffCookie(t.db, created!.id);
    expect((await respond(() => dashboardLoader(args(t.db, "/staff", { cookie: viewerCookie })))).status).toBe(200);
    await respond(() => usersAction(args(t.db, "/staff/users", { cookie, form: { intent: "deactivate", id: created!.id } })));
    const after = (await respond(() => dashboardLoader(args(t.db, "/staff", { cookie: viewerCookie })))) as Response;
    expect(after.status).toBe(302);
    expect(after.headers.get("Location")).toMatch(/^\/staff\/sign-in/);

    const self = (await respond(() => usersAction(args(t.db, "/staff/users", { cookie, form: { intent: "deactivate", id: admin.id } })))) as Response;
    expect(self.status).toBe(400);
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.subjectId, created!.id));
    expect(audits.map((a) => a.action).sort()).toEqual(["staff_user.create", "staff_user.deactivate"]);
  });
});

describe("sessions end on the server", () => {
  it("after sign-out the old cookie no longer works, anywhere; a deactivated user's and a re-roled user's sessions end at once", async () => {
    const { action: signOutAction } = await import("~/routes/staff.sign-out");
    const { action: usersAction } = await import("~/routes/staff.users");
    const { staffCookie } = await import("../fixtures/staff");
    const { sessions, staffUsers } = await import("../../db/schema");
    const dashboard = (cookie: string) => respond(() => dashboardLoader(args(t.db, "/staff", { cookie })));

    // Signed in through the emailed link, as a person does.
    const staff = await makeStaff(t.db, "staff");
    await requestLink(staff.email, "10.0.9.1");
    const linkToken = await latestLinkToken(staff.email);
    const signedIn = (await respond(() => verifyAction(args(t.db, "/staff/verify", { form: { token: linkToken } })))) as Response;
    const cookie = signedIn.headers.get("Set-Cookie")!.split(";")[0]!;
    expect((await dashboard(cookie)).status).toBe(200);
    // The cookie holds a token; only its SHA-256 is stored.
    const [row] = await t.db.select().from(sessions).where(eq(sessions.staffUserId, staff.id));
    expect(row).toMatchObject({ revokedAt: null, ip: "127.0.0.1" });
    expect(decodeURIComponent(cookie)).not.toContain(row!.id);

    const out = (await respond(() => signOutAction(args(t.db, "/staff/sign-out", { form: {}, cookie })))) as Response;
    expect(out.headers.get("Location")).toBe("/staff/sign-in");
    // Someone who kept a copy of the cookie is sent to sign in, not let in.
    const reused = (await dashboard(cookie)) as Response;
    expect(reused.status).toBe(302);
    expect(reused.headers.get("Location")).toMatch(/^\/staff\/sign-in/);
    expect((await t.db.select().from(sessions).where(eq(sessions.staffUserId, staff.id)))[0]!.revokedAt).not.toBeNull();

    // An admin changes a user's role: their open sessions end; they sign in again under the new role.
    const admin = await makeStaff(t.db, "admin");
    const adminCookie = await staffCookie(t.db, admin.id);
    const [other] = await t.db.insert(staffUsers).values({ email: "rerole@kizuna.example", name: "Re Role", role: "staff" }).returning();
    const otherCookie = await staffCookie(t.db, other!.id);
    expect((await dashboard(otherCookie)).status).toBe(200);
    await respond(() =>
      usersAction(
        args(t.db, "/staff/users", {
          cookie: adminCookie,
          form: { intent: "save", email: "rerole@kizuna.example", name: "Re Role", role: "viewer", locale: "en" },
        }),
      ),
    );
    expect((await dashboard(otherCookie)).status).toBe(302);
    // Saving the same role again ends nothing.
    const again = await staffCookie(t.db, other!.id);
    await respond(() =>
      usersAction(
        args(t.db, "/staff/users", {
          cookie: adminCookie,
          form: { intent: "save", email: "rerole@kizuna.example", name: "Re Role", role: "viewer", locale: "en" },
        }),
      ),
    );
    expect((await dashboard(again)).status).toBe(200);
    // Deactivated: every session of theirs ends, and reactivating does not bring an old one back.
    await respond(() => usersAction(args(t.db, "/staff/users", { cookie: adminCookie, form: { intent: "deactivate", id: other!.id } })));
    await respond(() => usersAction(args(t.db, "/staff/users", { cookie: adminCookie, form: { intent: "reactivate", id: other!.id } })));
    expect((await dashboard(again)).status).toBe(302);
    // A cookie signed with another key, or naming no session, is nobody.
    expect((await dashboard("kizuna_staff=forged")).status).toBe(302);
  });
});
