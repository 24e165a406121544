/** Absolute URLs and the recipient/tier shapes every billing email's props carry. */
import type { Person, Tier } from "../../../db/schema";
import type { Env } from "../config/env.server";
import { localePath, type Locale } from "../i18n/i18n";
import { readSignedToken, signedToken, UUID } from "../auth/signed-links.server";

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

const PORTAL_TOKEN_DAYS = 45;

/** A signed, expiring token naming a membership: `<id>.<expiry>.<hmac>` (for the card-update link). */
export function portalToken(env: Env, membershipId: string, now = Date.now()): string {
  return signedToken(env, "portal", membershipId, PORTAL_TOKEN_DAYS, now);
}

/** The membership a portal token names, or null when it is forged, malformed or expired. */
export function verifyPortalToken(env: Env, token: string, now = Date.now()): string | null {
  const read = readSignedToken(env, "portal", token, now);
  return read && UUID.test(read.payload) ? read.payload : null;
}

export function updateCardUrl(env: Env, membershipId: string): string {
  return `${baseUrl(env)}/billing/portal/${portalToken(env, membershipId)}`;
}
