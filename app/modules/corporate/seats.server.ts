/**
 * Employee seats: the primary contact (through the signed management link) invites people up
 * to the tier's seat count; an invitee who accepts becomes a person linked to the company as a
 * 'seat' contact, with a seat membership (seat_of_membership_id = the company's) that follows
 * the company's status (lifecycle.transition). Removing a seat cancels that seat membership and
 * frees the seat. A seat holder's own personal membership is a separate row, never touched here.
 */
import { transition } from "../billing/lifecycle.server";
import { tierNameOf } from "../shared/links.server";
import { queueEmail } from "../email/outbox.server";
import type { Locale } from "../i18n/i18n";
import { findOrCreatePerson, findPersonByEmail } from "../people/people.queries.server";
import {
  countSeatsUsed,
  deleteSeatContact,
  findSeatByEmail,
  findSeatOfPerson,
  getCompanyMembership,
  getMembershipOrganisationId,
  insertSeatMembership,
  listPendingSeatInvitations,
  listSeatHolders,
  lockSeat,
  upsertSeatContact,
} from "./corporate.queries.server";
import { BENEFIT_STATUSES, type CorporateContext } from "./corporate.server";
import { INVITE_DAYS, seatInviteUrl, verifySeatInviteToken } from "./tokens.server";

export type SeatError = "notFound" | "notActive" | "seatsFull" | "alreadySeat" | "invalidEmail" | "invalidLink";

const hasBenefits = (status: string) => (BENEFIT_STATUSES as readonly string[]).includes(status);

/** What the management page shows. */
export async function getSeatOverview(ctx: CorporateContext, membershipId: string) {
  const company = await getCompanyMembership(ctx.db, membershipId);
  if (!company) return null;
  const [holders, pending] = await Promise.all([
    listSeatHolders(ctx.db, membershipId),
    listPendingSeatInvitations(ctx.db, company.organisation.id, membershipId, INVITE_DAYS),
  ]);
  return {
    status: company.membership.status,
    active: hasBenefits(company.membership.status),
    organisationName: { en: company.organisation.legalNameEn, ja: company.organisation.legalNameJa ?? company.organisation.legalNameEn },
    tierName: tierNameOf(company.tier),
    seats: company.tier.seats ?? 0,
    holders,
    // Sent, not yet accepted, link still working: they take no seat until accepted.
    pending: pending.map((p) => ({
      email: p.email,
      sentAt: p.sentAt.toISOString(),
      expiresAt: new Date(p.sentAt.getTime() + INVITE_DAYS * 86_400_000).toISOString(),
    })),
  };
}

/** Invites `email` to a seat; refused when every seat is taken (pending invitations take none). */
export async function inviteSeat(
  ctx: CorporateContext,
  membershipId: string,
  input: { email: string; locale: Locale },
): Promise<{ ok: true } | { ok: false; error: SeatError; seats?: number }> {
  const email = input.email.trim().toLowerCase();
  if (!/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(email) || email.length > 254) return { ok: false, error: "invalidEmail" };
  return ctx.db.transaction(async (tx) => {
    const company = await getCompanyMembership(tx, membershipId, true);
    if (!company) return { ok: false as const, error: "notFound" as const };
    if (!hasBenefits(company.membership.status)) return { ok: false as const, error: "notActive" as const };
    const seats = company.tier.seats ?? 0;
    if ((await countSeatsUsed(tx, membershipId)) >= seats) return { ok: false as const, error: "seatsFull" as const, seats };
    const already = await findSeatByEmail(tx, membershipId, email);
    if (already) return { ok: false as const, error: "alreadySeat" as const };
    await queueEmail(tx, {
      template: "seat-invitation",
      locale: input.locale,
      to: email,
      organisationId: company.organisation.id,
      props: {
        organisationName: { en: company.organisation.legalNameEn, ja: company.organisation.legalNameJa ?? company.organisation.legalNameEn },
        tierName: tierNameOf(company.tier),
        acceptUrl: seatInviteUrl(ctx.env, membershipId, email, input.locale),
        expiresDays: INVITE_DAYS,
      },
    });
    return { ok: true as const };
  });
}

/** What the invitation page shows before accepting. */
export async function getSeatInvitation(ctx: CorporateContext, token: string) {
  const invite = verifySeatInviteToken(ctx.env, token);
  if (!invite) return null;
  const company = await getCompanyMembership(ctx.db, invite.membershipId);
  if (!company) return null;
  return {
    email: invite.email,
    organisationName: { en: company.organisation.legalNameEn, ja: company.organisation.legalNameJa ?? company.organisation.legalNameEn },
    tierName: tierNameOf(company.tier),
    active: hasBenefits(company.membership.status),
  };
}

/** Accepts an invitation: the person (found by email or created), the seat contact and the seat membership. */
export async function acceptSeatInvitation(
  ctx: CorporateContext,
  token: string,
  details: { familyName: string; givenName: string; preferredLocale: Locale },
): Promise<{ ok: true; seatMembershipId: string } | { ok: false; error: SeatError; seats?: number }> {
  const invite = verifySeatInviteToken(ctx.env, token);
  if (!invite) return { ok: false, error: "invalidLink" };
  return ctx.db.transaction(async (tx) => {
    const company = await getCompanyMembership(tx, invite.membershipId, true);
    if (!company) return { ok: false as const, error: "notFound" as const };
    if (!hasBenefits(company.membership.status)) return { ok: false as const, error: "notActive" as const };
    const known = await findPersonByEmail(tx, invite.email);
    if (known) {
      const seat = await findSeatOfPerson(tx, invite.membershipId, known.id);
      if (seat) return { ok: true as const, seatMembershipId: seat.id };
    }
    const seats = company.tier.seats ?? 0;
    if ((await countSeatsUsed(tx, invite.membershipId)) >= seats) return { ok: false as const, error: "seatsFull" as const, seats };
    const { person } = await findOrCreatePerson(tx, {
      email: invite.email,
      familyName: details.familyName,
      givenName: details.givenName,
      preferredLocale: details.preferredLocale,
      country: company.organisation.country,
    });
    await upsertSeatContact(tx, { organisationId: company.organisation.id, personId: person!.id, invitedAt: invite.invitedAt });
    const seat = await insertSeatMembership(tx, {
      personId: person!.id,
      seatOfMembershipId: invite.membershipId,
      tierId: company.tier.id,
      status: company.membership.status,
      currentPeriodStart: company.membership.currentPeriodStart,
      currentPeriodEnd: company.membership.currentPeriodEnd,
      startedAt: new Date(),
    });
    return { ok: true as const, seatMembershipId: seat.id };
  });
}

/** Removes a seat: the seat membership is canceled (kept for history) and the seat is free again. */
export async function removeSeat(ctx: CorporateContext, membershipId: string, seatMembershipId: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/.test(seatMembershipId)) return false;
  return ctx.db.transaction(async (tx) => {
    const seat = await lockSeat(tx, seatMembershipId, membershipId);
    if (!seat || seat.status === "canceled") return false;
    await transition(tx, seat, "canceled", { cause: "member", note: "seat removed by the company's primary contact" }, { canceledAt: new Date() });
    const company = await getMembershipOrganisationId(tx, membershipId);
    if (company?.organisationId && seat.personId) {
      await deleteSeatContact(tx, company.organisationId, seat.personId);
    }
    return true;
  });
}
