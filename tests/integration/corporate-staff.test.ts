import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, memberships, payments, receipts } from "../../db/schema";
import { action as memberAction, loader as memberLoader } from "~/routes/staff.members.$memberId";
import { args, env, makeStaff, respond, staffCookie } from "../fixtures/staff";
import { sakura, submitSponsor } from "../fixtures/corporate";
import { useTestDatabase } from "../setup/test-db";

const t = useTestDatabase();

describe("staff record a company's bank transfer in the console", () => {
  it("pays the open invoice (locally on the demo gateway), once, with a receipt and an audit entry naming the staff member", async () => {
    const outcome = await submitSponsor(t.db, env, { ...sakura, billingSame: "on" }, { lang: "ja" });
    expect(outcome.status).toBe(303);
    const membershipId = /m=([0-9a-f-]{36})/.exec(outcome.location!)![1]!;
    const [m] = await t.db.select().from(memberships).where(eq(memberships.id, membershipId));
    const orgId = m!.organisationId!;
    const staff = await makeStaff(t.db, "staff");
    const cookie = await staffCookie(t.db, staff.id);

    const page = (await respond(() => memberLoader(args(t.db, `/staff/members/${orgId}`, { cookie, params: { memberId: orgId } })))) as { status: number };
    expect(page.status).toBe(200);

    const form = {
      intent: "payment",
      membershipId,
      amount: "700000",
      currency: "JPY",
      method: "bank_transfer",
      paidAt: "2026-11-27",
      reference: "振込 サクラシヨウジ",
      token: randomUUID(),
      confirm: "yes",
    };
    const post = () => respond(() => memberAction(args(t.db, `/staff/members/${orgId}`, { form, cookie, params: { memberId: orgId }, ip: "203.0.113.9" })));
    const first = (await post()) as Response;
    expect(first.status).toBe(302);
    const [after] = await t.db.select().from(memberships).where(eq(memberships.id, membershipId));
    expect(after!.status).toBe("active");
    const rows = await t.db.select().from(payments).where(eq(payments.membershipId, membershipId));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      amount: 700000,
      currency: "JPY",
      method: "bank_transfer",
      organisationId: orgId,
      stripeInvoiceId: m!.stripeInvoiceId,
      recordedByStaffUserId: staff.id,
    });
    const [receipt] = await t.db.select().from(receipts).where(eq(receipts.paymentId, rows[0]!.id));
    expect(receipt!.snapshot).toMatchObject({ payer: { kind: "organisation", nameJa: "株式会社さくら商事", poNumber: "PO-2026-0042" } });
    const audit = await t.db.select().from(auditLog).where(eq(auditLog.subjectId, membershipId));
    expect(audit.map((a) => a.action)).toContain("organisation.invoice.record_offline_payment");
    expect(audit.find((a) => a.action === "organisation.invoice.record_offline_payment")).toMatchObject({ actorStaffUserId: staff.id, ip: "203.0.113.9" });
  });
});
