/**
 * The session cookie: signed (HttpOnly, SameSite=Lax, Secure in production, 12 hours), holding
 * only the token of a row in `sessions` (auth.server.ts), so a session can be ended on the
 * server at once. The key is SESSION_SECRET; without it (development and tests only: production
 * refuses to start) a random key is made once per process, so sessions end when the process does.
 */
import { randomBytes } from "node:crypto";
import { createCookieSessionStorage, type Session } from "@remix-run/node";
import type { Env } from "../config/env.server";

export const STAFF_SESSION_COOKIE = "kizuna_staff";
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

export interface SessionData {
  /** The token of a signed-in session (a staff user's, or a member's); `sessions` keeps its SHA-256. */
  sid?: string;
  /** Whose session it is, for the public header only (the sessions row decides what it may do). */
  kind?: "staff" | "member";
  /** A member's sign-in asked for on this device: the id of its link, which the typed code must match. */
  pendingSignIn?: string;
}
export interface FlashData {
  flash: string;
}
export type StaffSession = Session<SessionData, FlashData>;

const processSecret = randomBytes(32).toString("base64url");
const storages = new Map<string, ReturnType<typeof make>>();

function make(secret: string, secure: boolean) {
  return createCookieSessionStorage<SessionData, FlashData>({
    cookie: {
      name: STAFF_SESSION_COOKIE,
      httpOnly: true,
      sameSite: "lax",
      secure,
      path: "/",
      maxAge: SESSION_MAX_AGE_SECONDS,
      secrets: [secret],
    },
  });
}

export function sessionStorage(env: Env) {
  const secret = env.SESSION_SECRET ?? processSecret;
  const secure = env.NODE_ENV === "production";
  const key = `${secure}:${secret}`;
  let storage = storages.get(key);
  if (!storage) {
    storage = make(secret, secure);
    storages.set(key, storage);
  }
  return storage;
}

export function getSession(request: Request, env: Env): Promise<StaffSession> {
  return sessionStorage(env).getSession(request.headers.get("Cookie"));
}

export function commitSession(session: StaffSession, env: Env): Promise<string> {
  return sessionStorage(env).commitSession(session);
}

export function destroySession(session: StaffSession, env: Env): Promise<string> {
  return sessionStorage(env).destroySession(session);
}
