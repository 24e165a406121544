/**
 * The sponsor application form's zod schema, for the action (the page ships no zod: its fields
 * and types are in corporate.fields.ts).
 * Messages are keys into `t.sponsor.errors`, so each shows translated next to its field.
 * The logo file is checked on the server by its content (logo.server.ts), not here.
 */
import { z } from "zod";
import { normaliseDigits, str, toKatakana, UNSAFE } from "../people/join.schema.server";
import { parseForm, type FormResult } from "../forms";
import { PREFECTURES, regionCode, US_STATES } from "../people/regions";
import { PO_NUMBER_MAX, SPONSOR_ERROR_KEYS, type SponsorErrorKey, type SponsorField, type SponsorTierOption } from "./corporate.fields";

export * from "./corporate.fields";

const text = (max: number, needed: boolean) =>
  str
    .pipe(z.string().max(max, "tooLong"))
    .refine((v) => !needed || v !== "", "required")
    .refine((v) => !UNSAFE.test(v), "invalidName");
const personName = text(100, true).refine((v) => !/https?:|www\./i.test(v), "invalidName");
const email = str.pipe(z.string().min(1, "required").max(254, "tooLong").pipe(z.email("invalidEmail"))).transform((v) => v.toLowerCase());
const checkbox = str.transform((v) => v === "on" || v === "true" || v === "1");

/** `example.co.jp` → `https://example.co.jp/`; only http(s) with a dotted host. */
export function normaliseWebsite(value: string): string | null {
  if (value === "") return "";
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(value) ? value : `https://${value}`;
  try {
    const url = new URL(withScheme);
    if (url.protocol !== "https:" && url.protocol !== "http:") return null;
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(url.hostname) || url.username || url.password) return null;
    return url.toString();
  } catch {
    return null;
  }
}

/** The prefecture or state of `country` (by code or by name: 東京都, Tokyo, 13, MN), or null. */
function regionOf(country: string, typed: string): string | null {
  const code = regionCode(typed);
  const list = country === "JP" ? PREFECTURES : country === "US" ? US_STATES : [];
  return list.some((r) => r.code === code) ? code : null;
}

/**
 * The company form. Its legal name is required in the page's language (Japanese on /ja/sponsor,
 * English on /sponsor), the other is optional (English falls back to the Japanese one); the
 * address is in Japan or the United States, with its prefecture or state from the list.
 */
export function sponsorFormSchema(options: { tiers: SponsorTierOption[]; pageLocale: "en" | "ja" }) {
  return z
    .object({
      tier: str.pipe(z.string().min(1, "required").max(64, "tooLong")),
      currency: str.pipe(z.enum(["USD", "JPY"], "invalidChoice")),
      payment: str.pipe(z.enum(["card", "invoice"], "invalidChoice")),
      // Checked field by field (not in superRefine), so a missing name shows with every other error.
      legalNameEn: text(200, options.pageLocale === "en"),
      legalNameJa: text(200, options.pageLocale === "ja"),
      legalNameKana: str
        .pipe(z.string().max(200, "tooLong"))
        .transform(toKatakana)
        .refine((v) => v === "" || /^[\u30a1-\u30fa\u30fc\u30fb ・（）()＆&A-Za-z0-9.-]+$/.test(v), "invalidKana"),
      website: str.pipe(z.string().max(300, "tooLong")).transform((v, ctx) => {
        const url = normaliseWebsite(v);
        if (url === null) {
          ctx.addIssue({ code: "custom", message: "invalidWebsite" });
          return z.NEVER;
        }
        return url;
      }),
      jpCorporateNumber: str.transform((v) => normaliseDigits(v).replace(/[-\s]/g, "")).refine((v) => v === "" || /^\d{13}$/.test(v), "invalidCorporateNumber"),
      country: str.transform((v) => v.toUpperCase()).pipe(z.enum(["JP", "US"], "invalidCountry")),
      postalCode: text(16, true).transform(normaliseDigits),
      region: text(100, true),
      city: text(100, true),
      addressLine1: text(200, true),
      addressLine2: text(200, false),
      primaryFamilyName: personName,
      primaryGivenName: personName,
      primaryEmail: email,
      billingSame: checkbox,
      billingFamilyName: str,
      billingGivenName: str,
      billingEmail: str,
      poNumber: str
        .pipe(z.string().max(PO_NUMBER_MAX, "tooLong"))
        .refine((v) => /^[\x20-\x7e\u3000-\u30ff\u4e00-\u9fff\uff01-\uff5e]*$/.test(v) && !UNSAFE.test(v), "invalidPoNumber"),
      showOnSponsorsPage: checkbox,
      preferredLocale: str.pipe(z.enum(["en", "ja"], "invalidChoice")),
    })
    .superRefine((v, ctx) => {
      const tier = options.tiers.find((t) => t.slug === v.tier);
      if (!tier) ctx.addIssue({ code: "custom", path: ["tier"], message: "unknownTier" });
      else if (tier.kind !== "corporate") ctx.addIssue({ code: "custom", path: ["tier"], message: "individualTier" });
      else if (!tier.currencies.includes(v.currency)) ctx.addIssue({ code: "custom", path: ["currency"], message: "currencyNotOffered" });
      if (v.region && !regionOf(v.country, v.region)) ctx.addIssue({ code: "custom", path: ["region"], message: "invalidRegion" });
      if (!v.billingSame) {
        for (const [field, schema] of [
          ["billingFamilyName", personName],
          ["billingGivenName", personName],
          ["billingEmail", email],
        ] as const) {
          const r = (schema as z.ZodType).safeParse(v[field]);
          if (!r.success) ctx.addIssue({ code: "custom", path: [field], message: r.error.issues[0]!.message });
        }
      }
    })
    .transform((v) => {
      const primary = { familyName: v.primaryFamilyName, givenName: v.primaryGivenName, email: v.primaryEmail };
      return {
        tier: v.tier,
        currency: v.currency,
        payment: v.payment,
        organisation: {
          legalNameEn: v.legalNameEn || v.legalNameJa,
          legalNameJa: v.legalNameJa || null,
          legalNameKana: v.legalNameKana || null,
          website: v.website || null,
          jpCorporateNumber: v.jpCorporateNumber || null,
          country: v.country,
          postalCode: v.postalCode,
          region: regionOf(v.country, v.region),
          city: v.city,
          addressLine1: v.addressLine1,
          addressLine2: v.addressLine2 || null,
          showOnSponsorsPage: v.showOnSponsorsPage,
        },
        primary,
        billing: v.billingSame
          ? primary
          : { familyName: v.billingFamilyName.trim(), givenName: v.billingGivenName.trim(), email: v.billingEmail.trim().toLowerCase() },
        poNumber: v.poNumber || null,
        preferredLocale: v.preferredLocale,
      };
    });
}

export type SponsorInput = z.output<ReturnType<typeof sponsorFormSchema>>;

export function parseSponsorForm(
  values: Record<string, unknown>,
  options: { tiers: SponsorTierOption[]; pageLocale: "en" | "ja" },
): FormResult<SponsorInput, SponsorField, SponsorErrorKey> {
  return parseForm(sponsorFormSchema(options), values, { keys: SPONSOR_ERROR_KEYS, fallback: "invalidChoice" });
}
