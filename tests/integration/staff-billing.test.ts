/**
 * Staff actions that reach Stripe: cancel goes to Stripe first and changes nothing when Stripe
 * refuses; in demo mode staff can simulate a paid or failed renewal through the signed webhook path.
 */
import { and, eq } from "drizzle-orm";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { auditLog, emailOutbox, memberships, payments } from "../../db/schema";
import { parseEnv } from "~/modules/config/env.server";
import { completeDemoCheckout } from "~/modules/billing/demo.server";
import { startCheckout } from "~/modules/billing/checkout.server";
import { WEBHOOK_SECRET } from "../fixtures/billing";
import { makeMember, makeStaff, ORIGIN, postMemberForm, staffCookie } from "../fixtures/staff";
import { STRIPE, stripeCalls, stripeServer, useStripeMock } from "../mocks/stripe";
import { useTestDatabase } from "../setup/test-db";

const t = useTestDatabase();
const SESSION_SECRET = "test-secret-test-secret-test-secret-42";
const stripeEnv = parseEnv({
  NODE_ENV: "test",
  SESSION_SECRET,
  STRIPE_SECRET_KEY: "sk_test_fake",
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  STRIPE_MAX_NETWORK_RETRIES: "0",
});
const demoEnv = parseEnv({ NODE_ENV: "test", SESSION_SECRET, APP_URL: "http://localhost:3000", STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET });

useStripeMock();

const post = (env: typeof stripeEnv, memberId: string, cookie: string, form: Record<string, string>) =>
  postMemberForm(t.db, env, memberId, cookie, { ...form, confirm: "yes" });

describe("cancel by staff on a Stripe-backed membership", () => {
  it("asks Stripe to cancel at period end, then records it, emails the member once and audits it", async () => {
    const staff = await makeStaff(t.db, "staff");
    const cookie = await staffCookie(t.db, staff.id);
    const member = await makeMember(t.db, { familyName: "佐藤", givenName: "花", preferredLocale: "ja", status: "active" });
    await t.db
      .update(memberships)
      .set({ stripeSubscriptionId: "sub_staff_1", currentPeriodEnd: new Date("2027-06-01T00:00:00Z") })
      .where(eq(memberships.id, member.membership.id));
    stripeServer.use(
      http.post(`${STRIPE}/v1/subscriptions/sub_staff_1`, async ({ request }) => {
        stripeCalls.push({
          method: "POST",
          path: "/v1/subscriptions/sub_staff_1",
          params: new URLSearchParams(await request.text()),
          headers: request.headers,
        });
        return HttpResponse.json({ id: "sub_staff_1", object: "subscription", cancel_at_period_end: true });
      }),
    );
    const response = await post(stripeEnv, member.person.id, cookie, { intent: "cancel", membershipId: member.membership.id, when: "period_end" });
    expect(response.status).toBe(302);
    expect(stripeCalls).toHaveLength(1);
    expect(stripeCalls[0]!.params.get("cancel_at_period_end")).toBe("true");
    expect(stripeCalls[0]!.headers.get("idempotency-key")).toMatch(new RegExp(`^membership-${member.membership.id}-cancel-at-period-end-`));
    const [after] = await t.db.select().from(memberships).where(eq(memberships.id, member.membership.id));
    expect(after).toMatchObject({ status: "active", cancelAtPeriodEnd: true });
    const emails = await t.db
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.personId, member.person.id), eq(emailOutbox.template, "membership-canceled")));
    expect(emails).toHaveLength(1);
    expect(emails[0]!.props).toMatchObject({ recipient: { kind: "person", familyName: "佐藤" }, endsAt: "2027-06-01T00:00:00.000Z" });
    const audits = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "membership.cancel"), eq(auditLog.subjectId, member.membership.id)));
    expect(audits).toHaveLength(1);
  });

  it("changes nothing and says so when Stripe refuses", async () => {
    const staff = await makeStaff(t.db, "staff");
    const cookie = await staffCookie(t.db, staff.id);
    const member = await makeMember(t.db, { familyName: "鈴木", givenName: "一郎", status: "active" });
    await t.db.update(memberships).set({ stripeSubscriptionId: "sub_staff_2" }).where(eq(memberships.id, member.membership.id));
    stripeServer.use(
      http.delete(`${STRIPE}/v1/subscriptions/sub_staff_2`, () => HttpResponse.json({ error: { type: "api_error", message: "boom" } }, { status: 500 })),
    );
    const response = await post(stripeEnv, member.person.id, cookie, { intent: "cancel", membershipId: member.membership.id, when: "now" });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Record<string, string>; values: Record<string, string> };
    expect(body.errors.when).toContain("Stripe did not accept the change");
    expect(body.values.when).toBe("now");
    const [after] = await t.db.select().from(memberships).where(eq(memberships.id, member.membership.id));
    expect(after).toMatchObject({ status: "active", cancelAtPeriodEnd: false });
    expect(await t.db.select().from(auditLog).where(eq(auditLog.subjectId, member.membership.id))).toHaveLength(0);
    expect(await t.db.select().from(emailOutbox).where(eq(emailOutbox.personId, member.person.id))).toHaveLength(0);
  });
});

describe("renewal simulation in demo mode", () => {
  it("renews, then fails a renewal, through the signed webhook path, and is refused with a real Stripe key", async () => {
    const staff = await makeStaff(t.db, "staff");
    const cookie = await staffCookie(t.db, staff.id);
    const ctx = { db: t.db, env: demoEnv };
    const started = await startCheckout(
      ctx,
      {
        tier: "individual",
        currency: "USD",
        interval: "year",
        familyName: "Smith",
        givenName: "Anna",
        familyNameKana: undefined,
        givenNameKana: undefined,
        email: "anna.sim@example.com",
        country: "US",
        postalCode: "55101",
        prefecture: undefined,
        state: "MN",
        city: "St. Paul",
        addressLine1: "1 Main St",
        addressLine2: undefined,
        preferredLocale: "en",
        partnership: undefined,
      } as never,
      "en",
    );
    const sessionId = /cs_demo_[0-9a-f]{32}/.exec(JSON.stringify(started))![0];
    await completeDemoCheckout(ctx, sessionId, "en");
    const [membership] = await t.db.select().from(memberships).where(eq(memberships.stripeCheckoutSessionId, sessionId));
    expect(membership?.status).toBe("active");
    const memberId = membership!.personId!;
    const periodEnd = membership!.currentPeriodEnd!;

    expect((await post(demoEnv, memberId, cookie, { intent: "simulate", membershipId: membership!.id, outcome: "paid" })).status).toBe(302);
    const [renewed] = await t.db.select().from(memberships).where(eq(memberships.id, membership!.id));
    expect(renewed!.currentPeriodEnd!.getTime()).toBeGreaterThan(periodEnd.getTime());
    expect(await t.db.select().from(payments).where(eq(payments.membershipId, membership!.id))).toHaveLength(2);

    expect((await post(demoEnv, memberId, cookie, { intent: "simulate", membershipId: membership!.id, outcome: "failed" })).status).toBe(302);
    const [failed] = await t.db.select().from(memberships).where(eq(memberships.id, membership!.id));
    expect(failed!.status).toBe("past_due");
    expect(await t.db.select().from(auditLog).where(eq(auditLog.action, "membership.simulate_renewal"))).toHaveLength(2);

    const refused = await post(stripeEnv, memberId, cookie, { intent: "simulate", membershipId: membership!.id, outcome: "paid" });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { errors: Record<string, string> }).errors.outcome).toContain("demo gateway");
  });
});

describe("tier price changes reach Stripe", () => {
  it("a changed price becomes a Stripe Price under its lookup key, recorded on the new price row", async () => {
    const { catalogueHandlers, fakeCatalogue } = await import("../mocks/stripe");
    const { tierPrices, tiers } = await import("../../db/schema");
    const { action: tiersAction } = await import("~/routes/staff.tiers");
    stripeServer.use(...catalogueHandlers);
    const cookie = await staffCookie(t.db, (await makeStaff(t.db, "admin")).id);
    const [tier] = await t.db.select().from(tiers).where(eq(tiers.slug, "student"));
    const form = {
      intent: "save",
      id: String(tier!.id),
      slug: "student",
      kind: "individual",
      nameEn: tier!.nameEn,
      nameJa: tier!.nameJa,
      descriptionEn: tier!.descriptionEn,
      descriptionJa: tier!.descriptionJa,
      benefitsEn: tier!.benefitsEn.join("\n"),
      benefitsJa: tier!.benefitsJa.join("\n"),
      seats: "",
      fmvUsd: "0",
      fmvJpy: "0",
      priceYearUsd: "30",
      priceMonthUsd: "",
      priceYearJpy: "3000",
      priceMonthJpy: "",
    };
    const request = new Request(`${ORIGIN}/staff/tiers`, {
      method: "POST",
      headers: { Cookie: cookie, Origin: ORIGIN, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form),
    });
    const response = (await tiersAction({ request, params: {}, context: { db: t.db, env: stripeEnv, clientIp: "127.0.0.1" } })) as Response;
    expect(response.headers.get("Location")).toBe("/staff/tiers?done=saved");
    const usd = [...fakeCatalogue.prices.values()].filter((p) => p.product === "kizuna_tier_student" || p.lookup_key === "student_yearly_usd");
    const current = usd.find((p) => p.lookup_key === "student_yearly_usd");
    expect(current).toMatchObject({ unit_amount: 3000, currency: "usd", active: true });
    const [row] = await t.db
      .select()
      .from(tierPrices)
      .where(and(eq(tierPrices.tierId, tier!.id), eq(tierPrices.currency, "USD"), eq(tierPrices.active, true)));
    expect(row).toMatchObject({ amount: 3000, stripePriceId: current!.id });
  });
});
