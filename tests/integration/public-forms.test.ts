/**
 * Public forms never rewrite a person we know: /join and /donate from someone who is not signed
 * in as the owner of the address keep the new details with the membership or gift; the owner
 * confirms them through a signed link mailed to the address on file once it is paid.
 */
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, donations, emailOutbox, memberships, people } from "../../db/schema";
import { startSession } from "~/modules/auth/auth.server";
import { checkoutSessionShape, demoId, stripeEvent } from "~/modules/billing/stripe-shapes.server";
import { action as donateAction } from "~/routes/($lang).donate";
import { action as joinAction } from "~/routes/($lang).join";
import { action as confirmAction, loader as confirmLoader } from "~/routes/($lang).details.$token";
import { useStripeMock } from "../mocks/stripe";
import { billingEnv, deliver, oneTimeCompleted } from "../fixtures/billing";
import { useTestDatabase } from "../setup/test-db";

const t = useTestDatabase();
const env = billingEnv();
useStripeMock();

const onFile = {
  email: "taro@example.jp",
  familyName: "山田",
  givenName: "太郎",
  familyNameKana: "ヤマダ",
  givenNameKana: "タロウ",
  preferredLocale: "ja" as const,
  country: "JP",
  postalCode: "150-0001",
  region: "13",
  city: "渋谷区",
  addressLine1: "神宮前1-2-3",
};

const strangerJoin = {
  tier: "individual",
  currency: "JPY",
  interval: "year",
  familyName: "偽物",
  givenName: "次郎",
  familyNameKana: "ニセモノ",
  givenNameKana: "ジロウ",
  email: "TARO@example.jp",
  country: "JP",
  postalCode: "530-0001",
  prefecture: "27",
  state: "",
  city: "大阪市北区",
  addressLine1: "梅田1-1-1",
  addressLine2: "",
  preferredLocale: "ja",
  partnership: "",
};

const strangerGift = {
  currency: "JPY",
  preset: "",
  amount: "5000",
  interval: "once",
  fund: "general",
  tributeKind: "",
  tributeName: "",
  notifyEmail: "",
  notifyName: "",
  notifyLocale: "",
  familyName: "偽物",
  givenName: "次郎",
  email: "taro@EXAMPLE.jp",
  country: "JP",
  postalCode: "530-0001",
  prefecture: "27",
  state: "",
  city: "大阪市北区",
  addressLine1: "梅田1-1-1",
  addressLine2: "",
  preferredLocale: "ja",
};

async function post(action: typeof joinAction | typeof donateAction, path: string, fields: Record<string, string>, cookie?: string) {
  const request = new Request(`http://localhost/ja${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...(cookie ? { Cookie: cookie } : {}) },
    body: new URLSearchParams(fields),
  });
  try {
    const result = await action({ request, params: { lang: "ja" }, context: { db: t.db, env } });
    return result instanceof Response ? result.status : (result as { init: { status: number } }).init.status;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status;
    throw thrown;
  }
}

async function taro(email = onFile.email) {
  const [row] = await t.db.select().from(people).where(eq(people.email, email));
  return row!;
}

const confirmArgs = (token: string, method = "GET") => ({
  request: new Request(`http://localhost/ja/details/${token}`, { method }),
  params: { lang: "ja", token },
  context: { db: t.db, env, clientIp: "203.0.113.9" },
});

async function thrownStatus(fn: () => Promise<unknown>) {
  try {
    await fn();
    return 200;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status;
    throw thrown;
  }
}

describe("public forms and a person we already know", () => {
  it("a stranger's join with a member's email changes nothing of theirs; the owner confirms the new details from the emailed link", async () => {
    await t.db.insert(people).values(onFile);
    expect(await post(joinAction, "/join", strangerJoin)).toBe(303);

    // Stored details untouched; the new ones wait with the pending membership.
    expect(await taro()).toMatchObject({ familyName: "山田", givenName: "太郎", city: "渋谷区", region: "13", postalCode: "150-0001" });
    const person = await taro();
    const [membership] = await t.db.select().from(memberships).where(eq(memberships.personId, person.id));
    expect(membership!.submittedDetails).toMatchObject({ familyName: "偽物", givenName: "次郎", city: "大阪市北区", region: "27", postalCode: "530-0001" });
    expect(await t.db.select().from(emailOutbox).where(eq(emailOutbox.template, "details-confirm"))).toHaveLength(0);

    // Paid: one email to the address on file (in its language) with the link; twice delivered, still one.
    const now = Math.floor(Date.now() / 1000);
    const refs = {
      membershipId: membership!.id,
      subscriptionId: demoId("sub"),
      customerId: demoId("cus"),
      currency: "jpy" as const,
      amount: 8000,
      interval: "year" as const,
    };
    const completed = stripeEvent(
      "checkout.session.completed",
      checkoutSessionShape({ ...refs, sessionId: demoId("cs_test"), email: person.email, locale: "ja", paid: true }, now),
      now,
    );
    await deliver(t.db, env, completed);
    await deliver(t.db, env, { ...completed, id: demoId("evt") });
    const mails = await t.db.select().from(emailOutbox).where(eq(emailOutbox.template, "details-confirm"));
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ toEmail: "taro@example.jp", locale: "ja", personId: person.id });
    const url = String(mails[0]!.props.confirmUrl);
    expect(url).toMatch(/^http:\/\/localhost:3000\/ja\/details\//);
    expect(mails[0]!.props.changes).toEqual(
      expect.arrayContaining([
        { field: "region", value: "大阪府" },
        { field: "familyName", value: "偽物" },
      ]),
    );
    const token = url.split("/details/")[1]!;

    // Opening the link (as a mail scanner does) shows both and changes nothing.
    const page = await confirmLoader(confirmArgs(token));
    expect(page.rows).toEqual(
      expect.arrayContaining([
        { field: "region", label: "都道府県・州", now: "東京都", next: "大阪府" },
        { field: "city", label: "市区町村", now: "渋谷区", next: "大阪市北区" },
      ]),
    );
    expect(await taro()).toMatchObject({ familyName: "山田", region: "13" });

    // A forged or altered token is a 404 and changes nothing.
    expect(await thrownStatus(() => confirmLoader(confirmArgs(token.replace(/.$/, (c) => (c === "A" ? "B" : "A")))))).toBe(404);
    expect(await thrownStatus(() => confirmAction(confirmArgs(`${token}a`, "POST")))).toBe(404);
    expect(await taro()).toMatchObject({ familyName: "山田" });

    // The button applies them, once, audited with what they replaced.
    const done = await confirmAction(confirmArgs(token, "POST"));
    expect((done as unknown as { data: { result: string } }).data.result).toBe("confirmed");
    expect(await taro()).toMatchObject({
      familyName: "偽物",
      givenName: "次郎",
      familyNameKana: "ニセモノ",
      city: "大阪市北区",
      region: "27",
      postalCode: "530-0001",
    });
    const [audit] = await t.db.select().from(auditLog).where(eq(auditLog.action, "person.details_confirmed"));
    expect(audit).toMatchObject({ subjectId: person.id, ip: "203.0.113.9" });
    expect((audit!.details as { changes: Record<string, unknown> }).changes.city).toEqual({ from: "渋谷区", to: "大阪市北区" });
    const again = await confirmAction(confirmArgs(token, "POST"));
    expect((again as unknown as { data: { result: string } }).data.result).toBe("nothing");
  });

  it("a stranger's gift with a donor's email keeps the donor's name on file; an unpaid gift sends no confirmation", async () => {
    await t.db.insert(people).values({ ...onFile, email: "taro2@example.jp" });
    expect(await post(donateAction, "/donate", { ...strangerGift, email: "Taro2@example.jp" })).toBe(303);
    expect(await taro("taro2@example.jp")).toMatchObject({ familyName: "山田", givenName: "太郎", city: "渋谷区" });
    const [gift] = await t.db
      .select()
      .from(donations)
      .where(eq(donations.personId, (await taro("taro2@example.jp")).id));
    expect(gift!.submittedDetails).toMatchObject({ familyName: "偽物", city: "大阪市北区" });
    expect(
      await t.db
        .select()
        .from(emailOutbox)
        .where(and(eq(emailOutbox.template, "details-confirm"), eq(emailOutbox.toEmail, "taro2@example.jp"))),
    ).toHaveLength(0);

    await deliver(t.db, env, oneTimeCompleted(gift!));
    const mails = await t.db
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.template, "details-confirm"), eq(emailOutbox.toEmail, "taro2@example.jp")));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.props.purpose).toBe("gift");
    // The receipt queued for the gift is made out to the name on file.
    const [receiptMail] = await t.db
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.template, "receipt"), eq(emailOutbox.toEmail, "taro2@example.jp")));
    expect(JSON.stringify(receiptMail?.props ?? {})).not.toContain("偽物");
  });

  it("the same details again, or a form from the member signed in as themself, asks for no confirmation", async () => {
    await t.db.insert(people).values({ ...onFile, email: "taro3@example.jp" });
    const same = {
      ...strangerGift,
      email: "taro3@example.jp",
      familyName: "山田",
      givenName: "太郎",
      postalCode: "150-0001",
      prefecture: "13",
      city: "渋谷区",
      addressLine1: "神宮前1-2-3",
    };
    expect(await post(donateAction, "/donate", same)).toBe(303);
    const [first] = await t.db
      .select()
      .from(donations)
      .where(eq(donations.personId, (await taro("taro3@example.jp")).id));
    expect(first!.submittedDetails).toBeNull();

    const person = await taro("taro3@example.jp");
    const cookie = (await startSession(new Request("http://localhost"), { db: t.db, env }, { personId: person.id })).split(";")[0]!;
    expect(await post(joinAction, "/join", { ...strangerJoin, email: "taro3@example.jp" }, cookie)).toBe(303);
    expect(await taro("taro3@example.jp")).toMatchObject({ familyName: "偽物", city: "大阪市北区", region: "27" });
    const [membership] = await t.db.select().from(memberships).where(eq(memberships.personId, person.id));
    expect(membership!.submittedDetails).toBeNull();
  });

  it("a new address simply creates its person", async () => {
    expect(await post(joinAction, "/join", { ...strangerJoin, email: "jiro@example.jp" })).toBe(303);
    const [jiro] = await t.db.select().from(people).where(eq(people.email, "jiro@example.jp"));
    expect(jiro).toMatchObject({ familyName: "偽物", city: "大阪市北区" });
    const [membership] = await t.db.select().from(memberships).where(eq(memberships.personId, jiro!.id));
    expect(membership!.submittedDetails).toBeNull();
  });

  it("a join and a gift naming the same new address at once both go to checkout, with one person", async () => {
    const email = "hanako@example.jp";
    const statuses = await Promise.all([
      post(joinAction, "/join", { ...strangerJoin, email, familyName: "鈴木", givenName: "花子" }),
      post(donateAction, "/donate", { ...strangerGift, email: email.toUpperCase(), familyName: "鈴木", givenName: "花子" }),
      post(joinAction, "/join", { ...strangerJoin, email, familyName: "鈴木", givenName: "花子" }),
    ]);
    expect(statuses).toEqual([303, 303, 303]);
    const rows = await t.db.select().from(people).where(eq(people.email, email));
    expect(rows).toHaveLength(1);
    expect(await t.db.select().from(memberships).where(eq(memberships.personId, rows[0]!.id))).toHaveLength(2);
    expect(await t.db.select().from(donations).where(eq(donations.personId, rows[0]!.id))).toHaveLength(1);
  });
});
