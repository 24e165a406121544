/**
 * Everything Kizuna holds about one person (the member's data download), each read by their id:
 * their row, memberships and history, payments, receipts, refunds, gifts, company roles,
 * consents, emails, sessions and the audit entries about them. Secrets (session and link token
 * hashes, email bodies with sign-in links) and staff identities are left out.
 */
import { and, asc, eq, inArray, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import {
  auditLog,
  donations,
  emailConsents,
  emailOutbox,
  funds,
  membershipStatusHistory,
  memberships,
  organisationContacts,
  organisations,
  payments,
  people,
  receipts,
  refunds,
  sessions,
  signInRequests,
  signInTokens,
  tiers,
} from "../../../db/schema";

export async function collectPersonData(db: DbOrTx, personId: string) {
  const [person] = await db.select().from(people).where(eq(people.id, personId));
  if (!person) return null;
  const { searchText: _search, ...personRow } = person;
  const ownMemberships = await db
    .select({
      id: memberships.id,
      tier: tiers.slug,
      tierNameEn: tiers.nameEn,
      tierNameJa: tiers.nameJa,
      status: memberships.status,
      currency: memberships.currency,
      interval: memberships.interval,
      startedAt: memberships.startedAt,
      currentPeriodStart: memberships.currentPeriodStart,
      currentPeriodEnd: memberships.currentPeriodEnd,
      cancelAtPeriodEnd: memberships.cancelAtPeriodEnd,
      canceledAt: memberships.canceledAt,
      compedUntil: memberships.compedUntil,
      seatOfMembershipId: memberships.seatOfMembershipId,
      createdAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(tiers, eq(tiers.id, memberships.tierId))
    .where(eq(memberships.personId, personId))
    .orderBy(asc(memberships.createdAt));
  const membershipIds = ownMemberships.map((m) => m.id);
  const [history, paid, gifts, contacts, consents, emails, signIns, audits] = await Promise.all([
    membershipIds.length
      ? db
          .select({
            membershipId: membershipStatusHistory.membershipId,
            fromStatus: membershipStatusHistory.fromStatus,
            toStatus: membershipStatusHistory.toStatus,
            cause: membershipStatusHistory.cause,
            at: membershipStatusHistory.at,
          })
          .from(membershipStatusHistory)
          .where(inArray(membershipStatusHistory.membershipId, membershipIds))
          .orderBy(asc(membershipStatusHistory.at))
      : Promise.resolve([]),
    db
      .select({
        id: payments.id,
        membershipId: payments.membershipId,
        donationId: payments.donationId,
        amount: payments.amount,
        currency: payments.currency,
        refundedAmount: payments.refundedAmount,
        method: payments.method,
        cardBrand: payments.cardBrand,
        cardLast4: payments.cardLast4,
        description: payments.description,
        paidAt: payments.paidAt,
      })
      .from(payments)
      .where(eq(payments.personId, personId))
      .orderBy(asc(payments.paidAt)),
    db
      .select({
        id: donations.id,
        fund: funds.slug,
        fundNameEn: funds.nameEn,
        fundNameJa: funds.nameJa,
        amount: donations.amount,
        currency: donations.currency,
        interval: donations.interval,
        status: donations.status,
        anonymous: donations.anonymous,
        tributeKind: donations.tributeKind,
        tributeName: donations.tributeName,
        tributeNotifyName: donations.tributeNotifyName,
        tributeNotifyEmail: donations.tributeNotifyEmail,
        createdAt: donations.createdAt,
      })
      .from(donations)
      .innerJoin(funds, eq(funds.id, donations.fundId))
      .where(eq(donations.personId, personId))
      .orderBy(asc(donations.createdAt)),
    db
      .select({
        organisationEn: organisations.legalNameEn,
        organisationJa: organisations.legalNameJa,
        role: organisationContacts.role,
        invitedAt: organisationContacts.invitedAt,
        acceptedAt: organisationContacts.acceptedAt,
      })
      .from(organisationContacts)
      .innerJoin(organisations, eq(organisations.id, organisationContacts.organisationId))
      .where(eq(organisationContacts.personId, personId)),
    db
      .select({ topic: emailConsents.topic, granted: emailConsents.granted, source: emailConsents.source, ip: emailConsents.ip, at: emailConsents.at })
      .from(emailConsents)
      .where(eq(emailConsents.personId, personId))
      .orderBy(asc(emailConsents.at), asc(emailConsents.id)),
    db
      .select({
        template: emailOutbox.template,
        locale: emailOutbox.locale,
        to: emailOutbox.toEmail,
        subject: emailOutbox.subject,
        status: emailOutbox.status,
        createdAt: emailOutbox.createdAt,
        sentAt: emailOutbox.sentAt,
      })
      .from(emailOutbox)
      .where(eq(emailOutbox.personId, personId))
      .orderBy(asc(emailOutbox.createdAt)),
    db
      .select({ createdAt: sessions.createdAt, expiresAt: sessions.expiresAt, revokedAt: sessions.revokedAt, ip: sessions.ip })
      .from(sessions)
      .where(eq(sessions.personId, personId))
      .orderBy(asc(sessions.createdAt)),
    db
      .select({ action: auditLog.action, details: auditLog.details, ip: auditLog.ip, at: auditLog.at })
      .from(auditLog)
      .where(
        or(
          and(eq(auditLog.subjectType, "person"), eq(auditLog.subjectId, personId)),
          membershipIds.length ? and(eq(auditLog.subjectType, "membership"), inArray(auditLog.subjectId, membershipIds)) : undefined,
        ),
      )
      .orderBy(asc(auditLog.at)),
  ]);
  const paymentIds = paid.map((p) => p.id);
  const [issued, refunded] = paymentIds.length
    ? await Promise.all([
        db
          .select({
            number: receipts.number,
            kind: receipts.kind,
            paymentId: receipts.paymentId,
            amount: receipts.amount,
            currency: receipts.currency,
            deductibleAmount: receipts.deductibleAmount,
            locale: receipts.locale,
            issuedAt: receipts.issuedAt,
          })
          .from(receipts)
          .where(inArray(receipts.paymentId, paymentIds))
          .orderBy(asc(receipts.issuedAt)),
        db
          .select({
            paymentId: refunds.paymentId,
            amount: refunds.amount,
            currency: refunds.currency,
            reason: refunds.reason,
            status: refunds.status,
            createdAt: refunds.createdAt,
          })
          .from(refunds)
          .where(inArray(refunds.paymentId, paymentIds))
          .orderBy(asc(refunds.createdAt)),
      ])
    : [[], []];
  return {
    person: personRow,
    memberships: ownMemberships,
    membershipHistory: history,
    payments: paid,
    receipts: issued,
    refunds: refunded,
    donations: gifts,
    organisationRoles: contacts,
    emailConsents: consents,
    emails,
    sessions: signIns,
    auditLog: audits,
  };
}

/** The person's own memberships still billed by a live Stripe subscription (anonymising waits until they are stopped). */
export function listLiveSubscriptions(db: DbOrTx, personId: string) {
  return db
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.personId, personId), inArray(memberships.status, ["active", "past_due"]), isNotNull(memberships.stripeSubscriptionId)));
}

export async function setDeletionRequested(db: DbOrTx, personId: string, at: Date | null) {
  await db.update(people).set({ deletionRequestedAt: at, updatedAt: new Date() }).where(eq(people.id, personId));
}

/** People who asked for deletion and are not yet anonymised, oldest request first. */
export function listDeletionRequests(db: DbOrTx) {
  return db
    .select({ id: people.id, familyName: people.familyName, givenName: people.givenName, email: people.email, requestedAt: people.deletionRequestedAt })
    .from(people)
    .where(and(isNotNull(people.deletionRequestedAt), isNull(people.anonymisedAt)))
    .orderBy(asc(people.deletionRequestedAt));
}

export const DELETED_NAME = { familyName: "Deleted", givenName: "Member" } as const;

/**
 * Replaces everything that names or reaches the person (one transaction, the caller's): their
 * row, details kept with memberships and gifts, tribute contacts, sessions and sign-in links,
 * consents' IPs, emails (pending ones stop), sign-in requests and the audit details about them.
 * Payments, receipts (their printed snapshot) and refunds stay for the retention period.
 */
export async function anonymisePersonRows(tx: DbOrTx, person: { id: string; email: string }, now: Date) {
  const id = person.id;
  await tx
    .update(people)
    .set({
      ...DELETED_NAME,
      familyNameKana: null,
      givenNameKana: null,
      email: `deleted+${id}@invalid.invalid`,
      postalCode: null,
      region: null,
      city: null,
      addressLine1: null,
      addressLine2: null,
      partnershipId: null,
      deletionRequestedAt: null,
      anonymisedAt: now,
      updatedAt: now,
    })
    .where(eq(people.id, id));
  await tx.update(memberships).set({ submittedDetails: null, poNumber: null }).where(eq(memberships.personId, id));
  await tx
    .update(donations)
    .set({ submittedDetails: null, tributeKind: null, tributeName: null, tributeNotifyEmail: null, tributeNotifyName: null, tributeNotifyLocale: null })
    .where(eq(donations.personId, id));
  const revoked = await tx
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.personId, id), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  await tx.update(sessions).set({ ip: null }).where(eq(sessions.personId, id));
  await tx.delete(signInTokens).where(eq(signInTokens.personId, id));
  await tx.delete(signInRequests).where(sql`lower(${signInRequests.email}) = ${person.email.toLowerCase()}`);
  await tx.update(emailConsents).set({ ip: null }).where(eq(emailConsents.personId, id));
  const stopped = await tx
    .update(emailOutbox)
    .set({ status: "failed", lastError: "recipient anonymised" })
    .where(and(or(eq(emailOutbox.personId, id), sql`lower(${emailOutbox.toEmail}) = ${person.email.toLowerCase()}`), eq(emailOutbox.status, "pending")))
    .returning({ id: emailOutbox.id });
  const scrubbed = await tx
    .update(emailOutbox)
    .set({ toEmail: `deleted+${id}@invalid.invalid`, props: {}, html: null, text: null, subject: null })
    .where(or(eq(emailOutbox.personId, id), sql`lower(${emailOutbox.toEmail}) = ${person.email.toLowerCase()}`))
    .returning({ id: emailOutbox.id });
  await tx
    .update(auditLog)
    .set({ details: {}, ip: null })
    .where(and(eq(auditLog.subjectType, "person"), eq(auditLog.subjectId, id), sql`${auditLog.action} like 'person.%'`));
  return { sessionsRevoked: revoked.length, emailsStopped: stopped.length, emailsScrubbed: scrubbed.length };
}

/**
 * Once the retention period has passed, the receipts of anonymised people no longer print their
 * name, email or address: the number, amounts and dates stay (the numbering has no gaps).
 */
export async function scrubExpiredReceipts(db: DbOrTx, issuedBefore: Date): Promise<number> {
  const rows = await db
    .update(receipts)
    .set({
      snapshot: sql`jsonb_set(${receipts.snapshot}, '{payer}', jsonb_build_object('kind', 'person', 'familyName', ${DELETED_NAME.familyName}::text, 'givenName', ${DELETED_NAME.givenName}::text, 'email', '', 'country', ${receipts.snapshot}->'payer'->'country'))`,
    })
    .where(
      and(
        lt(receipts.issuedAt, issuedBefore),
        sql`${receipts.snapshot}->'payer'->>'kind' = 'person'`,
        sql`${receipts.snapshot}->'payer'->>'email' <> ''`,
        inArray(
          receipts.paymentId,
          db.select({ id: payments.id }).from(payments).innerJoin(people, eq(people.id, payments.personId)).where(isNotNull(people.anonymisedAt)),
        ),
      ),
    )
    .returning({ id: receipts.id });
  return rows.length;
}
