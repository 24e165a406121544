/**
 * A company paying by card hears about its membership as a person would: payment failed (update
 * the card), cancellation confirmed, lapsed. Each goes to the billing contact, in the contact's
 * language, addressed to the company (御中 in Japanese).
 */
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { emailOutbox, memberships, payments, tiers } from "../../db/schema";
import {
  addInterval,
  checkoutSessionShape,
  demoId,
  invoicePaidEvents,
  invoiceShape,
  stripeEvent,
  subscriptionShape,
  type SubscriptionRefs,
} from "~/modules/billing/stripe-shapes.server";
import { openCardUpdate } from "~/modules/billing/portal.server";
import { renderEmail } from "../../emails";
import { stripeCalls, useStripeMock } from "../mocks/stripe";
import { useTestDatabase } from "../setup/test-db";
import { billingEnv, deliver, deliverInOrder, getMembership } from "../fixtures/billing";
import { sakura, submitSponsor } from "../fixtures/corporate";

const t = useTestDatabase();
const env = billingEnv();

useStripeMock();

let seq = 0;
/** Sakura applies by card (Japanese contacts; billing contact 鈴木 一郎) and pays through Checkout. */
async function cardCompany() {
  const n = ++seq;
  const outcome = await submitSponsor(
    t.db,
    env,
    { ...sakura, payment: "card", primaryEmail: `hanako${n}@sakura.example.jp`, billingEmail: `keiri${n}@sakura.example.jp`, legalNameEn: `Sakura ${n} Co.` },
    { lang: "ja" },
  );
  expect(outcome.status).toBe(303);
  const membershipId = stripeCalls.find((c) => c.path === "/v1/checkout/sessions")!.params.get("client_reference_id")!;
  const refs: SubscriptionRefs = { membershipId, subscriptionId: demoId("sub"), customerId: demoId("cus"), currency: "jpy", amount: 700000, interval: "year" };
  const now = Math.floor(Date.now() / 1000) - 10;
  const end = addInterval(now, "year");
  for (const event of [
    stripeEvent(
      "checkout.session.completed",
      checkoutSessionShape({ ...refs, sessionId: demoId("cs"), email: `keiri${n}@sakura.example.jp`, locale: "ja", paid: true }, now),
      now,
    ),
    stripeEvent("customer.subscription.created", subscriptionShape(refs, { status: "active", periodStart: now, periodEnd: end, created: now }), now),
    ...invoicePaidEvents(invoiceShape(refs, { invoiceId: demoId("in"), status: "paid", periodStart: now, periodEnd: end, created: now }), { created: now }).all,
  ]) {
    expect((await deliverInOrder(t.db, env, event)).status).toBe(200);
  }
  const m = await getMembership(t.db, membershipId);
  expect(m.status).toBe("active");
  return { m, refs, periodStart: now, periodEnd: end, billingEmail: `keiri${n}@sakura.example.jp` };
}

async function emailsOf(organisationId: string, template: string) {
  return t.db
    .select()
    .from(emailOutbox)
    .where(and(eq(emailOutbox.organisationId, organisationId), eq(emailOutbox.template, template)));
}

describe("lifecycle emails for a company paying by card", () => {
  it("payment failed: the update-card email reaches the billing contact in Japanese, addressed 御中, and its link opens the company's card page", async () => {
    const { m, refs, periodEnd, billingEmail } = await cardCompany();
    const later = Math.floor(Date.now() / 1000);
    const failed = stripeEvent(
      "invoice.payment_failed",
      invoiceShape(refs, {
        invoiceId: demoId("in"),
        status: "open",
        periodStart: periodEnd,
        periodEnd: addInterval(periodEnd, "year"),
        created: later,
        billingReason: "subscription_cycle",
      }),
      later,
    );
    // Stripe fails the renewal invoice and marks the subscription past due.
    const pastDue = stripeEvent(
      "customer.subscription.updated",
      subscriptionShape(refs, { status: "past_due", periodStart: periodEnd, periodEnd: addInterval(periodEnd, "year"), created: later }),
      later,
    );
    expect((await deliver(t.db, env, failed)).status).toBe(200);
    expect((await deliverInOrder(t.db, env, pastDue)).status).toBe(200);
    expect((await getMembership(t.db, m.id)).status).toBe("past_due");
    const [mail] = await emailsOf(m.organisationId!, "payment-failed");
    expect(mail).toMatchObject({ toEmail: billingEmail, locale: "ja" });
    expect(mail!.personId).not.toBeNull();
    const rendered = await renderEmail("payment-failed", "ja", mail!.props);
    expect(rendered.html).toContain("株式会社さくら商事 御中");
    expect(rendered.html).toContain("￥700,000");
    const token = (mail!.props as { updateCardUrl: string }).updateCardUrl.split("/").at(-1)!;
    stripeCalls.length = 0;
    const portal = await openCardUpdate({ db: t.db, env }, token);
    expect(portal).toEqual({ ok: true, url: "https://billing.stripe.com/p/session/test_1" });
    expect(stripeCalls[0]!.params.get("customer")).toBe(refs.customerId);
    expect(stripeCalls[0]!.params.get("return_url")).toBe(`http://localhost:3000/ja/sponsor/thanks?m=${m.id}`);
  });

  it("cancellation is confirmed to the billing contact; a lapse after failed payments is announced to them too, once", async () => {
    const { m, refs, periodStart, periodEnd, billingEmail } = await cardCompany();
    const t1 = Math.floor(Date.now() / 1000);
    const cancel = stripeEvent(
      "customer.subscription.updated",
      subscriptionShape(refs, { status: "active", periodStart, periodEnd, created: t1, cancelAtPeriodEnd: true }),
      t1,
    );
    expect((await deliverInOrder(t.db, env, cancel)).status).toBe(200);
    expect((await deliverInOrder(t.db, env, { ...cancel, id: `${cancel.id}x` })).status).toBe(200);
    const canceled = await emailsOf(m.organisationId!, "membership-canceled");
    expect(canceled).toHaveLength(1);
    expect(canceled[0]).toMatchObject({ toEmail: billingEmail, locale: "ja" });
    expect(canceled[0]!.props).toMatchObject({ recipient: { kind: "organisation", name: "株式会社さくら商事" }, tierName: { ja: "ゴールド法人会員" } });
    expect((await renderEmail("membership-canceled", "ja", canceled[0]!.props)).html).toContain("株式会社さくら商事 御中");

    // It is renewed after all, the renewal fails, and Stripe gives up: lapsed.
    const t2 = t1 + 1;
    expect(
      (
        await deliverInOrder(
          t.db,
          env,
          stripeEvent(
            "customer.subscription.updated",
            subscriptionShape(refs, { status: "past_due", periodStart: periodEnd, periodEnd: addInterval(periodEnd, "year"), created: t2 }),
            t2,
          ),
        )
      ).status,
    ).toBe(200);
    const t3 = t2 + 1;
    expect(
      (
        await deliverInOrder(
          t.db,
          env,
          stripeEvent(
            "customer.subscription.updated",
            subscriptionShape(refs, { status: "unpaid", periodStart: periodEnd, periodEnd: addInterval(periodEnd, "year"), created: t3 }),
            t3,
          ),
        )
      ).status,
    ).toBe(200);
    expect((await getMembership(t.db, m.id)).status).toBe("lapsed");
    const lapsed = await emailsOf(m.organisationId!, "membership-lapsed");
    expect(lapsed).toHaveLength(1);
    expect(lapsed[0]).toMatchObject({ toEmail: billingEmail, locale: "ja" });
    const rendered = await renderEmail("membership-lapsed", "ja", lapsed[0]!.props);
    expect(rendered.html).toContain("株式会社さくら商事 御中");
    expect(rendered.html).toContain("http://localhost:3000/ja/sponsor");
  });

  it("an English-speaking billing contact gets English, addressed to the company by its English name", async () => {
    const outcome = await submitSponsor(t.db, env, {
      ...sakura,
      payment: "card",
      preferredLocale: "en",
      primaryEmail: "p@en.example.com",
      billingEmail: "ap@en.example.com",
      legalNameEn: "Sakura English Co.",
    });
    expect(outcome.status).toBe(303);
    const membershipId = stripeCalls.find((c) => c.path === "/v1/checkout/sessions")!.params.get("client_reference_id")!;
    const refs: SubscriptionRefs = {
      membershipId,
      subscriptionId: demoId("sub"),
      customerId: demoId("cus"),
      currency: "jpy",
      amount: 700000,
      interval: "year",
    };
    const now = Math.floor(Date.now() / 1000);
    const end = addInterval(now, "year");
    expect(
      (
        await deliverInOrder(
          t.db,
          env,
          stripeEvent("customer.subscription.created", subscriptionShape(refs, { status: "active", periodStart: now, periodEnd: end, created: now }), now),
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await deliverInOrder(
          t.db,
          env,
          stripeEvent(
            "customer.subscription.deleted",
            subscriptionShape(refs, { status: "canceled", periodStart: now, periodEnd: end, created: now + 1, endedAt: now + 1 }),
            now + 1,
          ),
        )
      ).status,
    ).toBe(200);
    const m = await getMembership(t.db, membershipId);
    expect(m.status).toBe("canceled");
    const [mail] = await emailsOf(m.organisationId!, "membership-canceled");
    expect(mail).toMatchObject({ toEmail: "ap@en.example.com", locale: "en" });
    expect(mail!.props).toMatchObject({ recipient: { kind: "organisation", name: "Sakura English Co." } });
  });

  it("a tier staff chose for renewal takes over when the subscription's next year is paid", async () => {
    const { m, refs, periodEnd } = await cardCompany();
    const [silver] = await t.db.select().from(tiers).where(eq(tiers.slug, "silver"));
    await t.db.update(memberships).set({ renewalTierId: silver!.id }).where(eq(memberships.id, m.id));
    const at = Math.floor(Date.now() / 1000) + 1;
    const renewal = invoiceShape(
      { ...refs, amount: 350000 },
      {
        invoiceId: demoId("in"),
        status: "paid",
        periodStart: periodEnd,
        periodEnd: addInterval(periodEnd, "year"),
        created: at,
        billingReason: "subscription_cycle",
      },
    );
    for (const event of invoicePaidEvents(renewal, { created: at }).all) expect((await deliver(t.db, env, event)).status).toBe(200);
    const after = await getMembership(t.db, m.id);
    expect(after).toMatchObject({ tierId: silver!.id, renewalTierId: null, status: "active" });
    expect(after.currentPeriodEnd!.getTime()).toBe(addInterval(periodEnd, "year") * 1000);
    const paid = await t.db.select().from(payments).where(eq(payments.membershipId, m.id));
    expect(paid.map((p) => p.method)).toEqual(["card", "card"]);
  });
});
