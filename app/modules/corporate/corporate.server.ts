/**
 * A company applies for a corporate tier: its organisation, contacts and a pending membership
 * in one transaction, then (after commit, never inside it) Stripe: a Checkout subscription for
 * a card, or a customer and a sent invoice for a bank transfer. Every Stripe POST carries an
 * idempotency key from our ids. When Stripe fails, what was just created is removed, so a retry
 * starts clean.
 */
import type { Database, DbOrTx, Tx } from "../../../db/client";
import type { Person } from "../../../db/schema";
import { deletePendingMembership, insertMembership, updateMembership, findPrice } from "../billing/billing.queries.server";
import { classifyStripeError, type CheckoutFailure } from "../billing/checkout.server";
import { getGateway } from "../billing/gateway.server";
import { appUrl, tierNameOf } from "../shared/links.server";
import type { Env } from "../config/env.server";
import { queueEmail } from "../email/outbox.server";
import type { Locale } from "../i18n/i18n";
import { findOrCreatePerson } from "../people/people.queries.server";
import type { SponsorFieldErrors, SponsorInput } from "./corporate.schema.server";
import { insertCorporateInvoice } from "./corporate-billing.queries.server";
import { organisationRecipient } from "./corporate-billing.server";
import {
  deleteOrganisationWithoutCustomer,
  getShownSponsorLogo,
  getSponsorMembership,
  insertOrganisation,
  insertOrganisationContacts,
  listSponsorRows,
  updateOrganisation,
  updateOrganisationLogoFromSvg,
} from "./corporate.queries.server";
import { rasteriseSvg } from "./logo.server";

export interface CorporateContext {
  db: Database;
  env: Env;
}

export const INVOICE_DAYS_UNTIL_DUE = 30;

export type ApplyResult =
  | { ok: true; membershipId: string; redirectTo: string }
  | { ok: false; fieldErrors?: SponsorFieldErrors; formError?: Exclude<CheckoutFailure, "alreadyMember"> };

/** A contact by email: the existing person (their own details are left as they are) or a new one. */
async function contactPerson(tx: Tx, contact: SponsorInput["primary"], input: SponsorInput): Promise<Person> {
  const { person } = await findOrCreatePerson(tx, {
    email: contact.email,
    familyName: contact.familyName,
    givenName: contact.givenName,
    preferredLocale: input.preferredLocale,
    country: input.organisation.country,
  });
  return person;
}

export async function applyForSponsorship(
  ctx: CorporateContext,
  input: SponsorInput,
  logo: { bytes: Buffer; mime: string } | null,
  pageLocale: Locale,
): Promise<ApplyResult> {
  const found = await findPrice(ctx.db, { tier: input.tier, currency: input.currency, interval: "year" }, "corporate");
  if (!found) return { ok: false, fieldErrors: { currency: "currencyNotOffered" } };

  const created = await ctx.db.transaction(async (tx) => {
    const primary = await contactPerson(tx, input.primary, input);
    const billing = input.billing.email === input.primary.email ? primary : await contactPerson(tx, input.billing, input);
    const organisation = await insertOrganisation(tx, {
      ...input.organisation,
      billingEmail: billing.email,
      logo: input.organisation.showOnSponsorsPage && logo ? logo.bytes : null,
      logoMime: input.organisation.showOnSponsorsPage && logo ? logo.mime : null,
    });
    await insertOrganisationContacts(tx, [
      { organisationId: organisation.id, personId: primary.id, role: "primary", acceptedAt: new Date() },
      { organisationId: organisation.id, personId: billing.id, role: "billing", acceptedAt: new Date() },
    ]);
    const membership = await insertMembership(tx, {
      organisationId: organisation.id,
      tierId: found.tier.id,
      priceId: found.price.id,
      currency: found.price.currency,
      interval: "year",
      status: "pending",
      poNumber: input.poNumber,
    });
    return { organisation, billing, membership };
  });
  const { organisation, billing, membership } = created;
  const productName = `${found.tier.nameEn} corporate membership / ${found.tier.nameJa}`;
  const gateway = getGateway(ctx.env);

  try {
    if (input.payment === "card") {
      const session = await gateway.createCheckoutSession(
        {
          membershipId: membership.id,
          email: billing.email,
          customerId: organisation.stripeCustomerId,
          locale: pageLocale,
          stripePriceId: found.price.stripePriceId,
          currency: found.price.currency,
          amount: found.price.amount,
          interval: "year",
          productName,
          successUrl: appUrl(ctx.env, pageLocale, `/sponsor/thanks?m=${membership.id}`),
          cancelUrl: appUrl(ctx.env, pageLocale, "/sponsor"),
        },
        `membership-${membership.id}-checkout`,
      );
      await updateMembership(ctx.db, membership.id, { stripeCheckoutSessionId: session.id });
      return { ok: true, membershipId: membership.id, redirectTo: session.url };
    }

    const invoice = await gateway.createInvoice({
      membershipId: membership.id,
      organisationId: organisation.id,
      customerId: organisation.stripeCustomerId,
      customerName:
        organisation.legalNameJa && input.preferredLocale === "ja" ? `${organisation.legalNameJa} (${organisation.legalNameEn})` : organisation.legalNameEn,
      billingEmail: billing.email,
      locale: input.preferredLocale,
      currency: found.price.currency,
      amount: found.price.amount,
      description: productName,
      poNumber: input.poNumber,
      daysUntilDue: INVOICE_DAYS_UNTIL_DUE,
    });
    await ctx.db.transaction(async (tx) => {
      await updateMembership(tx, membership.id, { stripeInvoiceId: invoice.invoiceId, stripeCustomerId: invoice.customerId });
      await updateOrganisation(tx, organisation.id, { stripeCustomerId: invoice.customerId });
      await insertCorporateInvoice(tx, {
        membershipId: membership.id,
        organisationId: organisation.id,
        kind: "first",
        tierId: found.tier.id,
        priceId: found.price.id,
        amount: found.price.amount,
        currency: found.price.currency,
        poNumber: input.poNumber,
        stripeInvoiceId: invoice.invoiceId,
        number: invoice.number,
        hostedInvoiceUrl: invoice.hostedInvoiceUrl,
        dueDate: invoice.dueDate,
        status: "open",
      });
      const locale = billing.preferredLocale;
      await queueEmail(tx, {
        template: "corporate-invoice",
        locale,
        to: billing.email,
        organisationId: organisation.id,
        personId: billing.id,
        props: {
          recipient: organisationRecipient(organisation, locale),
          tierName: tierNameOf(found.tier),
          amount: found.price.amount,
          currency: found.price.currency,
          dueDate: invoice.dueDate.toISOString(),
          poNumber: input.poNumber,
          hostedInvoiceUrl: invoice.hostedInvoiceUrl,
        },
        dedupeKey: `corporate-invoice:${invoice.invoiceId}`,
      });
    });
    return { ok: true, membershipId: membership.id, redirectTo: appUrl(ctx.env, pageLocale, `/sponsor/thanks?m=${membership.id}`) };
  } catch (error) {
    const failure = classifyStripeError(error);
    console.warn(`corporate: ${input.payment} for membership ${membership.id} failed (${failure}):`, (error as Error)?.message ?? error);
    await ctx.db.transaction(async (tx) => {
      await deletePendingMembership(tx, membership.id);
      await deleteOrganisationWithoutCustomer(tx, organisation.id);
    });
    return { ok: false, formError: failure };
  }
}

/** The thank-you page: the membership's state and, for an invoice, where to pay it. */
export async function getSponsorSummary(ctx: CorporateContext, membershipId: string) {
  if (!/^[0-9a-f-]{36}$/.test(membershipId)) return null;
  const row = await getSponsorMembership(ctx.db, membershipId);
  if (!row) return null;
  const invoiceId = row.membership.stripeInvoiceId;
  const demo = getGateway(ctx.env).kind === "demo";
  return {
    status: row.membership.status,
    byInvoice: invoiceId !== null,
    // Stripe's hosted page is in Stripe's email and ours; the demo one is local.
    demoInvoiceUrl: invoiceId && demo ? `/demo-invoice/${invoiceId}` : null,
    organisationName: { en: row.organisation.legalNameEn, ja: row.organisation.legalNameJa ?? row.organisation.legalNameEn },
    tierName: tierNameOf(row.tier),
    amount: row.price?.amount ?? null,
    currency: row.price?.currency ?? null,
    billingEmail: row.organisation.billingEmail,
    poNumber: row.membership.poNumber,
    currentPeriodEnd: row.membership.currentPeriodEnd?.toISOString() ?? null,
  };
}

/** Statuses in which a company keeps its benefits and its place on the sponsors page. */
export const BENEFIT_STATUSES = ["active", "past_due", "comped"] as const;

/** The sponsors page: companies with a current membership who opted in, by tier, highest first. */
export async function listSponsors(db: DbOrTx) {
  const rows = await listSponsorRows(db, BENEFIT_STATUSES);
  const groups: {
    slug: string;
    name: { en: string; ja: string };
    sortOrder: number;
    sponsors: { id: string; name: { en: string; ja: string }; website: string | null; logoUrl: string | null }[];
  }[] = [];
  for (const row of rows.sort((a, b) => b.sortOrder - a.sortOrder || a.nameEn.localeCompare(b.nameEn))) {
    let group = groups.find((g) => g.slug === row.tierSlug);
    if (!group) groups.push((group = { slug: row.tierSlug, name: { en: row.tierNameEn, ja: row.tierNameJa }, sortOrder: row.sortOrder, sponsors: [] }));
    group.sponsors.push({
      id: row.id,
      name: { en: row.nameEn, ja: row.nameJa ?? row.nameEn },
      website: row.website,
      logoUrl: row.hasLogo ? `/sponsors/logo/${row.id}?v=${row.updatedAt.getTime()}` : null,
    });
  }
  return groups;
}

/** A logo, only while its company is shown on the sponsors page. */
export async function getSponsorLogo(db: DbOrTx, organisationId: string) {
  if (!/^[0-9a-f-]{36}$/.test(organisationId)) return null;
  const row = await getShownSponsorLogo(db, organisationId);
  if (!row?.logo || !row.mime) return null;
  if (row.mime === "image/svg+xml") {
    // Stored before logos were rasterised on upload: converted once, on first read.
    const png = rasteriseSvg(row.logo.toString("utf8"));
    if (!png) return null;
    await updateOrganisationLogoFromSvg(db, organisationId, png);
    return { bytes: png, mime: "image/png" };
  }
  return { bytes: row.logo, mime: row.mime };
}
