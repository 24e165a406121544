/** The sponsor form's fields, limits and error keys, without zod: safe (and light) for the browser. */

export const SPONSOR_ERROR_KEYS = [
  "required",
  "tooLong",
  "invalidEmail",
  "invalidName",
  "invalidKana",
  "invalidWebsite",
  "invalidCorporateNumber",
  "invalidCountry",
  "invalidRegion",
  "invalidChoice",
  "unknownTier",
  "individualTier",
  "currencyNotOffered",
  "invalidPoNumber",
  "logoType",
  "logoTooLarge",
] as const;
export type SponsorErrorKey = (typeof SPONSOR_ERROR_KEYS)[number];

/** Purchase-order numbers longer than this are refused (Stripe allows 140 per custom field; real POs are short). */
export const PO_NUMBER_MAX = 40;
/** Logo uploads: PNG, JPEG or SVG up to this many bytes. */
export const LOGO_MAX_BYTES = 1024 * 1024;

export interface SponsorTierOption {
  slug: string;
  kind: "individual" | "corporate";
  currencies: ("USD" | "JPY")[];
}

export const SPONSOR_FIELDS = [
  "tier",
  "currency",
  "payment",
  "legalNameEn",
  "legalNameJa",
  "legalNameKana",
  "website",
  "jpCorporateNumber",
  "country",
  "postalCode",
  "region",
  "city",
  "addressLine1",
  "addressLine2",
  "primaryFamilyName",
  "primaryGivenName",
  "primaryEmail",
  "billingSame",
  "billingFamilyName",
  "billingGivenName",
  "billingEmail",
  "poNumber",
  "showOnSponsorsPage",
  "preferredLocale",
] as const;
export type SponsorField = (typeof SPONSOR_FIELDS)[number] | "logo";
export type SponsorValues = Partial<Record<(typeof SPONSOR_FIELDS)[number], string>>;
export type SponsorFieldErrors = Partial<Record<SponsorField, SponsorErrorKey>>;
