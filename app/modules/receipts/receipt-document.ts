/**
 * A receipt as printed: everything the page, the PDF and the email show, in both languages,
 * built from the receipt row and its frozen snapshot. Pure (no database, no env).
 */
import { formatDate, formatMoney, formatOrganisationName, formatPersonName } from "../i18n/format";
import { dictionary, type Locale } from "../i18n/i18n";
import type { ReceiptSnapshot } from "./receipts.server";

export interface Issuer {
  legalNameEn: string;
  legalNameJa: string;
  addressEn: string;
  addressJa: string;
  /** US EIN, e.g. 12-3456789. */
  ein?: string | null;
  /** Japanese qualified-invoice registration number, T + 13 digits. */
  jpRegistrationNumber?: string | null;
}

export interface ReceiptRowLike {
  number: string;
  kind: "original" | "corrected";
  amount: number;
  currency: "USD" | "JPY";
  deductibleAmount: number;
  benefitsValue: number;
  locale: Locale;
  snapshot: Record<string, unknown>;
  issuedAt: Date;
}

type Both = Record<Locale, string>;

export interface ReceiptDocument {
  number: string;
  corrected: boolean;
  /** The payer's language first. */
  locales: [Locale, Locale];
  issuer: Issuer;
  issuedAt: Both;
  heading: Both;
  payer: Both;
  purpose: Both;
  amount: Both;
  amountMinor: number;
  currency: "USD" | "JPY";
  method: Both;
  deductible: Both;
  deductibleMinor: number;
  benefitsValue: Both | null;
  /** IRS wording: no goods or services, or their description and value. */
  usStatement: Both;
  /** Over $75 (or the yen equivalent) and partly a gift: the quid-pro-quo disclosure heading. */
  quidProQuo: boolean;
  correction: Both | null;
  /** A company's receipt: its billing contact and purchase-order number, when given. */
  attention?: Both | null;
  poNumber?: string | null;
  /** Present when the association has a qualified-invoice registration number. */
  qualifiedInvoice: { registrationNumber: string; taxRate: Both; consumptionTax: Both } | null;
}

/** The snapshot as stored, with the fields issue 4 added (optional, so older rows still read). */
export type StoredSnapshot = ReceiptSnapshot & {
  corrects?: { number: string; issuedAt: string } | null;
  refundedAmount?: number | null;
  originalAmount?: number | null;
  issuer?: Issuer | null;
};

const both = (f: (locale: Locale) => string): Both => ({ en: f("en"), ja: f("ja") });

/** $75.00 and its rough yen counterpart: above this a partly-deductible payment needs the quid-pro-quo disclosure. */
const QUID_PRO_QUO_THRESHOLD = { USD: 7500, JPY: 10000 } as const;

export function payerName(snapshot: ReceiptSnapshot, locale: Locale): string {
  const payer = snapshot.payer;
  if (payer.kind === "person") {
    return formatPersonName(payer, locale, true);
  }
  const name = locale === "ja" ? (payer.nameJa ?? payer.nameEn) : payer.nameEn;
  return formatOrganisationName(name, locale, true);
}

export function purposeText(snapshot: ReceiptSnapshot, locale: Locale): string {
  const t = dictionary(locale).receipt;
  const p = snapshot.purpose;
  if (p.kind === "membership") {
    const base = t.membershipPurpose(p.tierName[locale]);
    if (p.periodStart && p.periodEnd) return `${base} (${t.period(formatDate(p.periodStart, locale), formatDate(p.periodEnd, locale))})`;
    return base;
  }
  const base = t.donationPurpose(p.fundName[locale]);
  return p.tribute ? `${base} (${t.tribute(p.tribute.kind, p.tribute.name)})` : base;
}

export function methodText(method: ReceiptSnapshot["method"], locale: Locale): string {
  const name = dictionary(locale).receipt.methods[method.type] ?? method.type;
  const brand = method.brand ? ` ${method.brand.toUpperCase()}` : "";
  return method.last4 ? `${name}${brand} •••• ${method.last4}` : `${name}${brand}`;
}

export function buildReceiptDocument(row: ReceiptRowLike, fallbackIssuer: Issuer): ReceiptDocument {
  const snapshot = row.snapshot as unknown as StoredSnapshot;
  const issuer = snapshot.issuer ?? fallbackIssuer;
  const money = (amount: number) => both((l) => formatMoney(amount, row.currency, l));
  const first = row.locale;
  const benefitsDescription = snapshot.purpose.kind === "membership" ? snapshot.purpose.benefitsDescription : null;
  const corrected = row.kind === "corrected";
  return {
    number: row.number,
    corrected,
    locales: [first, first === "ja" ? "en" : "ja"],
    issuer,
    issuedAt: both((l) => formatDate(row.issuedAt, l)),
    heading: both((l) => (corrected ? dictionary(l).receipt.correctedHeading : dictionary(l).receipt.heading)),
    payer: both((l) => payerName(snapshot, l)),
    attention:
      snapshot.payer.kind === "organisation" && snapshot.payer.billingContact
        ? both((l) => {
            const c = (snapshot.payer as { billingContact: { familyName: string; givenName: string } }).billingContact;
            return payerName({ ...snapshot, payer: { kind: "person", ...c, email: "", country: "" } }, l);
          })
        : null,
    poNumber: snapshot.payer.kind === "organisation" ? (snapshot.payer.poNumber ?? null) : null,
    purpose: both((l) => purposeText(snapshot, l)),
    amount: money(row.amount),
    amountMinor: row.amount,
    currency: row.currency,
    method: both((l) => methodText(snapshot.method, l)),
    deductible: money(row.deductibleAmount),
    deductibleMinor: row.deductibleAmount,
    benefitsValue: row.benefitsValue > 0 ? money(row.benefitsValue) : null,
    usStatement: both((l) => {
      const t = dictionary(l).receipt;
      if (row.benefitsValue === 0) return t.noGoods;
      return t.goodsProvided(
        benefitsDescription?.[l] ?? t.benefitsDefault,
        formatMoney(row.benefitsValue, row.currency, l),
        formatMoney(row.deductibleAmount, row.currency, l),
      );
    }),
    quidProQuo: row.benefitsValue > 0 && row.amount > QUID_PRO_QUO_THRESHOLD[row.currency],
    correction:
      corrected && snapshot.corrects
        ? both((l) => dictionary(l).receipt.corrects(snapshot.corrects!.number, formatMoney(snapshot.refundedAmount ?? 0, row.currency, l)))
        : null,
    qualifiedInvoice: issuer.jpRegistrationNumber
      ? {
          registrationNumber: issuer.jpRegistrationNumber,
          taxRate: both((l) => dictionary(l).invoice.outOfScope),
          consumptionTax: money(0),
        }
      : null,
  };
}

/** The labelled lines of one language's half, shared by the page and the PDF. */
export function receiptLines(doc: ReceiptDocument, locale: Locale): [string, string][] {
  const t = dictionary(locale).receipt;
  const lines: [string, string][] = [
    [t.number, doc.number],
    [t.date, doc.issuedAt[locale]],
    [t.payer, doc.payer[locale]],
    ...(doc.attention ? [[dictionary(locale).corporateReceipt.attention, doc.attention[locale]] as [string, string]] : []),
    ...(doc.poNumber ? [[dictionary(locale).corporateReceipt.poNumber, doc.poNumber] as [string, string]] : []),
    [t.purpose, doc.purpose[locale]],
    [t.amount, doc.amount[locale]],
    [t.method, doc.method[locale]],
  ];
  if (doc.qualifiedInvoice) {
    const inv = dictionary(locale).invoice;
    lines.push(
      [inv.registrationNumber, doc.qualifiedInvoice.registrationNumber],
      [inv.taxRate, doc.qualifiedInvoice.taxRate[locale]],
      [inv.consumptionTax, doc.qualifiedInvoice.consumptionTax[locale]],
    );
  }
  return lines;
}
