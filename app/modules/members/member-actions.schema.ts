/** Staff actions on a member, parsed from their forms. Messages are keys of `staff.member.errors`. Safe for the browser. */
import { z } from "zod";
import type { MoneyError } from "../i18n/format";
import { isoDate as isoDay } from "../i18n/iso-date";

/** The staff page's message key (of `staff.member.errors`) for an amount that does not parse. */
export function moneyErrorKey(error: MoneyError): string {
  const keys: Record<MoneyError, string> = {
    required: "amount",
    invalidAmount: "amount",
    amountNotPositive: "amount",
    wholeYen: "wholeYen",
    tooManyDecimals: "tooManyDecimals",
    otherCurrency: "otherCurrency",
    aboveMaximum: "amountTooLarge",
  };
  return keys[error];
}

const confirm = z.literal("yes", { message: "confirm" });
const trimmed = (max = 200) => z.string().trim().max(max);
const optionalText = (max = 200) => trimmed(max).transform((s) => (s === "" ? null : s));
const isoDate = isoDay("date");

export const EditProfileSchema = z.object({
  intent: z.literal("edit"),
  familyName: trimmed().min(1, "required"),
  givenName: trimmed().min(1, "required"),
  familyNameKana: optionalText(),
  givenNameKana: optionalText(),
  email: z.string().trim().pipe(z.email("email")),
  preferredLocale: z.enum(["en", "ja"]),
  country: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2}$/, "country")
    .transform((s) => s.toUpperCase()),
  postalCode: optionalText(20),
  region: optionalText(40),
  city: optionalText(),
  addressLine1: optionalText(),
  addressLine2: optionalText(),
  confirm,
});

export const CompSchema = z.object({
  intent: z.literal("comp"),
  membershipId: z.uuid("membership"),
  until: isoDate,
  confirm,
});

export const CancelSchema = z.object({
  intent: z.literal("cancel"),
  membershipId: z.uuid("membership"),
  when: z.enum(["period_end", "now"]),
  confirm,
});

/** A form's one-time token (a UUID made when the page was shown): sending the same form twice records once. */
const token = z.uuid("token");
/** An amount as typed; read with parseMoney in the payment's or membership's currency by the use-case. */
const typedAmount = z.string().trim().min(1, "amount").max(32, "amount");

export const OfflinePaymentSchema = z.object({
  intent: z.literal("payment"),
  membershipId: z.uuid("membership"),
  amount: typedAmount,
  currency: z.enum(["USD", "JPY"]),
  method: z.enum(["check", "bank_transfer", "cash"]),
  paidAt: isoDate.refine((s) => Date.parse(`${s}T00:00:00+09:00`) <= Date.now(), "paidInFuture"),
  reference: optionalText(100),
  token,
  confirm,
});

export const RefundSchema = z
  .object({
    intent: z.literal("refund"),
    paymentId: z.uuid("payment"),
    amount: typedAmount,
    reason: z.enum(["requested_by_customer", "duplicate", "fraudulent", "other"], { message: "reason" }),
    note: optionalText(200),
    token,
    confirm,
  })
  .superRefine((v, ctx) => {
    if (v.reason === "other" && !v.note) ctx.addIssue({ code: "custom", path: ["note"], message: "noteRequired" });
  });

/** End a comp now (staff), instead of on its date. */
export const EndCompSchema = z.object({
  intent: z.literal("endComp"),
  membershipId: z.uuid("membership"),
  confirm,
});

export const ResendReceiptSchema = z.object({
  intent: z.literal("resend"),
  receiptId: z.uuid("required"),
  confirm,
});

/** Demo gateway only: the renewal Stripe would report at the end of the period. */
export const SimulateRenewalSchema = z.object({
  intent: z.literal("simulate"),
  membershipId: z.uuid("membership"),
  outcome: z.enum(["paid", "failed"]),
  confirm,
});

/**
 * A company's primary or billing contact: an existing contact or seat holder (personId), or
 * someone new (personId "new" with name, email and language). Messages are keys of
 * `staffCorporate.errors` (or `staff.member.errors`).
 */
export const ContactSchema = z
  .object({
    intent: z.literal("contact"),
    role: z.enum(["primary", "billing"], { message: "role" }),
    personId: z.union([z.literal("new"), z.uuid("unknownContact")], { message: "unknownContact" }),
    familyName: trimmed(100).default(""),
    givenName: trimmed(100).default(""),
    email: z.string().trim().max(254, "email").default(""),
    preferredLocale: z.enum(["en", "ja"], { message: "locale" }).optional(),
    confirm,
  })
  .superRefine((v, ctx) => {
    if (v.personId !== "new") return;
    if (!v.familyName) ctx.addIssue({ code: "custom", path: ["familyName"], message: "required" });
    if (!v.givenName) ctx.addIssue({ code: "custom", path: ["givenName"], message: "required" });
    if (!z.email().safeParse(v.email).success) ctx.addIssue({ code: "custom", path: ["email"], message: "email" });
    if (!v.preferredLocale) ctx.addIssue({ code: "custom", path: ["preferredLocale"], message: "locale" });
  });

/** The corporate tier a company renews at (its next invoice, or its subscription's next period). */
export const RenewalTierSchema = z.object({
  intent: z.literal("renewalTier"),
  membershipId: z.uuid("membership"),
  tierId: z.coerce.number({ message: "notCorporate" }).int("notCorporate").positive("notCorporate"),
  confirm,
});

/** Issue the next year's invoice now (a company paying by invoice). */
export const RenewalInvoiceSchema = z.object({
  intent: z.literal("renewalInvoice"),
  membershipId: z.uuid("membership"),
  confirm,
});

/** Anonymise a person (their deletion request, or staff's own reason): the reason is kept in the audit log. */
export const AnonymiseSchema = z.object({
  intent: z.literal("anonymise"),
  reason: trimmed(500).min(1, "required"),
  confirm,
});

export const MemberActionSchema = z.discriminatedUnion("intent", [
  AnonymiseSchema,
  ContactSchema,
  RenewalTierSchema,
  RenewalInvoiceSchema,
  SimulateRenewalSchema,
  EditProfileSchema,
  CompSchema,
  EndCompSchema,
  CancelSchema,
  OfflinePaymentSchema,
  RefundSchema,
  ResendReceiptSchema,
]);
