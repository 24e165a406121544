/** The card-update link in billing emails: a signed, expiring token naming a membership. */
import type { Env } from "../config/env.server";
import { UUID } from "../shared/ids";
import { baseUrl } from "../shared/links.server";
import { readSignedToken, signedToken } from "../shared/signed-links.server";

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
