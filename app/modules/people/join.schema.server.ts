/**
 * The join form's zod schema, used by the action (the server validates; the page ships no zod:
 * its fields, types and value helpers are in join.fields.ts). Messages are keys into
 * `t.join.errors`, so each is shown translated next to its field.
 */
import { z } from "zod";
import type { Locale } from "../i18n/i18n";
import { parseForm, type FormResult } from "../forms";
import { JOIN_ERROR_KEYS, normaliseDigits, toKatakana, type JoinErrorKey, type JoinField, type JoinTierOption } from "./join.fields";
import { PREFECTURES, US_STATES } from "./regions";

export * from "./join.fields";

/** A form value: a missing field is an empty string; surrounding spaces (ASCII and 全角) dropped. */
export const str = z.preprocess((v) => (typeof v === "string" ? v.replace(/^[\s\u3000]+|[\s\u3000]+$/g, "") : ""), z.string());

// Markup, control characters and characters no name contains.
export const UNSAFE = /[<>"`{}\\;=|\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e]/;

export const required = (max: number) => str.pipe(z.string().min(1, "required").max(max, "tooLong"));
export const name = required(100).refine((v) => !UNSAFE.test(v) && !/https?:|www\./i.test(v), "invalidName");
export const optionalText = (max: number) =>
  str.pipe(
    z
      .string()
      .max(max, "tooLong")
      .refine((v) => !UNSAFE.test(v), "invalidName"),
  );

const kana = (needed: boolean) =>
  str
    .pipe(z.string().max(100, "tooLong"))
    .transform(toKatakana)
    .refine((v) => v === "" || /^[\u30a1-\u30fa\u30fc\u30fb ]+$/.test(v), "invalidKana")
    .refine((v) => !needed || v !== "", "required");

/** A person's name, kana and address fields: as /join asks them, and as a member changes them on /account/details. */
function personShape(pageLocale: Locale) {
  const kanaRequired = pageLocale === "ja";
  return {
    familyName: name,
    givenName: name,
    familyNameKana: kana(kanaRequired),
    givenNameKana: kana(kanaRequired),
    country: str.pipe(z.enum(["JP", "US"], "invalidChoice")),
    postalCode: required(16).transform(normaliseDigits),
    prefecture: str,
    state: str,
    city: required(100).refine((v) => !UNSAFE.test(v), "invalidName"),
    addressLine1: required(200).refine((v) => !UNSAFE.test(v), "invalidName"),
    addressLine2: optionalText(200),
  };
}

type AddressValues = { country: "JP" | "US"; postalCode: string; prefecture: string; state: string };

/** The postal code's form and the prefecture or state, checked against the country. */
function checkAddress(v: AddressValues, ctx: z.RefinementCtx) {
  if (v.country === "JP") {
    if (!/^\d{3}-?\d{4}$/.test(v.postalCode)) ctx.addIssue({ code: "custom", path: ["postalCode"], message: "invalidPostalJp" });
    if (!PREFECTURES.some((p) => p.code === v.prefecture))
      ctx.addIssue({ code: "custom", path: ["prefecture"], message: v.prefecture ? "invalidPrefecture" : "required" });
  } else if (v.country === "US") {
    if (!/^\d{5}(-\d{4})?$/.test(v.postalCode)) ctx.addIssue({ code: "custom", path: ["postalCode"], message: "invalidZip" });
    if (!US_STATES.some((s) => s.code === v.state)) ctx.addIssue({ code: "custom", path: ["state"], message: v.state ? "invalidState" : "required" });
  }
}

type PersonValues = z.output<z.ZodObject<ReturnType<typeof personShape>>>;

/** The person's fields as stored: kana and building empty → null, a Japanese postal code as 100-0005, the region from its country's list. */
function personOf(v: PersonValues) {
  return {
    familyName: v.familyName,
    givenName: v.givenName,
    familyNameKana: v.familyNameKana || null,
    givenNameKana: v.givenNameKana || null,
    country: v.country,
    postalCode: v.country === "JP" ? `${v.postalCode.replace("-", "").slice(0, 3)}-${v.postalCode.replace("-", "").slice(3)}` : v.postalCode,
    region: v.country === "JP" ? v.prefecture : v.state,
    city: v.city,
    addressLine1: v.addressLine1,
    addressLine2: v.addressLine2 || null,
  };
}

export function joinFormSchema(options: { pageLocale: Locale; tiers: JoinTierOption[] }) {
  return z
    .object({
      tier: required(64),
      currency: str.pipe(z.enum(["USD", "JPY"], "invalidChoice")),
      interval: str.pipe(z.enum(["year", "month"], "invalidChoice")),
      ...personShape(options.pageLocale),
      email: emailAddress,
      preferredLocale: str.pipe(z.enum(["en", "ja"], "invalidChoice")),
      partnership: str.pipe(z.string().max(64, "tooLong")),
    })
    .superRefine((v, ctx) => {
      const tier = options.tiers.find((t) => t.slug === v.tier);
      if (!tier) ctx.addIssue({ code: "custom", path: ["tier"], message: "unknownTier" });
      else if (!tier.prices.some((p) => p.currency === v.currency)) ctx.addIssue({ code: "custom", path: ["currency"], message: "currencyNotOffered" });
      else if (!tier.prices.some((p) => p.currency === v.currency && p.interval === v.interval))
        ctx.addIssue({ code: "custom", path: ["interval"], message: "intervalNotOffered" });
      checkAddress(v, ctx);
    })
    .transform((v) => ({
      tier: v.tier,
      currency: v.currency,
      interval: v.interval,
      ...personOf(v),
      email: v.email,
      preferredLocale: v.preferredLocale,
      partnership: v.partnership || null,
    }));
}

/** The member's own name, kana and address (/account/details): the join form's rules for the same fields. */
export function personDetailsSchema(pageLocale: Locale) {
  return z.object(personShape(pageLocale)).superRefine(checkAddress).transform(personOf);
}

export function parsePersonDetails(values: Record<string, unknown>, pageLocale: Locale) {
  return parseForm<ReturnType<typeof personDetailsSchema>, JoinField, JoinErrorKey>(personDetailsSchema(pageLocale), values, {
    keys: JOIN_ERROR_KEYS,
    fallback: "invalidChoice",
  });
}

/** An email address as a form sends it: trimmed, lower case, checked. */
export const emailAddress = str.pipe(z.string().min(1, "required").max(254, "tooLong").pipe(z.email("invalidEmail"))).transform((v) => v.toLowerCase());

export type JoinInput = z.output<ReturnType<typeof joinFormSchema>>;

/** Parses submitted values; on failure the first error key of each field. */
export function parseJoinForm(
  values: Record<string, unknown>,
  options: { pageLocale: Locale; tiers: JoinTierOption[] },
): FormResult<JoinInput, JoinField, JoinErrorKey> {
  return parseForm(joinFormSchema(options), values, { keys: JOIN_ERROR_KEYS, fallback: "invalidChoice" });
}
