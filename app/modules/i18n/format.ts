/**
 * Money, dates and names, always through Intl. Safe for the browser.
 */
import { personName, type NameParts } from "../../../emails/components/format";
import type { Locale } from "./i18n";

export type CurrencyCode = "USD" | "JPY";

const intlLocale: Record<Locale, string> = { en: "en-US", ja: "ja-JP" };

// Intl formatters are costly to build (a page of prices builds dozens): one per locale and
// options, made on first use and kept.
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n|${locale}|${JSON.stringify(options)}`;
  let f = formatters.get(key) as Intl.NumberFormat | undefined;
  if (!f) formatters.set(key, (f = new Intl.NumberFormat(locale, options)));
  return f;
}
function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${locale}|${JSON.stringify(options)}`;
  let f = formatters.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat(locale, options)));
  return f;
}

/** Digits after the decimal point in each currency's minor unit (ISO 4217, as Intl has them). */
const MINOR_UNIT_DIGITS: Record<CurrencyCode, number> = { USD: 2, JPY: 0 };

/** Digits after the decimal point in the currency's minor unit (JPY 0, USD 2). A table, not Intl's resolvedOptions(), which built an object on every amount formatted (1.4% of a page's CPU). */
export function minorUnitDigits(currency: CurrencyCode): number {
  return MINOR_UNIT_DIGITS[currency];
}

export type MoneyError = "required" | "invalidAmount" | "amountNotPositive" | "wholeYen" | "tooManyDecimals" | "otherCurrency" | "aboveMaximum";

/** Which currency a sign or word beside an amount names (`$`, `US$`, `USD`, `ドル`; `¥`, `￥`, `円`, `JPY`). */
const SIGNS: [RegExp, CurrencyCode][] = [
  [/^(US\$|\$|USD)\s*|\s*(USD|ドル)$/i, "USD"],
  [/^(¥|￥|JPY)\s*|\s*(円|JPY)$/i, "JPY"],
];

/**
 * An amount as a person typed it, in `currency`'s major units → minor units, or an error key.
 * Parsed from the string (never through Number()), so `1e6`, `0x10` and `-5` are refused.
 * Accepts `10000`, `10,000`, `１０，０００`, `25.5`, `$25`, `¥10,000`, `5000円`; a sign of the
 * other currency (`￥5000` when dollars are chosen) is refused, not read as this one.
 */
export function parseMoney(typed: string, currency: CurrencyCode): { ok: true; minor: number } | { ok: false; error: MoneyError } {
  let v = typed
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[，]/g, ",")
    .replace(/[．]/g, ".")
    .replace(/[‐－ー−―‑–—]/g, "-")
    .replace(/^[\s\u3000]+|[\s\u3000]+$/g, "");
  for (const [sign, named] of SIGNS) {
    if (!sign.test(v)) continue;
    if (named !== currency) return { ok: false, error: "otherCurrency" };
    v = v.replace(sign, "");
  }
  if (v === "") return { ok: false, error: "required" };
  if (/^-/.test(v)) return { ok: false, error: "amountNotPositive" };
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/.exec(v);
  if (!m) return { ok: false, error: "invalidAmount" };
  const whole = m[1]!.replaceAll(",", "");
  const fraction = m[2] ?? "";
  if (whole.length > 12) return { ok: false, error: "aboveMaximum" };
  const digits = minorUnitDigits(currency);
  if (digits === 0 && fraction !== "") return { ok: false, error: "wholeYen" };
  if (fraction.length > digits) return { ok: false, error: "tooManyDecimals" };
  const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
  if (minor <= 0) return { ok: false, error: "amountNotPositive" };
  return { ok: true, minor };
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
  return numberFormat(intlLocale[locale], { style: "currency", currency }).format(amount / 10 ** digits);
}

export const ASSOCIATION_TIME_ZONE = "Asia/Tokyo";

/** 2026-11-28 → "2026年11月28日" (ja) / "November 28, 2026" (en). */
export function formatDate(date: Date | string, locale: Locale, timeZone = ASSOCIATION_TIME_ZONE): string {
  const value = typeof date === "string" ? new Date(date) : date;
  return dateTimeFormat(intlLocale[locale], { dateStyle: "long", timeZone }).format(value);
}

/**
 * A moment in the association's time zone, which it names: "Dec 8, 2026, 1:50 AM GMT+9" (en) /
 * "2026/12/08 1:50 JST" (ja, as the console writes dates), so a staff member in the US does not
 * read Tokyo's time as theirs.
 */
export function formatDateTime(date: Date | string, locale: Locale): string {
  const value = typeof date === "string" ? new Date(date) : date;
  return dateTimeFormat(intlLocale[locale], {
    year: "numeric",
    month: locale === "ja" ? "2-digit" : "short",
    day: locale === "ja" ? "2-digit" : "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZone: ASSOCIATION_TIME_ZONE,
    timeZoneName: "short",
  }).format(value);
}

export type PersonName = NameParts;

/** A name in its own script's order in either language (山田 太郎, Susan Davis); 様 in Japanese with `honorific`. */
export function formatPersonName(name: PersonName, locale: Locale, honorific = false): string {
  return personName(name, locale, honorific);
}

/** Organisations take 御中 in Japanese. */
export function formatOrganisationName(name: string, locale: Locale, honorific = false): string {
  return locale === "ja" && honorific ? `${name} 御中` : name;
}
