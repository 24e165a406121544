/**
 * The email outbox: a row per email, written in the same transaction as the change that
 * caused it. The worker (email issue) renders and delivers rows after commit, with the row id
 * as Resend's idempotency key. Nothing here talks to Resend.
 */
import type { DbOrTx } from "../../../db/client";
import { emailOutbox, type Locale } from "../../../db/schema";

/** Template file names in emails/ (one react-email component per file). */
export type EmailTemplate =
  | "welcome"
  | "receipt"
  | "payment-failed"
  | "payment-action-required"
  | "membership-canceled"
  | "membership-lapsed"
  | "renewal-reminder"
  | "sign-in-link"
  | "export-ready"
  | "tribute-notification"
  | "giving-statement"
  | "gift-payment-failed"
  | "gift-canceled"
  | (string & {});

export interface QueueEmail {
  template: EmailTemplate;
  locale: Locale;
  to: string;
  props: Record<string, unknown>;
  personId?: string | null;
  organisationId?: string | null;
  /** Makes the email once-only: a second queue with the same key is ignored. */
  dedupeKey?: string;
  /** Deliver no earlier than this (default: now). */
  notBefore?: Date;
}

/** Queues one email; returns its outbox id, or null when `dedupeKey` was already queued. */
export async function queueEmail(tx: DbOrTx, email: QueueEmail): Promise<string | null> {
  const rows = await tx
    .insert(emailOutbox)
    .values({
      template: email.template,
      locale: email.locale,
      toEmail: email.to,
      props: email.props,
      personId: email.personId ?? null,
      organisationId: email.organisationId ?? null,
      dedupeKey: email.dedupeKey ?? null,
      nextAttemptAt: email.notBefore ?? new Date(),
    })
    .onConflictDoNothing({ target: emailOutbox.dedupeKey })
    .returning({ id: emailOutbox.id });
  return rows[0]?.id ?? null;
}
