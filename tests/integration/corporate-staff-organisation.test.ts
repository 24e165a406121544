/**
 * Staff on an organisation's page: contacts, seats and invoices shown; contacts changed; the
 * tier at renewal chosen (and, for a card subscription, the Stripe price changed without
 * proration); next year's invoice issued now. Bad input changes nothing.
 */
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, corporateInvoices, emailOutbox, memberships, organisationContacts, organisations, people, tiers } from "../../db/schema";
import { action as memberAction, loader as memberLoader } from "~/routes/staff.members.$memberId";
import { dictionary } from "~/modules/i18n/i18n";
import { acceptSeatInvitation } from "~/modules/corporate/seats.server";
import { seatInviteToken } from "~/modules/corporate/tokens.server";
import { STRIPE, stripeCalls, stripeError, stripeHas, stripeServer, useStripeMock } from "../mocks/stripe";
import { args, env, makeMember, makeStaff, respond, staffCookie } from "../fixtures/staff";
import { billingEnv } from "../fixtures/billing";
import { sakura, submitSponsor } from "../fixtures/corporate";
import { useTestDatabase } from "../setup/test-db";

const t = useTestDatabase();
const stripeEnv = billingEnv({ SESSION_SECRET: env.SESSION_SECRET! });

useStripeMock();

let seq = 0;
/** Sakura (Japanese contacts) applied by invoice on the demo gateway and paid its first year by wire. */
async function paidCompany(extra: Record<string, string> = {}) {
  const n = ++seq;
  const outcome = await submitSponsor(
    t.db,
    env,
    { ...sakura, primaryEmail: `hanako${n}@sakura${n}.example.jp`, billingEmail: `keiri${n}@sakura${n}.example.jp`, legalNameEn: `Sakura ${n}`, ...extra },
    { lang: "ja" },
  );
  expect(outcome.status).toBe(303);
  const membershipId = /m=([0-9a-f-]{36})/.exec(outcome.location!)![1]!;
  const [m] = await t.db.select().from(memberships).where(eq(memberships.id, membershipId));
  const staff = await makeStaff(t.db, "staff", "ja");
  const cookie = await staffCookie(t.db, staff.id);
  const orgId = m!.organisationId!;
  const pay = {
    intent: "payment",
    membershipId,
    amount: "700000",
    currency: "JPY",
    method: "bank_transfer",
    paidAt: "2026-11-27",
    reference: "振込",
    token: randomUUID(),
    confirm: "yes",
  };
  expect(
    ((await respond(() => memberAction(args(t.db, `/staff/members/${orgId}`, { form: pay, cookie, params: { memberId: orgId } })))) as Response).status,
  ).toBe(302);
  return { membershipId, orgId, staff, cookie, n };
}

function post(orgId: string, cookie: string, form: Record<string, string>, options: { origin?: string; envOverride?: typeof env } = {}) {
  const a = args(t.db, `/staff/members/${orgId}`, { form, cookie, params: { memberId: orgId }, origin: options.origin, ip: "198.51.100.7" });
  if (options.envOverride) a.context.env = options.envOverride;
  return respond(() => memberAction(a)) as Promise<Response>;
}

async function load(orgId: string, cookie: string) {
  const page = (await respond(() => memberLoader(args(t.db, `/staff/members/${orgId}`, { cookie, params: { memberId: orgId } })))) as {
    status: number;
    data: Awaited<ReturnType<typeof memberLoader>>;
  };
  expect(page.status).toBe(200);
  return page.data;
}

async function contactsOf(orgId: string) {
  const rows = await t.db
    .select({ role: organisationContacts.role, email: people.email })
    .from(organisationContacts)
    .innerJoin(people, eq(people.id, organisationContacts.personId))
    .where(eq(organisationContacts.organisationId, orgId));
  return Object.fromEntries(rows.filter((r) => r.role !== "seat").map((r) => [r.role, r.email]));
}

describe("staff on an organisation's page", () => {
  it("shows its contacts, seats and invoices (Stripe id, amount, status, due date, link, PO); a viewer sees them but cannot act", async () => {
    const { membershipId, orgId, n } = await paidCompany();
    const seatEmail = `seat${n}@sakura${n}.example.jp`;
    expect(
      await acceptSeatInvitation({ db: t.db, env }, seatInviteToken(env, membershipId, seatEmail), {
        familyName: "田中",
        givenName: "誠",
        preferredLocale: "ja",
      }),
    ).toMatchObject({ ok: true });
    const viewer = await makeStaff(t.db, "viewer");
    const viewerCookie = await staffCookie(t.db, viewer.id);
    const data = await load(orgId, viewerCookie);
    expect(data.canWrite).toBe(false);
    expect(data.corporate!.primary).toMatchObject({ email: `hanako${n}@sakura${n}.example.jp`, familyName: "佐藤" });
    expect(data.corporate!.billing).toMatchObject({ email: `keiri${n}@sakura${n}.example.jp`, preferredLocale: "ja" });
    expect(data.corporate!.seats).toEqual([expect.objectContaining({ email: seatEmail, familyName: "田中", status: "active" })]);
    expect(data.corporate!.invoices).toEqual([
      expect.objectContaining({
        kind: "first",
        stripeInvoiceId: expect.stringMatching(/^in_demo_/),
        amount: 700000,
        currency: "JPY",
        status: "paid",
        poNumber: "PO-2026-0042",
        hostedInvoiceUrl: expect.stringContaining("/demo-invoice/"),
      }),
    ]);
    expect(data.corporate!.corporateTiers.map((x) => x.nameEn)).toEqual(expect.arrayContaining(["Bronze", "Silver", "Gold"]));
    // The wire staff recorded shows as a bank transfer, in both languages.
    expect(data.payments[0]!.method).toBe("bank_transfer");
    expect(dictionary("ja").receipt.methods.bank_transfer).toBe("銀行振込");

    const before = await contactsOf(orgId);
    const refused = await post(orgId, viewerCookie, {
      intent: "contact",
      role: "billing",
      personId: "new",
      familyName: "X",
      givenName: "Y",
      email: "x@y.example",
      preferredLocale: "en",
      confirm: "yes",
    });
    expect(refused.status).toBe(403);
    expect(await contactsOf(orgId)).toEqual(before);

    // Staff make the seat holder the primary contact, picked from the list.
    const cookie = await staffCookie(t.db, (await makeStaff(t.db, "staff")).id);
    const seatHolder = (await load(orgId, cookie)).corporate!.candidates.find((x) => x.email === seatEmail)!;
    expect(seatHolder).toMatchObject({ familyName: "田中", preferredLocale: "ja" });
    expect((await post(orgId, cookie, { intent: "contact", role: "primary", personId: seatHolder.personId, confirm: "yes" })).status).toBe(302);
    expect(await contactsOf(orgId)).toEqual({ primary: seatEmail, billing: `keiri${n}@sakura${n}.example.jp` });
  });

  it("changes the billing contact to someone new: contacts and billing email updated, audited before/after; the next invoice goes to them", async () => {
    const { membershipId, orgId, cookie, n } = await paidCompany();
    const res = await post(orgId, cookie, {
      intent: "contact",
      role: "billing",
      personId: "new",
      familyName: "Brown",
      givenName: "Alex",
      email: ` AP${n}@Sakura.example.com `,
      preferredLocale: "en",
      confirm: "yes",
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/staff/members/${orgId}?done=contact`);
    expect(await contactsOf(orgId)).toEqual({ primary: `hanako${n}@sakura${n}.example.jp`, billing: `ap${n}@sakura.example.com` });
    const [org] = await t.db.select().from(organisations).where(eq(organisations.id, orgId));
    expect(org!.billingEmail).toBe(`ap${n}@sakura.example.com`);
    const [audit] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, orgId), eq(auditLog.action, "organisation.contact.billing")));
    expect(audit).toMatchObject({ ip: "198.51.100.7" });
    expect(audit!.details).toMatchObject({
      before: { email: `keiri${n}@sakura${n}.example.jp` },
      after: { email: `ap${n}@sakura.example.com`, preferredLocale: "en" },
      created: true,
    });

    // The primary contact becomes the billing contact's colleague already on file: picked from the list.
    const data = await load(orgId, cookie);
    const picked = data.corporate!.candidates.find((x) => x.email === `keiri${n}@sakura${n}.example.jp`);
    expect(picked).toBeUndefined(); // no longer a contact, so not offered
    const billing = data.corporate!.candidates.find((x) => x.email === `ap${n}@sakura.example.com`)!;
    expect((await post(orgId, cookie, { intent: "contact", role: "primary", personId: billing.personId, confirm: "yes" })).status).toBe(302);
    expect(await contactsOf(orgId)).toEqual({ primary: `ap${n}@sakura.example.com`, billing: `ap${n}@sakura.example.com` });

    // Issue next year's invoice now: to the new billing contact, in English, addressed to the company.
    const issued = await post(orgId, cookie, { intent: "renewalInvoice", membershipId, confirm: "yes" });
    expect(issued.status).toBe(302);
    const [mail] = await t.db
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.organisationId, orgId), eq(emailOutbox.template, "corporate-renewal-invoice")));
    expect(mail).toMatchObject({ toEmail: `ap${n}@sakura.example.com`, locale: "en" });
    expect(mail!.props).toMatchObject({
      recipient: { kind: "organisation", name: `Sakura ${n}` },
      poNumber: "PO-2026-0042",
      hostedInvoiceUrl: expect.stringMatching(/\/demo-invoice\/in_demo_r/),
    });
    const auditIssued = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, membershipId), eq(auditLog.action, "organisation.invoice.issue_renewal")));
    expect(auditIssued).toHaveLength(1);
    // Pressed again: nothing new, and a translated explanation.
    const again = await post(orgId, cookie, { intent: "renewalInvoice", membershipId, confirm: "yes" });
    expect(again.status).toBe(400);
    expect(((await again.json()) as { errors: Record<string, string> }).errors.membershipId).toBe(dictionary("ja").staffCorporate.errors.alreadyIssued);
    expect(
      await t.db
        .select()
        .from(corporateInvoices)
        .where(and(eq(corporateInvoices.membershipId, membershipId), eq(corporateInvoices.kind, "renewal"))),
    ).toHaveLength(1);
  });

  it("stores the tier chosen for renewal (audited) and bills the next invoice at it", async () => {
    const { membershipId, orgId, cookie } = await paidCompany({ tier: "bronze" });
    const [silver] = await t.db.select().from(tiers).where(eq(tiers.slug, "silver"));
    const res = await post(orgId, cookie, { intent: "renewalTier", membershipId, tierId: String(silver!.id), confirm: "yes" });
    expect(res.status).toBe(302);
    const [m] = await t.db.select().from(memberships).where(eq(memberships.id, membershipId));
    expect(m!.renewalTierId).toBe(silver!.id);
    const [audit] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, membershipId), eq(auditLog.action, "membership.renewal_tier")));
    expect(audit!.details).toMatchObject({
      currentTier: "bronze",
      before: { renewalTier: null },
      after: { renewalTier: "silver", price: { amount: 350000, currency: "JPY" } },
    });
    expect((await post(orgId, cookie, { intent: "renewalInvoice", membershipId, confirm: "yes" })).status).toBe(302);
    const [invoice] = await t.db
      .select()
      .from(corporateInvoices)
      .where(and(eq(corporateInvoices.membershipId, membershipId), eq(corporateInvoices.kind, "renewal")));
    expect(invoice).toMatchObject({ tierId: silver!.id, amount: 350000, currency: "JPY" });
    const data = await load(orgId, cookie);
    expect(data.memberships[0]!.renewalTierId).toBe(silver!.id);
  });

  it("a card subscription's price changes in Stripe for its next period, without proration, keyed once per change", async () => {
    const outcome = await submitSponsor(t.db, stripeEnv, {
      ...sakura,
      payment: "card",
      primaryEmail: "card@sakura-card.example.jp",
      billingEmail: "keiri@sakura-card.example.jp",
      legalNameEn: "Sakura Card",
    });
    expect(outcome.status).toBe(303);
    const membershipId = stripeCalls.find((c) => c.path === "/v1/checkout/sessions")!.params.get("client_reference_id")!;
    await t.db
      .update(memberships)
      .set({ status: "active", stripeSubscriptionId: "sub_test_sakuracard", currentPeriodEnd: new Date(Date.now() + 200 * 86_400_000) })
      .where(eq(memberships.id, membershipId));
    const [m] = await t.db.select().from(memberships).where(eq(memberships.id, membershipId));
    const orgId = m!.organisationId!;
    const cookie = await staffCookie(t.db, (await makeStaff(t.db, "admin")).id);
    const [silver] = await t.db.select().from(tiers).where(eq(tiers.slug, "silver"));
    stripeHas({
      id: "sub_test_sakuracard",
      object: "subscription",
      status: "active",
      items: {
        object: "list",
        data: [{ id: "si_test_sakuracard", object: "subscription_item", price: { id: "price_old", object: "price", product: "prod_corporate_gold" } }],
      },
    });
    stripeCalls.length = 0;
    const res = await post(orgId, cookie, { intent: "renewalTier", membershipId, tierId: String(silver!.id), confirm: "yes" }, { envOverride: stripeEnv });
    expect(res.status).toBe(302);
    expect(stripeCalls.map((c) => `${c.method} ${c.path}`)).toEqual([
      "GET /v1/subscriptions/sub_test_sakuracard",
      "POST /v1/subscriptions/sub_test_sakuracard",
    ]);
    const update = stripeCalls[1]!;
    expect(update.headers.get("idempotency-key")).toBe(`membership-${membershipId}-renewal-tier-${silver!.id}-${m!.updatedAt.getTime()}`);
    expect(Object.fromEntries(update.params)).toMatchObject({
      proration_behavior: "none",
      "items[0][id]": "si_test_sakuracard",
      "items[0][price_data][unit_amount]": "350000",
      "items[0][price_data][currency]": "jpy",
      "items[0][price_data][product]": "prod_corporate_gold",
      "items[0][price_data][recurring][interval]": "year",
    });
    expect((await t.db.select().from(memberships).where(eq(memberships.id, membershipId)))[0]!.renewalTierId).toBe(silver!.id);

    // Stripe refuses: a translated error, nothing stored.
    const [gold] = await t.db.select().from(tiers).where(eq(tiers.slug, "gold"));
    const { http } = await import("msw");
    stripeServer.use(http.post(`${STRIPE}/v1/subscriptions/:id`, () => stripeError(500, "api_error", "internal", "boom")));
    const failed = await post(orgId, cookie, { intent: "renewalTier", membershipId, tierId: String(gold!.id), confirm: "yes" }, { envOverride: stripeEnv });
    expect(failed.status).toBe(400);
    expect((await t.db.select().from(memberships).where(eq(memberships.id, membershipId)))[0]!.renewalTierId).toBe(silver!.id);
    // A card company's renewal comes from its subscription: no invoice to issue.
    const noInvoice = await post(orgId, cookie, { intent: "renewalInvoice", membershipId, confirm: "yes" }, { envOverride: stripeEnv });
    expect(noInvoice.status).toBe(400);
    expect(((await noInvoice.json()) as { errors: Record<string, string> }).errors.membershipId).toBe(dictionary("en").staffCorporate.errors.notInvoiced);
  });

  describe("bad input: 400/403 with a translated message and nothing changed", () => {
    it("refuses an individual tier, an unknown contact, an invalid email, a forged member id and a cross-site POST", async () => {
      const { membershipId, orgId, cookie } = await paidCompany();
      const ja = dictionary("ja").staffCorporate.errors;
      const snapshot = async () => ({
        contacts: await contactsOf(orgId),
        membership: (await t.db.select().from(memberships).where(eq(memberships.id, membershipId)))[0]!,
        audits: (await t.db.select().from(auditLog).where(eq(auditLog.subjectId, orgId))).length,
      });
      const before = await snapshot();
      const errorOf = async (res: Response) => ((await res.json()) as { errors: Record<string, string> }).errors;

      const [individual] = await t.db.select().from(tiers).where(eq(tiers.slug, "individual"));
      let res = await post(orgId, cookie, { intent: "renewalTier", membershipId, tierId: String(individual!.id), confirm: "yes" });
      expect(res.status).toBe(400);
      expect((await errorOf(res)).tierId).toBe(ja.notCorporate);

      res = await post(orgId, cookie, { intent: "renewalTier", membershipId, tierId: "abc", confirm: "yes" });
      expect(res.status).toBe(400);
      expect((await errorOf(res)).tierId).toBe(ja.notCorporate);

      const stranger = await makeMember(t.db, { familyName: "Stranger", givenName: "Sam" });
      res = await post(orgId, cookie, { intent: "contact", role: "billing", personId: stranger.person.id, confirm: "yes" });
      expect(res.status).toBe(400);
      expect((await errorOf(res)).personId).toBe(ja.unknownContact);

      res = await post(orgId, cookie, {
        intent: "contact",
        role: "billing",
        personId: "new",
        familyName: "New",
        givenName: "Person",
        email: "not-an-email",
        preferredLocale: "en",
        confirm: "yes",
      });
      expect(res.status).toBe(400);
      const emailErrors = await errorOf(res);
      expect(emailErrors.email).toBe(dictionary("ja").staff.member.errors.email);
      expect(emailErrors.email).not.toBe(dictionary("en").staff.member.errors.email);

      res = await post(orgId, cookie, { intent: "contact", role: "owner", personId: "new", confirm: "yes" });
      expect(res.status).toBe(400);
      expect((await errorOf(res)).role).toBe(ja.role);

      // A forged member id: another organisation's membership posted under this one, or a person's page.
      const other = await paidCompany();
      res = await post(orgId, cookie, { intent: "renewalInvoice", membershipId: other.membershipId, confirm: "yes" });
      expect(res.status).toBe(400);
      res = await post(stranger.person.id, cookie, {
        intent: "contact",
        role: "billing",
        personId: "new",
        familyName: "A",
        givenName: "B",
        email: "a@b.example",
        preferredLocale: "en",
        confirm: "yes",
      });
      expect(res.status).toBe(400);

      // Without the confirmation box: refused.
      res = await post(orgId, cookie, {
        intent: "contact",
        role: "billing",
        personId: "new",
        familyName: "A",
        givenName: "B",
        email: "a@b.example",
        preferredLocale: "en",
      });
      expect(res.status).toBe(400);

      // From another site, even for a signed-in admin.
      const admin = await staffCookie(t.db, (await makeStaff(t.db, "admin")).id);
      res = await post(
        orgId,
        admin,
        {
          intent: "contact",
          role: "billing",
          personId: "new",
          familyName: "A",
          givenName: "B",
          email: "evil@b.example",
          preferredLocale: "en",
          confirm: "yes",
        },
        { origin: "https://evil.example" },
      );
      expect(res.status).toBe(403);

      const after = await snapshot();
      expect(after.contacts).toEqual(before.contacts);
      expect(after.membership.renewalTierId).toBe(before.membership.renewalTierId);
      expect(after.audits).toBe(before.audits);
      expect(await t.db.select().from(people).where(eq(people.email, "evil@b.example"))).toHaveLength(0);
      expect(await t.db.select().from(corporateInvoices).where(eq(corporateInvoices.membershipId, other.membershipId))).toHaveLength(1);
    });
  });
});
