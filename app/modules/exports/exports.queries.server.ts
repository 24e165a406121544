/** Drizzle only: the member export's SELECT as text and parameters, and its audit entry's completion. */
import { eq, sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { DbOrTx } from "../../../db/client";
import { auditLog, type Locale } from "../../../db/schema";
import { memberSelectSql } from "../members/members.queries.server";
import type { MemberFilter } from "../members/members.schema";

const dialect = new PgDialect({ casing: "snake_case" });

/** The member list's SELECT for a filter (with the columns a preset needs), as SQL text and parameters. */
export function memberExportQuery(filter: MemberFilter, locale: Locale, options: Parameters<typeof memberSelectSql>[2]): { sql: string; params: unknown[] } {
  return dialect.sqlToQuery(memberSelectSql(filter, locale, options));
}

/** Merges keys into an audit entry's details. */
export async function updateAuditDetails(db: DbOrTx, auditId: number, details: Record<string, unknown>) {
  await db
    .update(auditLog)
    .set({ details: sql`${auditLog.details} || ${JSON.stringify(details)}::jsonb` })
    .where(eq(auditLog.id, auditId));
}
