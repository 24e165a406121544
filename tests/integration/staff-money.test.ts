/**
 * Staff and money: comps that stop and restart a card payer's Stripe billing, refunds from the
 * member page (through Stripe, or recorded for a check), offline payments that activate or extend
 * a person's membership, and members added by hand. Stripe stands in at the network edge (msw),
 * with every webhook shaped as Stripe sends it.
 */
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { http } from "msw";
import { describe, expect, it } from "vitest";
import { auditLog, emailOutbox, memberships, membershipStatusHistory, payments, people, receipts, refunds } from "../../db/schema";
import { endDueComps } from "~/modules/members/comps.server";
import { completeDemoCheckout, simulateRenewal } from "~/modules/billing/demo.server";
import { startCheckout } from "~/modules/billing/checkout.server";
import { addInterval, chargeShape, invoicePaidEvents, invoiceShape, stripeEvent, subscriptionShape } from "~/modules/billing/stripe-shapes.server";
import { parseEnv } from "~/modules/config/env.server";
import { loader as memberLoader } from "~/routes/staff.members.$memberId";
import { action as newMemberAction } from "~/routes/staff.members.new";
import { createPendingMembership, deliver, WEBHOOK_SECRET } from "../fixtures/billing";
import { args, makeMember, makeStaff, postMemberForm, respond, staffCookie } from "../fixtures/staff";
import { STRIPE, stripeCalls, stripeError, stripeHas, stripeServer, useStripeMock } from "../mocks/stripe";
import { useTestDatabase } from "../setup/test-db";

const t = useTestDatabase();
const SESSION_SECRET = "test-secret-test-secret-test-secret-42";
const stripeEnv = parseEnv({
  NODE_ENV: "test",
  SESSION_SECRET,
  APP_URL: "http://localhost:3000",
  STRIPE_SECRET_KEY: "sk_test_fake",
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  STRIPE_MAX_NETWORK_RETRIES: "0",
});
const demoEnv = parseEnv({ NODE_ENV: "test", SESSION_SECRET, APP_URL: "http://localhost:3000", STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET });

useStripeMock();

const post = (env: typeof stripeEnv, memberId: string, cookie: string, form: Record<string, string>) => postMemberForm(t.db, env, memberId, cookie, form);
const errorsOf = async (response: Response) => ((await response.json()) as { errors: Record<string, string> }).errors;
const membershipRow = async (id: string) => (await t.db.select().from(memberships).where(eq(memberships.id, id)))[0]!;
const staffOf = async (role: "admin" | "staff" | "viewer" = "staff") => {
  const staff = await makeStaff(t.db, role);
  return { staff, cookie: await staffCookie(t.db, staff.id) };
};

/** A member paying yearly by card through Stripe (its first invoice paid, in Stripe's events). */
async function cardMember(currency: "USD" | "JPY" = "USD") {
  const member = await createPendingMembership(t.db, { currency, locale: "en" });
  const now = Math.floor(Date.now() / 1000) - 60;
  const end = addInterval(now, "year");
  await t.db
    .update(memberships)
    .set({ stripeSubscriptionId: member.refs.subscriptionId, stripeCustomerId: member.refs.customerId })
    .where(eq(memberships.id, member.membership.id));
  stripeHas(subscriptionShape(member.refs, { status: "active", periodStart: now, periodEnd: end, created: now }));
  const invoice = invoiceShape(member.refs, {
    invoiceId: `in_${randomUUID().replaceAll("-", "")}`,
    status: "paid",
    periodStart: now,
    periodEnd: end,
    created: now,
  });
  const paid = invoicePaidEvents(invoice, { created: now });
  for (const event of paid.all) expect((await deliver(t.db, stripeEnv, event)).status).toBe(200);
  const [payment] = await t.db.select().from(payments).where(eq(payments.membershipId, member.membership.id));
  return { ...member, payment: payment!, charge: { id: String(paid.charge.data.object.id) }, periodEnd: end };
}

describe("comps", () => {
  it("comping a card payer pauses their Stripe billing first, with an idempotency key; the comp's date resumes it", async () => {
    const { cookie } = await staffOf();
    const member = await cardMember();
    const response = await post(stripeEnv, member.person.id, cookie, {
      intent: "comp",
      membershipId: member.membership.id,
      until: "2099-03-31",
      confirm: "yes",
    });
    expect(response.status).toBe(302);
    const pause = stripeCalls.find((c) => c.method === "POST" && c.path === `/v1/subscriptions/${member.refs.subscriptionId}`)!;
    const until = new Date("2099-03-31T23:59:59+09:00");
    expect(Object.fromEntries(pause.params)).toEqual({ "pause_collection[behavior]": "void", "pause_collection[resumes_at]": String(until.getTime() / 1000) });
    expect(pause.headers.get("idempotency-key")).toBe(`membership-${member.membership.id}-comp-until-${until.getTime()}`);
    expect(await membershipRow(member.membership.id)).toMatchObject({ status: "comped", compedUntil: until });
    const [audit] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "membership.comp"), eq(auditLog.subjectId, member.membership.id)));
    expect(audit!.details).toMatchObject({ billingPaused: true, until: "2099-03-31" });
    // Stripe keeps the subscription active while paused: a subscription event leaves the comp alone.
    const paused = stripeEvent(
      "customer.subscription.updated",
      subscriptionShape(member.refs, { status: "active", periodStart: 1, periodEnd: member.periodEnd, created: 1, pausedUntil: until.getTime() / 1000 }),
      Math.floor(Date.now() / 1000),
    );
    stripeHas(paused.data.object);
    expect((await deliver(t.db, stripeEnv, paused)).status).toBe(200);
    expect((await membershipRow(member.membership.id)).status).toBe("comped");

    // The day after the comp: billing resumes in Stripe, the membership is active again.
    stripeCalls.length = 0;
    expect(await endDueComps({ db: t.db, env: stripeEnv }, new Date(until.getTime() + 1000))).toBeGreaterThanOrEqual(1);
    const resume = stripeCalls.find((c) => c.method === "POST" && c.path === `/v1/subscriptions/${member.refs.subscriptionId}`)!;
    expect(Object.fromEntries(resume.params)).toEqual({ pause_collection: "" });
    expect(resume.headers.get("idempotency-key")).toBe(`membership-${member.membership.id}-comp-until-${until.getTime()}-resume`);
    expect(await membershipRow(member.membership.id)).toMatchObject({ status: "active", compedUntil: null });
    const history = await t.db
      .select()
      .from(membershipStatusHistory)
      .where(eq(membershipStatusHistory.membershipId, member.membership.id))
      .orderBy(membershipStatusHistory.id);
    expect(history.slice(-2).map((h) => [h.fromStatus, h.toStatus, h.cause, h.note])).toEqual([
      ["active", "comped", "staff", "comped until 2099-03-31; card billing paused in Stripe until then"],
      ["comped", "active", "system", "comp ended"],
    ]);
    expect(
      await t.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, "membership.comp_end"), eq(auditLog.subjectId, member.membership.id))),
    ).toHaveLength(1);
  });

  it("when Stripe refuses to pause, nothing is comped; staff can end a comp early, and a comp without card billing ends as its paid period says", async () => {
    const { cookie } = await staffOf();
    const member = await cardMember();
    stripeServer.use(http.post(`${STRIPE}/v1/subscriptions/:id`, () => stripeError(500, "api_error", "internal", "boom")));
    const refused = await post(stripeEnv, member.person.id, cookie, {
      intent: "comp",
      membershipId: member.membership.id,
      until: "2099-03-31",
      confirm: "yes",
    });
    expect(refused.status).toBe(400);
    expect((await errorsOf(refused)).until).toContain("Stripe did not accept the change");
    expect((await membershipRow(member.membership.id)).status).toBe("active");
    stripeServer.resetHandlers();

    // Comped, then ended early by staff: billing resumes now.
    expect(
      (await post(stripeEnv, member.person.id, cookie, { intent: "comp", membershipId: member.membership.id, until: "2099-03-31", confirm: "yes" })).status,
    ).toBe(302);
    stripeCalls.length = 0;
    expect((await post(stripeEnv, member.person.id, cookie, { intent: "endComp", membershipId: member.membership.id, confirm: "yes" })).status).toBe(302);
    expect(stripeCalls.map((c) => Object.fromEntries(c.params))).toEqual([{ pause_collection: "" }]);
    expect(await membershipRow(member.membership.id)).toMatchObject({ status: "active", compedUntil: null });
    const again = await post(stripeEnv, member.person.id, cookie, { intent: "endComp", membershipId: member.membership.id, confirm: "yes" });
    expect((await errorsOf(again)).membershipId).toBe("This membership is not comped.");

    // No card billing: active while the paid period lasts, lapsed (with its email) when it has ended.
    const paidOn = await makeMember(t.db, { familyName: "Paid", givenName: "On", currentPeriodEnd: new Date("2099-12-31T00:00:00Z") });
    const ended = await makeMember(t.db, { familyName: "Ended", givenName: "Term", currentPeriodEnd: new Date("2026-01-01T00:00:00Z") });
    for (const m of [paidOn, ended])
      expect((await post(stripeEnv, m.person.id, cookie, { intent: "comp", membershipId: m.membership.id, until: "2099-01-31", confirm: "yes" })).status).toBe(
        302,
      );
    stripeCalls.length = 0;
    await endDueComps({ db: t.db, env: stripeEnv }, new Date("2099-02-01T00:00:00Z"));
    expect(stripeCalls).toHaveLength(0);
    expect((await membershipRow(paidOn.membership.id)).status).toBe("active");
    expect((await membershipRow(ended.membership.id)).status).toBe("lapsed");
    expect(
      await t.db
        .select()
        .from(emailOutbox)
        .where(and(eq(emailOutbox.personId, ended.person.id), eq(emailOutbox.template, "membership-lapsed"))),
    ).toHaveLength(1);
  });

  it("with the demo gateway, a comped member's renewal charges nothing and sends no receipt", async () => {
    const ctx = { db: t.db, env: demoEnv };
    const { cookie } = await staffOf();
    const started = await startCheckout(
      ctx,
      {
        tier: "individual",
        currency: "USD",
        interval: "year",
        familyName: "Comp",
        givenName: "Demo",
        familyNameKana: null,
        givenNameKana: null,
        email: "comp.demo@example.com",
        country: "US",
        postalCode: "55101",
        region: "MN",
        city: "St. Paul",
        addressLine1: "1 Main St",
        addressLine2: null,
        preferredLocale: "en",
        partnership: null,
      },
      "en",
    );
    if (!started.ok) throw new Error("checkout did not start");
    await completeDemoCheckout(ctx, `cs_demo_${started.membershipId.replaceAll("-", "")}`, "en");
    const m = await membershipRow(started.membershipId);
    expect((await post(demoEnv, m.personId!, cookie, { intent: "comp", membershipId: m.id, until: "2099-03-31", confirm: "yes" })).status).toBe(302);
    await simulateRenewal(ctx, m.id, "paid");
    expect(await t.db.select().from(payments).where(eq(payments.membershipId, m.id))).toHaveLength(1);
    expect(
      await t.db
        .select()
        .from(emailOutbox)
        .where(and(eq(emailOutbox.personId, m.personId!), eq(emailOutbox.template, "receipt"))),
    ).toHaveLength(1);
    expect((await membershipRow(m.id)).status).toBe("comped");
  });
});

describe("refunds from the member page", () => {
  it("through Stripe: asked once with our idempotency key; the corrected receipt comes with Stripe's charge.refunded", async () => {
    const { staff, cookie } = await staffOf();
    const member = await cardMember("USD");
    const token = randomUUID();
    const form = { intent: "refund", paymentId: member.payment.id, amount: "25.00", reason: "requested_by_customer", note: "", token, confirm: "yes" };
    expect((await post(stripeEnv, member.person.id, cookie, form)).status).toBe(302);
    // The same form sent twice: one refund.
    expect((await post(stripeEnv, member.person.id, cookie, form)).status).toBe(302);
    const asked = stripeCalls.filter((c) => c.path === "/v1/refunds");
    expect(asked).toHaveLength(1);
    expect(Object.fromEntries(asked[0]!.params)).toMatchObject({
      payment_intent: member.payment.stripePaymentIntentId,
      amount: "2500",
      reason: "requested_by_customer",
      "metadata[refundId]": token,
    });
    expect(asked[0]!.headers.get("idempotency-key")).toBe(`refund-${token}`);
    const [refund] = await t.db.select().from(refunds).where(eq(refunds.paymentId, member.payment.id));
    expect(refund).toMatchObject({ amount: 2500, currency: "USD", via: "stripe", staffUserId: staff.id, status: "succeeded" });
    expect(refund!.stripeRefundId).toMatch(/^re_test_/);
    // Nothing is counted refunded until Stripe reports it.
    expect((await t.db.select().from(payments).where(eq(payments.id, member.payment.id)))[0]!.refundedAmount).toBe(0);
    const charge = chargeShape(
      { customerId: member.refs.customerId, currency: "usd", amount: member.payment.amount },
      { chargeId: member.charge.id, paymentIntentId: member.payment.stripePaymentIntentId, created: 1, amountRefunded: 2500 },
    );
    expect((await deliver(t.db, stripeEnv, stripeEvent("charge.refunded", charge))).status).toBe(200);
    const [after] = await t.db.select().from(payments).where(eq(payments.id, member.payment.id));
    expect(after!.refundedAmount).toBe(2500);
    const rows = await t.db.select().from(receipts).where(eq(receipts.paymentId, member.payment.id)).orderBy(receipts.seq);
    expect(rows.map((r) => [r.kind, r.amount])).toEqual([
      ["original", member.payment.amount],
      ["corrected", member.payment.amount - 2500],
    ]);
    expect(
      await t.db
        .select()
        .from(emailOutbox)
        .where(and(eq(emailOutbox.personId, member.person.id), eq(emailOutbox.template, "receipt"))),
    ).toHaveLength(2);
    expect(
      await t.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, "payment.refund"), eq(auditLog.subjectId, member.person.id))),
    ).toHaveLength(1);
    // The page shows it.
    const page = (await respond(() => memberLoader(args(t.db, `/staff/members/${member.person.id}`, { cookie, params: { memberId: member.person.id } })))) as {
      data: Awaited<ReturnType<typeof memberLoader>>;
    };
    const shown = page.data.payments.find((p) => p.id === member.payment.id)!;
    expect(shown).toMatchObject({
      refundedAmount: 2500,
      refunds: [{ amount: 2500, status: "succeeded" }],
      corrections: [{ amount: member.payment.amount - 2500 }],
    });
  });

  it("refuses over-refunds, zero, negative, the other currency's amount and a missing reason with translated messages, and changes nothing", async () => {
    const { cookie } = await staffOf();
    const member = await cardMember("USD");
    const base = { intent: "refund", paymentId: member.payment.id, reason: "requested_by_customer", note: "", confirm: "yes" };
    const cases: [Record<string, string>, string, string][] = [
      [{ amount: "60.01" }, "amount", "That is more than can still be refunded of this payment."],
      [{ amount: "0" }, "amount", "Enter an amount greater than zero (no more decimals than the currency has)."],
      [{ amount: "-5" }, "amount", "Enter an amount greater than zero (no more decimals than the currency has)."],
      [{ amount: "1e3" }, "amount", "Enter an amount greater than zero (no more decimals than the currency has)."],
      [{ amount: "¥500" }, "amount", "That amount is in the other currency. Enter it without its sign."],
      [{ amount: "5.005" }, "amount", "Dollar amounts have at most two decimals, e.g. 25.50."],
      [{ amount: "5", reason: "other" }, "note", "Say why in the note."],
      [{ amount: "5", reason: "because" }, "reason", "Choose a reason."],
      [{ amount: "5", token: "not-a-token" }, "token", "This form has expired. Reload the page and try again."],
    ];
    for (const [change, field, message] of cases) {
      const response = await post(stripeEnv, member.person.id, cookie, { ...base, token: randomUUID(), ...change });
      expect(response.status, JSON.stringify(change)).toBe(400);
      expect((await errorsOf(response))[field], JSON.stringify(change)).toBe(message);
    }
    // In Japanese for a Japanese-speaking staff member.
    const ja = await staffCookie(t.db, (await makeStaff(t.db, "staff", "ja")).id);
    const over = await post(stripeEnv, member.person.id, ja, { ...base, token: randomUUID(), amount: "100" });
    expect((await errorsOf(over)).amount).toBe("この支払いで返金できる額を超えています。");
    // A viewer may not refund.
    const viewer = await staffOf("viewer");
    expect((await post(stripeEnv, member.person.id, viewer.cookie, { ...base, token: randomUUID(), amount: "5" })).status).toBe(403);
    expect(stripeCalls.filter((c) => c.path === "/v1/refunds")).toHaveLength(0);
    expect(await t.db.select().from(refunds).where(eq(refunds.paymentId, member.payment.id))).toHaveLength(0);

    // Stripe refuses: the refund is marked failed, nothing is refunded, and staff are told.
    stripeServer.use(
      http.post(`${STRIPE}/v1/refunds`, () => stripeError(400, "invalid_request_error", "charge_already_refunded", "Charge has already been refunded.")),
    );
    const failed = await post(stripeEnv, member.person.id, cookie, { ...base, token: randomUUID(), amount: "10" });
    expect((await errorsOf(failed)).amount).toContain("Stripe did not make the refund");
    const [row] = await t.db.select().from(refunds).where(eq(refunds.paymentId, member.payment.id));
    expect(row).toMatchObject({ status: "failed", amount: 1000 });
    // A failed refund does not count against what can be refunded.
    stripeServer.resetHandlers();
    expect((await post(stripeEnv, member.person.id, cookie, { ...base, token: randomUUID(), amount: "60.00" })).status).toBe(302);
  });

  it("a check payment is refunded as an offline refund: the corrected receipt and its email at once", async () => {
    const { cookie } = await staffOf();
    const member = await makeMember(t.db, { familyName: "小切手", givenName: "花子", preferredLocale: "ja", status: "pending" });
    await t.db.update(memberships).set({ currency: "JPY" }).where(eq(memberships.id, member.membership.id));
    expect(
      (
        await post(stripeEnv, member.person.id, cookie, {
          intent: "payment",
          membershipId: member.membership.id,
          amount: "8,000",
          currency: "JPY",
          method: "check",
          paidAt: "2026-11-02",
          reference: "小切手 0042",
          token: randomUUID(),
          confirm: "yes",
        })
      ).status,
    ).toBe(302);
    const [payment] = await t.db.select().from(payments).where(eq(payments.membershipId, member.membership.id));
    expect(payment).toMatchObject({ amount: 8000, method: "check" });
    expect(
      (
        await post(stripeEnv, member.person.id, cookie, {
          intent: "refund",
          paymentId: payment!.id,
          amount: "3000",
          reason: "other",
          note: "会費の一部を返金",
          token: randomUUID(),
          confirm: "yes",
        })
      ).status,
    ).toBe(302);
    expect(stripeCalls.filter((c) => c.path === "/v1/refunds")).toHaveLength(0);
    expect((await t.db.select().from(payments).where(eq(payments.id, payment!.id)))[0]!.refundedAmount).toBe(3000);
    const [row] = await t.db.select().from(refunds).where(eq(refunds.paymentId, payment!.id));
    expect(row).toMatchObject({ via: "offline", status: "succeeded", reason: "other", note: "会費の一部を返金" });
    const rows = await t.db.select().from(receipts).where(eq(receipts.paymentId, payment!.id)).orderBy(receipts.seq);
    expect(rows.map((r) => [r.kind, r.amount, r.locale])).toEqual([
      ["original", 8000, "ja"],
      ["corrected", 5000, "ja"],
    ]);
    const mails = await t.db
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.personId, member.person.id), eq(emailOutbox.template, "receipt")));
    expect(mails.map((m) => String(m.props.receiptId)).sort()).toEqual(rows.map((r) => r.id).sort());
    const tooMuch = await post(stripeEnv, member.person.id, cookie, {
      intent: "refund",
      paymentId: payment!.id,
      amount: "5001",
      reason: "duplicate",
      note: "",
      token: randomUUID(),
      confirm: "yes",
    });
    expect(tooMuch.status).toBe(400);
  });

  it("with the demo gateway, a refund goes through the same signed webhook path", async () => {
    const ctx = { db: t.db, env: demoEnv };
    const { cookie } = await staffOf();
    const started = await startCheckout(
      ctx,
      {
        tier: "individual",
        currency: "JPY",
        interval: "year",
        familyName: "返金",
        givenName: "デモ",
        familyNameKana: "ヘンキン",
        givenNameKana: "デモ",
        email: "refund.demo@example.jp",
        country: "JP",
        postalCode: "100-0001",
        region: "13",
        city: "千代田区",
        addressLine1: "千代田1-1",
        addressLine2: null,
        preferredLocale: "ja",
        partnership: null,
      },
      "ja",
    );
    if (!started.ok) throw new Error("checkout did not start");
    await completeDemoCheckout(ctx, `cs_demo_${started.membershipId.replaceAll("-", "")}`, "ja");
    const [payment] = await t.db.select().from(payments).where(eq(payments.membershipId, started.membershipId));
    expect(payment).toMatchObject({ method: "card", cardBrand: "visa", cardLast4: "4242" });
    expect(
      (
        await post(demoEnv, payment!.personId!, cookie, {
          intent: "refund",
          paymentId: payment!.id,
          amount: "￥8,000",
          reason: "requested_by_customer",
          note: "",
          token: randomUUID(),
          confirm: "yes",
        })
      ).status,
    ).toBe(302);
    const [after] = await t.db.select().from(payments).where(eq(payments.id, payment!.id));
    expect(after!.refundedAmount).toBe(8000);
    expect((await t.db.select().from(refunds).where(eq(refunds.paymentId, payment!.id)))[0]!.status).toBe("succeeded");
    const rows = await t.db.select().from(receipts).where(eq(receipts.paymentId, payment!.id)).orderBy(receipts.seq);
    expect(rows.map((r) => [r.kind, r.amount])).toEqual([
      ["original", 8000],
      ["corrected", 0],
    ]);
  });
});

describe("members added by hand and their offline payments", () => {
  const joinForm = {
    tier: "family",
    currency: "JPY",
    interval: "year",
    familyName: "手入力",
    givenName: "太郎",
    familyNameKana: "てにゅうりょく",
    givenNameKana: "タロウ",
    email: "by.hand@example.jp",
    country: "JP",
    postalCode: "１５０－０００１",
    prefecture: "13",
    state: "",
    city: "渋谷区",
    addressLine1: "神宮前1-2-3",
    addressLine2: "",
    preferredLocale: "ja",
    partnership: "",
  };
  const addMember = async (cookie: string, form: Record<string, string>) =>
    (await respond(() => newMemberAction(args(t.db, "/staff/members/new", { form, cookie })))) as Response;

  it("adds a member with /join's validation, then a cash payment activates the membership by its period, once; the next extends it", async () => {
    const { staff, cookie } = await staffOf();
    const missingKana = await addMember(cookie, { ...joinForm, familyNameKana: "" });
    expect(missingKana.status).toBe(400);
    expect(((await missingKana.json()) as { errors: Record<string, string> }).errors.familyNameKana).toBe("required");

    const added = await addMember(cookie, joinForm);
    expect(added.status).toBe(302);
    const personId = /\/staff\/members\/([0-9a-f-]{36})\?done=created$/.exec(added.headers.get("Location")!)![1]!;
    const [person] = await t.db.select().from(people).where(eq(people.id, personId));
    expect(person).toMatchObject({ familyNameKana: "テニュウリョク", postalCode: "150-0001", region: "13", preferredLocale: "ja" });
    const [m] = await t.db.select().from(memberships).where(eq(memberships.personId, personId));
    expect(m).toMatchObject({ status: "pending", currency: "JPY", interval: "year" });
    expect(
      await t.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, "member.create"), eq(auditLog.subjectId, personId))),
    ).toHaveLength(1);
    // The same address again is not a second person: staff are sent to the one they have.
    const twice = await addMember(cookie, { ...joinForm, email: "BY.HAND@example.jp" });
    expect(twice.status).toBe(409);
    expect(((await twice.json()) as { existing: string }).existing).toBe(personId);

    const token = randomUUID();
    const pay = {
      intent: "payment",
      membershipId: m!.id,
      amount: "15,000",
      currency: "JPY",
      method: "cash",
      paidAt: "2026-11-03",
      reference: "",
      token,
      confirm: "yes",
    };
    expect((await post(stripeEnv, personId, cookie, pay)).status).toBe(302);
    expect((await post(stripeEnv, personId, cookie, pay)).status).toBe(302); // sent twice: recorded once
    let rows = await t.db.select().from(payments).where(eq(payments.membershipId, m!.id));
    expect(rows).toHaveLength(1);
    const paidAt = new Date("2026-11-03T12:00:00+09:00");
    const oneYear = new Date(addInterval(paidAt.getTime() / 1000, "year") * 1000);
    expect(await membershipRow(m!.id)).toMatchObject({ status: "active", currentPeriodStart: paidAt, currentPeriodEnd: oneYear, startedAt: paidAt });
    const emails = await t.db.select().from(emailOutbox).where(eq(emailOutbox.personId, personId));
    expect(emails.map((e) => e.template).sort()).toEqual(["receipt", "welcome"]);
    const [receipt] = await t.db.select().from(receipts).where(eq(receipts.paymentId, rows[0]!.id));
    expect(receipt!.snapshot).toMatchObject({ method: { type: "cash" }, purpose: { kind: "membership", periodEnd: oneYear.toISOString() } });
    const history = await t.db.select().from(membershipStatusHistory).where(eq(membershipStatusHistory.membershipId, m!.id));
    expect(history).toMatchObject([{ fromStatus: "pending", toStatus: "active", cause: "staff", staffUserId: staff.id, note: "offline payment (cash)" }]);

    // The next year's payment, made early: the period runs on from the end of the one paid.
    expect((await post(stripeEnv, personId, cookie, { ...pay, token: randomUUID(), method: "bank_transfer", paidAt: "2026-11-20" })).status).toBe(302);
    rows = await t.db.select().from(payments).where(eq(payments.membershipId, m!.id));
    expect(rows).toHaveLength(2);
    expect((await membershipRow(m!.id)).currentPeriodEnd).toEqual(new Date(addInterval(oneYear.getTime() / 1000, "year") * 1000));
    expect(
      await t.db
        .select()
        .from(emailOutbox)
        .where(and(eq(emailOutbox.personId, personId), eq(emailOutbox.template, "welcome"))),
    ).toHaveLength(1);
  });

  it("refuses an offline payment for a card subscription, impossible or future dates, and viewers", async () => {
    const { cookie } = await staffOf();
    const member = await cardMember("USD");
    const pay = {
      intent: "payment",
      membershipId: member.membership.id,
      amount: "60",
      currency: "USD",
      method: "check",
      paidAt: "2026-11-03",
      reference: "",
      confirm: "yes",
    };
    const card = await post(stripeEnv, member.person.id, cookie, { ...pay, token: randomUUID() });
    expect((await errorsOf(card)).membershipId).toContain("billed by card through Stripe");
    for (const paidAt of ["2026-02-30", "2026-13-01", "2999-01-01"]) {
      const response = await post(stripeEnv, member.person.id, cookie, { ...pay, paidAt, token: randomUUID() });
      expect(response.status, paidAt).toBe(400);
      expect((await errorsOf(response)).paidAt, paidAt).toBeTruthy();
    }
    const viewer = await staffOf("viewer");
    expect((await post(stripeEnv, member.person.id, viewer.cookie, { ...pay, token: randomUUID() })).status).toBe(403);
    expect((await addMember(viewer.cookie, joinForm)).status).toBe(403);
    expect(await t.db.select().from(payments).where(eq(payments.membershipId, member.membership.id))).toHaveLength(1);
  });
});
