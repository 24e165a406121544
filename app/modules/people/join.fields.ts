/** The join form's fields, error keys and value helpers, without zod: safe (and light) for the browser. */

export const JOIN_ERROR_KEYS = [
  "required",
  "tooLong",
  "invalidEmail",
  "invalidName",
  "invalidKana",
  "invalidPostalJp",
  "invalidZip",
  "invalidPrefecture",
  "invalidState",
  "invalidChoice",
  "unknownTier",
  "currencyNotOffered",
  "intervalNotOffered",
] as const;
export type JoinErrorKey = (typeof JOIN_ERROR_KEYS)[number];

/** Tiers on offer, as the form needs them (from the catalogue). */
export interface JoinTierOption {
  slug: string;
  prices: { currency: "USD" | "JPY"; interval: "year" | "month" }[];
}

export const JOIN_FIELDS = [
  "tier",
  "currency",
  "interval",
  "familyName",
  "givenName",
  "familyNameKana",
  "givenNameKana",
  "email",
  "country",
  "postalCode",
  "prefecture",
  "state",
  "city",
  "addressLine1",
  "addressLine2",
  "preferredLocale",
  "partnership",
] as const;
export type JoinField = (typeof JOIN_FIELDS)[number];

/** The fields of the member's details form. */
export const PERSON_DETAIL_FIELDS = [
  "familyName",
  "givenName",
  "familyNameKana",
  "givenNameKana",
  "country",
  "postalCode",
  "prefecture",
  "state",
  "city",
  "addressLine1",
  "addressLine2",
] as const satisfies readonly JoinField[];

export type JoinValues = Partial<Record<JoinField, string>>;
export type JoinFieldErrors = Partial<Record<JoinField, JoinErrorKey>>;

/** Full-width digits and hyphens to ASCII: `１２３ー４５６７` → `123-4567`. */
export function normaliseDigits(value: string): string {
  return value.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).replace(/[‐－ー−―‑–—]/g, "-");
}

/** Hiragana to katakana (やまだ → ヤマダ), full-width space to ASCII. */
export function toKatakana(value: string): string {
  return value.replace(/[\u3041-\u3096]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60)).replace(/\u3000/g, " ");
}
