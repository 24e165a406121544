import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { CsvRecordEnds, inlineParams, sqlLiteral } from "~/modules/exports/csv-copy.server";

/** PostgreSQL's CSV as COPY writes it: LF record ends, a quoted field may hold LF, CRLF or doubled quotes. */
const pgCsv = ['a,"line 1\nline 2",c\n', '"say ""hi""\r\nthere","",x\n', 'plain,"""\n""",\n', "last,,row\n"].join("");

describe("CsvRecordEnds", () => {
  it("makes record ends CRLF and leaves line breaks inside quoted fields alone, however the bytes are split", () => {
    const bytes = Buffer.from(pgCsv);
    const expected = 'a,"line 1\nline 2",c\r\n"say ""hi""\r\nthere","",x\r\nplain,"""\n""",\r\nlast,,row\r\n';
    for (let cut = 0; cut <= bytes.length; cut++) {
      for (const second of [cut, Math.min(bytes.length, cut + 1), Math.min(bytes.length, cut + 7)]) {
        const ends = new CsvRecordEnds();
        const out = Buffer.concat([bytes.subarray(0, cut), bytes.subarray(cut, second), bytes.subarray(second)].map((c) => ends.convert(c)));
        expect(out.toString(), `split at ${cut}/${second}`).toBe(expected);
        expect(ends.records).toBe(4);
      }
    }
    expect(parse(expected, { record_delimiter: "\r\n" })).toEqual([
      ["a", "line 1\nline 2", "c"],
      ['say "hi"\r\nthere', "", "x"],
      ["plain", '"\n"', ""],
      ["last", "", "row"],
    ]);
  });

  it("works byte by byte through multi-byte UTF-8", () => {
    const bytes = Buffer.from('山田,"太郎\n花子"\n');
    const ends = new CsvRecordEnds();
    const out = Buffer.concat([...bytes].map((b) => ends.convert(Buffer.from([b]))));
    expect(out.toString()).toBe('山田,"太郎\n花子"\r\n');
    expect(ends.records).toBe(1);
  });
});

describe("inlining parameters for COPY", () => {
  it("quotes every value as a string literal, doubling quotes and leaving backslashes as they are", () => {
    expect(sqlLiteral("O'Brien")).toBe("'O''Brien'");
    expect(sqlLiteral("a\\'; drop table people; --")).toBe("'a\\''; drop table people; --'");
    expect(sqlLiteral(42)).toBe("'42'");
    expect(sqlLiteral(null)).toBe("null");
    expect(() => sqlLiteral("a\u0000b")).toThrow(/NUL/);
    expect(() => sqlLiteral(Number.NaN)).toThrow();
    expect(() => sqlLiteral({})).toThrow();
  });

  it("replaces each placeholder once, so a value that looks like a placeholder stays a value", () => {
    expect(inlineParams({ sql: "select $1, $2, $10", params: ["$2", "x'", 3, 4, 5, 6, 7, 8, 9, "ten"] })).toBe("select '$2', 'x''', 'ten'");
    expect(() => inlineParams({ sql: "select $2", params: [1] })).toThrow(/\$2/);
  });
});
