/**
 * GET /account/statement?year=2026&fiscal=calendar|april: the signed-in member's giving statement
 * as a PDF, for any calendar or April–March year, in the page's language. Only their own: the
 * person comes from the session, never from the URL.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireMember } from "~/modules/auth/member-auth.server";
import { renderStatementPdf, statementPdfResponse } from "~/modules/donations/statement-pdf.server";
import { buildGivingStatement } from "~/modules/donations/statements.server";
import { dictionary } from "~/modules/i18n/i18n";
import { requireLocale } from "~/modules/i18n/i18n.server";
import { issuerFromEnv } from "~/modules/receipts/receipts.server";

const Query = z.object({
  year: z.coerce.number().int().min(2000).max(2100),
  fiscal: z.enum(["calendar", "april"]).default("calendar"),
});

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const locale = requireLocale(params);
  const personId = await requireMember(request, context, locale);
  const parsed = Query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) {
    return new Response(`${dictionary(locale).account.statementInvalid}\n`, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  const { year, fiscal } = parsed.data;
  const statement = await buildGivingStatement(context.db, personId, year, fiscal);
  if (!statement) throw new Response("Not Found", { status: 404 });
  const pdf = await renderStatementPdf(statement.data, locale, issuerFromEnv(context.env));
  return statementPdfResponse(pdf, year, fiscal);
}
