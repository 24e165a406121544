/** GET /staff/donations/statement?donor=<id>&year=2026&fiscal=calendar|april: a donor's giving statement as a PDF, on demand. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { writeAudit } from "~/modules/audit/audit.server";
import { requireStaff } from "~/modules/auth/auth.server";
import { renderStatementPdf, statementPdfResponse } from "~/modules/donations/statement-pdf.server";
import { buildGivingStatement } from "~/modules/donations/statements.server";
import { issuerFromEnv } from "~/modules/receipts/receipts.server";

const Params = z.object({
  donor: z.uuid(),
  year: z.coerce.number().int().min(2000).max(2100),
  fiscal: z.enum(["calendar", "april"]).default("calendar"),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, context, "read");
  const parsed = Params.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success)
    return new Response("donor (uuid), year and fiscal (calendar|april) are required / 寄付者・年・区切りを指定してください\n", {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  const { donor, year, fiscal } = parsed.data;
  const statement = await buildGivingStatement(context.db, donor, year, fiscal);
  if (!statement) throw new Response("Not Found", { status: 404 });
  const pdf = await renderStatementPdf(statement.data, statement.locale, issuerFromEnv(context.env));
  await writeAudit(context.db, {
    actorStaffUserId: staff.id,
    action: "donations.statement",
    subjectType: "person",
    subjectId: donor,
    details: { year, fiscal },
    ip: context.clientIp ?? null,
  });
  return statementPdfResponse(pdf, year, fiscal);
}
