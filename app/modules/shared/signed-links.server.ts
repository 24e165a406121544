/**
 * Links in emails that open a page without signing in (the card update, a monthly gift's manage
 * page, a company's seats and seat invitations, a receipt): HMAC-SHA256 over a purpose and a
 * payload, so no kind of link opens another's page. Keyed by SESSION_SECRET, or where none is
 * configured (never in production) by a key this installation generated for itself
 * (DATA_DIR/link-secret); receipts may have their own RECEIPT_LINK_SECRET.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Env } from "../config/env.server";
import { installationSecret } from "../config/secrets.server";

function linkKey(env: Env): string {
  return env.SESSION_SECRET ?? installationSecret(env, "link-secret");
}

/** The base64url HMAC of `purpose:text` (a receipt link's key may be its own). */
export function linkMac(env: Env, purpose: string, text: string, key = linkKey(env)): string {
  return createHmac("sha256", key).update(`${purpose}:${text}`).digest("base64url");
}

/** Equal strings, compared in constant time. */
export function sameMac(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `<payload>.<expiry>.<hmac>`, valid for `days`. */
export function signedToken(env: Env, purpose: string, payload: string, days: number, now = Date.now()): string {
  const body = `${payload}.${Math.floor(now / 1000) + days * 86_400}`;
  return `${body}.${linkMac(env, purpose, body)}`;
}

/** A token's payload and expiry (unix seconds), or null when it is forged, malformed or expired. */
export function readSignedToken(env: Env, purpose: string, token: string, now = Date.now()): { payload: string; expires: number } | null {
  const match = /^([\w.@+%-]{1,400})\.(\d{1,12})\.([\w-]{43})$/.exec(token);
  if (!match) return null;
  const [, payload, expires, mac] = match;
  if (!sameMac(mac!, linkMac(env, purpose, `${payload}.${expires}`))) return null;
  if (Number(expires) * 1000 < now) return null;
  return { payload: payload!, expires: Number(expires) };
}
