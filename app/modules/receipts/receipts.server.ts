/**
 * Receipt numbers: `YYYY-NNNNNN`, unique and gap-free per calendar year. The counter row is
 * incremented inside the transaction that records the payment, so a rolled-back payment
 * rolls its number back too, and concurrent payments queue on the year's counter row.
 */
import { linkMac, sameMac } from "../shared/signed-links.server";
import type { DbOrTx } from "../../../db/client";
import type { Currency, Locale, Payment, Receipt } from "../../../db/schema";
import type { Env } from "../config/env.server";
import { getPersonById as getPerson } from "../people/people.queries.server";
import { buildReceiptDocument, type Issuer, type ReceiptDocument } from "./receipt-document";
import {
  findCorrectedReceipt,
  getBillingContact,
  getDonation,
  getDonationFundId,
  getFund,
  getMembershipWithTier,
  getOrganisation,
  getPayment,
  getReceipt,
  getReceiptByNumber,
  getTierBenefitValue,
  insertNumberedReceipts,
  lockReceipt,
  type ReceiptRowValues,
} from "./receipts.queries.server";

export const RECEIPT_TIME_ZONE = "Asia/Tokyo";

/** The calendar year a receipt dated `at` belongs to, in the association's time zone. */
// Building an Intl.DateTimeFormat costs about half a millisecond; receipts are issued while the
// year's counter row is locked, so the formatter is made once.
const yearFormat = new Intl.DateTimeFormat("en-US", { year: "numeric", timeZone: RECEIPT_TIME_ZONE });

export function receiptYear(at: Date): number {
  return Number(yearFormat.format(at));
}

/** Who paid, for what and how, frozen on the receipt when it is issued (receipts.snapshot). */
export interface ReceiptSnapshot {
  payer:
    | {
        kind: "person";
        familyName: string;
        givenName: string;
        email: string;
        country: string;
        postalCode?: string | null;
        region?: string | null;
        city?: string | null;
        addressLine1?: string | null;
        addressLine2?: string | null;
      }
    | {
        kind: "organisation";
        nameEn: string;
        nameJa?: string | null;
        billingContact?: { familyName: string; givenName: string; email: string } | null;
        poNumber?: string | null;
      };
  purpose:
    | {
        kind: "membership";
        tierName: { en: string; ja: string };
        periodStart?: string | null;
        periodEnd?: string | null;
        benefitsDescription?: { en: string; ja: string } | null;
      }
    | { kind: "donation"; fundName: { en: string; ja: string }; tribute?: { kind: "honor" | "memory"; name: string } | null };
  /** `stripe`: paid through Stripe, how not yet reported (its charge fills it in). */
  method: { type: Payment["method"]; brand?: string | null; last4?: string | null };
  /** The issuer as printed, frozen at issue (older receipts fall back to the current configuration). */
  issuer?: Issuer | null;
  /** Corrected receipts: the receipt they replace, the total refunded and the amount first receipted. */
  corrects?: { number: string; issuedAt: string } | null;
  refundedAmount?: number | null;
  originalAmount?: number | null;
}

type PersonPayer = Extract<ReceiptSnapshot["payer"], { kind: "person" }>;

/** A person as a receipt's payer: their name and address as they are now, frozen into the receipt. */
export function personPayer(person: Omit<PersonPayer, "kind">): PersonPayer {
  return {
    kind: "person",
    familyName: person.familyName,
    givenName: person.givenName,
    email: person.email,
    country: person.country,
    postalCode: person.postalCode,
    region: person.region,
    city: person.city,
    addressLine1: person.addressLine1,
    addressLine2: person.addressLine2,
  };
}

export interface IssueReceipt {
  paymentId: string;
  issuedAt: Date;
  amount: number;
  currency: Currency;
  /** Fair-market value of benefits received (0 for a pure gift). */
  benefitsValue: number;
  locale: Locale;
  snapshot: ReceiptSnapshot;
  correctsReceiptId?: string;
}

/** Issues a receipt for a payment, allocating its number in the same transaction. */
export async function issueReceipt(tx: DbOrTx, input: IssueReceipt): Promise<Receipt> {
  const [issued] = await issueReceipts(tx, [input]);
  const row = await getReceipt(tx, issued!.id);
  return row!;
}

export interface IssueCorrectedReceipt {
  /** The receipt being corrected (the original; a corrected one is followed back to its original). */
  originalReceiptId: string;
  /** Total refunded on the payment so far, in minor units (not just this refund). */
  refundedAmount: number;
  issuedAt?: Date;
}

/**
 * After a partial or full refund: a corrected receipt for what the payer finally paid, which
 * names the original receipt's number. Call it in the transaction that records the refund.
 * Applying the same refund total twice (a replayed webhook) returns the receipt already issued.
 */
export async function issueCorrectedReceipt(tx: DbOrTx, input: IssueCorrectedReceipt): Promise<Receipt> {
  let original = await getReceipt(tx, input.originalReceiptId);
  if (!original) throw new Error(`no receipt ${input.originalReceiptId} to correct`);
  while (original.correctsReceiptId) {
    const parent = await getReceipt(tx, original.correctsReceiptId);
    if (!parent) break;
    original = parent;
  }
  // Two deliveries of the same refund event at once: the second waits here, then finds the first's receipt.
  await lockReceipt(tx, original.id);
  if (!Number.isSafeInteger(input.refundedAmount) || input.refundedAmount <= 0 || input.refundedAmount > original.amount) {
    throw new RangeError(`refunded amount must be between 1 and ${original.amount}, got ${input.refundedAmount}`);
  }
  const existing = await findCorrectedReceipt(tx, original.id, input.refundedAmount);
  if (existing) return existing;
  const amount = original.amount - input.refundedAmount;
  const snapshot = original.snapshot as unknown as ReceiptSnapshot;
  return issueReceipt(tx, {
    paymentId: original.paymentId,
    issuedAt: input.issuedAt ?? new Date(),
    amount,
    currency: original.currency,
    benefitsValue: Math.min(original.benefitsValue, amount),
    locale: original.locale,
    snapshot: {
      ...snapshot,
      corrects: { number: original.number, issuedAt: original.issuedAt.toISOString() },
      refundedAmount: input.refundedAmount,
      originalAmount: original.amount,
    },
    correctsReceiptId: original.id,
  });
}

/** The association as printed on receipts, from the configuration. */
export function issuerFromEnv(env: Env): Issuer {
  return {
    legalNameEn: env.ASSOCIATION_LEGAL_NAME_EN,
    legalNameJa: env.ASSOCIATION_LEGAL_NAME_JA,
    addressEn: env.ASSOCIATION_ADDRESS,
    addressJa: env.ASSOCIATION_ADDRESS_JA,
    ein: env.ASSOCIATION_EIN ?? null,
    jpRegistrationNumber: env.JP_INVOICE_REGISTRATION_NUMBER ?? null,
  };
}

// ---------------------------------------------------------------- signed receipt links
// A receipt shows a name, an address and an amount: its page is reachable only through a link
// signed with a server secret (the one in the receipt email), not by guessing numbers.
export function receiptToken(env: Env, number: string): string {
  return linkMac(env, "receipt", number, env.RECEIPT_LINK_SECRET).slice(0, 32);
}

export function verifyReceiptToken(env: Env, number: string, token: string | null | undefined): boolean {
  return Boolean(token) && sameMac(token!, receiptToken(env, number));
}

function appUrl(env: Env): string {
  return (env.APP_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, "");
}

/** The printable receipt page, signed: `/receipts/2026-000123?token=…` (or `/ja/receipts/…`). */
export function receiptPageUrl(env: Env, number: string, locale: Locale): string {
  return `${appUrl(env)}${locale === "ja" ? "/ja" : ""}/receipts/${number}?token=${receiptToken(env, number)}`;
}

export function receiptPdfUrl(env: Env, number: string): string {
  return `${appUrl(env)}/receipts/${number}/pdf?token=${receiptToken(env, number)}`;
}

export async function getReceiptDocument(
  db: DbOrTx,
  where: { id: string } | { number: string },
  issuer: Issuer,
): Promise<{ receipt: Receipt; document: ReceiptDocument } | null> {
  const row = "id" in where ? await getReceipt(db, where.id) : await getReceiptByNumber(db, where.number);
  if (!row) return null;
  return { receipt: row, document: buildReceiptDocument(row, issuer) };
}

/**
 * Issues the receipt for a recorded payment, building its snapshot from the database: the
 * payer (person, or organisation with its billing contact), what it paid for (the tier and
 * period, or the fund and tribute), the card, and the fair-market value of the tier's benefits
 * in the payment's currency (a twelfth of it for a monthly payment; 0 for a donation).
 * The receipt is in the payer's language first. Call it in the payment's transaction.
 */
export async function issueReceiptForPayment(
  tx: DbOrTx,
  paymentId: string,
  options: { issuedAt?: Date; issuer?: Issuer; poNumber?: string | null } = {},
): Promise<Receipt> {
  const payment = await getPayment(tx, paymentId);
  if (!payment) throw new Error(`no payment ${paymentId}`);
  let payer: ReceiptSnapshot["payer"];
  let locale: Locale = "en";
  if (payment.personId) {
    const person = await getPerson(tx, payment.personId);
    if (!person) throw new Error(`payment ${paymentId}: no person ${payment.personId}`);
    payer = personPayer(person);
    locale = person.preferredLocale;
  } else {
    const org = await getOrganisation(tx, payment.organisationId!);
    if (!org) throw new Error(`payment ${paymentId}: no organisation ${payment.organisationId}`);
    const contact = await getBillingContact(tx, org.id);
    payer = {
      kind: "organisation",
      nameEn: org.legalNameEn,
      nameJa: org.legalNameJa,
      billingContact: contact ? { familyName: contact.familyName, givenName: contact.givenName, email: contact.email } : null,
      poNumber: options.poNumber ?? null,
    };
    locale = contact?.locale ?? (org.country === "JP" ? "ja" : "en");
  }

  let purpose: ReceiptSnapshot["purpose"];
  let benefitsValue = 0;
  if (payment.membershipId) {
    const m = await getMembershipWithTier(tx, payment.membershipId);
    if (!m) throw new Error(`payment ${paymentId}: no membership ${payment.membershipId}`);
    const value = await getTierBenefitValue(tx, m.tier.id, payment.currency);
    const yearly = value?.amount ?? 0;
    benefitsValue = Math.min(payment.amount, m.membership.interval === "month" ? Math.round(yearly / 12) : yearly);
    purpose = {
      kind: "membership",
      tierName: { en: m.tier.nameEn, ja: m.tier.nameJa },
      periodStart: m.membership.currentPeriodStart?.toISOString() ?? null,
      periodEnd: m.membership.currentPeriodEnd?.toISOString() ?? null,
      benefitsDescription: benefitsValue > 0 ? { en: m.tier.benefitsEn.join("; "), ja: m.tier.benefitsJa.join("、") } : null,
    };
  } else {
    const fundId = payment.fundId ?? (payment.donationId ? await getDonationFundId(tx, payment.donationId) : undefined);
    const fund = fundId ? await getFund(tx, fundId) : null;
    const donation = payment.donationId ? await getDonation(tx, payment.donationId) : null;
    purpose = {
      kind: "donation",
      fundName: fund ? { en: fund.nameEn, ja: fund.nameJa } : { en: "General Fund", ja: "一般基金" },
      tribute: donation?.tributeKind && donation.tributeName ? { kind: donation.tributeKind, name: donation.tributeName } : null,
    };
  }

  return issueReceipt(tx, {
    paymentId,
    issuedAt: options.issuedAt ?? payment.paidAt,
    amount: payment.amount,
    currency: payment.currency,
    benefitsValue,
    locale,
    snapshot: {
      payer,
      purpose,
      method: { type: payment.method, brand: payment.cardBrand, last4: payment.cardLast4 },
      issuer: options.issuer ?? null,
    },
  });
}

/**
 * The receipt behind a signed link, or null (unknown number, missing or wrong token: the same
 * answer, so a link can't be used to learn which numbers exist).
 */
export async function getReceiptByLink(db: DbOrTx, env: Env, number: string, token: string | null) {
  if (!/^\d{4}-\d{6}$/.test(number) || !verifyReceiptToken(env, number, token)) return null;
  return getReceiptDocument(db, { number }, issuerFromEnv(env));
}

/**
 * Issues several receipts in one transaction (a batch of payments applied together): one
 * statement per year takes the block of numbers from the year's counter and inserts the
 * receipts with them. Still gap-free: the block is taken in the same transaction as the
 * receipts, in input order. Callers may give each receipt its id (to reference it, e.g. from
 * an outbox row, in the same round trip). Returns each receipt's id and number, in input order.
 */
export async function issueReceipts(tx: DbOrTx, inputs: (IssueReceipt & { id?: string })[]): Promise<{ id: string; number: string }[]> {
  const issued: { id: string; number: string }[] = new Array(inputs.length);
  const statements = receiptStatements(tx, inputs);
  for (const { statement, block } of statements) {
    for (const row of await statement) issued[block[row.i - 1]!] = { id: row.id, number: row.number };
  }
  return issued;
}

/**
 * The statements issueReceipts sends, one per calendar year, in year order, not yet sent: a
 * caller may queue them with its COMMIT. `block` maps a statement's row `i` (from 1) to the
 * input's index.
 */
export function receiptStatements(tx: DbOrTx, inputs: (IssueReceipt & { id?: string })[]) {
  const byYear = new Map<number, { input: IssueReceipt & { id?: string }; index: number }[]>();
  inputs.forEach((input, index) => {
    const year = receiptYear(input.issuedAt);
    byYear.set(year, [...(byYear.get(year) ?? []), { input, index }]);
  });
  return [...byYear.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([year, block]) => {
      // One JSON parameter (the statement's text is the same whatever the number of receipts).
      const rows = block.map(({ input }, i): ReceiptRowValues => ({
        i: i + 1,
        id: input.id ?? null,
        payment_id: input.paymentId,
        kind: input.correctsReceiptId ? "corrected" : "original",
        corrects_receipt_id: input.correctsReceiptId ?? null,
        amount: input.amount,
        currency: input.currency,
        deductible_amount: Math.max(0, input.amount - input.benefitsValue),
        benefits_value: input.benefitsValue,
        locale: input.locale,
        snapshot: input.snapshot,
        issued_at: input.issuedAt.toISOString(),
      }));
      const statement = insertNumberedReceipts(tx, year, rows);
      return { statement, block: block.map((entry) => entry.index) };
    });
}
