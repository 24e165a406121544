/** Staff actions on a member, parsed from their forms. Messages are keys of `staff.member.errors`. Safe for the browser. */
import { z } from "zod";

const confirm = z.literal("yes", { message: "confirm" });
const trimmed = (max = 200) => z.string().trim().max(max);
const optionalText = (max = 200) => trimmed(max).transform((s) => (s === "" ? null : s));
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "date").refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), "date");

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

export const OfflinePaymentSchema = z.object({
  intent: z.literal("payment"),
  membershipId: z.uuid("membership"),
  amount: z.coerce.number({ message: "amount" }).positive("amount").max(100_000_000, "amount"),
  currency: z.enum(["USD", "JPY"]),
  method: z.enum(["check", "bank_transfer", "cash"]),
  paidAt: isoDate,
  reference: optionalText(100),
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

export const MemberActionSchema = z.discriminatedUnion("intent", [
  ContactSchema,
  RenewalTierSchema,
  RenewalInvoiceSchema,
  SimulateRenewalSchema,
  EditProfileSchema,
  CompSchema,
  CancelSchema,
  OfflinePaymentSchema,
  ResendReceiptSchema,
]);
export type MemberAction = z.infer<typeof MemberActionSchema>;
