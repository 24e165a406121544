/** Absolute URLs and the recipient/tier shapes every billing email's props carry. */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Person, Tier } from "../../../db/schema";
import type { Env } from "../config/env.server";
import { localePath, type Locale } from "../i18n/i18n";
import { getWebhookSecret } from "./stripe.server";

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

function signingKey(env: Env): string {
  return env.SESSION_SECRET ?? getWebhookSecret(env);
}

const PORTAL_TOKEN_DAYS = 45;

/** A signed, expiring token naming a membership: `<id>.<expiry>.<hmac>` (for the card-update link). */
export function portalToken(env: Env, membershipId: string, now = Date.now()): string {
  const expires = Math.floor(now / 1000) + PORTAL_TOKEN_DAYS * 86_400;
  const body = `${membershipId}.${expires}`;
  const mac = createHmac("sha256", signingKey(env)).update(`portal:${body}`).digest("base64url");
  return `${body}.${mac}`;
}

/** The membership a portal token names, or null when it is forged, malformed or expired. */
export function verifyPortalToken(env: Env, token: string, now = Date.now()): string | null {
  const match = /^([0-9a-f-]{36})\.(\d{1,12})\.([\w-]{43})$/.exec(token);
  if (!match) return null;
  const [, id, expires, mac] = match;
  const expected = createHmac("sha256", signingKey(env)).update(`portal:${id}.${expires}`).digest("base64url");
  if (!timingSafeEqual(Buffer.from(mac!), Buffer.from(expected))) return null;
  if (Number(expires) * 1000 < now) return null;
  return id!;
}

export function updateCardUrl(env: Env, membershipId: string): string {
  return `${baseUrl(env)}/billing/portal/${portalToken(env, membershipId)}`;
}
