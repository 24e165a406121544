/**
 * The email outbox: a row per email, written in the same transaction as the change that
 * caused it. The worker (email issue) renders and delivers rows after commit, with the row id
 * as Resend's idempotency key. Nothing here talks to Resend.
 */
import type { QueryPromise } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { insertOutboxRows, type OutboxRowValues } from "./outbox.queries.server";
import type { Locale } from "../../../db/schema";
import { templateSchemas, type TemplateName } from "../../../emails";
import { z } from "zod";

/** What a caller queues for each template: its props, except a receipt's, which the worker fills from the receipt row (`receiptId`). */
const queueSchemas = {
  ...templateSchemas,
  receipt: templateSchemas.receipt.pick({ recipient: true, manageUrl: true }).extend({ receiptId: z.uuid() }),
};

/**
 * One email to queue. `props` are typed by the template (from its zod schema in emails/index.ts)
 * and checked against that schema when queued, so a bad email fails the change that queued it,
 * not the worker after commit.
 */
export type QueueEmail<T extends TemplateName = TemplateName> = {
  [K in T]: {
    template: K;
    locale: Locale;
    to: string;
    props: z.input<(typeof queueSchemas)[K]>;
    personId?: string | null;
    organisationId?: string | null;
    /** Makes the email once-only: a second queue with the same key is ignored. */
    dedupeKey?: string;
    /** Deliver no earlier than this (default: now). */
    notBefore?: Date;
  };
}[T];

/** Thrown at queue time: the props do not match the template's schema (a bug in the caller). */
export class QueueEmailError extends Error {}

function checked(email: QueueEmail): QueueEmail {
  const schema = queueSchemas[email.template] as z.ZodType | undefined;
  if (!schema) throw new QueueEmailError(`no email template "${email.template}"`);
  const result = schema.safeParse(email.props);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join(".") || "props"}: ${i.message}`).join("; ");
    throw new QueueEmailError(`email "${email.template}" queued with props its template refuses: ${problems}`);
  }
  return email;
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
  const rows = emails.map(checked).map((email): OutboxRowValues => ({
    template: email.template,
    locale: email.locale,
    to_email: email.to,
    props: email.props,
    person_id: email.personId ?? null,
    organisation_id: email.organisationId ?? null,
    dedupe_key: email.dedupeKey ?? null,
    next_attempt_at: (email.notBefore ?? new Date()).toISOString(),
  }));
  return insertOutboxRows(tx, rows);
}
