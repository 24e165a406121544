/** Members' sign-in (issue 16 item 1): link and code, limits, one answer for every address, sessions that end. */
import { and, desc, eq, sql } from "drizzle-orm";
import { extractText } from "unpdf";
import { describe, expect, it } from "vitest";
import { auditLog, donations, emailOutbox, funds, payments, receipts, sessions, signInRequests, signInTokens } from "../../db/schema";
import { renderEmail } from "../../emails";
import { hashToken, LIMIT_PER_ADDRESS } from "~/modules/auth/auth.server";
import { MEMBER_CODE_ATTEMPTS } from "~/modules/auth/member-auth.server";
import { loader as homeLoader } from "~/routes/($lang).account._index";
import { loader as statementLoader } from "~/routes/($lang).account.statement";
import { action as signInAction, loader as signInLoader } from "~/routes/($lang).account.sign-in";
import { action as signOutAction } from "~/routes/($lang).account.sign-out";
import { action as verifyAction, loader as verifyLoader } from "~/routes/($lang).account.verify";
import { action as staffVerifyAction } from "~/routes/staff.verify";
import { loader as staffDashboardLoader } from "~/routes/staff._index";
import { args, makeMember, makeStaff, memberCookie, respond, staffCookie } from "../fixtures/staff";
import { useTestDatabase } from "../setup/test-db";

const t = useTestDatabase();

type Answer = Awaited<ReturnType<typeof respond>>;
const cookieOf = (r: Answer) => (r instanceof Response ? r.headers.get("Set-Cookie")?.split(";")[0] : undefined);
const bodyOf = async (r: Answer) => (r instanceof Response ? r.clone().json() : r.data);

async function ask(email: string, ip = "10.3.0.1", lang?: "ja") {
  return respond(() =>
    signInAction(args(t.db, `${lang ? "/ja" : ""}/account/sign-in`, { form: { intent: "request", email }, ip, params: lang ? { lang } : {} })),
  );
}

async function typeCode(cookie: string | undefined, code: string, next = "") {
  return respond(() => signInAction(args(t.db, "/account/sign-in", { form: { intent: "code", code, next }, cookie })));
}

/** The newest sign-in email to an address: its link's token and its code. */
async function mailTo(to: string) {
  const [row] = await t.db.select().from(emailOutbox).where(eq(emailOutbox.toEmail, to)).orderBy(desc(emailOutbox.createdAt)).limit(1);
  const props = row!.props as { url: string; code: string };
  return { row: row!, url: new URL(props.url), token: new URL(props.url).searchParams.get("token")!, code: props.code };
}

describe("member sign-in by emailed link or code", () => {
  it("emails a link and a 6-digit code in the person's language, and answers an unknown address the same way", async () => {
    const { person } = await makeMember(t.db, { familyName: "山田", givenName: "花子", preferredLocale: "ja" });
    const known = await ask(person.email.toUpperCase(), "10.3.1.1");
    const unknown = await ask("nobody-here@example.org", "10.3.1.2");
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(await bodyOf(known)).toEqual({ status: "sent", email: person.email.toUpperCase() });
    expect(await bodyOf(unknown)).toEqual({ status: "sent", email: "nobody-here@example.org" });
    // Both set the same cookie (a pending sign-in), so not even the headers differ.
    expect(cookieOf(known)).toMatch(/^kizuna_staff=/);
    expect(cookieOf(unknown)).toMatch(/^kizuna_staff=/);
    expect(await t.db.select().from(emailOutbox).where(eq(emailOutbox.toEmail, "nobody-here@example.org"))).toEqual([]);

    const mail = await mailTo(person.email);
    expect(mail.row).toMatchObject({ template: "sign-in-link", locale: "ja", personId: person.id });
    expect(mail.url.pathname).toBe("/ja/account/verify");
    expect(mail.code).toMatch(/^\d{6}$/);
    const [stored] = await t.db.select().from(signInTokens).where(eq(signInTokens.personId, person.id));
    expect(stored!.tokenHash).toBe(hashToken(mail.token));
    expect(stored!.codeHash).not.toContain(mail.code);
    expect((stored!.expiresAt.getTime() - stored!.createdAt.getTime()) / 60_000).toBeCloseTo(15, 0);

    const rendered = await renderEmail("sign-in-link", "ja", mail.row.props as Record<string, unknown>);
    expect(rendered.text).toContain(mail.code);
    expect(rendered.text).toContain("確認コード");
    expect(rendered.text).toContain("山田 花子 様");
  });

  it("opening the link changes nothing (a mail scanner may); the button signs in once, and a second press is refused", async () => {
    const { person } = await makeMember(t.db, { familyName: "Davis", givenName: "Susan" });
    await ask(person.email, "10.3.2.1");
    const { token } = await mailTo(person.email);

    for (let i = 0; i < 3; i++) {
      const page = await respond(() => verifyLoader(args(t.db, `/account/verify?token=${token}`)));
      expect(await bodyOf(page)).toEqual({ locale: "en", valid: true, token, next: "/account" });
    }
    const first = (await respond(() => verifyAction(args(t.db, "/account/verify", { form: { token } })))) as Response;
    expect(first.status).toBe(302);
    expect(first.headers.get("Location")).toBe("/account");
    const cookie = cookieOf(first)!;

    const home = await respond(() => homeLoader(args(t.db, "/account", { cookie })));
    expect(home.status).toBe(200);
    expect(await bodyOf(home)).toMatchObject({ name: "Susan Davis", email: person.email });

    const second = (await respond(() => verifyAction(args(t.db, "/account/verify", { form: { token } })))) as Response;
    expect(second.status).toBe(400);
    expect(second.headers.get("Set-Cookie")).toBeNull();
    expect(await bodyOf(await respond(() => verifyLoader(args(t.db, `/account/verify?token=${token}`))))).toEqual({
      locale: "en",
      valid: false,
      token: "",
      next: "/account",
    });
    const audits = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "person.sign_in"), eq(auditLog.subjectId, person.id)));
    expect(audits).toHaveLength(1);
  });

  it("a link asked for on the way to a member page goes there after, in the language of the email", async () => {
    const { person } = await makeMember(t.db, { familyName: "青木", givenName: "翔", preferredLocale: "ja" });
    await respond(() =>
      signInAction(args(t.db, "/account/sign-in", { form: { intent: "request", email: person.email, next: "/account?tab=receipts" }, ip: "10.3.9.1" })),
    );
    const { url, token } = await mailTo(person.email);
    expect(url.pathname).toBe("/ja/account/verify");
    expect(url.searchParams.get("next")).toBe("/ja/account?tab=receipts");
    const page = await respond(() => verifyLoader(args(t.db, `${url.pathname}${url.search}`, { params: { lang: "ja" } })));
    expect(await bodyOf(page)).toMatchObject({ valid: true, next: "/ja/account?tab=receipts" });
    const signedIn = (await respond(() =>
      verifyAction(args(t.db, "/ja/account/verify", { form: { token, next: "/ja/account?tab=receipts" }, params: { lang: "ja" } })),
    )) as Response;
    expect(signedIn.headers.get("Location")).toBe("/ja/account?tab=receipts");
    // A next off the member area (or off the site) is dropped, in the link and on the page.
    const offsite = await respond(() => verifyLoader(args(t.db, `/account/verify?token=${token}&next=${encodeURIComponent("//evil.example/account")}`)));
    expect(await bodyOf(offsite)).toMatchObject({ next: "/account" });
  });

  it("a member's link posted to the staff verify page signs no one in and is not used up", async () => {
    const { person } = await makeMember(t.db, { familyName: "Lee", givenName: "Ann" });
    await ask(person.email, "10.3.3.1");
    const { token } = await mailTo(person.email);
    const staffTry = (await respond(() => staffVerifyAction(args(t.db, "/staff/verify", { form: { token } })))) as Response;
    expect(staffTry.status).toBe(400);
    const page = await respond(() => verifyLoader(args(t.db, `/account/verify?token=${token}`)));
    expect(await bodyOf(page)).toMatchObject({ valid: true });
  });

  it("signs in with the code on the device that asked, and only there", async () => {
    const { person } = await makeMember(t.db, { familyName: "Tanaka", givenName: "Ichiro" });
    const asked = await ask(person.email, "10.3.4.1");
    const device = cookieOf(asked);
    const { code, token } = await mailTo(person.email);

    // The right code from another browser (no pending sign-in, or another's) signs no one in.
    expect((await typeCode(undefined, code)).status).toBe(400);
    const stranger = cookieOf(await ask("someone-else@example.org", "10.3.4.2"));
    expect((await typeCode(stranger, code)).status).toBe(400);

    // Typed with spaces, or in full-width digits, it still works where it was asked for.
    const spaced = `${code.slice(0, 3)} ${code.slice(3)}`.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    const signedIn = (await typeCode(device, spaced, "/account?from=mail")) as Response;
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.get("Location")).toBe("/account?from=mail");
    const home = await respond(() => homeLoader(args(t.db, "/account", { cookie: cookieOf(signedIn) })));
    expect(home.status).toBe(200);

    // Used once: the same code again, and the link, are refused.
    expect((await typeCode(device, code)).status).toBe(400);
    expect(await bodyOf(await respond(() => verifyLoader(args(t.db, `/account/verify?token=${token}`))))).toMatchObject({ valid: false });
  });

  it(`ends the link and its code after ${MEMBER_CODE_ATTEMPTS} wrong codes, with one message for every failure`, async () => {
    const { person } = await makeMember(t.db, { familyName: "Kim", givenName: "Mina" });
    const device = cookieOf(await ask(person.email, "10.3.5.1"));
    const { code, token } = await mailTo(person.email);
    const wrong = code === "000000" ? "111111" : "000000";
    for (let i = 0; i < MEMBER_CODE_ATTEMPTS; i++) {
      const answer = await typeCode(device, wrong);
      expect(answer.status).toBe(400);
      expect(await bodyOf(answer)).toEqual({ status: "code_invalid", email: "" });
    }
    const right = await typeCode(device, code);
    expect(right.status).toBe(400);
    expect(await bodyOf(right)).toEqual({ status: "code_invalid", email: "" });
    expect(await bodyOf(await respond(() => verifyLoader(args(t.db, `/account/verify?token=${token}`))))).toMatchObject({ valid: false });
    // Not six digits: a clear message, and no attempt is counted against a link.
    expect(await bodyOf(await typeCode(device, "12ab"))).toEqual({ status: "code_format", email: "" });
  });

  it("refuses an expired code and an expired link", async () => {
    const { person } = await makeMember(t.db, { familyName: "Ito", givenName: "Ken" });
    const device = cookieOf(await ask(person.email, "10.3.6.1"));
    const { code, token } = await mailTo(person.email);
    await t.db
      .update(signInTokens)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(signInTokens.personId, person.id));
    expect((await typeCode(device, code)).status).toBe(400);
    expect(((await respond(() => verifyAction(args(t.db, "/account/verify", { form: { token } })))) as Response).status).toBe(400);
  });

  it("rate-limits per address whether or not it is known, and sends nothing past the limit", async () => {
    const { person } = await makeMember(t.db, { familyName: "Ono", givenName: "Yui" });
    for (let i = 0; i < LIMIT_PER_ADDRESS; i++) expect((await ask(person.email, `10.4.0.${i}`)).status).toBe(200);
    const limited = await ask(person.email, "10.4.0.99");
    expect(limited.status).toBe(429);
    expect(await bodyOf(limited)).toEqual({ status: "rate_limited", email: person.email });
    for (let i = 0; i < LIMIT_PER_ADDRESS; i++) expect((await ask("ghost-member@example.org", `10.4.1.${i}`)).status).toBe(200);
    expect((await ask("ghost-member@example.org", "10.4.1.99")).status).toBe(429);
    expect(await t.db.select().from(emailOutbox).where(eq(emailOutbox.toEmail, person.email))).toHaveLength(LIMIT_PER_ADDRESS);
  });

  it("answers bad input with a message and changes nothing: a malformed address, a malformed token, a form from another site", async () => {
    const bad = await ask("not-an-email", "10.3.7.1");
    expect(bad.status).toBe(400);
    expect(await bodyOf(bad)).toEqual({ status: "invalid", email: "not-an-email" });
    for (const token of ["", "short", "x".repeat(200), "../../etc/passwd", "a%00b"]) {
      const page = await respond(() => verifyLoader(args(t.db, `/account/verify?token=${encodeURIComponent(token)}`)));
      expect(await bodyOf(page)).toMatchObject({ valid: false });
    }
    const crossSite = (await respond(() =>
      signInAction(args(t.db, "/account/sign-in", { form: { intent: "request", email: "a@b.example" }, origin: "https://evil.example" })),
    )) as Response;
    expect(crossSite.status).toBe(403);
    expect(await t.db.select().from(signInRequests).where(eq(signInRequests.email, "a@b.example"))).toEqual([]);
  });

  it("sends a visitor without a session to sign in and back; keeps `next` to the member area", async () => {
    const home = (await respond(() => homeLoader(args(t.db, "/ja/account", { params: { lang: "ja" } })))) as Response;
    expect(home.status).toBe(302);
    expect(home.headers.get("Location")).toBe("/ja/account/sign-in?next=%2Fja%2Faccount");
    // A staff session is not a member's: it is sent to the member sign-in too.
    const staff = await makeStaff(t.db, "admin");
    const staffSession = await staffCookie(t.db, staff.id);
    const asStaff = (await respond(() => homeLoader(args(t.db, "/account", { cookie: staffSession })))) as Response;
    expect(asStaff.headers.get("Location")).toBe("/account/sign-in?next=%2Faccount");

    const { person } = await makeMember(t.db, { familyName: "Sato", givenName: "Jun" });
    const device = cookieOf(await ask(person.email, "10.3.8.1"));
    const { code } = await mailTo(person.email);
    const offsite = (await typeCode(device, code, "https://evil.example/account")) as Response;
    expect(offsite.headers.get("Location")).toBe("/account");
  });

  it("signing out ends the session on the server; signing out everywhere ends every session of the person", async () => {
    const { person } = await makeMember(t.db, { familyName: "Mori", givenName: "Aya" });
    const laptop = await memberCookie(t.db, person.id);
    const phone = await memberCookie(t.db, person.id);
    const tablet = await memberCookie(t.db, person.id);
    const signedIn = await respond(() => signInLoader(args(t.db, "/account/sign-in", { cookie: laptop })));
    expect((signedIn as Response).headers.get("Location")).toBe("/account");

    const out = (await respond(() => signOutAction(args(t.db, "/account/sign-out", { form: {}, cookie: laptop })))) as Response;
    expect(out.headers.get("Location")).toBe("/account/sign-in?signed-out=here");
    // The old cookie, kept by someone, no longer works; the phone's still does.
    expect(((await respond(() => homeLoader(args(t.db, "/account", { cookie: laptop })))) as Response).status).toBe(302);
    expect((await respond(() => homeLoader(args(t.db, "/account", { cookie: phone })))).status).toBe(200);

    const everywhere = (await respond(() =>
      signOutAction(args(t.db, "/ja/account/sign-out", { form: { scope: "everywhere" }, cookie: phone, params: { lang: "ja" } })),
    )) as Response;
    expect(everywhere.headers.get("Location")).toBe("/ja/account/sign-in?signed-out=everywhere");
    for (const cookie of [phone, tablet]) expect(((await respond(() => homeLoader(args(t.db, "/account", { cookie })))) as Response).status).toBe(302);
    const live = await t.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.personId, person.id), sql`${sessions.revokedAt} is null`));
    expect(live).toEqual([]);
    // A member's session opens no staff page.
    const fresh = await memberCookie(t.db, person.id);
    expect(((await respond(() => staffDashboardLoader(args(t.db, "/staff", { cookie: fresh })))) as Response).status).toBe(403);
  });
});

describe("member home", () => {
  it("shows the person's own memberships and payments with receipt links, never another's", async () => {
    const { person, membership } = await makeMember(t.db, {
      familyName: "山本",
      givenName: "健",
      preferredLocale: "ja",
      currentPeriodEnd: new Date("2027-04-01T03:00:00Z"),
    });
    const other = await makeMember(t.db, { familyName: "Other", givenName: "Person" });
    const [paid] = await t.db
      .insert(payments)
      .values({
        membershipId: membership.id,
        personId: person.id,
        amount: 6000,
        currency: "USD",
        method: "card",
        cardBrand: "visa",
        cardLast4: "4242",
        paidAt: new Date("2026-04-01T03:00:00Z"),
      })
      .returning();
    await t.db.insert(receipts).values({
      number: "2026-009001",
      year: 2026,
      seq: 9001,
      paymentId: paid!.id,
      amount: 6000,
      currency: "USD",
      deductibleAmount: 6000,
      locale: "ja",
      snapshot: {},
    });
    await t.db
      .insert(payments)
      .values({ membershipId: other.membership.id, personId: other.person.id, amount: 9900, currency: "USD", paidAt: new Date("2026-05-01T00:00:00Z") });

    const cookie = await memberCookie(t.db, person.id);
    const ja = (await bodyOf(await respond(() => homeLoader(args(t.db, "/ja/account", { cookie, params: { lang: "ja" } }))))) as {
      name: string;
      memberships: { id: string; statusText: string; term: string; payBy: string }[];
      payments: { amount: string; purpose: string; receipt: { number: string; html: string; pdf: string } | null }[];
    };
    expect(ja.name).toBe("山本 健");
    expect(ja.memberships).toHaveLength(1);
    expect(ja.memberships[0]).toMatchObject({ id: membership.id, statusText: "有効", payBy: "VISA（末尾 4242）" });
    expect(ja.memberships[0]!.term).toContain("2027");
    expect(ja.payments).toHaveLength(1);
    expect(ja.payments[0]!.amount).toContain("60.00");
    expect(ja.payments[0]!.receipt).toMatchObject({ number: "2026-009001" });
    expect(ja.payments[0]!.receipt!.html).toMatch(/^\/ja\/receipts\/2026-009001\?token=[\w-]+$/);
    expect(ja.payments[0]!.receipt!.pdf).toMatch(/^\/receipts\/2026-009001\/pdf\?token=[\w-]+$/);
    expect(JSON.stringify(ja)).not.toContain("99.00");
  });

  it("downloads the member's own giving statement for a calendar or April–March year, and refuses a bad year", async () => {
    const { person } = await makeMember(t.db, { familyName: "Brown", givenName: "Lucy" });
    const other = await makeMember(t.db, { familyName: "Gray", givenName: "Tom" });
    const [fund] = await t.db.select().from(funds).limit(1);
    for (const [who, amount, paidAt] of [
      [person.id, 2500, "2026-02-10T15:00:00Z"],
      [person.id, 4000, "2027-01-20T15:00:00Z"],
      [other.person.id, 777700, "2026-05-01T00:00:00Z"],
    ] as const) {
      const [gift] = await t.db
        .insert(donations)
        .values({ personId: who, fundId: fund!.id, amount, currency: "USD", interval: "once", status: "completed" })
        .returning();
      await t.db.insert(payments).values({ donationId: gift!.id, fundId: fund!.id, personId: who, amount, currency: "USD", paidAt: new Date(paidAt) });
    }
    const cookie = await memberCookie(t.db, person.id);
    const pdfText = async (path: string, lang?: "ja") => {
      const response = (await respond(() => statementLoader(args(t.db, path, { cookie, params: lang ? { lang } : {} })))) as Response;
      expect(response.status, path).toBe(200);
      expect(response.headers.get("Content-Type")).toBe("application/pdf");
      return (await extractText(new Uint8Array(await response.arrayBuffer()), { mergePages: true })).text;
    };
    const calendar = await pdfText("/account/statement?year=2026&fiscal=calendar");
    expect(calendar).toContain("25.00");
    expect(calendar).not.toContain("40.00");
    expect(calendar).not.toContain("7,777.00");
    const april = await pdfText("/ja/account/statement?year=2026&fiscal=april", "ja");
    expect(april).toContain("40.00");
    expect(april).not.toContain("25.00");

    for (const bad of ["year=1999", "year=abc", "year=2026&fiscal=june", ""]) {
      const response = (await respond(() => statementLoader(args(t.db, `/account/statement?${bad}`, { cookie })))) as Response;
      expect(response.status, bad).toBe(400);
      expect(await response.text()).toContain("Choose a year");
    }
    const signedOut = (await respond(() => statementLoader(args(t.db, "/account/statement?year=2026")))) as Response;
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.get("Location")).toBe("/account/sign-in?next=%2Faccount%2Fstatement%3Fyear%3D2026");
  });
});
