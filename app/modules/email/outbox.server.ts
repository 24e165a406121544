/**
 * The email outbox: a row per email, written in the same transaction as the change that
 * caused it. The worker (email issue) renders and delivers rows after commit, with the row id
 * as Resend's idempotency key. Nothing here talks to Resend.
 */
import { sql, type QueryPromise } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import type { Locale } from "../../../db/schema";

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
  const rows = await queueEmails(tx, [email])!;
  return rows[0]?.id ?? null;
}

/**
 * Several outbox rows in one insert (a repeated dedupe key is ignored), returning the ids of
 * those queued. The statement, not yet sent (null when there is none): a caller may send it with
 * its COMMIT. One JSON parameter, so the statement's text is the same whatever the number of emails.
 */
export function queueEmails(tx: DbOrTx, emails: QueueEmail[]): QueryPromise<{ id: string }[]> | null {
  if (emails.length === 0) return null;
  const rows = emails.map((email) => ({
    template: email.template,
    locale: email.locale,
    to_email: email.to,
    props: email.props,
    person_id: email.personId ?? null,
    organisation_id: email.organisationId ?? null,
    dedupe_key: email.dedupeKey ?? null,
    next_attempt_at: (email.notBefore ?? new Date()).toISOString(),
  }));
  return tx.execute<{ id: string }>(sql`
    insert into email_outbox (template, locale, to_email, props, person_id, organisation_id, dedupe_key, next_attempt_at)
    select x.template, x.locale, x.to_email, x.props, x.person_id, x.organisation_id, x.dedupe_key, x.next_attempt_at
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(template text, locale text, to_email text, props jsonb, person_id uuid,
         organisation_id uuid, dedupe_key text, next_attempt_at timestamptz)
    on conflict (dedupe_key) do nothing
    returning id`);
}
