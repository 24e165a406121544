/**
 * The one place a Resend client is made. RESEND_BASE_URL (validated in env.server.ts, and the
 * variable the SDK itself reads) points it at a local stand-in; without RESEND_API_KEY there is
 * no client and the outbox keeps rendered emails locally.
 */
import { Resend } from "resend";
import type { Env } from "../config/env.server";

export function createResendClient(env: Pick<Env, "RESEND_API_KEY" | "RESEND_BASE_URL">): Resend | null {
  if (!env.RESEND_API_KEY) return null;
  return new Resend(env.RESEND_API_KEY, env.RESEND_BASE_URL ? { baseUrl: env.RESEND_BASE_URL.replace(/\/$/, "") } : undefined);
}

export type { Resend };
