/**
 * Money, dates and names, always through Intl. Safe for the browser.
 */
import type { Locale } from "./i18n";

export type CurrencyCode = "USD" | "JPY";

const intlLocale: Record<Locale, string> = { en: "en-US", ja: "ja-JP" };

/** Digits after the decimal point in the currency's minor unit (JPY 0, USD 2), from Intl. */
export function minorUnitDigits(currency: CurrencyCode): number {
  return new Intl.NumberFormat("en-US", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Converts a major-unit amount as typed (`60`, `8000`) to minor units, or null when it has too many decimals. */
export function toMinorUnits(major: number, currency: CurrencyCode): number | null {
  const factor = 10 ** minorUnitDigits(currency);
  const minor = Math.round(major * factor);
  return Math.abs(minor - major * factor) < 1e-6 ? minor : null;
}

/** 8000 JPY → "¥8,000" (en) / "￥8,000" (ja); 6000 USD → "$60.00". */
export function formatMoney(amount: number, currency: CurrencyCode, locale: Locale): string {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`money amounts are integers in minor units, got ${amount}`);
  const digits = minorUnitDigits(currency);
  return new Intl.NumberFormat(intlLocale[locale], { style: "currency", currency }).format(amount / 10 ** digits);
}

export const ASSOCIATION_TIME_ZONE = "Asia/Tokyo";

/** 2026-11-28 → "2026年11月28日" (ja) / "November 28, 2026" (en). */
export function formatDate(date: Date | string, locale: Locale, timeZone = ASSOCIATION_TIME_ZONE): string {
  const value = typeof date === "string" ? new Date(date) : date;
  return new Intl.DateTimeFormat(intlLocale[locale], { dateStyle: "long", timeZone }).format(value);
}

export interface PersonName {
  familyName: string;
  givenName: string;
}

/** Japanese: family name first with 様; English: given name first. */
export function formatPersonName(name: PersonName, locale: Locale, honorific = false): string {
  if (locale === "ja") return `${name.familyName} ${name.givenName}${honorific ? " 様" : ""}`;
  return `${name.givenName} ${name.familyName}`;
}

/** Organisations take 御中 in Japanese. */
export function formatOrganisationName(name: string, locale: Locale, honorific = false): string {
  return locale === "ja" && honorific ? `${name} 御中` : name;
}
