/** GET /staff/donations/export?<the list's filters>&format=csv|xlsx: the "donations" preset, streamed; one audit entry. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { requireStaff } from "~/modules/auth/auth.server";
import { exportDonations, parseDonationQuery } from "~/modules/donations/staff-donations.server";
import { attachmentHeader } from "~/modules/exports/exports.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, context, "export");
  const params = new URL(request.url).searchParams;
  const format = params.get("format") ?? "csv";
  const { problems } = parseDonationQuery(params);
  if ((format !== "csv" && format !== "xlsx") || problems.length) {
    const messages = [...problems.map((p) => p.message), ...(format === "csv" || format === "xlsx" ? [] : ["format must be csv or xlsx"])];
    return new Response(`The export was not started: / 書き出しを開始できませんでした：\n${messages.join("\n")}\n`, {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  const file = await exportDonations(context.db, { staff, params, format, ip: context.clientIp ?? null });
  return new Response(createReadableStreamFromReadable(file.body), {
    headers: {
      "Content-Type": file.contentType,
      "Content-Disposition": attachmentHeader(file.filename),
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
