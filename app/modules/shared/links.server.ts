/** Absolute URLs, and the recipient and tier-name shapes that emails' props carry. */
import type { Person, Tier } from "../../../db/schema";
import type { Env } from "../config/env.server";
import { localePath, type Locale } from "../i18n/i18n";

export function baseUrl(env: Env): string {
  return (env.APP_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, "");
}

/** `/join` in `locale`, absolute. */
export function appUrl(env: Env, locale: Locale, path: string): string {
  return `${baseUrl(env)}${localePath(locale, path)}`;
}

export function recipientOf(person: Pick<Person, "familyName" | "givenName">) {
  return { kind: "person" as const, familyName: person.familyName, givenName: person.givenName };
}

export function tierNameOf(tier: Pick<Tier, "nameEn" | "nameJa">) {
  return { en: tier.nameEn, ja: tier.nameJa };
}
