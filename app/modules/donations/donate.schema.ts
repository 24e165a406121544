/**
 * The donation form: one zod schema used by the action (server) and the page (browser).
 * Amounts are parsed from the string as typed (never through Number()), so `1e6`, `0x10`,
 * `10.50` yen and negative numbers are refused rather than coerced. Messages are keys into
 * `t.donate.errors`, shown translated next to their field.
 */
import { z } from "zod";
import { parseMoney } from "../i18n/format";
import type { Locale } from "../i18n/i18n";
import { name, normaliseDigits, optionalText, required, str, UNSAFE } from "../members/join.schema";
import { PREFECTURES, US_STATES } from "../members/regions";

export type DonationCurrency = "USD" | "JPY";

/** Preset amounts in major units (dollars, yen). */
export const DONATION_PRESETS: Record<DonationCurrency, number[]> = {
  USD: [25, 50, 100, 250, 500],
  JPY: [3000, 5000, 10000, 30000, 50000],
};

/** Limits in minor units (cents, yen), before any fee the donor adds. */
export const DONATION_LIMITS: Record<DonationCurrency, { min: number; max: number }> = {
  USD: { min: 500, max: 5_000_000 },
  JPY: { min: 500, max: 5_000_000 },
};

export type DonateErrorKey =
  | "required"
  | "tooLong"
  | "invalidEmail"
  | "invalidName"
  | "invalidPostalJp"
  | "invalidZip"
  | "invalidPrefecture"
  | "invalidState"
  | "invalidChoice"
  | "invalidAmount"
  | "wholeYen"
  | "tooManyDecimals"
  | "amountNotPositive"
  | "otherCurrency"
  | "belowMinimum"
  | "aboveMaximum"
  | "unknownFund"
  | "monthlyNotOffered"
  | "tributeNameRequired"
  | "tributeKindRequired"
  | "notifyNeedsTribute";

export const DONATE_FIELDS = [
  "currency",
  "preset",
  "amount",
  "interval",
  "fund",
  "tributeKind",
  "tributeName",
  "notifyEmail",
  "notifyName",
  "notifyLocale",
  "anonymous",
  "coverFee",
  "familyName",
  "givenName",
  "email",
  "country",
  "postalCode",
  "prefecture",
  "state",
  "city",
  "addressLine1",
  "addressLine2",
  "preferredLocale",
] as const;
export type DonateField = (typeof DONATE_FIELDS)[number];
export type DonateValues = Partial<Record<DonateField, string>>;
export type DonateFieldErrors = Partial<Record<DonateField, DonateErrorKey>>;

export interface DonateOptions {
  /** Slugs of the funds on offer. */
  funds: string[];
  /** Currencies monthly gifts are offered in. */
  monthlyCurrencies: DonationCurrency[];
  /** DONATION_FEE_PERCENT (0 hides the option). */
  feePercent: number;
}

/**
 * A typed amount in major units → minor units, or an error key (parseMoney's rules: `10,000`,
 * `１０，０００`, `$25`, `¥10,000` are read; exponents, signs, hex, yen decimals and the other
 * currency's sign are refused), within the gift limits.
 */
export function parseAmount(typed: string, currency: DonationCurrency): { ok: true; minor: number } | { ok: false; error: DonateErrorKey } {
  const parsed = parseMoney(typed, currency);
  if (!parsed.ok) return parsed;
  const limits = DONATION_LIMITS[currency];
  if (parsed.minor < limits.min) return { ok: false, error: "belowMinimum" };
  if (parsed.minor > limits.max) return { ok: false, error: "aboveMaximum" };
  return parsed;
}

/** The processing fee a donor may add: `percent` of the gift, rounded to the currency's minor unit. */
export function coverFeeAmount(minor: number, currency: DonationCurrency, percent: number): number {
  if (percent <= 0) return 0;
  // Integer arithmetic on hundredths of a percent, so 3% of ¥10,000 is exactly ¥300.
  const basisPoints = Math.round(percent * 100);
  void currency; // both currencies round to their minor unit (cents, whole yen)
  return Math.round((minor * basisPoints) / 10_000);
}

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
                notify: notify ? { email: v.notifyEmail.toLowerCase(), name: v.notifyName || null, locale: (v.notifyLocale || v.preferredLocale) as Locale } : null,
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

const KEYS = new Set<string>([
  "required", "tooLong", "invalidEmail", "invalidName", "invalidPostalJp", "invalidZip", "invalidPrefecture", "invalidState",
  "invalidChoice", "invalidAmount", "wholeYen", "tooManyDecimals", "amountNotPositive", "otherCurrency", "belowMinimum", "aboveMaximum",
  "unknownFund", "monthlyNotOffered", "tributeNameRequired", "tributeKindRequired", "notifyNeedsTribute",
]);

/** Parses submitted values; on failure the first error key of each field. */
export function parseDonateForm(
  values: Record<string, unknown>,
  options: DonateOptions,
): { ok: true; data: DonateInput } | { ok: false; errors: DonateFieldErrors } {
  const result = donateFormSchema(options).safeParse(values);
  if (result.success) return { ok: true, data: result.data };
  const errors: DonateFieldErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path[0] as DonateField | undefined;
    if (!field || errors[field]) continue;
    errors[field] = (KEYS.has(issue.message) ? issue.message : "invalidChoice") as DonateErrorKey;
  }
  // When a single field fails, zod skips the cross-field checks: run them on the raw values so
  // every problem is shown at once.
  const raw = Object.fromEntries(DONATE_FIELDS.map((f) => [f, trimmed(values[f])])) as unknown as CrossValues;
  for (const [field, key] of crossCheck(raw, options).issues) errors[field] ??= key;
  return { ok: false, errors };
}

/** The submitted values to show again, each cut to a sane length. */
export function keepDonateValues(values: Record<string, unknown>): DonateValues {
  const kept: DonateValues = {};
  for (const field of DONATE_FIELDS) {
    const v = values[field];
    if (typeof v === "string") kept[field] = v.slice(0, 1000);
  }
  return kept;
}
