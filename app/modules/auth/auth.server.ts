/**
 * Staff sign-in by one-time link, sessions and authorisation.
 *
 * - A link token is 32 random bytes; only its SHA-256 is stored; it works once, for 15 minutes.
 * - Requests are rate-limited per address and per IP in PostgreSQL (every instance sees them),
 *   and get the same answer whether or not the address belongs to a staff user.
 * - Every state-changing request must come from our own origin (Origin or Referer header),
 *   on top of SameSite=Lax cookies.
 */
import { createHash, randomBytes } from "node:crypto";
import { redirect } from "@remix-run/node";
import type { AppLoadContext } from "@remix-run/node";
import type { DbOrTx } from "../../../db/client";
import type { StaffUser } from "../../../db/schema";
import { writeAudit } from "../audit/audit.server";
import { queueEmail } from "../email/outbox.server";
import {
  countRecentSignInRequests,
  deleteExpiredSessions,
  deleteOldSignInRequests,
  getActiveStaffUser,
  getLiveSession,
  getPendingSignInToken,
  getStaffUserByEmail,
  insertSession,
  insertSignInRequest,
  insertSignInToken,
  insertStaffUser,
  updateSessionRevoked,
  updateSignInTokenUsed,
  updateStaffSessionsRevoked,
  updateStaffUser,
} from "./auth.queries.server";
import { can, type Permission } from "./permissions";
import { commitSession, destroySession, getSession, SESSION_MAX_AGE_SECONDS } from "./session.server";

export const LINK_TTL_MINUTES = 15;
export const LIMIT_WINDOW_MINUTES = 15;
export const LIMIT_PER_ADDRESS = 5;
export const LIMIT_PER_IP = 20;

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function signInUrl(appUrl: string, token: string): string {
  return new URL(`/staff/verify?token=${encodeURIComponent(token)}`, appUrl).toString();
}

export function appUrlOf(context: Pick<AppLoadContext, "env">, request: Request): string {
  return context.env.APP_URL ?? new URL(request.url).origin;
}

/** Makes a link for a staff user (the start-up demo link and `npm run staff:add` use it too). */
export async function createSignInLink(tx: DbOrTx, staffUserId: string, appUrl: string, ip: string | null = null) {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + LINK_TTL_MINUTES * 60_000);
  await insertSignInToken(tx, { staffUserId, tokenHash: hashToken(token), expiresAt, requestedIp: ip });
  return { token, url: signInUrl(appUrl, token), expiresAt };
}

export type SignInRequestResult = { status: "sent" } | { status: "rate_limited" };

/**
 * Records a sign-in request (staff or member) by its lower-cased address and IP; false when the
 * address or the IP has reached its limit in the window, and nothing should be sent.
 */
export async function recordSignInRequest(tx: DbOrTx, email: string, ip: string | null): Promise<boolean> {
  await deleteOldSignInRequests(tx);
  const byAddress = await countRecentSignInRequests(tx, { email }, LIMIT_WINDOW_MINUTES);
  const byIp = ip ? await countRecentSignInRequests(tx, { ip }, LIMIT_WINDOW_MINUTES) : 0;
  await insertSignInRequest(tx, { email, ip });
  return byAddress < LIMIT_PER_ADDRESS && byIp < LIMIT_PER_IP;
}

/**
 * Records the request and, unless a limit is reached, emails a link when the address is an
 * active staff user. The result is "sent" for any address, so the answer reveals nothing.
 */
export async function requestSignInLink(db: DbOrTx, input: { email: string; ip: string | null; appUrl: string }): Promise<SignInRequestResult> {
  const email = input.email.trim().toLowerCase();
  return db.transaction(async (tx) => {
    if (!(await recordSignInRequest(tx, email, input.ip))) return { status: "rate_limited" as const };

    const staff = await getStaffUserByEmail(tx, email, { activeOnly: true });
    if (!staff) return { status: "sent" as const };
    const link = await createSignInLink(tx, staff.id, input.appUrl, input.ip);
    // A staff user's name is one field: addressed as a person when it has a family and a given
    // part ("Jane Smith", "山田 太郎"); a one-word name ("Treasurer", "事務局") gets the email's
    // greeting without a name.
    const [familyName = staff.name, ...given] = staff.locale === "ja" ? staff.name.trim().split(/\s+/) : staff.name.trim().split(/\s+/).reverse();
    const givenName = given.reverse().join(" ");
    await queueEmail(tx, {
      template: "sign-in-link",
      locale: staff.locale,
      to: staff.email,
      props: {
        recipient: familyName && givenName ? { kind: "person", familyName, givenName } : undefined,
        url: link.url,
        expiresMinutes: LINK_TTL_MINUTES,
      },
    });
    return { status: "sent" as const };
  });
}

/** The staff user a token would sign in, without using it (null when unknown, used or expired). */
export async function peekSignInLink(db: DbOrTx, token: string) {
  return getPendingSignInToken(db, hashToken(token));
}

/** Uses a token: marks it used and returns its staff user, or null when unknown, used or expired. */
export async function consumeSignInLink(db: DbOrTx, token: string, ip: string | null): Promise<StaffUser | null> {
  return db.transaction(async (tx) => {
    const used = await updateSignInTokenUsed(tx, hashToken(token), "staff");
    if (!used?.staffUserId) return null;
    const staff = await getActiveStaffUser(tx, used.staffUserId);
    if (!staff) return null;
    await writeAudit(tx, { actorStaffUserId: staff.id, action: "staff.sign_in", subjectType: "staff_user", subjectId: staff.id, ip });
    return staff;
  });
}

// ---------------------------------------------------------------- requests

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** True when a state-changing request comes from one of our own pages. */
export function isSameOrigin(request: Request, appUrl: string | undefined): boolean {
  if (SAFE_METHODS.has(request.method)) return true;
  const allowed = new Set([new URL(request.url).origin]);
  if (appUrl) allowed.add(new URL(appUrl).origin);
  const origin = request.headers.get("Origin");
  if (origin && origin !== "null") return allowed.has(origin);
  const referer = request.headers.get("Referer");
  if (referer) {
    try {
      return allowed.has(new URL(referer).origin);
    } catch {
      return false;
    }
  }
  return false;
}

export function forbidden(message = "Forbidden / 権限がありません"): Response {
  return new Response(message, { status: 403, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/** Throws 403 for a cross-site state-changing request. */
export function requireSameOrigin(request: Request, context: Pick<AppLoadContext, "env">): void {
  if (!isSameOrigin(request, context.env.APP_URL)) {
    throw forbidden("Cross-site request refused / 外部サイトからの送信は受け付けません");
  }
}

/** Only a path on this site (no scheme, no `//host`, no backslashes). */
export function safeNext(next: string | null | undefined, fallback = "/staff"): string {
  if (!next || !/^\/staff(?:[/?#]|$)/.test(next) || /[\\\s]/.test(next) || next.startsWith("//")) return fallback;
  return next;
}

/**
 * Starts a session for a staff user or a member: a row in `sessions` (only the SHA-256 of its
 * token), the token in the signed cookie. Returns the Set-Cookie header.
 */
export async function startSession(
  request: Request,
  context: Pick<AppLoadContext, "db" | "env">,
  subject: { staffUserId: string } | { personId: string },
  ip: string | null = null,
) {
  const kind = "personId" in subject ? "member" : "staff";
  const token = randomBytes(32).toString("base64url");
  // Sessions over a day past their end are of no further use.
  await deleteExpiredSessions(context.db);
  await insertSession(context.db, { id: hashToken(token), ...subject, expiresAt: new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000), ip });
  const session = await getSession(request, context.env);
  session.set("sid", token);
  // Only for the public header ("My account"): who may do what is always read from `sessions`.
  session.set("kind", kind);
  session.unset("pendingSignIn");
  return commitSession(session, context.env);
}

/** Who the request's session belongs to, while it is neither revoked nor expired (and a staff user is active); null otherwise. */
export async function sessionOf(
  request: Request,
  context: Pick<AppLoadContext, "db" | "env">,
): Promise<{ staff: StaffUser | null; personId: string | null } | null> {
  const token = (await getSession(request, context.env)).get("sid");
  if (!token || token.length > 100) return null;
  const row = await getLiveSession(context.db, hashToken(token));
  if (!row) return null;
  return { staff: row.staff, personId: row.personId };
}

/** The signed-in staff user, or null (a member's session, an inactive user, an ended session, or none). */
export async function getStaff(request: Request, context: Pick<AppLoadContext, "db" | "env">): Promise<StaffUser | null> {
  return (await sessionOf(request, context))?.staff ?? null;
}

/** The signed-in member's person id, or null. */
export async function getSignedInPersonId(request: Request, context: Pick<AppLoadContext, "db" | "env">): Promise<string | null> {
  return (await sessionOf(request, context))?.personId ?? null;
}

/**
 * The signed-in staff user allowed to do `permission`. Otherwise throws: a redirect to sign-in
 * (nobody signed in, or a session that has ended), or 403 (a member's session, a role without
 * the permission, or a cross-site form post).
 */
export async function requireStaff(request: Request, context: Pick<AppLoadContext, "db" | "env">, permission: Permission): Promise<StaffUser> {
  requireSameOrigin(request, context);
  const signedIn = await sessionOf(request, context);
  const staff = signedIn?.staff ?? null;
  if (!staff) {
    if (signedIn?.personId) throw forbidden();
    const url = new URL(request.url);
    const headers = new Headers();
    const session = await getSession(request, context.env);
    if (session.get("sid")) headers.set("Set-Cookie", await destroySession(session, context.env));
    throw redirect(`/staff/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`, { headers });
  }
  if (!can(staff.role, permission)) throw forbidden();
  return staff;
}

export async function startStaffSession(request: Request, context: Pick<AppLoadContext, "db" | "env" | "clientIp">, staff: StaffUser, next: string) {
  const cookie = await startSession(request, context, { staffUserId: staff.id }, context.clientIp ?? null);
  return redirect(safeNext(next), { headers: { "Set-Cookie": cookie } });
}

/** Signing out: the session's row is revoked (the cookie no longer works anywhere) and the cookie cleared. */
export async function endStaffSession(request: Request, context: Pick<AppLoadContext, "db" | "env">) {
  const session = await getSession(request, context.env);
  const token = session.get("sid");
  if (token) await updateSessionRevoked(context.db, hashToken(token));
  return redirect("/staff/sign-in", { headers: { "Set-Cookie": await destroySession(session, context.env) } });
}

/** Ends every session of a staff user at once (deactivated, or given another role). */
export async function revokeStaffSessions(db: DbOrTx, staffUserId: string) {
  await updateStaffSessionsRevoked(db, staffUserId);
}

/** The staff user's language for the console. */
export async function setStaffLocale(db: DbOrTx, staffUserId: string, locale: "en" | "ja") {
  await updateStaffUser(db, staffUserId, { locale });
}

/** Creates a staff user, or gives an existing one (same address) the role and re-activates them. */
export async function addStaffUser(db: DbOrTx, input: { email: string; name: string; role: StaffUser["role"]; locale?: "en" | "ja" }) {
  return db.transaction(async (tx) => {
    const email = input.email.trim();
    const existing = await getStaffUserByEmail(tx, email.toLowerCase());
    if (existing) {
      const row = await updateStaffUser(tx, existing.id, { role: input.role, active: true });
      // A new role takes effect at once: the user signs in again under it.
      if (existing.role !== input.role) await revokeStaffSessions(tx, existing.id);
      return { user: row!, created: false };
    }
    const row = await insertStaffUser(tx, { email, name: input.name, role: input.role, locale: input.locale ?? "en" });
    return { user: row, created: true };
  });
}

/** A fresh sign-in link for an active staff user by address (start-up demo link, staff:add). */
export async function signInLinkFor(db: DbOrTx, email: string, appUrl: string) {
  const staff = await getStaffUserByEmail(db, email.toLowerCase(), { activeOnly: true });
  if (!staff) return null;
  return createSignInLink(db, staff.id, appUrl);
}
