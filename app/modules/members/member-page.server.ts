/**
 * A member's page (a person or an organisation) and the staff actions on it. Each action is
 * one transaction with its audit row (who, what, before and after) and, for status changes,
 * a membership_status_history row.
 */
import { randomUUID } from "node:crypto";
import type { Database, DbOrTx } from "../../../db/client";
import type { Membership, Payment, StaffUser } from "../../../db/schema";
import { writeAudit } from "../audit/audit.server";
import { getOrganisation, insertStatusHistory, updateMembership } from "../billing/billing.queries.server";
import { membershipEmailTarget, transition } from "../billing/lifecycle.server";
import { appUrl } from "../shared/links.server";
import { addInterval } from "../billing/stripe-shapes.server";
import type { Env } from "../config/env.server";
import { queueEmail } from "../email/outbox.server";
import { parseMoney } from "../i18n/format";
import { issueReceiptForPayment } from "../receipts/receipts.server";
import { moneyErrorKey, type CancelSchema, type CompSchema, type EditProfileSchema, type OfflinePaymentSchema } from "./member-actions.schema";
import type { z } from "zod";
import { isUuid } from "../shared/ids";
import { findOtherPersonByEmail, getPersonById, lockPerson, updatePerson } from "../people/people.queries.server";
import {
  findPaymentByFormToken,
  getMemberReceipt,
  insertPayment,
  listCorrectedReceipts,
  listMemberAudits,
  listMemberEmails,
  listMemberMemberships,
  listMemberPayments,
  listMembershipHistory,
  listPaymentRefunds,
  lockMemberMembership,
  updateMembershipComped,
  updateMembershipReturning,
  type MemberOwner,
} from "./members.queries.server";

export async function getMemberPage(db: DbOrTx, memberId: string) {
  if (!isUuid(memberId)) return null;
  const person = await getPersonById(db, memberId);
  const organisation = person ? null : await getOrganisation(db, memberId);
  if (!person && !organisation) return null;
  const owner: MemberOwner = { kind: person ? "person" : "organisation", id: memberId };
  const membershipRows = await listMemberMemberships(db, owner);
  const membershipIds = membershipRows.map((m) => m.membership.id);
  const [history, paymentRows, emails, audits] = await Promise.all([
    listMembershipHistory(db, membershipIds),
    listMemberPayments(db, owner),
    listMemberEmails(db, person ? { personId: memberId, email: person.email } : { organisationId: memberId }),
    listMemberAudits(db, memberId, membershipIds),
  ]);
  const paymentIds = paymentRows.map((p) => p.payment.id);
  const corrections = await listCorrectedReceipts(db, paymentIds);
  const refundRows = await listPaymentRefunds(db, paymentIds);
  return {
    /** A one-time token for this page's forms: the same form sent twice records one payment or refund. */
    formToken: randomUUID(),
    person: person ?? null,
    organisation: organisation ? { ...organisation, logo: null } : null,
    memberships: membershipRows.map((m) => ({
      ...m.membership,
      tierNameEn: m.tierNameEn,
      tierNameJa: m.tierNameJa,
      history: history.filter((h) => h.h.membershipId === m.membership.id).map((h) => ({ ...h.h, staffName: h.staffName })),
    })),
    payments: paymentRows.map((p) => ({
      ...p.payment,
      receiptId: p.receiptId,
      receiptNumber: p.receiptNumber,
      refundsVia: refundsThroughStripe(p.payment) ? ("stripe" as const) : ("offline" as const),
      refunds: refundRows.filter((r) => r.refund.paymentId === p.payment.id).map((r) => ({ ...r.refund, staffName: r.staffName })),
      corrections: corrections.filter((c) => c.paymentId === p.payment.id),
    })),
    emails,
    audits,
  };
}

const OFFLINE_METHODS: Payment["method"][] = ["check", "cash", "bank_transfer"];

/** Was this payment made through Stripe (so it is refunded there), rather than by check, cash or a transfer staff recorded? */
export function refundsThroughStripe(payment: Pick<Payment, "method" | "stripeInvoiceId" | "stripePaymentIntentId" | "stripeChargeId">): boolean {
  if (OFFLINE_METHODS.includes(payment.method)) return false;
  return Boolean(payment.stripeInvoiceId || payment.stripePaymentIntentId || payment.stripeChargeId);
}

export class ActionError extends Error {
  constructor(
    readonly field: string,
    readonly key: string,
  ) {
    super(`${field}: ${key}`);
  }
}

interface Actor {
  staff: Pick<StaffUser, "id">;
  ip: string | null;
}

async function membershipOf(tx: DbOrTx, memberId: string, membershipId: string): Promise<Membership> {
  const m = await lockMemberMembership(tx, memberId, membershipId);
  if (!m) throw new ActionError("membershipId", "membership");
  return m;
}

const picked = (m: Membership) => ({
  status: m.status,
  compedUntil: m.compedUntil?.toISOString() ?? null,
  cancelAtPeriodEnd: m.cancelAtPeriodEnd,
  canceledAt: m.canceledAt?.toISOString() ?? null,
});

export async function editProfile(db: DbOrTx, actor: Actor, memberId: string, input: z.infer<typeof EditProfileSchema>) {
  return db.transaction(async (tx) => {
    const before = await lockPerson(tx, memberId);
    if (!before) throw new ActionError("familyName", "required");
    const { intent: _i, confirm: _c, ...values } = input;
    const clash = await findOtherPersonByEmail(tx, values.email, memberId);
    if (clash) throw new ActionError("email", "taken");
    await updatePerson(tx, memberId, values);
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const [key, to] of Object.entries(values)) {
      const from = (before as Record<string, unknown>)[key] ?? null;
      if (from !== to) changes[key] = { from, to };
    }
    await writeAudit(tx, {
      actorStaffUserId: actor.staff.id,
      action: "member.edit",
      subjectType: "person",
      subjectId: memberId,
      details: { changes },
      ip: actor.ip,
    });
  });
}

/**
 * Records a comp: free of charge until the end of `until` (Japan time). The paid period is left
 * as it was: when the comp ends the membership is active while that lasts (or, paying by card,
 * billed again), else it lapses (billing/comps.server.ts, which also pauses Stripe's billing first).
 */
export async function compMembership(db: DbOrTx, actor: Actor, memberId: string, input: z.infer<typeof CompSchema>, options: { billingPaused: boolean }) {
  const until = new Date(`${input.until}T23:59:59+09:00`);
  if (until.getTime() <= Date.now()) throw new ActionError("until", "futureDate");
  return db.transaction(async (tx) => {
    const before = await membershipOf(tx, memberId, input.membershipId);
    const after = await updateMembershipComped(tx, before.id, until);
    await insertStatusHistory(tx, [
      {
        membershipId: before.id,
        fromStatus: before.status,
        toStatus: "comped",
        cause: "staff",
        staffUserId: actor.staff.id,
        note: options.billingPaused ? `comped until ${input.until}; card billing paused in Stripe until then` : `comped until ${input.until}`,
      },
    ]);
    await writeAudit(tx, {
      actorStaffUserId: actor.staff.id,
      action: "membership.comp",
      subjectType: "membership",
      subjectId: before.id,
      details: { memberId, until: input.until, billingPaused: options.billingPaused, before: picked(before), after: picked(after!) },
      ip: actor.ip,
    });
  });
}

/**
 * Cancels locally: at period end sets cancel_at_period_end; now ends it at once. For a
 * Stripe-backed membership the billing worker reads these columns and tells Stripe.
 */
export async function cancelMembershipLocally(db: DbOrTx, actor: Actor, memberId: string, input: z.infer<typeof CancelSchema>) {
  return db.transaction(async (tx) => {
    const before = await membershipOf(tx, memberId, input.membershipId);
    const now = input.when === "now";
    const after = await updateMembershipReturning(
      tx,
      before.id,
      now
        ? { status: "canceled", canceledAt: new Date(), cancelAtPeriodEnd: false, updatedAt: new Date() }
        : { cancelAtPeriodEnd: true, updatedAt: new Date() },
    );
    // The member hears of it once, whichever comes first: this or Stripe's webhook (same key).
    const target = await membershipEmailTarget(tx, before.id);
    if (target && before.status !== "canceled") {
      await queueEmail(tx, {
        template: "membership-canceled",
        locale: target.locale,
        to: target.to,
        personId: target.personId,
        organisationId: target.organisationId,
        props: {
          recipient: target.recipient,
          tierName: { en: target.tier.nameEn, ja: target.tier.nameJa },
          endsAt: (now ? new Date() : before.currentPeriodEnd)?.toISOString() ?? null,
        },
        dedupeKey: `membership-canceled:${before.id}`,
      });
    }
    if (now && before.status !== "canceled") {
      await insertStatusHistory(tx, [
        {
          membershipId: before.id,
          fromStatus: before.status,
          toStatus: "canceled",
          cause: "staff",
          staffUserId: actor.staff.id,
          note: "canceled by staff",
        },
      ]);
    }
    await writeAudit(tx, {
      actorStaffUserId: actor.staff.id,
      action: "membership.cancel",
      subjectType: "membership",
      subjectId: before.id,
      details: { memberId, when: input.when, stripeSubscriptionId: before.stripeSubscriptionId, before: picked(before), after: picked(after!) },
      ip: actor.ip,
    });
  });
}

/**
 * Records a check, bank transfer or cash payment for a membership, once per form (its one-time
 * token), with its receipt, its email and an audit row. A person's own membership (individual,
 * family, student…) is activated by it, or extended: the tier's period (the membership's yearly
 * or monthly interval) from the end of the period already paid, or from the payment's date when
 * that has passed. A membership Stripe bills by card is refused: it would be paid twice.
 */
export async function recordOfflinePayment(ctx: { db: Database; env: Env }, actor: Actor, memberId: string, input: z.infer<typeof OfflinePaymentSchema>) {
  const parsed = parseMoney(input.amount, input.currency);
  if (!parsed.ok) throw new ActionError("amount", moneyErrorKey(parsed.error));
  const amount = parsed.minor;
  const paidAt = new Date(`${input.paidAt}T12:00:00+09:00`);
  return ctx.db.transaction(async (tx) => {
    const again = await findPaymentByFormToken(tx, input.token);
    if (again) return { paymentId: again.id, repeated: true };
    const membership = await membershipOf(tx, memberId, input.membershipId);
    const own = membership.personId !== null && membership.seatOfMembershipId === null;
    if (own && membership.stripeSubscriptionId && membership.status !== "canceled") throw new ActionError("membershipId", "paysByCard");
    const person = membership.personId ? await getPersonById(tx, membership.personId) : null;
    const org = membership.organisationId ? await getOrganisation(tx, membership.organisationId) : null;
    const payment = await insertPayment(tx, {
      membershipId: membership.id,
      personId: membership.personId,
      organisationId: membership.organisationId,
      amount,
      currency: input.currency,
      method: input.method,
      description: input.reference ? `${input.method}: ${input.reference}` : input.method,
      recordedByStaffUserId: actor.staff.id,
      formToken: input.token,
      paidAt,
    });
    const period = own ? await payPeriod(tx, ctx.env, actor, membership, paidAt, input.method) : null;
    // Issued after the period moved, so the receipt names the period this payment pays for.
    const receipt = await issueReceiptForPayment(tx, payment.id, {
      issuedAt: new Date(),
      poNumber: org && input.reference ? input.reference : null,
    });
    const locale = receipt.locale;
    await queueEmail(tx, {
      template: "receipt",
      locale,
      to: person?.email ?? org!.billingEmail,
      personId: person?.id ?? null,
      organisationId: org?.id ?? null,
      props: { recipient: recipientOf(person, org, locale), receiptId: receipt.id },
      dedupeKey: `receipt:${receipt.id}`,
    });
    await writeAudit(tx, {
      actorStaffUserId: actor.staff.id,
      action: "payment.record_offline",
      subjectType: "membership",
      subjectId: membership.id,
      details: {
        memberId,
        paymentId: payment.id,
        amount,
        currency: input.currency,
        method: input.method,
        reference: input.reference,
        receiptNumber: receipt.number,
        ...(period ? { statusBefore: membership.status, statusAfter: period.status, periodEnd: period.end.toISOString() } : {}),
      },
      ip: actor.ip,
    });
    return { paymentId: payment.id, repeated: false };
  });
}

/** An offline payment pays the membership's next period: active from it (a new member is welcomed), or a comp's paid period extended. */
async function payPeriod(tx: DbOrTx, env: Env, actor: Actor, membership: Membership, paidAt: Date, method: string) {
  const interval = membership.interval ?? "year";
  const paidUntil = membership.currentPeriodEnd;
  const continuing = membership.status !== "pending" && membership.status !== "canceled" && paidUntil !== null && paidUntil.getTime() > paidAt.getTime();
  const start = continuing ? paidUntil! : paidAt;
  const end = new Date(addInterval(Math.floor(start.getTime() / 1000), interval) * 1000);
  const period = { currentPeriodStart: start, currentPeriodEnd: end };
  if (membership.status === "comped") {
    await updateMembership(tx, membership.id, period);
    return { status: membership.status, end };
  }
  await transition(
    tx,
    membership,
    "active",
    { cause: "staff", staffUserId: actor.staff.id, note: `offline payment (${method})` },
    {
      ...period,
      graceUntil: null,
      canceledAt: null,
      cancelAtPeriodEnd: false,
      startedAt: membership.startedAt ?? paidAt,
    },
  );
  if (membership.status === "pending") await queueWelcome(tx, env, membership.id, end);
  return { status: "active" as const, end };
}

/** The welcome email of a membership that starts (once per membership, like Stripe's first payment's). */
async function queueWelcome(tx: DbOrTx, env: Env, membershipId: string, periodEnd: Date) {
  const target = await membershipEmailTarget(tx, membershipId);
  if (!target?.personId) return;
  await queueEmail(tx, {
    template: "welcome",
    locale: target.locale,
    to: target.to,
    personId: target.personId,
    props: {
      recipient: target.recipient,
      tierName: { en: target.tier.nameEn, ja: target.tier.nameJa },
      periodEnd: periodEnd.toISOString(),
      manageUrl: appUrl(env, target.locale, "/account"),
    },
    dedupeKey: `welcome:${membershipId}`,
  });
}

function recipientOf(
  person: { familyName: string; givenName: string } | null,
  org: { legalNameEn: string; legalNameJa: string | null } | null,
  locale: string,
) {
  // The email props contract: an organisation is addressed by one name (御中 is added in Japanese).
  return person
    ? { kind: "person" as const, familyName: person.familyName, givenName: person.givenName }
    : { kind: "organisation" as const, name: (locale === "ja" ? org!.legalNameJa : null) ?? org!.legalNameEn };
}

/** Queues the receipt email again (a new outbox row; the first stays as it was). */
export async function resendReceipt(db: DbOrTx, actor: Actor, memberId: string, receiptId: string) {
  return db.transaction(async (tx) => {
    const row = await getMemberReceipt(tx, memberId, receiptId);
    if (!row) throw new ActionError("receiptId", "required");
    const person = row.payment.personId ? await getPersonById(tx, row.payment.personId) : null;
    const org = row.payment.organisationId ? await getOrganisation(tx, row.payment.organisationId) : null;
    const outboxId = await queueEmail(tx, {
      template: "receipt",
      locale: row.receipt.locale,
      to: person?.email ?? org!.billingEmail,
      personId: person?.id ?? null,
      organisationId: org?.id ?? null,
      props: { recipient: recipientOf(person, org, row.receipt.locale), receiptId },
    });
    await writeAudit(tx, {
      actorStaffUserId: actor.staff.id,
      action: "receipt.resend",
      subjectType: "person",
      subjectId: memberId,
      details: { receiptId, receiptNumber: row.receipt.number, outboxId },
      ip: actor.ip,
    });
  });
}
