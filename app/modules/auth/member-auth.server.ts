/**
 * Members' sign-in (the member area, /account): an emailed link and, in the same email, a
 * 6-digit code for the device where the sign-in was asked for.
 *
 * - The link opens a page with a button; only pressing it uses the link up, so mail scanners
 *   that fetch links (Outlook Safe Links) do not.
 * - The code works only with the cookie of the browser that asked (`pendingSignIn`, the link's
 *   id): a code alone signs no one in. Five wrong codes use the link up.
 * - Link and code work once, for LINK_TTL_MINUTES; requests share the staff sign-in's limits
 *   per address and per IP; the answer is the same whether or not the address is known.
 * - Sessions are rows in `sessions` (auth.server.ts startSession): signing out revokes the
 *   row, signing out everywhere revokes every row of the person.
 */
import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from "node:crypto";
import { redirect } from "@remix-run/node";
import type { AppLoadContext } from "@remix-run/node";
import type { DbOrTx } from "../../../db/client";
import { writeAudit } from "../audit/audit.server";
import { queueEmail } from "../email/outbox.server";
import { localePath, splitLocalePath, type Locale } from "../i18n/i18n";
import { findPersonByEmail } from "../people/people.queries.server";
import { hashToken, LINK_TTL_MINUTES, recordSignInRequest, sessionOf, startSession } from "./auth.server";
import {
  getPendingMemberToken,
  insertSignInToken,
  lockMemberToken,
  updateMemberTokenAttempt,
  updateMemberTokenUsed,
  updatePersonSessionsRevoked,
  updateSessionRevoked,
  updateSignInTokenUsed,
} from "./auth.queries.server";
import { commitSession, destroySession, getSession } from "./session.server";

/** Wrong codes a link survives; the next one uses it up. */
export const MEMBER_CODE_ATTEMPTS = 5;

type Context = Pick<AppLoadContext, "db" | "env">;

function codeHash(tokenHash: string, code: string): string {
  return createHash("sha256").update(`${tokenHash}:${code}`).digest("hex");
}

/** The member verify page's URL for a token, in the person's language, going on to `next` (a member-area path) after. */
export function memberVerifyUrl(appUrl: string, token: string, locale: Locale, next?: string): string {
  const query = new URLSearchParams({ token });
  if (next && next !== localePath(locale, "/account")) query.set("next", next);
  return new URL(`${localePath(locale, "/account/verify")}?${query}`, appUrl).toString();
}

export type MemberSignInRequest = { status: "sent"; pendingId: string } | { status: "rate_limited" };

/**
 * Records the request and, unless a limit is reached, emails a link and a code when the address
 * belongs to a person. Unknown addresses get the same answer (and a pending id that matches no
 * link), so the page reveals nothing about who is known.
 */
export async function requestMemberSignIn(
  db: DbOrTx,
  input: { email: string; ip: string | null; appUrl: string; next?: string },
): Promise<MemberSignInRequest> {
  const email = input.email.trim().toLowerCase();
  return db.transaction(async (tx) => {
    if (!(await recordSignInRequest(tx, email, input.ip))) return { status: "rate_limited" as const };
    const person = await findPersonByEmail(tx, email);
    if (!person) return { status: "sent" as const, pendingId: randomUUID() };
    const token = randomBytes(32).toString("base64url");
    const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
    const tokenHash = hashToken(token);
    const expiresAt = new Date(Date.now() + LINK_TTL_MINUTES * 60_000);
    const { id } = await insertSignInToken(tx, { personId: person.id, tokenHash, codeHash: codeHash(tokenHash, code), expiresAt, requestedIp: input.ip });
    await queueEmail(tx, {
      template: "sign-in-link",
      locale: person.preferredLocale,
      to: person.email,
      personId: person.id,
      props: {
        recipient: { kind: "person", familyName: person.familyName, givenName: person.givenName },
        // Where they were going, in the language of the email.
        url: memberVerifyUrl(input.appUrl, token, person.preferredLocale, input.next && localePath(person.preferredLocale, splitLocalePath(input.next).path)),
        code,
        expiresMinutes: LINK_TTL_MINUTES,
      },
    });
    return { status: "sent" as const, pendingId: id };
  });
}

/** Whether a link would sign someone in, without using it up (the verify page's GET). */
export async function peekMemberLink(db: DbOrTx, token: string): Promise<boolean> {
  return Boolean(await getPendingMemberToken(db, hashToken(token)));
}

/** Uses a link up: its person's id, or null when the link is unknown, used or expired. */
export async function consumeMemberLink(db: DbOrTx, token: string, ip: string | null): Promise<string | null> {
  return db.transaction(async (tx) => {
    const used = await updateSignInTokenUsed(tx, hashToken(token), "person");
    if (!used?.personId) return null;
    await writeAudit(tx, { actorStaffUserId: null, action: "person.sign_in", subjectType: "person", subjectId: used.personId, details: { by: "link" }, ip });
    return used.personId;
  });
}

/**
 * Checks a typed code against the link asked for on this device: the person's id when right
 * (the link is used up), null otherwise (wrong, expired, used, too many tries, or no request
 * from this device: one answer for all, so a code reveals nothing either).
 */
export async function checkMemberCode(db: DbOrTx, input: { pendingId: string | undefined; code: string; ip: string | null }): Promise<string | null> {
  const { pendingId, code } = input;
  if (!pendingId || !/^[0-9a-f-]{36}$/.test(pendingId) || !/^\d{6}$/.test(code)) return null;
  return db.transaction(async (tx) => {
    const row = await lockMemberToken(tx, pendingId);
    if (!row) return null;
    const right = timingSafeEqual(Buffer.from(codeHash(row.tokenHash, code)), Buffer.from(row.codeHash));
    if (!right) {
      await updateMemberTokenAttempt(tx, row.id, MEMBER_CODE_ATTEMPTS);
      return null;
    }
    await updateMemberTokenUsed(tx, row.id);
    await writeAudit(tx, {
      actorStaffUserId: null,
      action: "person.sign_in",
      subjectType: "person",
      subjectId: row.personId,
      details: { by: "code" },
      ip: input.ip,
    });
    return row.personId;
  });
}

/** Remembers on this device which sign-in it asked for; returns the Set-Cookie header. */
export async function rememberPendingSignIn(request: Request, context: Context, pendingId: string): Promise<string> {
  const session = await getSession(request, context.env);
  session.set("pendingSignIn", pendingId);
  return commitSession(session, context.env);
}

/** The sign-in this device asked for, if any. */
export async function pendingSignInOf(request: Request, context: Context): Promise<string | undefined> {
  return (await getSession(request, context.env)).get("pendingSignIn");
}

/** Forgets the pending sign-in ("use another address"); returns the Set-Cookie header. */
export async function forgetPendingSignIn(request: Request, context: Context): Promise<string> {
  const session = await getSession(request, context.env);
  session.unset("pendingSignIn");
  return commitSession(session, context.env);
}

/** Only a member-area path of this site, in either language; otherwise the member home. */
export function safeAccountNext(next: string | null | undefined, locale: Locale): string {
  const home = localePath(locale, "/account");
  if (!next || /[\\\s]/.test(next) || next.startsWith("//") || !/^(?:\/ja)?\/account(?:[/?#]|$)/.test(next)) return home;
  return next;
}

/** Starts the member's session and goes on to `next` (a member-area path). */
export async function startMemberSession(request: Request, context: Pick<AppLoadContext, "db" | "env" | "clientIp">, personId: string, next: string) {
  const cookie = await startSession(request, context, { personId }, context.clientIp ?? null);
  return redirect(next, { headers: { "Set-Cookie": cookie } });
}

/** The signed-in member's person id; otherwise a redirect to the member sign-in, back here after. */
export async function requireMember(request: Request, context: Context, locale: Locale): Promise<string> {
  const personId = (await sessionOf(request, context))?.personId;
  if (personId) return personId;
  const url = new URL(request.url);
  const signIn = localePath(locale, "/account/sign-in");
  throw redirect(`${signIn}?${new URLSearchParams({ next: url.pathname + url.search })}`);
}

/** Signs the member out here (the session's row revoked) or on every device; returns the Set-Cookie header. */
export async function endMemberSession(
  request: Request,
  context: Context & Pick<AppLoadContext, "clientIp">,
  options: { everywhere: boolean },
): Promise<string> {
  const session = await getSession(request, context.env);
  const token = session.get("sid");
  if (token) {
    const signedIn = await sessionOf(request, context);
    if (options.everywhere && signedIn?.personId) {
      await context.db.transaction(async (tx) => {
        await updatePersonSessionsRevoked(tx, signedIn.personId!);
        await writeAudit(tx, {
          actorStaffUserId: null,
          action: "person.sign_out_everywhere",
          subjectType: "person",
          subjectId: signedIn.personId,
          ip: context.clientIp ?? null,
        });
      });
    } else if (signedIn?.personId) {
      await updateSessionRevoked(context.db, hashToken(token));
    }
  }
  return destroySession(session, context.env);
}

/** Whether this request's cookie says a member is signed in (no database read: the public header only). */
export async function memberCookieOf(request: Request, context: Pick<AppLoadContext, "env">): Promise<boolean> {
  const session = await getSession(request, context.env);
  return Boolean(session.get("sid")) && session.get("kind") === "member";
}
