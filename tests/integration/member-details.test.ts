/**
 * A member's own details on /account/details (issue 16 item 5): name, kana and address with the
 * join form's rules; the language of their emails; an email address changed only by a link sent
 * to the new address; optional email recorded as consent with its time and source.
 */
import { and, asc, eq } from "drizzle-orm";
import { http } from "msw";
import { describe, expect, it } from "vitest";
import { auditLog, emailConsents, emailOutbox, people } from "../../db/schema";
import type { Env } from "~/modules/config/env.server";
import { action as detailsAction, loader as detailsLoader } from "~/routes/($lang).account.details";
import { action as emailAction, loader as emailLoader } from "~/routes/($lang).account.email.$token";
import { action as signInAction } from "~/routes/($lang).account.sign-in";
import { billingEnv } from "../fixtures/billing";
import { args, makeMember, memberCookie, respond } from "../fixtures/staff";
import { STRIPE, stripeCalls, stripeError, stripeServer, useStripeMock } from "../mocks/stripe";
import { useTestDatabase } from "../setup/test-db";

const t = useTestDatabase();
useStripeMock();

const env = billingEnv({ SESSION_SECRET: "test-secret-test-secret-test-secret-42" });

async function member(seed: Partial<Parameters<typeof makeMember>[1]> = {}) {
  const made = await makeMember(t.db, {
    familyName: "Davis",
    givenName: "Susan",
    country: "US",
    region: "MN",
    city: "Saint Paul",
    postalCode: "55105",
    addressLine1: "200 Summit Ave",
    ...seed,
  });
  return { ...made, cookie: await memberCookie(t.db, made.person.id) };
}

const bodyOf = async (r: Awaited<ReturnType<typeof respond>>) => (r instanceof Response ? r.json() : r.data) as Promise<Record<string, unknown>>;

function post(cookie: string | undefined, form: Record<string, string>, options: { lang?: "ja"; origin?: string | null } = {}) {
  const { lang } = options;
  return respond(() =>
    detailsAction({
      ...args(t.db, `${lang ? "/ja" : ""}/account/details`, { form, cookie, origin: options.origin, params: lang ? { lang } : {} }),
      context: { db: t.db, env, clientIp: "10.9.0.1" },
    }),
  );
}

const personRow = async (id: string) => (await t.db.select().from(people).where(eq(people.id, id)))[0]!;

const address = {
  intent: "details",
  familyName: "山田",
  givenName: "太郎",
  familyNameKana: "やまだ",
  givenNameKana: "タロウ",
  country: "JP",
  postalCode: "１００－０００５",
  prefecture: "13",
  state: "",
  city: "千代田区",
  addressLine1: "丸の内1-1-1",
  addressLine2: "",
};

describe("name, kana and address", () => {
  it("saves them with the join form's rules (kana in katakana, 100-0005, the prefecture's code), audited; the same again changes nothing", async () => {
    const m = await member();
    const saved = await post(m.cookie, address, { lang: "ja" });
    expect(saved.status).toBe(200);
    expect(await bodyOf(saved)).toMatchObject({ form: "details", result: "saved" });
    expect(await personRow(m.person.id)).toMatchObject({
      familyName: "山田",
      givenName: "太郎",
      familyNameKana: "ヤマダ",
      givenNameKana: "タロウ",
      country: "JP",
      postalCode: "100-0005",
      region: "13",
      city: "千代田区",
      addressLine1: "丸の内1-1-1",
      addressLine2: null,
      email: m.person.email,
    });
    const audit = await t.db.select().from(auditLog).where(eq(auditLog.action, "person.details_update"));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ subjectId: m.person.id, actorStaffUserId: null, ip: "10.9.0.1" });
    expect((audit[0]!.details as { changes: Record<string, unknown> }).changes.city).toEqual({ from: "Saint Paul", to: "千代田区" });

    const again = await post(m.cookie, address, { lang: "ja" });
    expect(await bodyOf(again)).toMatchObject({ result: "unchanged" });
    expect(await t.db.select().from(auditLog).where(eq(auditLog.action, "person.details_update"))).toHaveLength(1);

    // The page shows what is on file, the prefecture in its own list.
    const loaded = await bodyOf(
      await respond(() => detailsLoader({ ...args(t.db, "/ja/account/details", { cookie: m.cookie, params: { lang: "ja" } }), context: { db: t.db, env } })),
    );
    expect(loaded.values).toMatchObject({ familyName: "山田", prefecture: "13", state: "", postalCode: "100-0005" });
  });

  it("refuses what /join refuses, field by field, and changes nothing", async () => {
    const m = await member();
    const cases: [Record<string, string>, Record<string, string>][] = [
      [{ familyName: "" }, { familyName: "required" }],
      [{ givenName: "<script>" }, { givenName: "invalidName" }],
      [{ familyNameKana: "Yamada" }, { familyNameKana: "invalidKana" }],
      [{ familyNameKana: "" }, { familyNameKana: "required" }], // kana is asked on the Japanese page
      [{ postalCode: "1000" }, { postalCode: "invalidPostalJp" }],
      [{ prefecture: "99" }, { prefecture: "invalidPrefecture" }],
      [{ country: "FR" }, { country: "invalidChoice" }],
      [
        { country: "US", postalCode: "5510", state: "" },
        { postalCode: "invalidZip", state: "required" },
      ],
      [{ country: "US", postalCode: "55105", state: "ZZ" }, { state: "invalidState" }],
      [{ city: "a".repeat(101) }, { city: "tooLong" }],
      [{ addressLine1: "\u0000" }, { addressLine1: "invalidName" }],
    ];
    for (const [change, errors] of cases) {
      const refused = await post(m.cookie, { ...address, ...change }, { lang: "ja" });
      expect(refused.status, JSON.stringify(change)).toBe(400);
      const body = await bodyOf(refused);
      expect(body.errors, JSON.stringify(change)).toMatchObject(errors);
      expect(body.values, "the values typed come back").toMatchObject(change);
    }
    // On the English page kana may be left out, as on /join.
    expect((await bodyOf(await post(m.cookie, { ...address, familyNameKana: "", givenNameKana: "" }))).result).toBe("saved");
    const row = await personRow(m.person.id);
    expect(row).toMatchObject({ familyName: "山田", familyNameKana: null, postalCode: "100-0005" });
  });

  it("needs a signed-in member, from this site", async () => {
    const m = await member();
    const signedOut = await post(undefined, address);
    expect(signedOut.status).toBe(302);
    expect((signedOut as Response).headers.get("Location")).toBe("/account/sign-in?next=%2Faccount%2Fdetails");
    const crossSite = await post(m.cookie, address, { origin: "https://evil.example" });
    expect(crossSite.status).toBe(403);
    for (const bad of [{}, { intent: "delete" }, { intent: "details", personId: crypto.randomUUID() }] as Record<string, string>[]) {
      const refused = await post(m.cookie, bad);
      expect(refused.status, JSON.stringify(bad)).toBe(400);
    }
    expect(await personRow(m.person.id)).toMatchObject({ familyName: "Davis", city: "Saint Paul" });
  });
});

describe("the language of their emails", () => {
  it("saves it and the next email follows it; refuses anything else", async () => {
    const m = await member({ preferredLocale: "ja" });
    const saved = await post(m.cookie, { intent: "language", preferredLocale: "en" }, { lang: "ja" });
    expect(await bodyOf(saved)).toEqual({ form: "language", result: "saved" });
    expect((await personRow(m.person.id)).preferredLocale).toBe("en");
    // The next email (a sign-in link) is in English, to /account rather than /ja/account.
    await respond(() =>
      signInAction(args(t.db, "/ja/account/sign-in", { form: { intent: "request", email: m.person.email }, params: { lang: "ja" }, ip: "10.8.0.1" })),
    );
    const [mail] = await t.db.select().from(emailOutbox).where(eq(emailOutbox.toEmail, m.person.email));
    expect(mail).toMatchObject({ template: "sign-in-link", locale: "en" });
    expect(String((mail!.props as { url: string }).url)).toMatch(/^http:\/\/localhost\/account\/verify\?/);
    for (const bad of ["fr", "", "EN"]) {
      const refused = await post(m.cookie, { intent: "language", preferredLocale: bad });
      expect(refused.status, bad).toBe(400);
    }
    expect((await personRow(m.person.id)).preferredLocale).toBe("en");
  });
});

describe("optional email", () => {
  it("records each yes and no with its time, source and IP; only changes are written; membership mail needs none", async () => {
    const m = await member();
    const first = await bodyOf(await respond(() => detailsLoader({ ...args(t.db, "/account/details", { cookie: m.cookie }), context: { db: t.db, env } })));
    expect(first.consents).toEqual([
      { topic: "newsletter", granted: false, at: null },
      { topic: "appeals", granted: false, at: null },
    ]);
    // Saying no to what was never agreed writes nothing.
    expect(await bodyOf(await post(m.cookie, { intent: "preferences", newsletter: "no", appeals: "no" }))).toMatchObject({ result: "unchanged" });
    // The page sends "no" then, when ticked, "yes" for the same name: the last is the choice.
    const yes = new URLSearchParams("intent=preferences&newsletter=no&newsletter=yes&appeals=no");
    const saved = await respond(() =>
      detailsAction({
        ...args(t.db, "/account/details", { cookie: m.cookie, form: Object.fromEntries(yes) }),
        context: { db: t.db, env, clientIp: "10.9.0.1" },
      }),
    );
    expect(await bodyOf(saved)).toMatchObject({ result: "saved" });
    await post(m.cookie, { intent: "preferences", newsletter: "yes", appeals: "yes" });
    await post(m.cookie, { intent: "preferences", newsletter: "no", appeals: "yes" });
    const rows = await t.db.select().from(emailConsents).where(eq(emailConsents.personId, m.person.id)).orderBy(asc(emailConsents.id));
    expect(rows.map((r) => [r.topic, r.granted, r.source, r.ip])).toEqual([
      ["newsletter", true, "member_area", "10.9.0.1"],
      ["appeals", true, "member_area", "10.9.0.1"],
      ["newsletter", false, "member_area", "10.9.0.1"],
    ]);
    const loaded = await bodyOf(await respond(() => detailsLoader({ ...args(t.db, "/account/details", { cookie: m.cookie }), context: { db: t.db, env } })));
    expect(loaded.consents).toMatchObject([
      { topic: "newsletter", granted: false, at: expect.stringMatching(/\d{4}/) },
      { topic: "appeals", granted: true },
    ]);
    for (const bad of [{ newsletter: "yes" }, { newsletter: "maybe", appeals: "no" }, { newsletter: "yes", appeals: "" }] as Record<string, string>[]) {
      const refused = await post(m.cookie, { intent: "preferences", ...bad });
      expect(refused.status, JSON.stringify(bad)).toBe(400);
    }
    expect(await t.db.select().from(emailConsents).where(eq(emailConsents.personId, m.person.id))).toHaveLength(3);
  });
});

/** The confirmation link queued for the new address, as the email has it. */
async function changeLink(newEmail: string) {
  const [mail] = await t.db
    .select()
    .from(emailOutbox)
    .where(and(eq(emailOutbox.toEmail, newEmail), eq(emailOutbox.template, "email-change-confirm")));
  return mail ? { mail, token: String((mail.props as { url: string }).url).split("/account/email/")[1]! } : null;
}

function openLink(token: string, method: "GET" | "POST", options: { env?: Env; origin?: string | null } = {}) {
  const bag = args(t.db, `/account/email/${token}`, { method, origin: options.origin, params: { token } });
  const context = { db: t.db, env: options.env ?? env, clientIp: "10.9.0.2" };
  return respond(() => (method === "GET" ? emailLoader({ ...bag, context }) : emailAction({ ...bag, context })));
}

describe("changing the email address", () => {
  it("sends a link to the new address; opening it changes nothing; the button changes Stripe's customer, then ours, and tells the old address", async () => {
    const m = await member({ preferredLocale: "ja" });
    await t.db.update(people).set({ stripeCustomerId: "cus_test_details1" }).where(eq(people.id, m.person.id));
    const asked = await post(m.cookie, { intent: "email", email: "  Susan.New@Example.ORG " }, { lang: "ja" });
    expect(await bodyOf(asked)).toMatchObject({ form: "email", result: "sent", sentTo: "susan.new@example.org" });
    const link = await changeLink("susan.new@example.org");
    expect(link!.mail).toMatchObject({ locale: "ja", personId: m.person.id });
    expect(String((link!.mail.props as { url: string }).url)).toMatch(/^http:\/\/localhost:3000\/ja\/account\/email\//);
    expect((await personRow(m.person.id)).email).toBe(m.person.email);

    // A mail scanner fetching the link uses nothing up.
    const opened = await openLink(link!.token, "GET");
    expect(opened.status).toBe(200);
    expect(await bodyOf(opened)).toMatchObject({ newEmail: "susan.new@example.org" });
    expect((await personRow(m.person.id)).email).toBe(m.person.email);

    const confirmed = await openLink(link!.token, "POST");
    expect(await bodyOf(confirmed)).toEqual({ result: "changed", newEmail: "susan.new@example.org" });
    const update = stripeCalls.filter((c) => c.method === "POST" && c.path === "/v1/customers/cus_test_details1");
    expect(update).toHaveLength(1);
    expect(update[0]!.params.get("email")).toBe("susan.new@example.org");
    expect(update[0]!.headers.get("idempotency-key")).toMatch(new RegExp(`^person-${m.person.id}-email-`));
    expect((await personRow(m.person.id)).email).toBe("susan.new@example.org");
    const notice = await t.db.select().from(emailOutbox).where(eq(emailOutbox.template, "email-changed"));
    expect(notice).toHaveLength(1);
    expect(notice[0]).toMatchObject({ toEmail: m.person.email, locale: "ja" });
    expect(notice[0]!.props).toMatchObject({ newEmail: "susan.new@example.org" });
    const [audit] = await t.db.select().from(auditLog).where(eq(auditLog.action, "person.email_change"));
    expect(audit!.details).toEqual({ by: "member", from: m.person.email, to: "susan.new@example.org" });

    // Used: the link no longer works (the address it was made for has changed).
    expect((await openLink(link!.token, "GET")).status).toBe(404);
    expect(await bodyOf(await openLink(link!.token, "POST"))).toEqual({ result: "invalid", newEmail: null });
    expect((await personRow(m.person.id)).email).toBe("susan.new@example.org");
  });

  it("refuses an address another record holds, a Stripe failure, a forged or cross-site link, and bad addresses; nothing changes", async () => {
    const m = await member();
    const other = await member({ familyName: "Other", givenName: "Person" });
    await t.db.update(people).set({ stripeCustomerId: "cus_test_details2" }).where(eq(people.id, m.person.id));

    await post(m.cookie, { intent: "email", email: other.person.email.toUpperCase() });
    const taken = await changeLink(other.person.email);
    expect(await bodyOf(await openLink(taken!.token, "POST"))).toEqual({ result: "taken", newEmail: null });
    expect(stripeCalls.filter((c) => c.path.startsWith("/v1/customers/"))).toHaveLength(0);

    await post(m.cookie, { intent: "email", email: "fresh@example.org" });
    const fresh = await changeLink("fresh@example.org");
    stripeServer.use(http.post(`${STRIPE}/v1/customers/:id`, () => stripeError(500, "api_error", "internal", "Stripe is down")));
    const failed = await openLink(fresh!.token, "POST");
    expect(failed.status).toBe(503);
    expect((await personRow(m.person.id)).email).toBe(m.person.email);
    stripeServer.resetHandlers();

    const crossSite = await openLink(fresh!.token, "POST", { origin: "https://evil.example" });
    expect(crossSite.status).toBe(403);
    // Another person's id in the link, or any change to it, breaks its signature.
    const [, rest] = [fresh!.token.slice(0, 36), fresh!.token.slice(36)];
    for (const forged of [`${other.person.id}${rest}`, `${fresh!.token}x`, "", "../../etc/passwd", "a.b.c"]) {
      expect((await openLink(forged, "GET")).status, forged).toBe(404);
      expect(await bodyOf(await openLink(forged, "POST")), forged).toEqual({ result: "invalid", newEmail: null });
    }
    // Signed with another installation's key.
    const elsewhere = billingEnv({ SESSION_SECRET: "another-secret-another-secret-000000" });
    expect((await openLink(fresh!.token, "GET", { env: elsewhere })).status).toBe(404);
    expect((await personRow(m.person.id)).email).toBe(m.person.email);
    expect((await personRow(other.person.id)).email).toBe(other.person.email);

    for (const [bad, error] of [
      ["", "required"],
      ["not-an-address", "invalidEmail"],
      [`${"a".repeat(250)}@example.org`, "tooLong"],
    ] as const) {
      const refused = await post(m.cookie, { intent: "email", email: bad });
      expect(refused.status, bad).toBe(400);
      expect(await bodyOf(refused)).toMatchObject({ error });
    }
    expect(await bodyOf(await post(m.cookie, { intent: "email", email: m.person.email.toUpperCase() }))).toMatchObject({ result: "same" });
  });

  it("limits confirmation emails per address and network, as sign-in does", async () => {
    const m = await member();
    const results = [];
    for (let i = 0; i < 6; i++) results.push((await bodyOf(await post(m.cookie, { intent: "email", email: "spam-target@example.org" }))).result);
    expect(results).toEqual(["sent", "sent", "sent", "sent", "sent", "rate_limited"]);
    expect(await t.db.select().from(emailOutbox).where(eq(emailOutbox.toEmail, "spam-target@example.org"))).toHaveLength(5);
  });
});
