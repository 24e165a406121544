/**
 * The membership lifecycle is ours, not a copy of Stripe's status:
 *   pending → active → past_due (grace keeps benefits) → lapsed,  or canceled;  comped by staff.
 * Every change of status writes a history row naming its cause (Stripe event, staff, system).
 */
import type { Database, DbOrTx } from "../../../db/client";
import type { Membership, MembershipStatus } from "../../../db/schema";
import type { Env } from "../config/env.server";
import { queueEmail } from "../email/outbox.server";
import {
  getMembershipWithHolder,
  getOpenRenewalInvoice,
  getOrganisation,
  insertStatusHistory,
  listBillingContacts,
  lockEndedInvoiceTerms,
  lockExpiredGrace,
  updateMembership,
  updateSeatsStatus,
} from "./billing.queries.server";
import { appUrl, recipientOf, tierNameOf } from "../shared/links.server";

export type Cause =
  | { cause: "stripe_event"; stripeEventId: string }
  | { cause: "staff"; staffUserId: string; note?: string }
  | { cause: "member"; note?: string }
  | { cause: "system"; note?: string };

/** Sets the status (and other fields) of a membership; records the transition when the status changes. */
export async function transition<M extends Pick<Membership, "id" | "status">>(
  tx: DbOrTx,
  membership: M,
  to: MembershipStatus,
  cause: Cause,
  values: Partial<Membership> = {},
): Promise<M> {
  const next = { ...membership, ...values, status: to };
  await updateMembership(tx, membership.id, { ...values, status: to });
  if (membership.status !== to) {
    await insertStatusHistory(tx, [
      {
        membershipId: membership.id,
        fromStatus: membership.status,
        toStatus: to,
        cause: cause.cause,
        stripeEventId: cause.cause === "stripe_event" ? cause.stripeEventId : null,
        staffUserId: cause.cause === "staff" ? cause.staffUserId : null,
        note: "note" in cause ? (cause.note ?? null) : null,
      },
    ]);
    const organisationId = (membership as Partial<Membership>).organisationId;
    if (organisationId) await followSeats(tx, membership.id, to, cause);
  }
  return next;
}

/**
 * Seat holders' memberships follow their company's: lapsed or canceled with it, active again
 * when it is paid. A removed seat (canceled) stays canceled. Seats are people's memberships
 * with seat_of_membership_id set; a person's own membership is a different row and is never
 * touched here, and nothing a seat holder does reaches the company's row.
 */
async function followSeats(tx: DbOrTx, companyMembershipId: string, to: MembershipStatus, cause: Cause) {
  if (to === "pending") return;
  const moved = await updateSeatsStatus(tx, companyMembershipId, to, to === "canceled" ? { canceledAt: new Date() } : {});
  if (moved.length === 0) return;
  // The previous status is not returned by UPDATE; seats only ever hold their company's status.
  await insertStatusHistory(
    tx,
    moved.map((seat) => ({
      membershipId: seat.id,
      fromStatus: null,
      toStatus: to,
      cause: cause.cause,
      stripeEventId: cause.cause === "stripe_event" ? cause.stripeEventId : null,
      staffUserId: cause.cause === "staff" ? cause.staffUserId : null,
      note: "follows the company membership",
    })),
  );
}

export function graceEnd(from: Date, env: Pick<Env, "MEMBERSHIP_GRACE_DAYS">): Date {
  return new Date(from.getTime() + env.MEMBERSHIP_GRACE_DAYS * 86_400_000);
}

/**
 * Who hears about a membership: the person, or for a company its billing contact (else its
 * primary contact, else its billing address), in that contact's language, addressed to the
 * company (the templates add 御中 in Japanese). Null when there is nobody to write to.
 */
export async function membershipEmailTarget(tx: DbOrTx, membershipId: string) {
  const row = await getMembershipWithHolder(tx, membershipId);
  if (!row) return null;
  if (row.person) {
    const p = row.person;
    return {
      membership: row.membership,
      tier: row.tier,
      to: p.email,
      locale: p.preferredLocale,
      personId: p.id as string | null,
      organisationId: null as string | null,
      recipient: recipientOf(p) as EmailRecipient,
    };
  }
  if (!row.organisation) return null;
  const contact = await organisationBillingContact(tx, row.organisation.id);
  if (!contact) return null;
  return {
    membership: row.membership,
    tier: row.tier,
    to: contact.email,
    locale: contact.locale,
    personId: contact.personId,
    organisationId: row.organisation.id as string | null,
    recipient: contact.recipient as EmailRecipient,
  };
}

type EmailRecipient = { kind: "person"; familyName: string; givenName: string } | { kind: "organisation"; name: string };

/** A company's billing contact (or primary contact, or billing address) as an email recipient. */
export async function organisationBillingContact(tx: DbOrTx, organisationId: string) {
  const organisation = await getOrganisation(tx, organisationId);
  if (!organisation) return null;
  const contacts = await listBillingContacts(tx, organisationId);
  const person = contacts.find((c) => c.role === "billing")?.person ?? contacts.find((c) => c.role === "primary")?.person ?? null;
  const locale = person?.preferredLocale ?? (organisation.country === "JP" ? "ja" : "en");
  const name = locale === "ja" && organisation.legalNameJa ? organisation.legalNameJa : organisation.legalNameEn;
  return {
    email: person?.email ?? organisation.billingEmail,
    locale,
    personId: person?.id ?? null,
    recipient: { kind: "organisation" as const, name },
  };
}

/** Queues the "your membership has lapsed" email (once per grace period), to the person or the company's billing contact. */
export async function queueLapsedEmail(tx: DbOrTx, env: Env, membershipId: string) {
  const target = await membershipEmailTarget(tx, membershipId);
  if (!target) return;
  const { membership, tier } = target;
  await queueEmail(tx, {
    template: "membership-lapsed",
    locale: target.locale,
    to: target.to,
    personId: target.personId,
    organisationId: target.organisationId,
    props: { recipient: target.recipient, tierName: tierNameOf(tier), renewUrl: appUrl(env, target.locale, target.organisationId ? "/sponsor" : "/join") },
    dedupeKey: `membership-lapsed:${membershipId}:${membership.graceUntil?.toISOString() ?? "none"}`,
  });
}

/**
 * Lapses past-due memberships whose grace period is over. Needs no webhook: the server calls
 * it on an interval, and any number of instances may (rows are claimed with SKIP LOCKED).
 * Returns how many memberships lapsed.
 */
export async function expireGracePeriods(db: Database, env: Env, now = new Date(), batch = 200): Promise<number> {
  let total = 0;
  for (;;) {
    const count = await db.transaction(async (tx) => {
      const due = await lockExpiredGrace(tx, now, batch);
      for (const membership of due) {
        await transition(tx, membership, "lapsed", { cause: "system", note: "grace period over" });
        await queueLapsedEmail(tx, env, membership.id);
      }
      return due.length;
    });
    total += count;
    if (count < batch) return total;
  }
}

/**
 * A company's year paid by invoice (no subscription) ends at its period end. Unless it was
 * cancelled, it goes past_due with a grace period (benefits kept; its seats follow) and the
 * billing contact is reminded of the open renewal invoice; expireGracePeriods lapses it when the
 * grace is over, and a later payment of the invoice restores it. Cancelled at period end: it
 * ends. Returns how many memberships moved.
 */
export async function endInvoiceTerms(db: Database, env: Env, now = new Date(), batch = 200): Promise<number> {
  let total = 0;
  for (;;) {
    const count = await db.transaction(async (tx) => {
      const due = await lockEndedInvoiceTerms(tx, now, batch);
      for (const membership of due) {
        if (membership.cancelAtPeriodEnd) {
          await transition(tx, membership, "canceled", { cause: "system", note: "paid term ended (cancelled at period end)" }, { canceledAt: now });
          continue;
        }
        const graceUntil = graceEnd(now, env);
        await transition(tx, membership, "past_due", { cause: "system", note: "paid term ended; renewal invoice unpaid" }, { graceUntil });
        await queueRenewalUnpaidEmail(tx, membership.id, membership.organisationId!);
      }
      return due.length;
    });
    total += count;
    if (count < batch) return total;
  }
}

/** The open renewal invoice's overdue reminder (the same once-per-invoice key as Stripe's invoice.overdue). */
async function queueRenewalUnpaidEmail(tx: DbOrTx, membershipId: string, organisationId: string) {
  const invoice = await getOpenRenewalInvoice(tx, membershipId);
  if (!invoice?.stripeInvoiceId || !invoice.hostedInvoiceUrl) return;
  const contact = await organisationBillingContact(tx, organisationId);
  if (!contact) return;
  await queueEmail(tx, {
    personId: contact.personId,
    template: "invoice-overdue",
    locale: contact.locale,
    to: contact.email,
    organisationId,
    props: {
      recipient: contact.recipient,
      amount: invoice.amount,
      currency: invoice.currency,
      invoiceNumber: invoice.number ?? invoice.stripeInvoiceId,
      dueDate: invoice.dueDate?.toISOString() ?? null,
      poNumber: invoice.poNumber,
      hostedInvoiceUrl: invoice.hostedInvoiceUrl,
    },
    dedupeKey: `invoice-overdue:${invoice.stripeInvoiceId}`,
  });
}
