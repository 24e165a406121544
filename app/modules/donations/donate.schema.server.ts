/**
 * The donation form's zod schema, used by the action (the page ships no zod: its fields, limits
 * and amount helpers are in donate.fields.ts).
 * Amounts are parsed from the string as typed (never through Number()), so `1e6`, `0x10`,
 * `10.50` yen and negative numbers are refused rather than coerced. Messages are keys into
 * `t.donate.errors`, shown translated next to their field.
 */
import { z } from "zod";
import type { Locale } from "../i18n/i18n";
import { name, normaliseDigits, optionalText, required, str, UNSAFE } from "../people/join.schema.server";
import { PREFECTURES, US_STATES } from "../people/regions";
import { parseForm } from "../forms";
import {
  coverFeeAmount,
  DONATE_ERROR_KEYS,
  DONATE_FIELDS,
  parseAmount,
  type DonateErrorKey,
  type DonateField,
  type DonateFieldErrors,
  type DonateOptions,
} from "./donate.fields";

export * from "./donate.fields";

const checkbox = z.preprocess((v) => v === "on" || v === "true" || v === "1", z.boolean());

export function donateFormSchema(options: DonateOptions) {
  return z
    .object({
      currency: str.pipe(z.enum(["USD", "JPY"], "invalidChoice")),
      preset: str.pipe(z.string().max(32, "tooLong")),
      amount: str.pipe(z.string().max(32, "invalidAmount")),
      interval: str.pipe(z.enum(["once", "month"], "invalidChoice")),
      fund: str.pipe(z.string().min(1, "required").max(64, "unknownFund")),
      tributeKind: str.pipe(z.enum(["", "honor", "memory"], "invalidChoice")),
      tributeName: optionalText(100),
      notifyEmail: str.pipe(z.string().max(254, "tooLong")),
      notifyName: optionalText(100),
      notifyLocale: str.pipe(z.enum(["", "en", "ja"], "invalidChoice")),
      anonymous: checkbox,
      coverFee: checkbox,
      familyName: name,
      givenName: name,
      email: str.pipe(z.string().min(1, "required").max(254, "tooLong").pipe(z.email("invalidEmail"))).transform((v) => v.toLowerCase()),
      country: str.pipe(z.enum(["JP", "US"], "invalidChoice")),
      postalCode: required(16).transform(normaliseDigits),
      prefecture: str,
      state: str,
      city: required(100).refine((v) => !UNSAFE.test(v), "invalidName"),
      addressLine1: required(200).refine((v) => !UNSAFE.test(v), "invalidName"),
      addressLine2: optionalText(200),
      preferredLocale: str.pipe(z.enum(["en", "ja"], "invalidChoice")),
    })
    .transform((v, ctx) => {
      const { minor, issues } = crossCheck(v, options);
      for (const [path, message] of issues) ctx.addIssue({ code: "custom", path: [path], message });
      const notify = v.notifyEmail !== "";
      const feeAmount = v.coverFee ? coverFeeAmount(minor, v.currency, options.feePercent) : 0;
      const digits = v.postalCode.replace("-", "");
      return {
        currency: v.currency,
        giftAmount: minor,
        feeAmount,
        /** What is charged: the gift plus the fee exactly as shown. */
        amount: minor + feeAmount,
        interval: v.interval,
        fund: v.fund,
        tribute:
          v.tributeKind === ""
            ? null
            : {
                kind: v.tributeKind,
                name: v.tributeName,
                notify: notify
                  ? { email: v.notifyEmail.toLowerCase(), name: v.notifyName || null, locale: (v.notifyLocale || v.preferredLocale) as Locale }
                  : null,
              },
        anonymous: v.anonymous,
        familyName: v.familyName,
        givenName: v.givenName,
        email: v.email,
        country: v.country,
        postalCode: v.country === "JP" ? `${digits.slice(0, 3)}-${digits.slice(3)}` : v.postalCode,
        region: v.country === "JP" ? v.prefecture : v.state,
        city: v.city,
        addressLine1: v.addressLine1,
        addressLine2: v.addressLine2 || null,
        preferredLocale: v.preferredLocale,
      };
    });
}

interface CrossValues {
  currency: string;
  amount: string;
  preset: string;
  interval: string;
  fund: string;
  tributeKind: string;
  tributeName: string;
  notifyEmail: string;
  notifyName: string;
  country: string;
  postalCode: string;
  prefecture: string;
  state: string;
}

/** Checks that span fields (amount in its currency, fund, tribute, address by country). */
function crossCheck(v: CrossValues, options: DonateOptions): { minor: number; issues: [DonateField, DonateErrorKey][] } {
  const issues: [DonateField, DonateErrorKey][] = [];
  let minor = 0;
  if (v.currency === "USD" || v.currency === "JPY") {
    // A typed amount wins over a preset (the "other amount" box).
    const parsed = parseAmount(v.amount !== "" ? v.amount : v.preset, v.currency);
    if (!parsed.ok) issues.push(["amount", parsed.error]);
    else minor = parsed.minor;
    if (v.interval === "month" && !options.monthlyCurrencies.includes(v.currency)) issues.push(["interval", "monthlyNotOffered"]);
  }
  if (v.fund !== "" && !options.funds.includes(v.fund)) issues.push(["fund", "unknownFund"]);
  if (v.tributeKind !== "" && v.tributeName === "") issues.push(["tributeName", "tributeNameRequired"]);
  if (v.tributeKind === "" && v.tributeName !== "") issues.push(["tributeKind", "tributeKindRequired"]);
  if (v.notifyEmail !== "") {
    if (!z.email().safeParse(v.notifyEmail).success) issues.push(["notifyEmail", "invalidEmail"]);
    else if (v.tributeKind === "") issues.push(["notifyEmail", "notifyNeedsTribute"]);
  } else if (v.notifyName !== "") {
    issues.push(["notifyEmail", "required"]);
  }
  const postal = normaliseDigits(v.postalCode);
  if (v.country === "JP") {
    if (postal !== "" && !/^\d{3}-?\d{4}$/.test(postal)) issues.push(["postalCode", "invalidPostalJp"]);
    if (!PREFECTURES.some((p) => p.code === v.prefecture)) issues.push(["prefecture", v.prefecture ? "invalidPrefecture" : "required"]);
  } else if (v.country === "US") {
    if (postal !== "" && !/^\d{5}(-\d{4})?$/.test(postal)) issues.push(["postalCode", "invalidZip"]);
    if (!US_STATES.some((s) => s.code === v.state)) issues.push(["state", v.state ? "invalidState" : "required"]);
  }
  return { minor, issues };
}

const trimmed = (v: unknown) => (typeof v === "string" ? v.replace(/^[\s\u3000]+|[\s\u3000]+$/g, "") : "");

export type DonateInput = z.output<ReturnType<typeof donateFormSchema>>;

/** Parses submitted values; on failure the first error key of each field. */
export function parseDonateForm(
  values: Record<string, unknown>,
  options: DonateOptions,
): { ok: true; data: DonateInput } | { ok: false; errors: DonateFieldErrors } {
  const result = parseForm(donateFormSchema(options), values, { keys: DONATE_ERROR_KEYS, fallback: "invalidChoice" });
  if (result.ok) return result;
  const errors: DonateFieldErrors = result.errors;
  // When a single field fails, zod skips the cross-field checks: run them on the raw values so
  // every problem is shown at once.
  const raw = Object.fromEntries(DONATE_FIELDS.map((f) => [f, trimmed(values[f])])) as unknown as CrossValues;
  for (const [field, key] of crossCheck(raw, options).issues) errors[field] ??= key;
  return { ok: false, errors };
}
