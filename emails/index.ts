/**
 * Every template by name, with the props it needs (zod), so a bad row fails with a clear
 * message instead of a half-rendered email. Pure: no imports from app/.
 */
import { toPlainText } from "@react-email/render";
import { createElement, type ComponentType } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { z } from "zod";
import CorporateInvoice, * as corporateInvoice from "./corporate-invoice";
import CorporateRenewalInvoice, * as corporateRenewalInvoice from "./corporate-renewal-invoice";
import InvoiceOverdue, * as invoiceOverdue from "./invoice-overdue";
import SeatInvitation, * as seatInvitation from "./seat-invitation";
import SponsorWelcome, * as sponsorWelcome from "./sponsor-welcome";
import MembershipCanceled, * as membershipCanceled from "./membership-canceled";
import MembershipLapsed, * as membershipLapsed from "./membership-lapsed";
import PaymentActionRequired, * as paymentActionRequired from "./payment-action-required";
import PaymentFailed, * as paymentFailed from "./payment-failed";
import Receipt, * as receipt from "./receipt";
import RenewalReminder, * as renewalReminder from "./renewal-reminder";
import SignInLink, * as signInLink from "./sign-in-link";
import Welcome, * as welcome from "./welcome";
import TributeNotification, * as tributeNotification from "./tribute-notification";
import GivingStatement, * as givingStatement from "./giving-statement";
import GiftPaymentFailed, * as giftPaymentFailed from "./gift-payment-failed";
import GiftCanceled, * as giftCanceled from "./gift-canceled";
import DetailsConfirm, * as detailsConfirm from "./details-confirm";
import EmailChangeConfirm, * as emailChangeConfirm from "./email-change-confirm";
import EmailChanged, * as emailChanged from "./email-changed";
import type { EmailLocale } from "./components/format";
import type { Site } from "./components/site";

export type { EmailLocale, Recipient } from "./components/format";
export type { Site } from "./components/site";
export type { ReceiptEmailData } from "./receipt";

const recipient = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("person"), familyName: z.string().min(1), givenName: z.string().min(1) }),
  z.object({ kind: z.literal("organisation"), name: z.string().min(1) }),
]);
const tierName = z.object({ en: z.string().min(1), ja: z.string().min(1) });
const iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "must be an ISO date");
const money = { amount: z.number().int().nonnegative(), currency: z.enum(["USD", "JPY"]) };
const url = z.url();

export const templateSchemas = {
  welcome: z.object({ recipient, tierName, periodEnd: iso.nullable(), manageUrl: url }),
  receipt: z.object({
    recipient,
    viewUrl: url,
    manageUrl: url.nullish(),
    receipt: z.object({
      number: z.string().regex(/^\d{4}-\d{6}$/),
      issuedAt: iso,
      correctsNumber: z.string().nullish(),
      ...money,
      deductibleAmount: z.number().int().nonnegative(),
      purpose: tierName,
      method: z.object({ type: z.string(), brand: z.string().nullish(), last4: z.string().nullish() }),
    }),
  }),
  "payment-failed": z.object({ recipient, tierName, ...money, updateCardUrl: url, graceUntil: iso }),
  "payment-action-required": z.object({ recipient, ...money, hostedInvoiceUrl: url }),
  "membership-canceled": z.object({ recipient, tierName, endsAt: iso.nullable() }),
  "membership-lapsed": z.object({ recipient, tierName, renewUrl: url }),
  "renewal-reminder": z.object({
    recipient,
    tierName,
    renewsAt: iso,
    ...money,
    daysBefore: z.union([z.literal(30), z.literal(7)]),
    manageUrl: url,
  }),
  "sign-in-link": z.object({
    recipient: recipient.optional(),
    url,
    code: z
      .string()
      .regex(/^\d{6}$/)
      .optional(),
    expiresMinutes: z.number().int().positive(),
  }),
  "tribute-notification": z.object({
    notifyName: z.string().nullish(),
    tributeKind: z.enum(["honor", "memory"]),
    tributeName: z.string().min(1),
    donor: recipient.nullable(),
    fundName: tierName,
  }),
  "gift-payment-failed": z.object({ recipient, fundName: tierName, ...money, manageUrl: url }),
  "gift-canceled": z.object({ recipient, fundName: tierName, ...money, donateUrl: url }),
  "details-confirm": z.object({
    recipient,
    purpose: z.enum(["membership", "gift"]),
    changes: z
      .array(
        z.object({
          field: z.enum([
            "familyName",
            "givenName",
            "familyNameKana",
            "givenNameKana",
            "preferredLocale",
            "country",
            "postalCode",
            "region",
            "city",
            "addressLine1",
            "addressLine2",
          ]),
          value: z.string().max(300),
        }),
      )
      .min(1),
    confirmUrl: url,
  }),
  "email-change-confirm": z.object({ recipient, url, expiresHours: z.number().int().positive() }),
  "email-changed": z.object({ recipient, newEmail: z.email() }),
  "giving-statement": z.object({
    recipient,
    period: z.object({ year: z.number().int(), fiscal: z.enum(["calendar", "april"]), start: iso, end: iso }),
    gifts: z.array(
      z.object({
        paidAt: iso,
        fundName: tierName,
        ...money,
        refundedAmount: z.number().int().nonnegative(),
        receiptNumber: z.string().nullable(),
      }),
    ),
    totals: z.array(z.object(money)),
  }),
  "corporate-invoice": z.object({ recipient, tierName, ...money, dueDate: iso, poNumber: z.string().nullable(), hostedInvoiceUrl: url }),
  "corporate-renewal-invoice": z.object({
    recipient,
    tierName,
    ...money,
    periodStart: iso,
    periodEnd: iso,
    dueDate: iso,
    poNumber: z.string().nullable(),
    hostedInvoiceUrl: url,
  }),
  "invoice-overdue": z.object({
    recipient,
    ...money,
    invoiceNumber: z.string().min(1),
    dueDate: iso.nullable(),
    poNumber: z.string().nullable(),
    hostedInvoiceUrl: url,
  }),
  "sponsor-welcome": z.object({ recipient, tierName, seats: z.number().int().nonnegative(), periodEnd: iso, manageUrl: url, sponsorsUrl: url }),
  "seat-invitation": z.object({
    recipient: recipient.optional(),
    organisationName: tierName,
    tierName,
    acceptUrl: url,
    expiresDays: z.number().int().positive(),
  }),
} as const;

export type TemplateName = keyof typeof templateSchemas;

interface Entry {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  component: ComponentType<any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  subject: (props: any) => string;
  previews: Record<EmailLocale, object>;
}

export const templates: Record<TemplateName, Entry> = {
  welcome: { component: Welcome, subject: welcome.subject, previews: welcome.previews },
  receipt: { component: Receipt, subject: receipt.subject, previews: receipt.previews },
  "payment-failed": { component: PaymentFailed, subject: paymentFailed.subject, previews: paymentFailed.previews },
  "payment-action-required": {
    component: PaymentActionRequired,
    subject: paymentActionRequired.subject,
    previews: paymentActionRequired.previews,
  },
  "membership-canceled": { component: MembershipCanceled, subject: membershipCanceled.subject, previews: membershipCanceled.previews },
  "membership-lapsed": { component: MembershipLapsed, subject: membershipLapsed.subject, previews: membershipLapsed.previews },
  "renewal-reminder": { component: RenewalReminder, subject: renewalReminder.subject, previews: renewalReminder.previews },
  "sign-in-link": { component: SignInLink, subject: signInLink.subject, previews: signInLink.previews },
  "tribute-notification": { component: TributeNotification, subject: tributeNotification.subject, previews: tributeNotification.previews },
  "gift-payment-failed": { component: GiftPaymentFailed, subject: giftPaymentFailed.subject, previews: giftPaymentFailed.previews },
  "gift-canceled": { component: GiftCanceled, subject: giftCanceled.subject, previews: giftCanceled.previews },
  "details-confirm": { component: DetailsConfirm, subject: detailsConfirm.subject, previews: detailsConfirm.previews },
  "email-change-confirm": { component: EmailChangeConfirm, subject: emailChangeConfirm.subject, previews: emailChangeConfirm.previews },
  "email-changed": { component: EmailChanged, subject: emailChanged.subject, previews: emailChanged.previews },
  "giving-statement": { component: GivingStatement, subject: givingStatement.subject, previews: givingStatement.previews },
  "corporate-invoice": { component: CorporateInvoice, subject: corporateInvoice.subject, previews: corporateInvoice.previews },
  "corporate-renewal-invoice": {
    component: CorporateRenewalInvoice,
    subject: corporateRenewalInvoice.subject,
    previews: corporateRenewalInvoice.previews,
  },
  "invoice-overdue": { component: InvoiceOverdue, subject: invoiceOverdue.subject, previews: invoiceOverdue.previews },
  "sponsor-welcome": { component: SponsorWelcome, subject: sponsorWelcome.subject, previews: sponsorWelcome.previews },
  "seat-invitation": { component: SeatInvitation, subject: seatInvitation.subject, previews: seatInvitation.previews },
};

export const TEMPLATE_NAMES = Object.keys(templates) as TemplateName[];

/** Bad data on a row (unknown template, locale, props): the row fails with this message; it is never retried. */
export class EmailDataError extends Error {
  override name = "EmailDataError";
}

export function isTemplateName(name: string): name is TemplateName {
  return Object.prototype.hasOwnProperty.call(templates, name);
}

const DOCTYPE = '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** Renders one email; throws EmailDataError for anything wrong with the inputs. */
export async function renderEmail(template: string, locale: string, props: Record<string, unknown>, site?: Site): Promise<RenderedEmail> {
  if (!isTemplateName(template)) {
    throw new EmailDataError(`unknown email template "${template}" (known: ${TEMPLATE_NAMES.join(", ")})`);
  }
  if (locale !== "en" && locale !== "ja") {
    throw new EmailDataError(`unsupported email locale "${locale}" (must be "en" or "ja")`);
  }
  const parsed = templateSchemas[template].safeParse(props);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(props)"}: ${i.message}`).join("; ");
    throw new EmailDataError(`invalid props for template "${template}": ${problems}`);
  }
  const entry = templates[template];
  const full = { ...parsed.data, locale, site };
  const element = createElement(entry.component, full);
  // react-email's stream-based render() can pad long Japanese text with NUL bytes under React 18
  // (PostgreSQL then refuses the row), so render to a string and derive the text part from it.
  const html = DOCTYPE + renderToStaticMarkup(element);
  return { subject: entry.subject(full), html, text: toPlainText(html) };
}
