/**
 * Member exports: exactly the rows the list's filters select, streamed from PostgreSQL, so
 * memory stays flat however many rows. CSV is PostgreSQL's own CSV writer (`COPY (SELECT …) TO
 * STDOUT`, csv-copy.server.ts) with labels, formula neutralising and the mailing address
 * computed in the SELECT, record ends made CRLF, UTF-8 BOM and header (csv-stringify) in front.
 * XLSX reads a cursor into exceljs's streaming WorkbookWriter (inline strings). The header row
 * leaves at once, before the first row is read. One audit_log row per export: written when it
 * starts, completed with the row count when it ends.
 */
import { PassThrough, type Readable, type Writable } from "node:stream";
import { finished, pipeline } from "node:stream/promises";
import { stringify } from "csv-stringify";
import { stringify as stringifySync } from "csv-stringify/sync";
import type postgres from "postgres";
import type { Database } from "../../../db/client";
import type { Locale, StaffUser } from "../../../db/schema";
import { writeAudit } from "../audit/audit.server";
import { minorUnitDigits, type CurrencyCode } from "../i18n/format";
import { dictionary } from "../i18n/i18n";
import type { MemberFilter } from "../members/members.schema";
import { CsvRecordEnds, inlineParams, labelSql, neutralisedSql, postalAddressSql, sqlLiteral } from "./csv-copy.server";
import { memberExportQuery, updateAuditDetails } from "./exports.queries.server";
import { regionName, regionNamesByCountry } from "../people/regions";
import { formatPostalAddress, PREFECTURES_JA } from "./regions";

export type ExportFormat = "csv" | "xlsx";
export type ExportPreset = "roll" | "mailing" | "finance" | "corporate";

const ROLL = [
  "familyName",
  "givenName",
  "familyNameKana",
  "givenNameKana",
  "organisation",
  "email",
  "type",
  "tier",
  "status",
  "joined",
  "renews",
  "country",
  "region",
  "city",
  "partnership",
  "language",
] as const;
export const PRESET_COLUMNS: Record<ExportPreset, readonly string[]> = {
  roll: ROLL,
  mailing: [...ROLL, "postalCode", "addressLine1", "addressLine2", "mailingAddress"],
  finance: [...ROLL, "lastPaymentDate", "lastPaymentAmount", "lastPaymentCurrency", "receiptNumber"],
  corporate: [
    "organisationEn",
    "organisationJa",
    "organisationKana",
    "corporateNumber",
    "website",
    "tier",
    "status",
    "joined",
    "renews",
    "seatsUsed",
    "seatCount",
    "poNumber",
    "primaryContactName",
    "primaryContactEmail",
    "billingContactName",
    "billingContactEmail",
    "organisationCountry",
    "organisationRegion",
    "organisationCity",
  ],
};

/** Columns that are numbers, and days (YYYY-MM-DD): XLSX writes them as numbers and dates. */
const NUMERIC_COLUMNS = new Set(["seatsUsed", "seatCount"]);
const DATE_COLUMNS = new Set(["joined", "renews", "lastPaymentDate"]);

/**
 * Rows per cursor fetch (XLSX and the donations export). Small: a batch lives while the next is
 * fetched and exceljs works through it, long enough to be promoted out of V8's young generation;
 * 250 rather than 2,000 kept the 100,000-member XLSX's peak JS heap at 126 MB instead of 153 MB
 * (peak RSS 215 MB instead of 226 MB) at no measurable cost in time.
 */
export const CURSOR_BATCH = 250;
/** PostgreSQL sort memory for one export's session (the database server's, not the app's). */
export const EXPORT_WORK_MEM = "256MB";

/** OWASP "CSV injection": a cell a spreadsheet would run as a formula gets a leading quote. */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** XML 1.0 cannot hold most control characters; XLSX cells drop them (tab and newlines stay). */
function xmlSafe(value: string): string {
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(value)
    ? value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
    : value;
}

export function exportFilename(format: ExportFormat, preset: ExportPreset, now = new Date()): string {
  const stamp = now.toISOString().slice(0, 16).replace(/[-:]/g, "").replace("T", "-");
  return `members-${preset}-${stamp}.${format}`;
}

type Row = Record<string, unknown>;

/** Turns a database row into the preset's cells (strings, or numbers for amounts in XLSX). */
function cellMaker(preset: ExportPreset, locale: Locale) {
  const t = dictionary(locale).staff;
  const columns = PRESET_COLUMNS[preset];
  const typeLabel: Record<string, string> = { individual: t.list.individual, corporate: t.list.corporate };
  return (row: Row): ExportCell[] =>
    columns.map((column) => {
      switch (column) {
        case "type":
          return typeLabel[row.type as string] ?? (row.type as string);
        case "status":
          return t.statuses[row.status as string] ?? (row.status as string);
        case "language":
          return row.language ? (t.languages[row.language as string] ?? (row.language as string)) : null;
        case "mailingAddress":
          return formatPostalAddress(row as never);
        case "region":
          return regionName(row.country as string | null, row.region as string | null, locale);
        case "organisationRegion":
          return regionName(row.organisationCountry as string | null, row.organisationRegion as string | null, locale);
        case "lastPaymentAmount": {
          const amount = row.lastPaymentAmount as number | null;
          const currency = row.lastPaymentCurrency as CurrencyCode | null;
          if (amount === null || amount === undefined || !currency) return null;
          return { amount, currency };
        }
        default: {
          const value = row[column];
          if (value === null || value === undefined) return null;
          if (DATE_COLUMNS.has(column)) return { date: String(value) };
          return NUMERIC_COLUMNS.has(column) ? Number(value) : String(value);
        }
      }
    });
}

export interface ExportRequest {
  staff: Pick<StaffUser, "id" | "locale">;
  filter: MemberFilter;
  format: ExportFormat;
  preset: ExportPreset;
  ip?: string | null;
  /** Filters as the list's query string, for the audit entry. */
  queryString?: string;
}

export interface ExportStream {
  body: Readable;
  contentType: string;
  filename: string;
  auditId: number;
  /** Settles with the row count when the last byte has been produced. */
  done: Promise<number>;
}

/** Starts an export: writes its audit entry and returns the file as a Node stream. */
export async function exportMembers(db: Database, request: ExportRequest): Promise<ExportStream> {
  const { staff, filter, format, preset } = request;
  const locale = staff.locale;
  const columns = PRESET_COLUMNS[preset];
  const auditId = await writeAudit(db, {
    actorStaffUserId: staff.id,
    action: "export.members",
    subjectType: "members",
    details: { format, preset, columns, filters: stripUndefined(filter), query: request.queryString ?? "", rowCount: null, status: "started" },
    ip: request.ip ?? null,
  });

  const query = memberExportQuery(filter, locale, { lastPayment: preset === "finance", corporate: preset === "corporate" });
  const header = columns.map((c) => dictionary(locale).staff.columns[c] ?? c);
  const filename = exportFilename(format, preset);
  if (format === "csv") {
    const copySql = `select ${columns.map((c) => csvCellSql(c, locale)).join(", ")} from (${inlineParams(query)}) s`;
    return copyCsvExport(db, { copySql, header, auditId, filename });
  }
  const cells = cellMaker(preset, locale);
  return streamExport(db, { query, header, cells, format, auditId, filename, sheetName: dictionary(locale).staff.list.title });
}

/** regionName in SQL: a known prefecture's or state's name in the staff user's language, else the region as stored. */
function regionNameSql(country: string, region: string, locale: Locale): string {
  const code = `case when ${country} = 'JP' and btrim(${region}) ~ '^[0-9]{1,2}$' then lpad(btrim(${region}), 2, '0') else upper(btrim(${region})) end`;
  return `coalesce((${sqlLiteral(JSON.stringify(regionNamesByCountry(locale)))}::jsonb -> ${country}::text) ->> (${code}), ${region}::text)`;
}

/** Currencies' minor-unit digits, as a CASE over a currency column. */
function amountSql(amount: string, currency: string): string {
  const digits = (["USD", "JPY"] as const).map((c) => `when ${sqlLiteral(c)} then ${minorUnitDigits(c)}`).join(" ");
  return `case when ${amount} is not null and ${currency} is not null then
    round(${amount}::numeric / 10 ^ (case ${currency}::text ${digits} else 2 end), case ${currency}::text ${digits} else 2 end)::text end`;
}

/** Text that can never start a formula needs no neutralising (dates, counts, our own labels). */
const SAFE_COLUMNS = new Set(["joined", "renews", "lastPaymentDate", "seatsUsed", "seatCount"]);

/**
 * One CSV cell over the member SELECT's row `s`, as the cursor path's cellMaker wrote it:
 * labels in the staff user's language, amounts in major units, the mailing address, and a
 * leading `'` on anything a spreadsheet would run as a formula.
 */
function csvCellSql(column: string, locale: Locale): string {
  const t = dictionary(locale).staff;
  const ref = `s."${column.replace(/"/g, '""')}"`;
  // Labels are ours, but pass them through the same neutralising as data, in JavaScript.
  const labels = (map: Record<string, string>) => Object.fromEntries(Object.entries(map).map(([k, v]) => [k, neutraliseFormula(v)]));
  switch (column) {
    case "type":
      return labelSql(ref, labels({ individual: t.list.individual, corporate: t.list.corporate }));
    case "status":
      return labelSql(ref, labels(t.statuses));
    case "language":
      return labelSql(ref, labels(t.languages));
    case "mailingAddress":
      return neutralisedSql(postalAddressSql("s", PREFECTURES_JA));
    case "region":
      return neutralisedSql(regionNameSql(`s."country"`, ref, locale));
    case "organisationRegion":
      return neutralisedSql(regionNameSql(`s."organisationCountry"`, ref, locale));
    case "lastPaymentAmount":
      return neutralisedSql(amountSql(`s."lastPaymentAmount"`, `s."lastPaymentCurrency"`));
    default:
      return SAFE_COLUMNS.has(column) ? `${ref}::text` : neutralisedSql(`${ref}::text`);
  }
}

/**
 * The CSV export: BOM and translated header at once, then the COPY's bytes with CRLF record
 * ends, with backpressure from the client down to the database socket. A client that goes
 * away cancels the COPY; the connection goes back to the pool once PostgreSQL has answered.
 */
function copyCsvExport(db: Database, spec: { copySql: string; header: string[]; auditId: number; filename: string }): ExportStream {
  const client = (db as Database & { $client: postgres.Sql }).$client;
  const { done, finish } = auditFinisher(db, spec.auditId);
  const records = new CsvRecordEnds();
  const body = new PassThrough({ highWaterMark: 256 * 1024 });
  body.write(stringifySync([spec.header], { bom: true, record_delimiter: "windows", quoted_match: /[\r\n]/ }));

  (async () => {
    const connection = await client.reserve();
    let copy: Readable | undefined;
    let cancelled: Promise<unknown> | undefined;
    try {
      if (body.destroyed) throw new Error("export aborted");
      // A connection of its own with room to sort in memory (the default work_mem would sort a
      // large export on disk), and literals where a backslash is only a backslash.
      await connection.unsafe(`set work_mem = '${EXPORT_WORK_MEM}'; set standard_conforming_strings = on`);
      if (body.destroyed) throw new Error("export aborted");
      const query = connection.unsafe(`copy (${spec.copySql}) to stdout with (format csv)`);
      copy = await query.readable();
      const stream = copy;
      await new Promise<void>((resolve, reject) => {
        let settled = false;
        let waiting = false; // for the client to drain
        const pump = () => {
          if (waiting) return;
          // read() hands over everything buffered as one Buffer: one conversion and one write per
          // socket read, not per row (PostgreSQL sends each row as a message of its own).
          let chunk: Buffer | null;
          while (!body.destroyed && (chunk = stream.read() as Buffer | null) !== null) {
            if (!body.write(records.convert(chunk))) {
              waiting = true;
              body.once("drain", () => {
                waiting = false;
                pump();
              });
              return;
            }
          }
        };
        const abort = () => {
          if (settled) return;
          settled = true;
          stream.off("readable", pump);
          // Cancel the statement, then read on (discarding) so the driver reaches PostgreSQL's
          // answer; the COPY stream closes when the connection is ready again.
          cancelled = Promise.resolve(query.cancel()).catch(() => {});
          stream.on("data", () => {});
          stream.once("close", () => reject(new Error("export aborted")));
          stream.resume();
        };
        stream.on("readable", pump);
        stream.on("error", (error) => {
          if (settled) return;
          settled = true;
          reject(error);
        });
        stream.once("end", () => {
          if (settled) return;
          settled = true;
          body.off("close", abort);
          body.end();
          resolve();
        });
        body.once("close", abort);
      });
      await finished(body, { readable: false }); // every byte handed to the response
    } finally {
      if (copy) resumeAfterCopy(copy);
      // A cancel request travels on a connection of its own: let it land before this
      // connection runs anything else, so it cannot stop the next statement instead.
      await cancelled;
      await connection.unsafe("reset work_mem; reset standard_conforming_strings").catch(() => {});
      connection.release();
    }
  })().then(
    () => finish(records.records),
    (error: unknown) => {
      // Destroyed with the error, the response is cut off (no last chunk): the download fails
      // visibly instead of ending as a well-formed file with only some of its rows.
      body.destroy(asError(error));
      return finish(records.records, error ?? new Error("export aborted"));
    },
  );
  return { body, contentType: "text/csv; charset=utf-8", filename: spec.filename, auditId: spec.auditId, done };
}

/**
 * postgres.js pauses the socket when a COPY stream's buffer is full; when the last rows and
 * CopyDone arrive in that same socket read, the stream ends with the socket still paused and
 * the next query on the connection never gets its answer (porsager/postgres#499, fix proposed in
 * #1016). The stream's own read hook is what resumes the socket: call it once more after the
 * end (harmless when the socket is flowing).
 */
function resumeAfterCopy(copy: Readable): void {
  (copy as Readable & { _read: (size: number) => void })._read(0);
}

/** The export's `done` promise, and the function that completes its audit entry with the row count. */
function auditFinisher(db: Database, auditId: number) {
  let resolveDone!: (n: number) => void;
  let rejectDone!: (e: unknown) => void;
  const done = new Promise<number>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  done.catch(() => {});
  const finish = async (rowCount: number, error?: unknown) => {
    const status = error ? "failed" : "completed";
    await updateAuditDetails(db, auditId, { rowCount, status, ...(error ? { error: String(error).slice(0, 300) } : {}) }).catch(() => {});
    if (error) rejectDone(error);
    else resolveDone(rowCount);
  };
  return { done, finish };
}

/** What streamExport writes: a query's rows as cells under a header, in a format, for an audit entry already written. */
/**
 * One exported value: text, a number, a day (YYYY-MM-DD) or an amount in minor units. CSV
 * writes each as text (an amount in major units: 80.00); XLSX as a string, a number, a date
 * cell and a number cell, each with its format.
 */
export type ExportCell = string | number | null | { date: string } | { amount: number; currency: CurrencyCode };

/** A cell as CSV text. */
function cellText(cell: ExportCell): string | null {
  if (cell === null || typeof cell === "string") return cell;
  if (typeof cell === "number") return String(cell);
  if ("date" in cell) return cell.date;
  const digits = minorUnitDigits(cell.currency);
  return (cell.amount / 10 ** digits).toFixed(digits);
}

const XLSX_FORMATS = { date: "yyyy-mm-dd", USD: "#,##0.00", JPY: "#,##0" } as const;

/** A cell as exceljs takes it: a Date (UTC midnight: Excel days have no zone) or a number, with its format. */
function xlsxCell(cell: ExportCell): { value: string | number | Date | null; numFmt?: string } {
  if (cell === null || typeof cell === "number") return { value: cell };
  if (typeof cell === "string") return { value: xmlSafe(cell) };
  if ("date" in cell) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(cell.date);
    return m ? { value: new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))), numFmt: XLSX_FORMATS.date } : { value: xmlSafe(cell.date) };
  }
  return { value: cell.amount / 10 ** minorUnitDigits(cell.currency), numFmt: XLSX_FORMATS[cell.currency] };
}

/** Characters a spreadsheet column needs for the text: wide (CJK) characters count two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += ch.codePointAt(0)! >= 0x1100 ? 2 : 1;
  return width;
}

/** Column widths from the header and the first rows (the sheet is streamed: later rows are not known yet), 8 to 50 wide. */
function columnWidths(header: string[], rows: ExportCell[][]): number[] {
  return header.map((title, i) => {
    let widest = displayWidth(title);
    for (const row of rows) {
      const text = cellText(row[i] ?? null) ?? "";
      for (const line of text.split("\n"))
        widest = Math.max(widest, displayWidth(line) + (typeof row[i] === "object" && row[i] !== null && "amount" in row[i]! ? 2 : 0));
    }
    return Math.min(50, Math.max(8, widest + 2));
  });
}

export interface StreamExportSpec {
  query: { sql: string; params: unknown[] };
  header: string[];
  cells: (row: Row) => ExportCell[];
  format: ExportFormat;
  auditId: number;
  filename: string;
  sheetName: string;
}

/**
 * Streams any query's rows from a cursor into CSV (BOM, CRLF, formulas neutralised) or XLSX,
 * completing the audit entry with the row count (members and donations exports alike).
 */
export function streamExport(db: Database, spec: StreamExportSpec): ExportStream {
  const { query, header, cells, format, auditId } = spec;
  const client = (db as Database & { $client: postgres.Sql }).$client;

  let rowCount = 0;
  const auditDone = auditFinisher(db, auditId);
  const done = auditDone.done;
  const finish = (error?: unknown) => auditDone.finish(rowCount, error);

  /** Cursor batches, the next one already being fetched while the current one is written. */
  async function* batches(): AsyncGenerator<Row[]> {
    // A connection of its own, with room to sort in memory: a cursor runs without parallel
    // workers, and the default work_mem would sort a large export on disk.
    const connection = await client.reserve();
    await connection.unsafe(`set work_mem = '${EXPORT_WORK_MEM}'`);
    const cursor = connection.unsafe(query.sql, query.params as postgres.ParameterOrJSON<never>[]).cursor(CURSOR_BATCH);
    const it = cursor[Symbol.asyncIterator]();
    let pending: Promise<IteratorResult<unknown>> | undefined;
    try {
      pending = it.next();
      for (;;) {
        const next = await pending;
        if (next.done) {
          pending = undefined;
          return;
        }
        pending = it.next();
        yield next.value as Row[];
      }
    } finally {
      // Stopped early (the client went away): let the fetch in flight land, then close the cursor.
      if (pending) await pending.catch(() => {});
      await it.return?.();
      await connection.unsafe("reset work_mem").catch(() => {});
      connection.release();
    }
  }

  if (format === "csv") {
    // csv-stringify quotes a field holding the record delimiter (CRLF) but not a bare LF or CR;
    // Excel would start a new row there, so those are quoted too (RFC 4180).
    const stringifier = stringify({ bom: true, record_delimiter: "windows", quoted_match: /[\r\n]/ });
    const body = new PassThrough({ highWaterMark: 256 * 1024 });
    const piped = pipeline(stringifier, body);
    piped.catch(() => {}); // a client that goes away ends the export below, not as an unhandled rejection
    const drained = () =>
      new Promise<void>((resolve, reject) => {
        if (body.destroyed || stringifier.destroyed) return reject(new Error("export aborted"));
        const onDrain = () => {
          body.off("close", onClose);
          stringifier.off("close", onClose);
          resolve();
        };
        const onClose = () => {
          stringifier.off("drain", onDrain);
          reject(new Error("export aborted"));
        };
        stringifier.once("drain", onDrain);
        body.once("close", onClose);
        stringifier.once("close", onClose);
      });
    (async () => {
      stringifier.write(header); // the BOM and header leave before the first row is read
      for await (const batch of batches()) {
        if (body.destroyed || stringifier.destroyed) throw new Error("export aborted");
        let ok = true;
        for (const row of batch) {
          rowCount++;
          ok = stringifier.write(
            cells(row).map((cell) => {
              const text = cellText(cell);
              return text === null ? null : neutraliseFormula(text);
            }),
          );
        }
        if (!ok) await drained();
      }
      stringifier.end();
      await piped;
    })().then(
      () => finish(),
      (error: unknown) => {
        stringifier.destroy();
        body.destroy(asError(error)); // the response is cut off, never a short file that looks whole
        return finish(error ?? new Error("export aborted"));
      },
    );
    return { body, contentType: "text/csv; charset=utf-8", filename: spec.filename, auditId, done };
  }

  const body = new PassThrough({ highWaterMark: 256 * 1024 });
  (async () => {
    const { default: ExcelJS } = await import("exceljs"); // ~0.2 s to import: on the first XLSX, not at start-up
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: body, useStyles: true, useSharedStrings: false });
    // The header row stays in view and filters; columns are as wide as the header and the first rows need.
    const sheet = workbook.addWorksheet(spec.sheetName, { views: [{ state: "frozen", ySplit: 1 }] });
    sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: header.length } };
    const source = batches();
    let first: ExportCell[][] | undefined;
    const writeRow = (values: ExportCell[]) => {
      const row = sheet.addRow([]);
      values.forEach((value, i) => {
        const { value: v, numFmt } = xlsxCell(value);
        const cell = row.getCell(i + 1);
        cell.value = v;
        if (numFmt) cell.numFmt = numFmt;
      });
      row.commit();
    };
    for await (const batch of source) {
      const rows = batch.map(cells);
      if (!first) {
        first = rows;
        sheet.columns = columnWidths(header, rows).map((width) => ({ width }));
        const headerRow = sheet.addRow(header);
        headerRow.font = { bold: true };
        headerRow.commit();
      }
      for (const row of rows) {
        rowCount++;
        writeRow(row);
      }
      await zipCaughtUp(sheet, body);
      if (body.destroyed) throw new Error("export aborted");
    }
    if (!first) {
      sheet.columns = columnWidths(header, []).map((width) => ({ width }));
      const headerRow = sheet.addRow(header);
      headerRow.font = { bold: true };
      headerRow.commit();
    }
    sheet.commit();
    await workbook.commit();
  })().then(
    () => finish(),
    (error: unknown) => {
      body.destroy(asError(error));
      return finish(error);
    },
  );
  return {
    body,
    contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    filename: spec.filename,
    auditId,
    done,
  };
}

/**
 * exceljs's WorkbookWriter writes rows into the zip without backpressure: when deflate (or the
 * client) is slower than the database, compressed-to-be XML piles up in memory. Before the next
 * batch, wait until the zip entry's input and our output are both below a megabyte.
 */
async function zipCaughtUp(sheet: unknown, body: PassThrough): Promise<void> {
  // The sheet's StreamBuf pipes into archiver's entry stream (readable-stream, whose buffered
  // byte count is _writableState.length).
  const entryInput = (sheet as { stream?: { pipes?: (Writable & { _writableState?: { length: number } })[] } }).stream?.pipes?.[0];
  const pending = () => entryInput?._writableState?.length ?? entryInput?.writableLength ?? 0;
  for (;;) {
    if (body.destroyed) return;
    const backlog = pending() > 1 << 20 ? entryInput! : body.writableLength > 1 << 20 ? body : null;
    if (!backlog) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        backlog.off("drain", done);
        body.off("close", done);
        resolve();
      };
      backlog.once("drain", done);
      body.once("close", done);
      setTimeout(done, 5);
    });
  }
}

const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error ?? "export aborted")));

function stripUndefined(o: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** Content-Disposition with an ASCII fallback name. */
export function attachmentHeader(filename: string): string {
  return `attachment; filename="${filename}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
