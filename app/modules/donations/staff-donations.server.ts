/**
 * Donations in the staff console: a filtered list (fund, currency, date range, once/monthly,
 * amount range, tribute, anonymous, donor), the "donations" export preset through the shared
 * streaming exporter (CSV with BOM and neutralised formulas, or XLSX; one audit entry), and a
 * per-fund summary by month and currency (paid minus refunded; months in the association's
 * time zone). Anonymous gifts are listed for staff, marked anonymous.
 */
import { z } from "zod";
import type { Database, DbOrTx } from "../../../db/client";
import type { Locale, StaffUser } from "../../../db/schema";
import { writeAudit } from "../audit/audit.server";
import { streamExport, type ExportFormat, type ExportStream } from "../exports/exports.server";
import { ASSOCIATION_TIME_ZONE, formatPersonName } from "../i18n/format";
import { dictionary } from "../i18n/i18n";
import { getFundsWithProgress, setFundGoal } from "./donations.server";
import { getFundIdBySlug, listFundMonthlyTotals, listFundNames, listStaffDonations, staffDonationsExportQuery } from "./donations.queries.server";
import { isoDate } from "../i18n/iso-date";

const opt = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" || v === null ? undefined : v), schema.optional());
const date = isoDate("must be a real date YYYY-MM-DD");
const major = z.string().regex(/^\d{1,9}(\.\d{1,2})?$/, "must be an amount such as 100 or 25.50");

export const DonationQuerySchema = z.object({
  fund: opt(z.string().max(64)),
  currency: opt(z.enum(["USD", "JPY"])),
  from: opt(date),
  to: opt(date),
  interval: opt(z.enum(["once", "month"])),
  min: opt(major),
  max: opt(major),
  tribute: opt(z.enum(["yes", "no"])),
  anonymous: opt(z.enum(["yes", "no"])),
  donor: opt(z.uuid()),
});
export type DonationQuery = z.infer<typeof DonationQuerySchema>;

export function parseDonationQuery(params: URLSearchParams): { query: DonationQuery; problems: { field: string; message: string }[] } {
  const raw = Object.fromEntries([...params].filter(([k]) => k in DonationQuerySchema.shape));
  const parsed = DonationQuerySchema.safeParse(raw);
  if (parsed.success) return { query: parsed.data, problems: [] };
  const problems = parsed.error.issues.map((i) => ({ field: String(i.path[0]), message: `${String(i.path[0])}: ${i.message}` }));
  const bad = new Set(problems.map((p) => p.field));
  const kept = DonationQuerySchema.parse(Object.fromEntries(Object.entries(raw).filter(([k]) => !bad.has(k))));
  return { query: kept, problems };
}

export interface StaffDonationRow {
  id: string;
  createdAt: string;
  amount: number;
  feeAmount: number;
  currency: "USD" | "JPY";
  interval: "once" | "month";
  status: string;
  anonymous: boolean;
  tributeKind: "honor" | "memory" | null;
  tributeName: string | null;
  personId: string;
  familyName: string;
  givenName: string;
  email: string;
  fundSlug: string;
  fundEn: string;
  fundJa: string;
  paidNet: number;
  receipts: string | null;
}

export async function listDonations(db: DbOrTx, params: URLSearchParams, limit = 200) {
  const { query, problems } = parseDonationQuery(params);
  const result = await listStaffDonations(db, query, limit);
  const rows = result.map((r) => ({
    ...(r as unknown as StaffDonationRow),
    createdAt: new Date(r.createdAt as string).toISOString(),
    paidNet: Number(r.paidNet),
  }));
  const funds = await listFundNames(db);
  return { query, problems, rows, funds: [...funds] };
}

const COLUMNS = ["date", "donor", "email", "anonymous", "fund", "amount", "fee", "currency", "interval", "status", "tribute", "paidNet", "receipts"] as const;

/** The "donations" export preset: the list's rows, streamed, one audit entry. */
export async function exportDonations(
  db: Database,
  request: { staff: Pick<StaffUser, "id" | "locale">; params: URLSearchParams; format: ExportFormat; ip?: string | null },
): Promise<ExportStream> {
  const { query } = parseDonationQuery(request.params);
  const locale: Locale = request.staff.locale;
  const t = dictionary(locale).staffDonations;
  const auditId = await writeAudit(db, {
    actorStaffUserId: request.staff.id,
    action: "export.donations",
    subjectType: "donations",
    details: { format: request.format, preset: "donations", columns: [...COLUMNS], filters: query, rowCount: null, status: "started" },
    ip: request.ip ?? null,
  });
  const statuses = dictionary(locale).donationManage.statuses as Record<string, string>;
  const tokyoDay = new Intl.DateTimeFormat("en-CA", { timeZone: ASSOCIATION_TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" });
  const stamp = new Date().toISOString().slice(0, 16).replace(/[-:]/g, "").replace("T", "-");
  return streamExport(db, {
    query: staffDonationsExportQuery(query),
    header: COLUMNS.map((c) => t.columns[c]),
    cells: (r) => {
      const row = r as unknown as StaffDonationRow;
      return [
        { date: tokyoDay.format(new Date(row.createdAt)) },
        formatPersonName(row, locale),
        row.email,
        row.anonymous ? t.yes : t.no,
        locale === "ja" ? row.fundJa : row.fundEn,
        { amount: row.amount, currency: row.currency },
        { amount: row.feeAmount, currency: row.currency },
        row.currency,
        row.interval === "month" ? t.monthly : t.once,
        statuses[row.status] ?? row.status,
        row.tributeKind ? `${row.tributeKind === "honor" ? t.honor : t.memory}: ${row.tributeName}` : null,
        { amount: Number(row.paidNet), currency: row.currency },
        row.receipts,
      ];
    },
    format: request.format,
    auditId,
    filename: `donations-${stamp}.${request.format}`,
    sheetName: t.title,
  });
}

/** Per fund, per month (Tokyo) and per currency: gifts paid, gross, refunded, net. Currencies never summed. */
export { getFundsWithProgress };

export async function fundMonthlySummary(db: DbOrTx, year: number) {
  const rows = await listFundMonthlyTotals(db, year);
  return rows.map((r) => ({
    slug: r.slug as string,
    name: { en: r.nameEn as string, ja: r.nameJa as string },
    month: r.month as string,
    currency: r.currency as "USD" | "JPY",
    gifts: Number(r.gifts),
    gross: Number(r.gross),
    refunded: Number(r.refunded),
    net: Number(r.gross) - Number(r.refunded),
  }));
}

/** A fund's goal in one currency as staff type it (major units; blank removes the goal). */
export const FundGoalSchema = z.object({
  fund: z.string().min(1, "required").max(64),
  currency: z.enum(["USD", "JPY"], "required"),
  amount: z.preprocess(
    (v) => (typeof v === "string" ? v.replace(/[,\s]/g, "") : ""),
    z.union([z.literal(""), z.string().regex(/^\d{1,10}(\.\d{1,2})?$/, "invalidGoal")]),
  ),
});

/** Sets or removes a fund's goal (per currency), with an audit entry. Returns false for an unknown fund or a bad amount. */
export async function saveFundGoal(
  db: Database,
  staff: Pick<StaffUser, "id">,
  input: z.infer<typeof FundGoalSchema>,
  ip: string | null,
): Promise<"saved" | "unknownFund" | "invalidGoal"> {
  let minor: number | null = null;
  if (input.amount !== "") {
    const [whole, fraction = ""] = input.amount.split(".");
    if (input.currency === "JPY" && fraction.replace(/0/g, "") !== "") return "invalidGoal";
    minor = input.currency === "JPY" ? Number(whole) : Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
    if (!(minor > 0) || !Number.isSafeInteger(minor) || minor > 2_000_000_000) return "invalidGoal";
  }
  if (!(await getFundIdBySlug(db, input.fund))) return "unknownFund";
  await db.transaction(async (tx) => {
    await setFundGoal(tx, input.fund, input.currency, minor);
    await writeAudit(tx, {
      actorStaffUserId: staff.id,
      action: "fund.goal",
      subjectType: "fund",
      subjectId: input.fund,
      details: { currency: input.currency, amount: minor },
      ip,
    });
  });
  return "saved";
}
