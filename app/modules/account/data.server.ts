/**
 * A member's data (issue 16 item 6): the download of everything Kizuna holds about them (JSON
 * and CSV in a zip), their request for deletion, and staff carrying it out: the person is
 * anonymised at once; payments and receipts stay for RECORD_RETENTION_YEARS (tax records), and
 * after that their receipts no longer print the name or address.
 */
import { strToU8, zipSync } from "fflate";
import { stringify } from "csv-stringify/sync";
import type { Database, DbOrTx } from "../../../db/client";
import type { StaffActor } from "../audit/audit.server";
import { writeAudit } from "../audit/audit.server";
import type { Env } from "../config/env.server";
import { neutraliseFormula } from "../exports/exports.server";
import { getPersonById, lockPerson } from "../people/people.queries.server";
import { ActionError } from "../members/member-page.server";
import {
  anonymisePersonRows,
  collectPersonData,
  listDeletionRequests,
  listLiveSubscriptions,
  scrubExpiredReceipts,
  setDeletionRequested,
} from "./data.queries.server";

type Collected = NonNullable<Awaited<ReturnType<typeof collectPersonData>>>;

/** One CSV (UTF-8 with a BOM, so Excel reads Japanese; formulas neutralised) of a list of flat rows. */
function csvOf(rows: Record<string, unknown>[]): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) =>
    v === null || v === undefined ? "" : v instanceof Date ? v.toISOString() : typeof v === "object" ? JSON.stringify(v) : neutraliseFormula(String(v));
  return stringify([columns, ...rows.map((r) => columns.map((c) => cell(r[c])))], { bom: true, record_delimiter: "windows" });
}

/** The zip a member downloads: data.json with everything, and a CSV per section. */
export function dataZip(data: Collected, now = new Date()): { filename: string; bytes: Uint8Array } {
  const files: Record<string, Uint8Array> = {
    "data.json": strToU8(JSON.stringify({ exportedAt: now.toISOString(), ...data }, null, 2)),
    "README.txt": strToU8(
      [
        "Everything the Japan–United States Sister City Association (JUSSCA) holds about you, as of " + now.toISOString() + ".",
        "data.json has it all; each CSV file is one part of it (UTF-8, opens in Excel).",
        "",
        "日米姉妹都市協会が保有するお客様のすべての情報です（" + now.toISOString() + " 時点）。",
        "data.json にすべてが含まれ、各 CSV ファイルはその一部です（UTF-8、Excel で開けます）。",
        "",
      ].join("\r\n"),
    ),
  };
  for (const [name, value] of Object.entries(data)) {
    const rows = Array.isArray(value) ? value : [value];
    if (rows.length) files[`${name}.csv`] = strToU8(csvOf(rows as Record<string, unknown>[]));
  }
  return { filename: `kizuna-data-${now.toISOString().slice(0, 10)}.zip`, bytes: zipSync(files, { level: 6 }) };
}

/** What the data page shows: whether deletion is asked for, and whether a membership still renews by itself. */
export async function getDataPage(db: DbOrTx, personId: string) {
  const [person, live] = await Promise.all([getPersonById(db, personId), listLiveSubscriptions(db, personId)]);
  return person ? { deletionRequestedAt: person.deletionRequestedAt, liveSubscription: live.length > 0 } : null;
}

/** The signed-in person's data as a zip, audited; null when there is no such person. */
export async function downloadPersonData(db: Database, personId: string, ip: string | null) {
  const data = await collectPersonData(db, personId);
  if (!data) return null;
  await writeAudit(db, { actorStaffUserId: null, action: "person.data_download", subjectType: "person", subjectId: personId, ip });
  return dataZip(data);
}

/** The member asks for deletion (or withdraws the request, until staff act); audited. */
export async function setDeletionRequest(
  db: Database,
  personId: string,
  requested: boolean,
  ip: string | null,
): Promise<"requested" | "withdrawn" | "unchanged"> {
  return db.transaction(async (tx) => {
    const person = await lockPerson(tx, personId);
    if (!person || person.anonymisedAt || Boolean(person.deletionRequestedAt) === requested) return "unchanged";
    await setDeletionRequested(tx, personId, requested ? new Date() : null);
    await writeAudit(tx, {
      actorStaffUserId: null,
      action: requested ? "person.deletion_request" : "person.deletion_withdraw",
      subjectType: "person",
      subjectId: personId,
      ip,
    });
    return requested ? "requested" : "withdrawn";
  });
}

/**
 * Staff anonymise a person (on request or otherwise, with a reason). Refused while one of their
 * memberships is still billed by a live Stripe subscription: staff cancel it first (the member
 * page's Cancel), so nothing is charged to a person who no longer exists here.
 */
export async function anonymisePersonAsStaff(ctx: { db: Database; env: Env }, actor: StaffActor, memberId: string, input: { reason: string }) {
  const person = await getPersonById(ctx.db, memberId);
  if (!person) throw new ActionError("form", "notFound");
  if (person.anonymisedAt) throw new ActionError("form", "alreadyAnonymised");
  if ((await listLiveSubscriptions(ctx.db, memberId)).length > 0) throw new ActionError("form", "liveSubscription");
  await ctx.db.transaction(async (tx) => {
    const locked = await lockPerson(tx, memberId);
    if (!locked || locked.anonymisedAt) throw new ActionError("form", "alreadyAnonymised");
    const counts = await anonymisePersonRows(tx, locked, new Date());
    await writeAudit(tx, {
      actorStaffUserId: actor.staff.id,
      action: "person.anonymise",
      subjectType: "person",
      subjectId: memberId,
      details: { reason: input.reason, requested: Boolean(locked.deletionRequestedAt), ...counts },
      ip: actor.ip,
    });
  });
}

/** Deletion requests staff have not carried out yet, oldest first (the staff dashboard). */
export function pendingDeletionRequests(db: DbOrTx) {
  return listDeletionRequests(db);
}

/** Receipts of anonymised people issued more than RECORD_RETENTION_YEARS ago stop printing who paid. */
export function purgeExpiredRecords(db: DbOrTx, env: Env, now = new Date()): Promise<number> {
  const cutoff = new Date(now);
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - env.RECORD_RETENTION_YEARS);
  return scrubExpiredReceipts(db, cutoff);
}

/** Hourly in every instance (the update is idempotent: a scrubbed receipt is not matched again). */
export function scheduleRecordPurge(db: Database, env: Env, everyMs = 3_600_000): () => void {
  const tick = () =>
    purgeExpiredRecords(db, env)
      .then((n) => n > 0 && console.log(`privacy: ${n} receipt(s) past the ${env.RECORD_RETENTION_YEARS}-year retention no longer name their payer`))
      .catch((error: unknown) => console.error("privacy: record purge failed", error));
  const timer = setInterval(tick, everyMs);
  timer.unref();
  setTimeout(tick, 5_000).unref();
  return () => clearInterval(timer);
}
