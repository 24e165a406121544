/**
 * Signed links for companies, which have no passwords: the primary contact's seat-management
 * link and an employee's seat invitation. `<payload>.<expiry>.<hmac>`, HMAC-SHA256 with the
 * session secret (or the local demo secret), each purpose with its own prefix.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Env } from "../config/env.server";
import type { Locale } from "../i18n/i18n";
import { appUrl } from "../billing/links.server";
import { getWebhookSecret } from "../billing/stripe.server";

const MANAGE_DAYS = 400;
const INVITE_DAYS = 14;

function key(env: Env): string {
  return env.SESSION_SECRET ?? getWebhookSecret(env);
}

function sign(env: Env, purpose: string, payload: string, days: number, now: number): string {
  const body = `${payload}.${Math.floor(now / 1000) + days * 86_400}`;
  const mac = createHmac("sha256", key(env)).update(`${purpose}:${body}`).digest("base64url");
  return `${body}.${mac}`;
}

function verify(env: Env, purpose: string, token: string, now: number): { payload: string; expires: number } | null {
  const match = /^([\w.@+%-]{1,400})\.(\d{1,12})\.([\w-]{43})$/.exec(token);
  if (!match) return null;
  const [, payload, expires, mac] = match;
  const expected = createHmac("sha256", key(env)).update(`${purpose}:${payload}.${expires}`).digest("base64url");
  if (!timingSafeEqual(Buffer.from(mac!), Buffer.from(expected))) return null;
  if (Number(expires) * 1000 < now) return null;
  return { payload: payload!, expires: Number(expires) };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function seatManageToken(env: Env, membershipId: string, now = Date.now()): string {
  return sign(env, "seats", membershipId, MANAGE_DAYS, now);
}

/** The company membership a management link names, or null. */
export function verifySeatManageToken(env: Env, token: string, now = Date.now()): string | null {
  const v = verify(env, "seats", token, now);
  return v && UUID.test(v.payload) ? v.payload : null;
}

export function seatManageUrl(env: Env, membershipId: string, locale: Locale): string {
  return appUrl(env, locale, `/sponsor/seats/${seatManageToken(env, membershipId)}`);
}

/** An invitation to one email address for a seat of one company membership. */
export function seatInviteToken(env: Env, membershipId: string, email: string, now = Date.now()): string {
  return sign(env, "seat-invite", `${membershipId}.${Buffer.from(email.toLowerCase()).toString("base64url")}`, INVITE_DAYS, now);
}

export function verifySeatInviteToken(env: Env, token: string, now = Date.now()): { membershipId: string; email: string; invitedAt: Date } | null {
  const v = verify(env, "seat-invite", token, now);
  if (!v) return null;
  const [membershipId, email] = v.payload.split(".");
  if (!membershipId || !UUID.test(membershipId) || !email) return null;
  return {
    membershipId,
    email: Buffer.from(email, "base64url").toString("utf8"),
    invitedAt: new Date((v.expires - INVITE_DAYS * 86_400) * 1000),
  };
}

export function seatInviteUrl(env: Env, membershipId: string, email: string, locale: Locale): string {
  return appUrl(env, locale, `/sponsor/seat/${seatInviteToken(env, membershipId, email)}`);
}
