/**
 * Staff add a member by hand (someone who joined on paper, or pays by check): the same details
 * and validation as /join, a person and a pending membership in one transaction, with an audit
 * row. Their first payment, recorded on their page, activates the membership (and sends the
 * welcome email); nothing is charged.
 */
import type { DbOrTx } from "../../../db/client";
import { writeAudit, type StaffActor } from "../audit/audit.server";
import { insertMembership } from "../billing/billing.queries.server";
import { resolveJoinChoices } from "../billing/checkout.server";
import type { JoinFieldErrors, JoinInput } from "../people/join.schema.server";
import { findOrCreatePerson } from "../people/people.queries.server";

export type AddMemberResult =
  { ok: true; personId: string; membershipId: string } | { ok: false; fieldErrors: JoinFieldErrors } | { ok: false; existingPersonId: string };

export async function addMemberByHand(db: DbOrTx, actor: StaffActor, input: JoinInput): Promise<AddMemberResult> {
  const choices = await resolveJoinChoices(db, input);
  if (!choices.ok) return choices;
  const { found, details } = choices;
  return db.transaction(async (tx) => {
    // Someone already known by this address is added to from their own page, never overwritten.
    const { person, created } = await findOrCreatePerson(tx, details);
    if (!created) return { ok: false as const, existingPersonId: person.id };
    const membership = await insertMembership(tx, {
      personId: person.id,
      tierId: found.tier.id,
      priceId: found.price.id,
      currency: found.price.currency,
      interval: found.price.interval,
      status: "pending",
    });
    await writeAudit(tx, {
      actorStaffUserId: actor.staff.id,
      action: "member.create",
      subjectType: "person",
      subjectId: person.id,
      details: { membershipId: membership.id, tier: input.tier, currency: input.currency, interval: input.interval, email: input.email },
      ip: actor.ip,
    });
    return { ok: true as const, personId: person.id, membershipId: membership.id };
  });
}
