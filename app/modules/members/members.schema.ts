/**
 * The member list's query string: every filter, the sort and the page, parsed with zod.
 * The same parse feeds the list and its exports, so an export holds exactly the listed rows.
 * Safe for the browser.
 */
import { z } from "zod";
import { isoDate as isoDay } from "../i18n/iso-date";

export const MEMBERSHIP_STATUSES = ["pending", "active", "past_due", "lapsed", "canceled", "comped"] as const;
export const SORTS = ["name", "joined", "renews", "status"] as const;
export const PAGE_SIZE = 50;

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const opt = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
const isoDate = isoDay("use a real date, YYYY-MM-DD");

export const MemberQuerySchema = z.object({
  q: opt(z.string().max(100, "at most 100 characters")),
  type: opt(z.enum(["individual", "corporate"])),
  tier: opt(z.coerce.number().int().positive().max(2_147_483_647)),
  status: opt(z.enum(MEMBERSHIP_STATUSES)),
  country: opt(
    z
      .string()
      .regex(/^[A-Za-z]{2}$/, "two letters, e.g. US or JP")
      .transform((s) => s.toUpperCase()),
  ),
  region: opt(z.string().max(40)),
  partnership: opt(z.coerce.number().int().positive().max(2_147_483_647)),
  lang: opt(z.enum(["en", "ja"])),
  joinedFrom: opt(isoDate),
  joinedTo: opt(isoDate),
  renewsFrom: opt(isoDate),
  renewsTo: opt(isoDate),
  sort: opt(z.enum(SORTS)).default("name"),
  dir: opt(z.enum(["asc", "desc"])).default("asc"),
  page: opt(z.coerce.number().int().min(1).max(100_000)).default(1),
});
export type MemberQuery = z.infer<typeof MemberQuerySchema>;
export type MemberFilter = Omit<MemberQuery, "page">;

export interface QueryProblem {
  field: string;
  message: string;
}

/**
 * Parses the query string. A bad value is dropped (the rest still apply) and reported, so a
 * mistyped bookmark shows a clear message instead of failing.
 */
export function parseMemberQuery(params: URLSearchParams): { query: MemberQuery; problems: QueryProblem[] } {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(MemberQuerySchema.shape)) {
    const value = params.get(key);
    if (value !== null) raw[key] = value;
  }
  const problems: QueryProblem[] = [];
  let result = MemberQuerySchema.safeParse(raw);
  while (!result.success) {
    const issue = result.error.issues[0]!;
    const field = String(issue.path[0] ?? "");
    if (!(field in raw)) throw new Error(`member query: unexpected issue ${issue.message}`);
    problems.push({ field, message: `${field}=${JSON.stringify(raw[field]).slice(0, 60)}: ${issue.message}` });
    delete raw[field];
    result = MemberQuerySchema.safeParse(raw);
  }
  return { query: result.data, problems };
}

/** The query string for a filter (defaults left out), for links, pagination and exports. */
export function memberQueryString(query: Partial<MemberQuery>, overrides: Partial<MemberQuery> = {}): string {
  const merged = { ...query, ...overrides } as Record<string, unknown>;
  const out = new URLSearchParams();
  for (const key of Object.keys(MemberQuerySchema.shape)) {
    const value = merged[key];
    if (value === undefined || value === null || value === "") continue;
    if (key === "sort" && value === "name") continue;
    if (key === "dir" && value === "asc") continue;
    if (key === "page" && value === 1) continue;
    out.set(key, String(value));
  }
  return out.toString();
}

/** Search text as the index holds it: NFKC (full-width romaji → ASCII), katakana → hiragana, lower case. */
export function normaliseSearch(q: string): string {
  return q
    .normalize("NFKC")
    .replace(/[\u30a1-\u30f6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60))
    .toLowerCase()
    .trim()
    .replace(/\s+/g, " ");
}

export const EXPORT_PRESETS = ["roll", "mailing", "finance", "corporate"] as const;
export const EXPORT_FORMATS = ["csv", "xlsx"] as const;
export const ExportParamsSchema = z.object({
  format: z.enum(EXPORT_FORMATS).default("csv"),
  preset: z.enum(EXPORT_PRESETS).default("roll"),
});
