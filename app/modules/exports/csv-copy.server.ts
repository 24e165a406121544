/**
 * CSV straight from PostgreSQL: `COPY (SELECT …) TO STDOUT WITH (FORMAT csv)` streamed as bytes.
 * PostgreSQL's own CSV writer does the RFC 4180 quoting (any field holding the delimiter, a
 * quote, CR or LF is quoted, quotes doubled), so the rows never become JavaScript objects: the
 * driver's row parsing was most of the export's time. What the cursor path did in JavaScript
 * happens in the SELECT (labels, formula neutralising, amounts, the mailing address), and a
 * small stateful pass turns PostgreSQL's LF record ends into CRLF.
 *
 * COPY takes no bind parameters, so the SELECT's parameters are inlined as string literals
 * (`sqlLiteral`), with standard_conforming_strings set on the session so a backslash is just
 * a backslash.
 */

/** A value as a PostgreSQL string literal: quotes doubled; with standard_conforming_strings on, nothing else is special. */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return "null";
  let text: string;
  if (typeof value === "string") text = value;
  else if (typeof value === "number" && Number.isFinite(value)) text = String(value);
  else if (typeof value === "bigint") text = value.toString();
  else if (typeof value === "boolean") text = value ? "true" : "false";
  else if (value instanceof Date) text = value.toISOString();
  else throw new Error(`sqlLiteral: cannot inline a ${typeof value}`);
  // PostgreSQL text cannot hold NUL; a literal with one would be cut short by the protocol.
  if (text.includes("\u0000")) throw new Error("sqlLiteral: NUL character");
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * A parameterised query ($1, $2, … from drizzle) as one statement with its parameters inlined.
 * One pass over the text, so an inlined value is never scanned again for placeholders.
 * Relies on the query text itself (ours) having no `$n` inside literals or dollar quotes.
 */
export function inlineParams(query: { sql: string; params: unknown[] }): string {
  return query.sql.replace(/\$(\d+)\b/g, (_, n: string) => {
    const index = Number(n) - 1;
    if (index < 0 || index >= query.params.length) throw new Error(`inlineParams: no parameter $${n}`);
    return sqlLiteral(query.params[index]);
  });
}

/** Characters that make a spreadsheet run a cell as a formula (OWASP "CSV injection"): = + - @ tab CR. */
const FORMULA_CODES = "9, 13, 43, 45, 61, 64";

/** A text expression with a leading `'` when it would start a formula; evaluates `expr` twice, so keep it cheap. */
export function neutralisedSql(expr: string): string {
  return `case when ascii(${expr}) in (${FORMULA_CODES}) then '''' || ${expr} else ${expr} end`;
}

/** A CASE mapping a column's values to labels (the value itself when unknown). */
export function labelSql(expr: string, labels: Record<string, string>): string {
  const whens = Object.entries(labels).map(([value, label]) => `when ${sqlLiteral(value)} then ${sqlLiteral(label)}`);
  return whens.length ? `case (${expr})::text ${whens.join(" ")} else (${expr})::text end` : `(${expr})::text`;
}

/**
 * regions.ts formatPostalAddress in SQL over a row with "country", "postalCode", "region",
 * "city", "addressLine1", "addressLine2": Japan large to small after 〒 (prefecture codes as
 * names), elsewhere small to large with the country unless US; blank lines dropped; null when
 * nothing is left.
 */
export function postalAddressSql(row: string, prefectures: readonly string[]): string {
  const col = (name: string) => `nullif(${row}."${name}", '')`;
  const line = (expr: string) => `case when (${expr}) ~ '^\\s*$' then null else (${expr}) end`;
  const region = `btrim(${row}."region")`;
  const prefecture = `case when ${region} ~ '^0*([1-9]|[1-3][0-9]|4[0-7])$' then (array[${prefectures.map(sqlLiteral).join(", ")}])[${region}::int] else ${col("region")} end`;
  const japan = `array_to_string(array[
      ${line(`'〒' || ${col("postalCode")}`)},
      ${line(`concat(${prefecture}, ${col("city")}, ${col("addressLine1")})`)},
      ${line(col("addressLine2"))}], E'\\n')`;
  const elsewhere = `array_to_string(array[
      ${line(col("addressLine1"))},
      ${line(col("addressLine2"))},
      ${line(`concat_ws(', ', ${col("city")}, nullif(concat_ws(' ', ${col("region")}, ${col("postalCode")}), ''))`)},
      case when ${row}."country" <> 'US' then ${line(`${row}."country"::text`)} end], E'\\n')`;
  return `nullif(case when ${row}."country" = 'JP' then ${japan} else ${elsewhere} end, '')`;
}

const LF = 0x0a;
const QUOTE = 0x22;
const CRLF = Buffer.from("\r\n");

/**
 * PostgreSQL's CSV ends each record with LF; Excel and RFC 4180 want CRLF. A line break inside
 * a quoted field (PostgreSQL quotes every field holding CR or LF) stays as it is, so the quote
 * state is carried from one chunk to the next. Counts the records it ends.
 */
export class CsvRecordEnds {
  private inQuotes = false;
  records = 0;

  convert(chunk: Buffer): Buffer {
    // Record ends in this chunk (positions of LFs outside quotes).
    const ends: number[] = [];
    let inQuotes = this.inQuotes;
    let i = 0;
    for (;;) {
      if (inQuotes) {
        const q = chunk.indexOf(QUOTE, i);
        if (q < 0) break;
        inQuotes = false; // a doubled quote closes and reopens: the state comes out right
        i = q + 1;
      } else {
        const q = chunk.indexOf(QUOTE, i);
        const n = chunk.indexOf(LF, i);
        if (n >= 0 && (q < 0 || n < q)) {
          ends.push(n);
          i = n + 1;
        } else if (q >= 0) {
          inQuotes = true;
          i = q + 1;
        } else break;
      }
    }
    this.inQuotes = inQuotes;
    this.records += ends.length;
    if (!ends.length) return chunk;
    const out = Buffer.allocUnsafe(chunk.length + ends.length);
    let from = 0;
    let to = 0;
    for (const n of ends) {
      to += chunk.copy(out, to, from, n);
      to += CRLF.copy(out, to);
      from = n + 1;
    }
    chunk.copy(out, to, from);
    return out;
  }
}
