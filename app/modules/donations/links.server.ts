/**
 * The signed link in every receipt email of a monthly gift: it opens the gift's manage page
 * without signing in. `<donation id>.<expiry>.<hmac>`, keyed like the card-update links but
 * with its own purpose string, so neither kind of token opens the other's page.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Env } from "../config/env.server";
import { baseUrl } from "../billing/links.server";
import { getWebhookSecret } from "../billing/stripe.server";
import { localePath, type Locale } from "../i18n/i18n";

/** Each monthly receipt carries a fresh link; a link stays valid for 400 days. */
const MANAGE_TOKEN_DAYS = 400;

function key(env: Env): string {
  return env.SESSION_SECRET ?? getWebhookSecret(env);
}

export function donationManageToken(env: Env, donationId: string, now = Date.now()): string {
  const expires = Math.floor(now / 1000) + MANAGE_TOKEN_DAYS * 86_400;
  const body = `${donationId}.${expires}`;
  return `${body}.${createHmac("sha256", key(env)).update(`donation-manage:${body}`).digest("base64url")}`;
}

export function verifyDonationManageToken(env: Env, token: string, now = Date.now()): string | null {
  const match = /^([0-9a-f-]{36})\.(\d{1,12})\.([\w-]{43})$/.exec(token);
  if (!match) return null;
  const [, id, expires, mac] = match;
  const expected = createHmac("sha256", key(env)).update(`donation-manage:${id}.${expires}`).digest("base64url");
  if (!timingSafeEqual(Buffer.from(mac!), Buffer.from(expected))) return null;
  if (Number(expires) * 1000 < now) return null;
  return id!;
}

export function donationManageUrl(env: Env, donationId: string, locale: Locale = "en"): string {
  return `${baseUrl(env)}${localePath(locale, `/donate/manage/${donationManageToken(env, donationId)}`)}`;
}
