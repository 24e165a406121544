/**
 * The signed link in every receipt email of a monthly gift: it opens the gift's manage page
 * without signing in. `<donation id>.<expiry>.<hmac>`, keyed like the card-update links but
 * with its own purpose string, so neither kind of token opens the other's page.
 */
import type { Env } from "../config/env.server";
import { baseUrl } from "../shared/links.server";
import { readSignedToken, signedToken } from "../shared/signed-links.server";
import { UUID } from "../shared/ids";
import { localePath, type Locale } from "../i18n/i18n";

/** Each monthly receipt carries a fresh link; a link stays valid for 400 days. */
const MANAGE_TOKEN_DAYS = 400;

export function donationManageToken(env: Env, donationId: string, now = Date.now()): string {
  return signedToken(env, "donation-manage", donationId, MANAGE_TOKEN_DAYS, now);
}

export function verifyDonationManageToken(env: Env, token: string, now = Date.now()): string | null {
  const read = readSignedToken(env, "donation-manage", token, now);
  return read && UUID.test(read.payload) ? read.payload : null;
}

export function donationManageUrl(env: Env, donationId: string, locale: Locale = "en"): string {
  return `${baseUrl(env)}${localePath(locale, `/donate/manage/${donationManageToken(env, donationId)}`)}`;
}
