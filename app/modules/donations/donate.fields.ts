/** The donation form's fields, limits, error keys and amount helpers, without zod: safe (and light) for the browser. */
import { parseMoney } from "../i18n/format";

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

export const DONATE_ERROR_KEYS = [
  "required",
  "tooLong",
  "invalidEmail",
  "invalidName",
  "invalidPostalJp",
  "invalidZip",
  "invalidPrefecture",
  "invalidState",
  "invalidChoice",
  "invalidAmount",
  "wholeYen",
  "tooManyDecimals",
  "amountNotPositive",
  "otherCurrency",
  "belowMinimum",
  "aboveMaximum",
  "unknownFund",
  "monthlyNotOffered",
  "tributeNameRequired",
  "tributeKindRequired",
  "notifyNeedsTribute",
] as const;
export type DonateErrorKey = (typeof DONATE_ERROR_KEYS)[number];

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
