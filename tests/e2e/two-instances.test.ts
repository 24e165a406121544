/**
 * Two app processes on one database, as two instances behind a load balancer: each does its
 * share of the background work, none of it twice. Webhooks delivered to both (the same event to
 * each at once), the email outbox (sent once each, and the two together within the shared rate),
 * the renewal reminders, companies' renewal invoices and comps ending, which both instances'
 * schedules race for at start-up; year-end statements (their schedule acts only in January) are
 * queued by both at once through the same function. TRUST_PROXY makes a proxied client's address
 * the one recorded.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq, inArray } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect, type DatabaseHandle } from "../../db/client";
import {
  auditLog,
  corporateInvoices,
  donations,
  emailOutbox,
  funds,
  memberships,
  organisationContacts,
  organisations,
  payments,
  people,
  signInRequests,
  tierPrices,
  tiers,
} from "../../db/schema";
import { signPayload } from "~/modules/billing/stripe.server";
import { addInterval, invoiceShape, stripeEvent } from "~/modules/billing/stripe-shapes.server";
import { queueGivingStatements } from "~/modules/donations/statements.server";
import { templates } from "../../emails";
import { freePort } from "../setup/pg-server";
import { startInstance, stop } from "./instance";

const SECRET = "whsec_two_instances_fake_0123456789";
const RATE = 5; // emails a second, for both instances together
const DAY = 86_400_000;

/** Resend at the network edge, for processes msw cannot reach: records each send's time and idempotency key. */
function resendStandIn() {
  const sends: { at: number; key: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      if (req.method === "POST" && req.url === "/emails") {
        sends.push({ at: Date.now(), key: String(req.headers["idempotency-key"] ?? "") });
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ id: `re_${randomBytes(8).toString("hex")}` }));
      } else {
        res.writeHead(404, { "Content-Type": "application/json" }).end(JSON.stringify({ name: "not_found", message: "Not found", statusCode: 404 }));
      }
    });
  });
  return { sends, server };
}

describe("two instances on one database", () => {
  const { sends, server } = resendStandIn();
  let handle: DatabaseHandle;
  let dbUrl: string;
  let dbName: string;
  const instances: Awaited<ReturnType<typeof startInstance>>[] = [];
  const ids = { reminder: "", company: "", comped: "", membership: "" };

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const admin = postgres(inject("pgAdminUrl"), { max: 1, onnotice: () => {} });
    dbName = `${inject("pgRunPrefix")}_two`;
    await admin.unsafe(`create database "${dbName}" template "${inject("pgTemplate")}"`);
    await admin.end({ timeout: 5 });
    dbUrl = Object.assign(new URL(inject("pgAdminUrl")), { pathname: `/${dbName}` }).toString();
    handle = connect(dbUrl, { max: 3 });
    const db = handle.db;
    const { seed } = await import("../../db/seed");
    await seed(db);

    // Work both instances' schedules find at start-up.
    const [individual] = await db.select().from(tiers).where(eq(tiers.slug, "individual"));
    const [person] = await db.insert(people).values({ email: "renews@example.org", familyName: "Renew", givenName: "Ray", country: "US" }).returning();
    const [renewing] = await db
      .insert(memberships)
      .values({
        personId: person!.id,
        tierId: individual!.id,
        status: "active",
        currency: "USD",
        interval: "year",
        currentPeriodStart: new Date(Date.now() - 340 * DAY),
        currentPeriodEnd: new Date(Date.now() + 25 * DAY),
      })
      .returning();
    ids.reminder = renewing!.id;
    const [comped] = await db
      .insert(memberships)
      .values({
        personId: person!.id,
        tierId: individual!.id,
        status: "comped",
        compedUntil: new Date(Date.now() - 60_000),
        currency: "USD",
        interval: "year",
        currentPeriodEnd: new Date(Date.now() + 100 * DAY),
      })
      .returning();
    ids.comped = comped!.id;
    const [gold] = await db.select().from(tiers).where(eq(tiers.slug, "gold"));
    const [goldPrice] = await db
      .select()
      .from(tierPrices)
      .where(and(eq(tierPrices.tierId, gold!.id), eq(tierPrices.currency, "USD"), eq(tierPrices.interval, "year"), eq(tierPrices.active, true)));
    const [org] = await db.insert(organisations).values({ legalNameEn: "Twin Instances Inc.", billingEmail: "ap@twin.example.com", country: "US" }).returning();
    const [payer] = await db.insert(people).values({ email: "ap@twin.example.com", familyName: "Payable", givenName: "Accounts", country: "US" }).returning();
    await db.insert(organisationContacts).values({ organisationId: org!.id, personId: payer!.id, role: "billing" });
    const [company] = await db
      .insert(memberships)
      .values({
        organisationId: org!.id,
        tierId: gold!.id,
        priceId: goldPrice!.id,
        status: "active",
        currency: "USD",
        interval: "year",
        stripeInvoiceId: "in_demo_twinfirst",
        currentPeriodStart: new Date(Date.now() - 350 * DAY),
        currentPeriodEnd: new Date(Date.now() + 15 * DAY),
      })
      .returning();
    ids.company = company!.id;
    // A pending membership for the webhooks, and emails waiting in the outbox.
    const [paying] = await db
      .insert(memberships)
      .values({ personId: person!.id, tierId: individual!.id, status: "pending", currency: "USD", interval: "year" })
      .returning();
    ids.membership = paying!.id;
    const { locale: _l, ...welcome } = templates.welcome.previews.en as Record<string, unknown>;
    await db
      .insert(emailOutbox)
      .values(Array.from({ length: 12 }, (_, i) => ({ template: "welcome", locale: "en", toEmail: `queued${i}@example.org`, props: welcome })));

    const common = {
      NODE_ENV: "test",
      HOST: "127.0.0.1",
      DATABASE_URL: dbUrl,
      STRIPE_WEBHOOK_SECRET: SECRET,
      RESEND_API_KEY: "re_test_fake",
      RESEND_BASE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      EMAIL_RATE_PER_SECOND: String(RATE),
      BACKGROUND_JOBS: "on",
    };
    const [portA, portB] = [await freePort(), await freePort()];
    instances.push(
      ...(await Promise.all([
        startInstance({ ...common, PORT: String(portA), APP_URL: `http://127.0.0.1:${portA}`, TRUST_PROXY: "loopback" }),
        startInstance({ ...common, PORT: String(portB), APP_URL: `http://127.0.0.1:${portB}` }),
      ])),
    );
  }, 120_000);

  afterAll(async () => {
    await Promise.all(instances.map((i) => stop(i.child)));
    await handle?.close();
    await new Promise((resolve) => server.close(resolve));
    const admin = postgres(inject("pgAdminUrl"), { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
    await admin.end({ timeout: 5 });
  }, 60_000);

  it("applies a webhook delivered to both at once once, and shares out different ones", async () => {
    const now = Math.floor(Date.now() / 1000) - 30;
    const refs = {
      membershipId: ids.membership,
      subscriptionId: `sub_${randomBytes(6).toString("hex")}`,
      customerId: "cus_twin",
      currency: "usd" as const,
      amount: 6000,
      interval: "year" as const,
    };
    const invoice = (id: string, start: number) =>
      stripeEvent(
        "invoice.paid",
        invoiceShape(refs, { invoiceId: id, status: "paid", periodStart: start, periodEnd: addInterval(start, "year"), created: now }),
        now,
      );
    const post = async (url: string, event: ReturnType<typeof stripeEvent>) => {
      const body = JSON.stringify(event);
      const response = await fetch(`${url}/webhooks/stripe`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Stripe-Signature": signPayload(body, SECRET) },
        body,
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const first = invoice(`in_${randomBytes(6).toString("hex")}`, now);
    const same = await Promise.all(instances.map((i) => post(i.url, first)));
    expect(same.map((r) => r.status)).toEqual([200, 200]);
    expect(same.filter((r) => r.body.outcome === "applied")).toHaveLength(1);
    // Five renewals, alternately to each instance.
    let start = addInterval(now, "year");
    const renewals = [];
    for (let i = 0; i < 5; i++) {
      renewals.push(post(instances[i % 2]!.url, invoice(`in_${randomBytes(6).toString("hex")}`, start)));
      start = addInterval(start, "year");
    }
    expect((await Promise.all(renewals)).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await handle.db.select().from(payments).where(eq(payments.membershipId, ids.membership))).toHaveLength(6);
  });

  it("each background job's work is done once: reminders, the company's renewal invoice, the comp's end, statements", async () => {
    const db = handle.db;
    // Both instances' schedules ran at start-up; give the slower one time to finish.
    await expect
      .poll(
        async () =>
          (
            await db
              .select()
              .from(corporateInvoices)
              .where(and(eq(corporateInvoices.membershipId, ids.company), eq(corporateInvoices.status, "open")))
          ).length,
        { timeout: 15_000 },
      )
      .toBe(1);
    await expect.poll(async () => (await db.select().from(memberships).where(eq(memberships.id, ids.comped)))[0]!.status, { timeout: 15_000 }).toBe("active");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const reminders = await db
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.toEmail, "renews@example.org"), eq(emailOutbox.template, "renewal-reminder")));
    expect(reminders).toHaveLength(1);
    const renewalInvoices = await db
      .select()
      .from(corporateInvoices)
      .where(and(eq(corporateInvoices.membershipId, ids.company), eq(corporateInvoices.kind, "renewal")));
    expect(renewalInvoices).toHaveLength(1);
    expect(
      await db
        .select()
        .from(emailOutbox)
        .where(
          and(
            eq(emailOutbox.organisationId, (await db.select().from(memberships).where(eq(memberships.id, ids.company)))[0]!.organisationId!),
            eq(emailOutbox.template, "corporate-renewal-invoice"),
          ),
        ),
    ).toHaveLength(1);
    expect(
      await db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, "membership.comp_end"), eq(auditLog.subjectId, ids.comped))),
    ).toHaveLength(1);

    // Year-end statements, queued by both instances at once (as each one's January run would).
    const [fund] = await db.select().from(funds).where(eq(funds.slug, "general"));
    const donors = await db
      .insert(people)
      .values(Array.from({ length: 4 }, (_, i) => ({ email: `donor${i}@example.org`, familyName: "Donor", givenName: `N${i}`, country: "US" })))
      .returning();
    for (const donor of donors) {
      const [gift] = await db
        .insert(donations)
        .values({ personId: donor.id, fundId: fund!.id, amount: 5000, currency: "USD", interval: "once", status: "completed" })
        .returning();
      await db.insert(payments).values({
        donationId: gift!.id,
        personId: donor.id,
        fundId: fund!.id,
        amount: 5000,
        currency: "USD",
        method: "card",
        paidAt: new Date("2025-06-01T00:00:00Z"),
      });
    }
    const second = connect(dbUrl, { max: 2 });
    try {
      const queued = await Promise.all([queueGivingStatements(db, 2025, "calendar"), queueGivingStatements(second.db, 2025, "calendar")]);
      expect(queued[0] + queued[1]).toBe(4);
    } finally {
      await second.close();
    }
    const statements = await db
      .select()
      .from(emailOutbox)
      .where(
        and(
          eq(emailOutbox.template, "giving-statement"),
          inArray(
            emailOutbox.personId,
            donors.map((d) => d.id),
          ),
        ),
      );
    expect(statements).toHaveLength(4);
  });

  it("sends every outbox email once, both instances together within the shared rate", async () => {
    const db = handle.db;
    await expect
      .poll(
        async () => (await db.select({ status: emailOutbox.status }).from(emailOutbox)).filter((r) => r.status === "pending" || r.status === "sending").length,
        { timeout: 60_000, interval: 250 },
      )
      .toBe(0);
    const sent = await db.select().from(emailOutbox).where(eq(emailOutbox.status, "sent"));
    expect(sent.length).toBeGreaterThanOrEqual(12);
    // Resend saw each email once: one request per outbox row, keyed by the row.
    expect(sends.map((s) => s.key).sort()).toEqual(sent.map((r) => r.id).sort());
    // Both instances sent (the work was shared) …
    const byInstance = instances.map((i) => i.output());
    expect(byInstance.join("\n")).not.toMatch(/email worker:/);
    // … and together never faster than the shared rate: N sends take N - 1 intervals of the
    // shared clock. Arrival times here are measured at the stand-in, after each instance has
    // woken and sent: on a loaded machine the first request can arrive an interval late while
    // the last is on time, so the check allows one interval and 150 ms of that (two instances
    // each pacing itself alone would take half as long, far below this).
    const at = sends.map((s) => s.at).sort((a, b) => a - b);
    expect(at.at(-1)! - at[0]!).toBeGreaterThanOrEqual(((at.length - 2) * 1000) / RATE - 150);
  });

  it("behind a proxy (TRUST_PROXY), the client's address is the forwarded one; without it, the connecting one", async () => {
    const signIn = (url: string) =>
      fetch(`${url}/staff/sign-in`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: url, "X-Forwarded-For": "203.0.113.9" },
        body: new URLSearchParams({ email: "proxy-test@example.org" }),
        redirect: "manual",
      });
    await signIn(instances[0]!.url);
    await signIn(instances[1]!.url);
    const rows = await handle.db
      .select({ ip: signInRequests.ip })
      .from(signInRequests)
      .where(eq(signInRequests.email, "proxy-test@example.org"))
      .orderBy(signInRequests.id);
    expect(rows.map((r) => r.ip)).toEqual(["203.0.113.9", expect.stringMatching(/^(::ffff:)?127\.0\.0\.1$/)]);
  });
});
