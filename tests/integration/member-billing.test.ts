/**
 * A member stops and resumes automatic renewal, updates their card, pays an overdue invoice and
 * renews a lapsed membership from /account (issue 16 item 4): Stripe first, with an idempotency key; the change lands only through the webhook.
 */
import { and, eq } from "drizzle-orm";
import { http } from "msw";
import { describe, expect, it } from "vitest";
import { emailOutbox, memberships, organisationContacts, organisations, people, tierPrices, tiers } from "../../db/schema";
import { verifySeatManageToken } from "~/modules/corporate/tokens.server";
import { parseEnv, type Env } from "~/modules/config/env.server";
import { invoiceShape, stripeEvent, subscriptionShape } from "~/modules/billing/stripe-shapes.server";
import { action as homeAction, loader as homeLoader } from "~/routes/($lang).account._index";
import { billingEnv, createPendingMembership, deliverInOrder, getMembership, WEBHOOK_SECRET } from "../fixtures/billing";
import { args, makeMember, memberCookie, respond } from "../fixtures/staff";
import { fakeSubscriptionInvoices, STRIPE, stripeCalls, stripeError, stripeHas, stripeServer, useStripeMock } from "../mocks/stripe";
import { useTestDatabase } from "../setup/test-db";

const t = useTestDatabase();
useStripeMock();

const SESSION_SECRET = "test-secret-test-secret-test-secret-42";
const stripeEnv = billingEnv({ SESSION_SECRET });
const demoEnv = parseEnv({ NODE_ENV: "test", SESSION_SECRET, APP_URL: "http://localhost:3000", STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET });

const PERIOD_START = Math.floor(Date.parse("2026-06-01T00:00:00Z") / 1000);
const PERIOD_END = Math.floor(Date.parse("2027-06-01T00:00:00Z") / 1000);

/** An active yearly membership billed by a Stripe subscription, as Stripe has it. */
async function subscribedMember(locale: "en" | "ja" = "en") {
  const pending = await createPendingMembership(t.db, { currency: "USD", locale });
  await t.db
    .update(memberships)
    .set({
      status: "active",
      stripeSubscriptionId: pending.refs.subscriptionId,
      stripeCustomerId: pending.refs.customerId,
      currentPeriodStart: new Date(PERIOD_START * 1000),
      currentPeriodEnd: new Date(PERIOD_END * 1000),
      startedAt: new Date(PERIOD_START * 1000),
    })
    .where(eq(memberships.id, pending.membership.id));
  const subscription = (cancel: boolean) =>
    subscriptionShape(pending.refs, { status: "active", periodStart: PERIOD_START, periodEnd: PERIOD_END, created: PERIOD_START, cancelAtPeriodEnd: cancel });
  stripeHas(subscription(false));
  return { ...pending, subscription, cookie: await memberCookie(t.db, pending.person.id) };
}

function post(env: Env, cookie: string, input: Record<string, string>, lang?: "ja") {
  // As the page sends it: with the one-time token of the form (tests that check it pass their own).
  const form = input.intent === "cancel" || input.intent === "resume" ? { formToken: crypto.randomUUID(), ...input } : input;
  return respond(() =>
    homeAction({
      ...args(t.db, `${lang ? "/ja" : ""}/account`, { form, cookie, params: lang ? { lang } : {} }),
      context: { db: t.db, env, clientIp: "127.0.0.1" },
    }),
  );
}

async function home(env: Env, cookie: string, lang?: "ja") {
  const loaded = await respond(() =>
    homeLoader({ ...args(t.db, `${lang ? "/ja" : ""}/account`, { cookie, params: lang ? { lang } : {} }), context: { db: t.db, env, clientIp: "127.0.0.1" } }),
  );
  const body = loaded instanceof Response ? await loaded.json() : loaded.data;
  return body as { memberships: { id: string; term: string; changeable: boolean; cancelAtPeriodEnd: boolean }[] };
}

const bodyOf = async (r: Awaited<ReturnType<typeof respond>>) => (r instanceof Response ? r.json() : r.data);

describe("stopping and resuming automatic renewal", () => {
  it("asks Stripe first; the membership changes only when the webhook lands; then it can be undone the same way", async () => {
    const m = await subscribedMember("ja");
    expect((await home(stripeEnv, m.cookie)).memberships[0]).toMatchObject({ changeable: true, cancelAtPeriodEnd: false });

    const asked = await post(stripeEnv, m.cookie, { intent: "cancel", membershipId: m.membership.id });
    expect(asked.status).toBe(200);
    expect(await bodyOf(asked)).toEqual({ error: null, membershipId: m.membership.id, requested: { cancelAtPeriodEnd: true } });
    const update = stripeCalls.filter((c) => c.method === "POST" && c.path === `/v1/subscriptions/${m.refs.subscriptionId}`);
    expect(update).toHaveLength(1);
    expect(update[0]!.params.get("cancel_at_period_end")).toBe("true");
    expect(update[0]!.headers.get("idempotency-key")).toMatch(new RegExp(`^membership-${m.membership.id}-member-cancel-[0-9a-f-]{36}$`));
    // Not yet recorded: the page says "being confirmed" until the webhook comes.
    expect((await getMembership(t.db, m.membership.id)).cancelAtPeriodEnd).toBe(false);

    const now = Math.floor(Date.now() / 1000);
    expect((await deliverInOrder(t.db, stripeEnv, stripeEvent("customer.subscription.updated", m.subscription(true), now))).status).toBe(200);
    const after = await home(stripeEnv, m.cookie, "ja");
    expect(after.memberships[0]).toMatchObject({ cancelAtPeriodEnd: true });
    expect(after.memberships[0]!.term).toBe("2027年6月1日に終了（自動更新は停止中）");
    const canceledMail = await t.db
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.personId, m.person.id), eq(emailOutbox.template, "membership-canceled")));
    expect(canceledMail).toHaveLength(1);

    // Undo, before the end.
    const undo = await post(stripeEnv, m.cookie, { intent: "resume", membershipId: m.membership.id });
    expect(await bodyOf(undo)).toMatchObject({ error: null, requested: { cancelAtPeriodEnd: false } });
    const resume = stripeCalls.filter((c) => c.method === "POST" && c.path.startsWith("/v1/subscriptions/")).at(-1)!;
    expect(resume.params.get("cancel_at_period_end")).toBe("false");
    expect(resume.headers.get("idempotency-key")).toMatch(/-member-resume-[0-9a-f-]{36}$/);
    await deliverInOrder(t.db, stripeEnv, stripeEvent("customer.subscription.updated", m.subscription(false), now + 1));
    const resumed = await home(stripeEnv, m.cookie, "ja");
    expect(resumed.memberships[0]).toMatchObject({ cancelAtPeriodEnd: false });
    expect(resumed.memberships[0]!.term).toBe("2027年6月1日に自動更新（年額 $60.00）");
  });

  it("the same form sent twice carries one idempotency key (Stripe applies it once); the next form, a new one", async () => {
    const m = await subscribedMember();
    const { formToken } = (await home(stripeEnv, m.cookie)) as unknown as { formToken: string };
    expect(formToken).toMatch(/^[0-9a-f-]{36}$/);
    await post(stripeEnv, m.cookie, { intent: "cancel", membershipId: m.membership.id, formToken });
    await post(stripeEnv, m.cookie, { intent: "cancel", membershipId: m.membership.id, formToken });
    const updates = stripeCalls.filter((c) => c.method === "POST" && c.path.startsWith("/v1/subscriptions/"));
    expect(updates).toHaveLength(2);
    expect(new Set(updates.map((c) => c.headers.get("idempotency-key")))).toEqual(new Set([`membership-${m.membership.id}-member-cancel-${formToken}`]));
    // Undone before the webhook came: still asked of Stripe (our row has not heard of the cancel yet).
    const next = ((await home(stripeEnv, m.cookie)) as unknown as { formToken: string }).formToken;
    expect(next).not.toBe(formToken);
    stripeCalls.length = 0;
    expect(await bodyOf(await post(stripeEnv, m.cookie, { intent: "resume", membershipId: m.membership.id, formToken: next }))).toMatchObject({ error: null });
    expect(stripeCalls.filter((c) => c.method === "POST").map((c) => c.params.get("cancel_at_period_end"))).toEqual(["false"]);
  });

  it("changes nothing when Stripe refuses, and says so", async () => {
    const m = await subscribedMember();
    stripeServer.use(
      http.post(`${STRIPE}/v1/subscriptions/:id`, () => stripeError(500, "api_error", "internal_error", "Something went wrong on Stripe's end.")),
    );
    const refused = await post(stripeEnv, m.cookie, { intent: "cancel", membershipId: m.membership.id });
    expect(refused.status).toBe(503);
    expect(await bodyOf(refused)).toMatchObject({ error: "stripe" });
    expect((await getMembership(t.db, m.membership.id)).cancelAtPeriodEnd).toBe(false);
  });

  it("refuses another member's membership, a company seat or one without a subscription, and bad input, without calling Stripe", async () => {
    const mine = await subscribedMember();
    const theirs = await subscribedMember();
    const plain = await makeMember(t.db, { familyName: "Plain", givenName: "Pat" });
    const plainCookie = await memberCookie(t.db, plain.person.id);
    stripeCalls.length = 0;
    for (const intent of ["cancel", "resume", "card"]) {
      const other = await post(stripeEnv, mine.cookie, { intent, membershipId: theirs.membership.id });
      expect(other.status, intent).toBe(404);
      expect(await bodyOf(other)).toMatchObject({ error: "notFound" });
    }
    const noSubscription = await post(stripeEnv, plainCookie, { intent: "cancel", membershipId: plain.membership.id });
    expect(await bodyOf(noSubscription)).toMatchObject({ error: "notAllowed" });
    const badForms: Record<string, string>[] = [{ intent: "cancel", membershipId: "not-a-uuid" }, { intent: "delete", membershipId: mine.membership.id }, {}];
    for (const form of badForms) {
      expect((await post(stripeEnv, mine.cookie, form)).status).toBe(400);
    }
    expect(stripeCalls).toEqual([]);
    expect((await getMembership(t.db, theirs.membership.id)).cancelAtPeriodEnd).toBe(false);
    // Signed out: the sign-in page, nothing done.
    const signedOut = (await respond(() => homeAction(args(t.db, "/account", { form: { intent: "cancel", membershipId: mine.membership.id } })))) as Response;
    expect(signedOut.headers.get("Location")).toBe("/account/sign-in?next=%2Faccount");
  });

  it("with the demo gateway, the change lands at once through the signed webhook path", async () => {
    const m = await subscribedMember();
    await post(demoEnv, m.cookie, { intent: "cancel", membershipId: m.membership.id });
    expect((await getMembership(t.db, m.membership.id)).cancelAtPeriodEnd).toBe(true);
    expect((await home(demoEnv, m.cookie)).memberships[0]!.term).toBe("Ends on June 1, 2027: automatic renewal is off");
    await post(demoEnv, m.cookie, { intent: "resume", membershipId: m.membership.id });
    expect((await getMembership(t.db, m.membership.id)).cancelAtPeriodEnd).toBe(false);
  });
});

describe("updating the card", () => {
  it("opens a Customer Portal session for the member's own customer, returning to the member area", async () => {
    const m = await subscribedMember("ja");
    const opened = (await post(stripeEnv, m.cookie, { intent: "card", membershipId: m.membership.id }, "ja")) as Response;
    expect(opened.status).toBe(303);
    expect(opened.headers.get("Location")).toBe("https://billing.stripe.com/p/session/test_1");
    const portal = stripeCalls.find((c) => c.path === "/v1/billing_portal/sessions")!;
    expect(portal.params.get("customer")).toBe(m.refs.customerId);
    expect(portal.params.get("return_url")).toBe("http://localhost:3000/ja/account");
    expect(portal.params.get("locale")).toBe("ja");
  });

  it("with the demo gateway, goes to the local card page", async () => {
    const m = await subscribedMember();
    const opened = (await post(demoEnv, m.cookie, { intent: "card", membershipId: m.membership.id })) as Response;
    expect(opened.status).toBe(303);
    expect(opened.headers.get("Location")).toMatch(/^http:\/\/localhost:3000\/demo-checkout\/card\//);
  });
});

describe("renewing a lapsed membership in one step", () => {
  it("opens Checkout for the same tier, currency and interval with the details on file; refuses what is not the member's to renew", async () => {
    const m = await subscribedMember("ja");
    await t.db.update(memberships).set({ status: "lapsed" }).where(eq(memberships.id, m.membership.id));
    const card = (await home(stripeEnv, m.cookie, "ja")).memberships.find((x) => x.id === m.membership.id) as unknown as {
      renewable: boolean;
      overdue: boolean;
    };
    expect(card).toMatchObject({ renewable: true, overdue: false });
    const [before] = await t.db.select().from(people).where(eq(people.id, m.person.id));

    const renewed = (await post(stripeEnv, m.cookie, { intent: "renew", membershipId: m.membership.id }, "ja")) as Response;
    expect(renewed.status).toBe(303);
    expect(renewed.headers.get("Location")).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
    const mine = await t.db.select().from(memberships).where(eq(memberships.personId, m.person.id));
    const started = mine.find((x) => x.status === "pending")!;
    expect(started).toMatchObject({ tierId: m.membership.tierId, currency: m.membership.currency, interval: m.membership.interval });
    const checkout = stripeCalls.filter((c) => c.path === "/v1/checkout/sessions");
    expect(checkout).toHaveLength(1);
    expect(checkout[0]!.params.get("client_reference_id")).toBe(started.id);
    expect(checkout[0]!.params.get("locale")).toBe("ja");
    const [after] = await t.db.select().from(people).where(eq(people.id, m.person.id));
    expect({ ...after, updatedAt: null }, "the details on file are used as they are").toEqual({ ...before, updatedAt: null });

    // Not the member's, not lapsed, or already a member again: refused, Stripe not asked.
    stripeCalls.length = 0;
    const other = await subscribedMember();
    await t.db.update(memberships).set({ status: "lapsed" }).where(eq(memberships.id, other.membership.id));
    expect((await post(stripeEnv, m.cookie, { intent: "renew", membershipId: other.membership.id })).status).toBe(404);
    const active = await subscribedMember();
    const refused = await post(stripeEnv, active.cookie, { intent: "renew", membershipId: active.membership.id });
    expect(refused.status).toBe(409);
    expect(await bodyOf(refused)).toMatchObject({ error: "notAllowed" });
    await t.db.update(memberships).set({ status: "active" }).where(eq(memberships.id, started.id));
    const again = await post(stripeEnv, m.cookie, { intent: "renew", membershipId: m.membership.id });
    expect(await bodyOf(again)).toMatchObject({ error: "alreadyMember" });
    expect((await home(stripeEnv, m.cookie)).memberships.some((x) => (x as unknown as { renewable: boolean }).renewable)).toBe(false);
    expect(stripeCalls.filter((c) => c.path === "/v1/checkout/sessions")).toHaveLength(0);
  });
});

describe("paying an overdue invoice", () => {
  it("opens Stripe's page for the subscription's open invoice; says so when nothing is due; refuses another member's", async () => {
    const m = await subscribedMember();
    await t.db.update(memberships).set({ status: "past_due" }).where(eq(memberships.id, m.membership.id));
    expect((await home(stripeEnv, m.cookie)).memberships[0]).toMatchObject({ overdue: true });
    fakeSubscriptionInvoices.push(
      invoiceShape(m.refs, {
        invoiceId: "in_test_overdue1",
        status: "open",
        periodStart: PERIOD_START,
        periodEnd: PERIOD_END,
        created: PERIOD_START,
        attemptCount: 2,
      }),
    );
    const paid = (await post(stripeEnv, m.cookie, { intent: "pay", membershipId: m.membership.id })) as Response;
    expect(paid.status).toBe(303);
    expect(paid.headers.get("Location")).toBe("https://invoice.stripe.com/i/in_test_overdue1");
    const list = stripeCalls.find((c) => c.method === "GET" && c.path === "/v1/invoices")!;
    expect(list.params.get("subscription")).toBe(m.refs.subscriptionId);
    expect(list.params.get("status")).toBe("open");

    fakeSubscriptionInvoices.length = 0;
    expect(await bodyOf(await post(stripeEnv, m.cookie, { intent: "pay", membershipId: m.membership.id }))).toMatchObject({ error: "nothingDue" });
    stripeServer.use(http.get(`${STRIPE}/v1/invoices`, () => stripeError(500, "api_error", "internal", "Stripe is down")));
    expect((await post(stripeEnv, m.cookie, { intent: "pay", membershipId: m.membership.id })).status).toBe(503);
    stripeServer.resetHandlers();

    const other = await subscribedMember();
    expect((await post(stripeEnv, m.cookie, { intent: "pay", membershipId: other.membership.id })).status).toBe(404);
    expect(await bodyOf(await post(stripeEnv, other.cookie, { intent: "pay", membershipId: other.membership.id }))).toMatchObject({ error: "nothingDue" });

    // The demo gateway's card page charges a past-due membership.
    const demo = (await post(demoEnv, m.cookie, { intent: "pay", membershipId: m.membership.id })) as Response;
    expect(demo.headers.get("Location")).toMatch(/^http:\/\/localhost:3000\/demo-checkout\/card\//);
  });
});

describe("changing the plan", () => {
  it("prices the change with Stripe's preview, asks Stripe with an idempotency key, and the tier changes only when the webhook lands", async () => {
    const m = await subscribedMember("ja");
    const [family] = await t.db
      .select({ id: tierPrices.id, amount: tierPrices.amount })
      .from(tierPrices)
      .innerJoin(tiers, eq(tiers.id, tierPrices.tierId))
      .where(and(eq(tiers.slug, "family"), eq(tierPrices.currency, "USD"), eq(tierPrices.interval, "year"), eq(tierPrices.active, true)));
    await t.db.update(tierPrices).set({ stripePriceId: "price_test_family_year_usd" }).where(eq(tierPrices.id, family!.id));
    const loaded = (await respond(() =>
      homeLoader({ ...args(t.db, "/ja/account", { cookie: m.cookie, params: { lang: "ja" } }), context: { db: t.db, env: stripeEnv, clientIp: "127.0.0.1" } }),
    )) as Response;
    const { plans } = (await loaded.json()) as { plans: Record<string, { priceId: number; label: string }[]> };
    const familyPrice = `$${(family!.amount / 100).toFixed(2)}`;
    expect(plans[m.membership.id]).toEqual([{ priceId: family!.id, label: `家族会員：年額 ${familyPrice}` }]);

    // Stripe's preview: the proration invoice it would make now (an Invoice, as the SDK types it).
    const dueNow = 1234;
    stripeServer.use(
      http.post(`${STRIPE}/v1/invoices/create_preview`, async ({ request }) => {
        stripeCalls.push({ method: "POST", path: "/v1/invoices/create_preview", params: new URLSearchParams(await request.text()), headers: request.headers });
        const invoice = invoiceShape(m.refs, {
          invoiceId: "in_test_preview",
          status: "open",
          periodStart: PERIOD_START,
          periodEnd: PERIOD_END,
          created: PERIOD_START,
        });
        return Response.json({
          ...invoice,
          id: "upcoming_in_test_preview",
          status: "draft",
          amount_due: dueNow,
          amount_remaining: dueNow,
          total: dueNow,
          subtotal: dueNow,
          attempted: false,
          hosted_invoice_url: null,
        });
      }),
    );
    const previewed = await post(stripeEnv, m.cookie, { intent: "preview", membershipId: m.membership.id, priceId: String(family!.id) }, "ja");
    expect(previewed.status).toBe(200);
    const body = (await bodyOf(previewed)) as { preview: { now: string; next: string; prorationDate: number } };
    expect(body.preview.now).toBe("今回のご請求：$12.34");
    expect(body.preview.next).toBe(`以後は年額 ${familyPrice}、次回は2027年6月1日です。`);
    const preview = stripeCalls.find((c) => c.path === "/v1/invoices/create_preview")!;
    expect(preview.params.get("subscription")).toBe(m.refs.subscriptionId);
    expect(preview.params.get("subscription_details[items][0][price]")).toBe("price_test_family_year_usd");
    expect(preview.params.get("subscription_details[proration_behavior]")).toBe("always_invoice");
    expect((await getMembership(t.db, m.membership.id)).tierId).toBe(m.membership.tierId);

    const formToken = crypto.randomUUID();
    const asked = await post(stripeEnv, m.cookie, {
      intent: "switch",
      membershipId: m.membership.id,
      priceId: String(family!.id),
      prorationDate: String(body.preview.prorationDate),
      formToken,
    });
    expect(await bodyOf(asked)).toEqual({ error: null, membershipId: m.membership.id, requested: { priceId: family!.id } });
    const update = stripeCalls.filter((c) => c.method === "POST" && c.path === `/v1/subscriptions/${m.refs.subscriptionId}`);
    expect(update).toHaveLength(1);
    expect(update[0]!.params.get("items[0][price]")).toBe("price_test_family_year_usd");
    expect(update[0]!.params.get("proration_date")).toBe(String(body.preview.prorationDate));
    expect(update[0]!.headers.get("idempotency-key")).toBe(`membership-${m.membership.id}-member-plan-${family!.id}-${formToken}`);
    expect((await getMembership(t.db, m.membership.id)).tierId, "nothing changes before the webhook").toBe(m.membership.tierId);

    const updated = subscriptionShape(
      { ...m.refs, priceId: "price_test_family_year_usd", amount: family!.amount },
      { status: "active", periodStart: PERIOD_START, periodEnd: PERIOD_END, created: PERIOD_START },
    );
    expect((await deliverInOrder(t.db, stripeEnv, stripeEvent("customer.subscription.updated", updated, Math.floor(Date.now() / 1000)))).status).toBe(200);
    const after = await getMembership(t.db, m.membership.id);
    expect(after).toMatchObject({ priceId: family!.id, interval: "year", currency: "USD", status: "active" });
    expect(after.tierId).not.toBe(m.membership.tierId);

    // Refused without asking Stripe: another member's, a price not on offer, a stale price, bad input.
    stripeCalls.length = 0;
    const other = await subscribedMember();
    expect((await post(stripeEnv, m.cookie, { intent: "preview", membershipId: other.membership.id, priceId: String(family!.id) })).status).toBe(404);
    expect(await bodyOf(await post(stripeEnv, m.cookie, { intent: "preview", membershipId: m.membership.id, priceId: String(family!.id) }))).toMatchObject({
      error: "notOffered",
    });
    const stale = await post(stripeEnv, m.cookie, {
      intent: "switch",
      membershipId: m.membership.id,
      priceId: String(family!.id),
      prorationDate: String(Math.floor(Date.now() / 1000) - 7200),
      formToken,
    });
    expect(await bodyOf(stale)).toMatchObject({ error: "stale" });
    for (const priceId of ["abc", "-1", "99999999999", ""]) {
      expect((await post(stripeEnv, m.cookie, { intent: "preview", membershipId: m.membership.id, priceId })).status, priceId).toBe(400);
    }
    expect(stripeCalls.filter((c) => c.method === "POST")).toHaveLength(0);
  });
});

describe("a company's contact", () => {
  it("sees the company memberships they look after, with a link to its seats; a seat holder or another company's contact does not", async () => {
    const contact = await makeMember(t.db, { familyName: "佐藤", givenName: "花子", preferredLocale: "ja" });
    const [corporate] = await t.db.select().from(tiers).where(eq(tiers.kind, "corporate")).limit(1);
    const [org] = await t.db
      .insert(organisations)
      .values({ legalNameEn: "Sakura Trading", legalNameJa: "さくら商事株式会社", billingEmail: "billing@sakura.example.jp", country: "JP" })
      .returning();
    const [other] = await t.db.insert(organisations).values({ legalNameEn: "Other Co", billingEmail: "billing@other.example", country: "US" }).returning();
    await t.db.insert(organisationContacts).values([
      { organisationId: org!.id, personId: contact.person.id, role: "primary" },
      { organisationId: org!.id, personId: contact.person.id, role: "billing" },
    ]);
    const [company] = await t.db
      .insert(memberships)
      .values({
        organisationId: org!.id,
        tierId: corporate!.id,
        status: "active",
        currency: "JPY",
        interval: "year",
        currentPeriodEnd: new Date("2027-04-01T00:00:00Z"),
      })
      .returning();
    await t.db.insert(memberships).values({ organisationId: other!.id, tierId: corporate!.id, status: "active", currency: "USD", interval: "year" });
    const cookie = await memberCookie(t.db, contact.person.id);
    const loaded = (await respond(() =>
      homeLoader({ ...args(t.db, "/ja/account", { cookie, params: { lang: "ja" } }), context: { db: t.db, env: stripeEnv, clientIp: "127.0.0.1" } }),
    )) as Response;
    const { companies } = (await loaded.json()) as {
      companies: { id: string; name: string; role: string; statusText: string; term: string; manage: string }[];
    };
    expect(companies).toEqual([
      expect.objectContaining({ id: company!.id, name: "さくら商事株式会社", role: "primary", statusText: "有効", term: "2027年4月1日まで" }),
    ]);
    const token = companies[0]!.manage.split("/sponsor/seats/")[1]!;
    expect(companies[0]!.manage.startsWith("/ja/sponsor/seats/")).toBe(true);
    expect(verifySeatManageToken(stripeEnv, token)).toBe(company!.id);

    // A plain member sees no company.
    const plain = await subscribedMember();
    const theirs = (await respond(() =>
      homeLoader({ ...args(t.db, "/account", { cookie: plain.cookie }), context: { db: t.db, env: stripeEnv, clientIp: "127.0.0.1" } }),
    )) as Response;
    expect(((await theirs.json()) as { companies: unknown[] }).companies).toEqual([]);
  });
});
