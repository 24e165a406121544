/**
 * The member area's home: what a signed-in person holds and has paid, in their page's language.
 * Everything is read by the person's id from their session, never from the URL.
 */
import { randomUUID } from "node:crypto";
import type { DbOrTx } from "../../../db/client";
import type { Env } from "../config/env.server";
import { dictionary, type Locale } from "../i18n/i18n";
import { formatDate, formatMoney, formatPersonName } from "../i18n/format";
import { getPersonById } from "../people/people.queries.server";
import { receiptPageUrl, receiptPdfUrl } from "../receipts/receipts.server";
import { listMembershipHistory } from "../members/members.queries.server";
import { listManagedCompanyMemberships, listPersonMemberships, listPersonPayments } from "./account.queries.server";
import { seatManageUrl } from "../corporate/tokens.server";

/** A path of this site from one of its absolute URLs (links on our own pages stay relative). */
const pathOf = (url: string) => {
  const u = new URL(url);
  return u.pathname + u.search;
};

export async function getMemberHome(db: DbOrTx, env: Env, personId: string, locale: Locale) {
  const person = await getPersonById(db, personId);
  if (!person) return null;
  const t = dictionary(locale).account;
  const [rows, payments, companies] = await Promise.all([
    listPersonMemberships(db, personId),
    listPersonPayments(db, personId),
    listManagedCompanyMemberships(db, personId),
  ]);
  // The staff console's history query; only the change and its cause are shown here, never a staff name.
  const history = (
    await listMembershipHistory(
      db,
      rows.map((m) => m.id),
    )
  ).map((row) => row.h);
  const date = (d: Date | null) => (d ? formatDate(d, locale) : null);
  const statusWord = (s: keyof typeof t.statuses) => t.statuses[s];

  // A lapsed or canceled membership can be renewed in one step while the person holds no current one of their own.
  const holdsCurrent = rows.some((m) => !m.seatOfMembershipId && (m.status === "active" || m.status === "past_due" || m.status === "comped"));
  const memberships = rows.map((m) => {
    const tierName = locale === "ja" ? m.tierNameJa : m.tierNameEn;
    const seatOrg = m.seatOrgNameEn ? (locale === "ja" ? (m.seatOrgNameJa ?? m.seatOrgNameEn) : m.seatOrgNameEn) : null;
    const end = date(m.currentPeriodEnd);
    const live = m.status === "active" || m.status === "past_due";
    const term =
      m.status === "comped" && m.compedUntil
        ? t.compedUntil(date(m.compedUntil)!)
        : !end
          ? t.noDate
          : seatOrg
            ? t.until(end)
            : live && m.cancelAtPeriodEnd
              ? t.endsOn(end)
              : live && m.priceAmount && m.priceCurrency
                ? t.renews(end, t.price(formatMoney(m.priceAmount, m.priceCurrency, locale), m.interval))
                : m.status === "lapsed" || m.status === "canceled"
                  ? t.endedOn(end)
                  : t.until(end);
    const last = payments.find((p) => p.membershipId === m.id);
    const payBy = seatOrg
      ? t.companyPays
      : !last
        ? t.notPaidYet
        : last.method === "card"
          ? last.cardBrand && last.cardLast4
            ? t.card(last.cardBrand.toUpperCase(), last.cardLast4)
            : t.cardUnknown
          : t.methods[last.method];
    return {
      id: m.id,
      tierName,
      // Renewal the member can stop or resume, and a card they can update: their own subscription only.
      changeable: !m.seatOfMembershipId && Boolean(m.stripeSubscriptionId) && live,
      // A change of tier or interval: an active subscription that is not ending.
      switchable: !m.seatOfMembershipId && Boolean(m.stripeSubscriptionId) && m.status === "active" && !m.cancelAtPeriodEnd,
      priceId: m.priceId,
      currency: m.currency,
      overdue: !m.seatOfMembershipId && Boolean(m.stripeSubscriptionId) && m.status === "past_due",
      renewable: !m.seatOfMembershipId && !holdsCurrent && (m.status === "lapsed" || m.status === "canceled") && Boolean(m.interval),
      cancelAtPeriodEnd: m.cancelAtPeriodEnd,
      periodEnd: end,
      status: m.status,
      statusText: statusWord(m.status),
      seatOf: seatOrg ? t.seatOf(seatOrg) : null,
      term,
      payBy,
      history: history
        .filter((h) => h.membershipId === m.id)
        .map((h) => t.history(h.fromStatus ? statusWord(h.fromStatus) : null, statusWord(h.toStatus), formatDate(h.at, locale), h.cause)),
    };
  });

  // Statement years: this year back to the year of the first payment (April–March years start a year earlier).
  const thisYear = new Date().getUTCFullYear();
  const firstYear = Math.min(thisYear, ...payments.map((p) => p.paidAt.getUTCFullYear() - 1));
  const statementYears = Array.from({ length: thisYear - firstYear + 1 }, (_, i) => thisYear - i);

  return {
    // A fresh one-time token on every load: the idempotency key of the renewal form's request to Stripe.
    formToken: randomUUID(),
    name: formatPersonName(person, locale),
    statementYears,
    email: person.email,
    preferredLocale: person.preferredLocale,
    memberships,
    // Company memberships they look after: status and period here, seats and billing on the company's own page.
    companies: companies.map((c) => ({
      id: c.id,
      name: locale === "ja" ? (c.organisationNameJa ?? c.organisationNameEn) : c.organisationNameEn,
      tierName: locale === "ja" ? c.tierNameJa : c.tierNameEn,
      role: c.role as "primary" | "billing",
      status: c.status,
      statusText: statusWord(c.status),
      term: c.currentPeriodEnd ? t.until(formatDate(c.currentPeriodEnd, locale)) : t.noDate,
      manage: pathOf(seatManageUrl(env, c.id, locale)),
    })),
    payments: payments.map((p) => ({
      id: p.id,
      date: formatDate(p.paidAt, locale),
      purpose: p.fundNameEn
        ? t.gift(locale === "ja" ? p.fundNameJa! : p.fundNameEn)
        : p.tierNameEn
          ? t.membershipPayment(locale === "ja" ? p.tierNameJa! : p.tierNameEn)
          : t.otherPayment,
      amount: formatMoney(p.amount, p.currency, locale),
      refunded: p.refundedAmount > 0 ? t.refunded(formatMoney(p.refundedAmount, p.currency, locale)) : null,
      receipt: p.receiptNumber
        ? { number: p.receiptNumber, html: pathOf(receiptPageUrl(env, p.receiptNumber, locale)), pdf: pathOf(receiptPdfUrl(env, p.receiptNumber)) }
        : null,
    })),
  };
}
