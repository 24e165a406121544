/**
 * Public forms (/join, /donate) never change a person we already know. A form names a person
 * by email; anyone can type anyone's email, so for a known address:
 * - signed in as that person: their new details are theirs to apply, at once;
 * - otherwise the stored details stay as they are (the payment, its receipt and Stripe use them),
 *   and the details that differ are kept with the pending membership or gift
 *   (`submitted_details`). When it is paid, the address on file gets a bilingual email with a
 *   signed link (30 days): a page shows the new details beside the ones on file and a button
 *   applies them (a link a mail scanner fetches changes nothing). Anything else: nothing changes.
 * A new address simply creates its person.
 */
import type { Database, DbOrTx } from "../../../db/client";
import type { NewPerson, Person, SubmittedDetails } from "../../../db/schema";
import { writeAudit } from "../audit/audit.server";
import { readSignedToken, signedToken } from "../shared/signed-links.server";
import { UUID } from "../shared/ids";
import { appUrl, recipientOf } from "../shared/links.server";
import type { Env } from "../config/env.server";
import { queueEmail } from "../email/outbox.server";
import { PREFECTURES, US_STATES } from "./regions";
import {
  clearSubmittedDetails,
  findOrCreatePerson,
  getPersonById,
  getSubmittedDetails,
  lockPerson,
  lockSubmittedDetails,
  updatePerson,
} from "./people.queries.server";

export const DETAIL_FIELDS = [
  "familyName",
  "givenName",
  "familyNameKana",
  "givenNameKana",
  "preferredLocale",
  "country",
  "postalCode",
  "region",
  "city",
  "addressLine1",
  "addressLine2",
] as const satisfies readonly (keyof SubmittedDetails)[];

type Details = Omit<NewPerson, "id">;

/** The submitted fields whose values differ from the person's (only the fields the form sent); null when none does. */
export function changedDetails(person: Person, submitted: Partial<Details>): SubmittedDetails | null {
  const changes: SubmittedDetails = {};
  for (const field of DETAIL_FIELDS) {
    if (!(field in submitted)) continue;
    const value = (submitted[field] ?? null) as never;
    if ((person[field] ?? null) !== value) changes[field] = value;
  }
  return Object.keys(changes).length > 0 ? changes : null;
}

/**
 * The person a public form names, locked: a new one with the details given; or the one we know,
 * unchanged, with the details that differ to keep for confirmation (applied at once when the
 * form came from that person, signed in).
 */
export async function personForPublicForm(
  tx: DbOrTx,
  details: Details & { email: string },
  signedInPersonId: string | null,
): Promise<{ person: Person; pending: SubmittedDetails | null; known: boolean }> {
  const { person: existing, created } = await findOrCreatePerson(tx, details);
  if (created) return { person: existing, pending: null, known: false };
  const changes = changedDetails(existing, details);
  if (signedInPersonId === existing.id) {
    const own = { ...changes, ...("partnershipId" in details ? { partnershipId: details.partnershipId ?? null } : {}) };
    if (Object.keys(own).length === 0) return { person: existing, pending: null, known: true };
    const updated = await updatePerson(tx, existing.id, own);
    return { person: updated!, pending: null, known: true };
  }
  return { person: existing, pending: changes, known: true };
}

type Kind = "membership" | "gift";

export function detailsConfirmUrl(env: Env, kind: Kind, id: string, locale: "en" | "ja"): string {
  return appUrl(env, locale, `/details/${signedToken(env, "details", `${kind}.${id}`, 30)}`);
}

/** A field's value as its reader sees it: prefectures and states by name, languages by name. */
function shown(field: keyof SubmittedDetails, value: string | null | undefined, locale: "en" | "ja"): string {
  if (!value) return "";
  if (field === "region") {
    const place = PREFECTURES.find((p) => p.code === value) ?? US_STATES.find((s) => s.code === value);
    return place ? (locale === "ja" ? place.ja : place.en) : value;
  }
  if (field === "preferredLocale") return value === "ja" ? "日本語" : "English";
  if (field === "country")
    return value === "JP" ? (locale === "ja" ? "日本" : "Japan") : value === "US" ? (locale === "ja" ? "アメリカ合衆国" : "United States") : value;
  return value;
}

/**
 * Once the membership or gift is paid: the email to the address on file asking to confirm the
 * details kept with it (once per membership or gift).
 */
export async function queueDetailsConfirmation(tx: DbOrTx, env: Env, target: { kind: Kind; id: string; personId: string; pending: SubmittedDetails | null }) {
  if (!target.pending || Object.keys(target.pending).length === 0) return;
  const person = await getPersonById(tx, target.personId);
  if (!person) return;
  const locale = person.preferredLocale;
  const changes = DETAIL_FIELDS.filter((f) => f in target.pending!).map((field) => ({
    field,
    value: shown(field, target.pending![field] as string | null, locale),
  }));
  await queueEmail(tx, {
    template: "details-confirm",
    locale,
    to: person.email,
    personId: person.id,
    props: { recipient: recipientOf(person), purpose: target.kind, changes, confirmUrl: detailsConfirmUrl(env, target.kind, target.id, locale) },
    dedupeKey: `details-confirm:${target.kind}:${target.id}`,
  });
}

/** What a confirmation link names: the person, the details on file and the new ones; null for a bad, expired or used link. */
export async function getDetailsConfirmation(db: DbOrTx, env: Env, token: string, pageLocale?: "en" | "ja") {
  const read = readSignedToken(env, "details", token);
  const [kind, id] = read?.payload.split(".") ?? [];
  if ((kind !== "membership" && kind !== "gift") || !id || !UUID.test(id)) return null;
  const row = await getSubmittedDetails(db, kind, id);
  if (!row?.personId) return null;
  const person = await getPersonById(db, row.personId);
  if (!person) return null;
  const pending = row.pending ?? null;
  const rows = pending
    ? DETAIL_FIELDS.filter((f) => f in pending).map((field) => ({
        field,
        now: shown(field, person[field] as string | null, pageLocale ?? person.preferredLocale),
        next: shown(field, pending[field] as string | null, pageLocale ?? person.preferredLocale),
      }))
    : [];
  return { kind: kind as Kind, id, person, pending, rows };
}

/** The button on the confirmation page: the kept details become the person's (once), audited. */
export async function confirmDetails(db: Database, env: Env, token: string, ip: string | null): Promise<"confirmed" | "nothing" | "invalid"> {
  const found = await getDetailsConfirmation(db, env, token);
  if (!found) return "invalid";
  return db.transaction(async (tx) => {
    const row = await lockSubmittedDetails(tx, found.kind, found.id);
    const pending = row?.pending;
    if (!pending || Object.keys(pending).length === 0) return "nothing";
    const before = await lockPerson(tx, found.person.id);
    await updatePerson(tx, found.person.id, pending);
    await clearSubmittedDetails(tx, found.kind, found.id);
    const changes = Object.fromEntries(Object.entries(pending).map(([k, v]) => [k, { from: (before as Record<string, unknown>)[k] ?? null, to: v }]));
    await writeAudit(tx, {
      actorStaffUserId: null,
      action: "person.details_confirmed",
      subjectType: "person",
      subjectId: found.person.id,
      details: { via: `${found.kind} ${found.id}`, changes },
      ip,
    });
    return "confirmed";
  });
}
