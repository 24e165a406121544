/**
 * Signed links for companies, which have no passwords: the primary contact's seat-management
 * link and an employee's seat invitation, signed as every emailed link is (auth/signed-links.server.ts),
 * each with its own purpose.
 */
import type { Env } from "../config/env.server";
import type { Locale } from "../i18n/i18n";
import { appUrl } from "../shared/links.server";
import { readSignedToken as verify, signedToken as sign } from "../shared/signed-links.server";
import { UUID } from "../shared/ids";

const MANAGE_DAYS = 400;
/** How long a seat invitation's link works. */
export const INVITE_DAYS = 14;

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
