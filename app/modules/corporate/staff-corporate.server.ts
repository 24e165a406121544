/**
 * The staff page of an organisation: its contacts, seats and invoices, and the staff actions
 * that only a company has: change the primary or billing contact, choose the tier it renews at,
 * issue next year's invoice now. Every change is one transaction with an audit row (before and
 * after); Stripe is called outside it, with an idempotency key from our rows.
 */
import type { z } from "zod";
import type { Database, DbOrTx } from "../../../db/client";
import type { Person, StaffUser } from "../../../db/schema";
import { writeAudit } from "../audit/audit.server";
import { updateMembership } from "../billing/billing.queries.server";
import { getGateway } from "../billing/gateway.server";
import type { Env } from "../config/env.server";
import { ActionError } from "../members/member-page.server";
import type { ContactSchema, RenewalInvoiceSchema, RenewalTierSchema } from "../members/member-actions.schema";
import { findOrCreatePerson } from "../people/people.queries.server";
import { getCorporateYearPrice, getTier, listCorporateTiers, listOrganisationInvoices, listTierSlugs } from "./corporate-billing.queries.server";
import {
  deleteOrganisationContacts,
  findOrganisationPerson,
  getOrganisationContactPerson,
  getOrganisationMembership,
  insertOrganisationContacts,
  listOrganisationContacts,
  listOrganisationSeats,
  lockOrganisation,
  updateOrganisation,
} from "./corporate.queries.server";
import { issueRenewalInvoice } from "./renewals.server";

interface Actor {
  staff: Pick<StaffUser, "id">;
  ip: string | null;
}
interface Ctx {
  db: Database;
  env: Env;
}

const personSummary = (p: Pick<Person, "id" | "familyName" | "givenName" | "email" | "preferredLocale"> | null) =>
  p ? { personId: p.id, familyName: p.familyName, givenName: p.givenName, email: p.email, preferredLocale: p.preferredLocale } : null;

/** Contacts, seat holders, invoices and the corporate tiers, for the organisation's staff page. */
export async function getOrganisationExtras(db: DbOrTx, organisationId: string) {
  const [contacts, seats, invoices, corporateTiers] = await Promise.all([
    listOrganisationContacts(db, organisationId),
    listOrganisationSeats(db, organisationId),
    listOrganisationInvoices(db, organisationId),
    listCorporateTiers(db),
  ]);
  const primary = contacts.find((c) => c.role === "primary")?.person ?? null;
  const billing = contacts.find((c) => c.role === "billing")?.person ?? null;
  // Who can be picked as a contact: the current contacts and the seat holders, each once.
  const candidates = new Map<string, ReturnType<typeof personSummary>>();
  for (const c of contacts) candidates.set(c.person.id, personSummary(c.person));
  for (const s of seats) if (s.status !== "canceled" && !candidates.has(s.personId)) candidates.set(s.personId, personSummary({ id: s.personId, ...s }));
  return {
    primary: personSummary(primary),
    billing: personSummary(billing ?? primary),
    candidates: [...candidates.values()].filter((c): c is NonNullable<typeof c> => c !== null),
    seats: seats.map((s) => ({ ...s, since: new Date(s.since).toISOString() })),
    invoices: invoices.map((i) => ({
      id: i.id,
      kind: i.kind,
      stripeInvoiceId: i.stripeInvoiceId,
      number: i.number,
      amount: i.amount,
      currency: i.currency,
      status: i.status,
      dueDate: i.dueDate?.toISOString() ?? null,
      hostedInvoiceUrl: i.hostedInvoiceUrl,
      poNumber: i.poNumber,
      periodStart: i.periodStart?.toISOString() ?? null,
      periodEnd: i.periodEnd?.toISOString() ?? null,
    })),
    corporateTiers,
  };
}

/** Makes an existing contact or seat holder, or someone new, the company's primary or billing contact. */
export async function changeOrganisationContact(db: Database, actor: Actor, organisationId: string, input: z.infer<typeof ContactSchema>) {
  return db.transaction(async (tx) => {
    const organisation = await lockOrganisation(tx, organisationId);
    if (!organisation) throw new ActionError("personId", "unknownContact");
    let person: Person | null;
    if (input.personId === "new") {
      // Someone already known keeps their own details; only a new person is created here.
      ({ person } = await findOrCreatePerson(tx, {
        email: input.email.toLowerCase(),
        familyName: input.familyName,
        givenName: input.givenName,
        preferredLocale: input.preferredLocale!,
        country: organisation.country,
      }));
    } else {
      // Only someone already linked to this company (a contact or a seat holder) can be picked.
      person = await findOrganisationPerson(tx, organisationId, input.personId);
      if (!person) throw new ActionError("personId", "unknownContact");
    }
    const before = personSummary(await getOrganisationContactPerson(tx, organisationId, input.role));
    if (before?.personId === person!.id) throw new ActionError("personId", "sameContact");
    await deleteOrganisationContacts(tx, organisationId, input.role);
    await insertOrganisationContacts(tx, [{ organisationId, personId: person!.id, role: input.role, acceptedAt: new Date() }]);
    // Invoices, reminders and receipts go to the billing contact's address.
    if (input.role === "billing") {
      await updateOrganisation(tx, organisationId, { billingEmail: person!.email });
    }
    await writeAudit(tx, {
      actorStaffUserId: actor.staff.id,
      action: `organisation.contact.${input.role}`,
      subjectType: "organisation",
      subjectId: organisationId,
      details: { role: input.role, before, after: personSummary(person!), created: input.personId === "new" },
      ip: actor.ip,
    });
  });
}

async function companyMembership(db: DbOrTx, organisationId: string, membershipId: string) {
  const m = await getOrganisationMembership(db, organisationId, membershipId);
  if (!m) throw new ActionError("membershipId", "membership");
  return m;
}

/**
 * The tier a company renews at. Stored on the membership and billed at the next renewal: the
 * next invoice uses it; a card subscription's price is changed in Stripe now (outside any
 * transaction, proration_behavior 'none') so its next period bills the new price.
 */
export async function setRenewalTier(ctx: Ctx, actor: Actor, organisationId: string, input: z.infer<typeof RenewalTierSchema>) {
  const m = await companyMembership(ctx.db, organisationId, input.membershipId);
  const tier = await getTier(ctx.db, input.tierId);
  if (!tier || tier.kind !== "corporate" || !tier.active) throw new ActionError("tierId", "notCorporate");
  if (!m.currency) throw new ActionError("tierId", "noPrice");
  const found = await getCorporateYearPrice(ctx.db, tier.id, m.currency);
  if (!found) throw new ActionError("tierId", "noPrice");
  const next = tier.id === m.tierId ? null : tier.id;
  if (next === m.renewalTierId) throw new ActionError("tierId", "sameTier");
  if (m.stripeSubscriptionId) {
    try {
      await getGateway(ctx.env).changeSubscriptionPrice(
        m.stripeSubscriptionId,
        { stripePriceId: found.price.stripePriceId, currency: found.price.currency, amount: found.price.amount, interval: "year" },
        // Keyed by our row's state, so A → B → A within a day is three requests, not a replay.
        `membership-${m.id}-renewal-tier-${tier.id}-${m.updatedAt.getTime()}`,
      );
    } catch (error) {
      console.warn(`corporate: changing the price of subscription ${m.stripeSubscriptionId} failed:`, (error as Error)?.message ?? error);
      throw new ActionError("tierId", "stripe");
    }
  }
  await ctx.db.transaction(async (tx) => {
    await updateMembership(tx, m.id, { renewalTierId: next });
    const names = await listTierSlugs(tx, [m.tierId, ...(m.renewalTierId ? [m.renewalTierId] : []), tier.id]);
    const slug = (id: number | null) => (id ? (names.find((n) => n.id === id)?.slug ?? String(id)) : null);
    await writeAudit(tx, {
      actorStaffUserId: actor.staff.id,
      action: "membership.renewal_tier",
      subjectType: "membership",
      subjectId: m.id,
      details: {
        organisationId,
        currentTier: slug(m.tierId),
        before: { renewalTier: slug(m.renewalTierId) },
        after: { renewalTier: slug(next), price: { amount: found.price.amount, currency: found.price.currency } },
        stripeSubscriptionId: m.stripeSubscriptionId,
      },
      ip: actor.ip,
    });
  });
}

/** "Issue the renewal invoice now": the same once-per-year invoice the schedule would make, audited. */
export async function issueRenewalInvoiceAsStaff(ctx: Ctx, actor: Actor, organisationId: string, input: z.infer<typeof RenewalInvoiceSchema>) {
  await companyMembership(ctx.db, organisationId, input.membershipId);
  const result = await issueRenewalInvoice(ctx, input.membershipId, { staff: { id: actor.staff.id, ip: actor.ip } });
  if (!result.ok) throw new ActionError("membershipId", result.error === "stripeFailed" ? "stripe" : result.error);
  if (!result.created) throw new ActionError("membershipId", "alreadyIssued");
}
