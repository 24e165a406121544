/**
 * A signed-in member's own details (issue 16 item 5): name, kana and address (the join form's
 * rules), the language of their emails, their email address (changed only through a link sent to
 * the new address) and consent to optional email (a log with time and source).
 */
import { createHash } from "node:crypto";
import type { Database, DbOrTx } from "../../../db/client";
import type { ConsentTopic, Person } from "../../../db/schema";
import { writeAudit } from "../audit/audit.server";
import { recordSignInRequest } from "../auth/auth.server";
import { getStripe } from "../billing/stripe.server";
import type { Env } from "../config/env.server";
import { queueEmail } from "../email/outbox.server";
import type { Locale } from "../i18n/i18n";
import { changedDetails } from "../people/details.server";
import { findOtherPersonByEmail, getPersonById, lockPerson, updatePerson } from "../people/people.queries.server";
import { appUrl, recipientOf } from "../shared/links.server";
import { readSignedToken, signedToken } from "../shared/signed-links.server";
import { UUID } from "../shared/ids";
import { CONSENT_TOPICS, insertConsents, listLatestConsents } from "./account.queries.server";

/** How long the link to a new address works. */
export const EMAIL_CHANGE_HOURS = 24;

type PersonDetails = Pick<
  Person,
  "familyName" | "givenName" | "familyNameKana" | "givenNameKana" | "country" | "postalCode" | "region" | "city" | "addressLine1" | "addressLine2"
>;

/** The person's details as the page shows them, with their newest choice per optional topic. */
export async function getMemberDetails(db: DbOrTx, personId: string) {
  const [person, consents] = await Promise.all([getPersonById(db, personId), listLatestConsents(db, personId)]);
  if (!person) return null;
  return {
    person,
    consents: CONSENT_TOPICS.map((topic) => {
      const row = consents.find((c) => c.topic === topic);
      return { topic, granted: row?.granted ?? false, at: row?.at ?? null };
    }),
  };
}

/** Saves the member's name, kana and address; audited with what changed. "unchanged" when nothing differs. */
export async function updateMemberDetails(db: Database, personId: string, details: PersonDetails, ip: string | null): Promise<"saved" | "unchanged"> {
  return db.transaction(async (tx) => {
    const before = await lockPerson(tx, personId);
    if (!before) return "unchanged";
    const changes = changedDetails(before, details);
    if (!changes) return "unchanged";
    await updatePerson(tx, personId, changes);
    await writeAudit(tx, {
      actorStaffUserId: null,
      action: "person.details_update",
      subjectType: "person",
      subjectId: personId,
      details: {
        by: "member",
        changes: Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, { from: (before as Record<string, unknown>)[k] ?? null, to: v }])),
      },
      ip,
    });
    return "saved";
  });
}

/** The language of the person's emails and receipts from the next one. */
export async function setPreferredLocale(db: DbOrTx, personId: string, locale: Locale) {
  await updatePerson(db, personId, { preferredLocale: locale });
}

/** The preferences form: "yes" or "no" for every optional topic (the page sends both for a ticked box; the last wins); null otherwise. */
export function parseConsentForm(form: Record<string, string>): Record<ConsentTopic, boolean> | null {
  const wanted = {} as Record<ConsentTopic, boolean>;
  for (const topic of CONSENT_TOPICS) {
    if (form[topic] !== "yes" && form[topic] !== "no") return null;
    wanted[topic] = form[topic] === "yes";
  }
  return wanted;
}

/**
 * Records the member's choice for each optional topic, a row only where it differs from their
 * newest (or, with none yet, where they say yes). Returns how many rows were written.
 */
export async function saveConsents(db: Database, personId: string, wanted: Record<ConsentTopic, boolean>, ip: string | null): Promise<number> {
  return db.transaction(async (tx) => {
    await lockPerson(tx, personId); // two saves at once write one change each, in order
    const latest = await listLatestConsents(tx, personId);
    const rows = CONSENT_TOPICS.filter((topic) => (latest.find((c) => c.topic === topic)?.granted ?? false) !== wanted[topic]).map((topic) => ({
      personId,
      topic,
      granted: wanted[topic],
      source: "member_area" as const,
      ip,
    }));
    if (rows.length) await insertConsents(tx, rows);
    return rows.length;
  });
}

// ---------------------------------------------------------------- email address change

const fingerprint = (email: string) => createHash("sha256").update(email.toLowerCase()).digest("base64url").slice(0, 16);
const encode = (email: string) => Buffer.from(email, "utf8").toString("base64url");

/**
 * The link to the new address: names the person, the new address, and (as a fingerprint) the
 * address they have now, so it stops working once any change of address has been made.
 */
function emailChangeToken(env: Env, person: Person, newEmail: string): string {
  return signedToken(env, "email-change", `${person.id}.${encode(newEmail)}.${fingerprint(person.email)}`, EMAIL_CHANGE_HOURS / 24);
}

export type EmailChangeRequest = "sent" | "same" | "rate_limited";

/** Emails a confirmation link to the new address (rate-limited like sign-in, per address and IP). Nothing changes until it is used. */
export async function requestEmailChange(db: Database, env: Env, personId: string, newEmail: string, ip: string | null): Promise<EmailChangeRequest> {
  return db.transaction(async (tx) => {
    const person = await getPersonById(tx, personId);
    if (!person || person.email.toLowerCase() === newEmail) return "same";
    if (!(await recordSignInRequest(tx, newEmail, ip))) return "rate_limited";
    await queueEmail(tx, {
      template: "email-change-confirm",
      locale: person.preferredLocale,
      to: newEmail,
      personId: person.id,
      props: {
        recipient: recipientOf(person),
        url: appUrl(env, person.preferredLocale, `/account/email/${emailChangeToken(env, person, newEmail)}`),
        expiresHours: EMAIL_CHANGE_HOURS,
      },
    });
    return "sent";
  });
}

/** What a change link names, while it is valid: the person and the address it changes to; otherwise null. */
export async function getEmailChange(db: DbOrTx, env: Env, token: string) {
  const read = readSignedToken(env, "email-change", token);
  const [personId, encoded, print] = read?.payload.split(".") ?? [];
  if (!personId || !UUID.test(personId) || !encoded || !print) return null;
  const newEmail = Buffer.from(encoded, "base64url").toString("utf8");
  const person = await getPersonById(db, personId);
  if (!person || person.anonymisedAt || fingerprint(person.email) !== print || person.email.toLowerCase() === newEmail) return null;
  return { person, newEmail };
}

export type EmailChangeResult = "changed" | "invalid" | "taken" | "stripe";

/**
 * The button on the link's page: Stripe's customer first (so its receipts and invoices follow),
 * then the person's address, audited, and a notice to the previous address.
 */
export async function confirmEmailChange(
  db: Database,
  env: Env,
  token: string,
  ip: string | null,
): Promise<{ result: EmailChangeResult; newEmail: string | null }> {
  const found = await getEmailChange(db, env, token);
  if (!found) return { result: "invalid", newEmail: null };
  return { result: await changeEmail(db, env, token, found, ip), newEmail: found.newEmail };
}

async function changeEmail(db: Database, env: Env, token: string, found: { person: Person; newEmail: string }, ip: string | null): Promise<EmailChangeResult> {
  const { person, newEmail } = found;
  if (await findOtherPersonByEmail(db, newEmail, person.id)) return "taken";
  const stripe = getStripe(env);
  if (stripe && person.stripeCustomerId) {
    try {
      await stripe.customers.update(person.stripeCustomerId, { email: newEmail }, { idempotencyKey: `person-${person.id}-email-${fingerprint(token)}` });
    } catch (error) {
      console.warn(`account: updating the email of customer ${person.stripeCustomerId} failed:`, (error as Error)?.message ?? error);
      return "stripe";
    }
  }
  try {
    return await db.transaction(async (tx) => {
      const locked = await lockPerson(tx, person.id);
      if (!locked || locked.email !== person.email) return "invalid" as const; // another change came first
      await updatePerson(tx, person.id, { email: newEmail });
      await writeAudit(tx, {
        actorStaffUserId: null,
        action: "person.email_change",
        subjectType: "person",
        subjectId: person.id,
        details: { by: "member", from: person.email, to: newEmail },
        ip,
      });
      await queueEmail(tx, {
        template: "email-changed",
        locale: person.preferredLocale,
        to: person.email,
        personId: person.id,
        props: { recipient: recipientOf(person), newEmail },
      });
      return "changed" as const;
    });
  } catch (error) {
    // Another person took the address between the check and the update (the unique index on lower(email)).
    const pg = (error as { cause?: { code?: string }; code?: string }) ?? {};
    if ((pg.cause?.code ?? pg.code) === "23505") return "taken";
    throw error;
  }
}
