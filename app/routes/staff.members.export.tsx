/**
 * GET /staff/members/export?<the list's filters>&format=csv|xlsx&preset=roll|mailing|finance|corporate
 * streams the file. Staff and admins only; each export is one audit entry.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { requireStaff } from "~/modules/auth/auth.server";
import { attachmentHeader, exportMembers } from "~/modules/exports/exports.server";
import { ExportParamsSchema, memberQueryString, parseMemberQuery } from "~/modules/members/members.schema";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, context, "export");
  const params = new URL(request.url).searchParams;
  const exportParams = ExportParamsSchema.safeParse({ format: params.get("format") ?? undefined, preset: params.get("preset") ?? undefined });
  const { query, problems } = parseMemberQuery(params);
  if (!exportParams.success || problems.length) {
    const messages = [
      ...problems.map((p) => p.message),
      ...(exportParams.success ? [] : ["format must be csv or xlsx; preset roll, mailing, finance or corporate"]),
    ];
    return new Response(`The export was not started: / 書き出しを開始できませんでした：\n${messages.join("\n")}\n`, {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  const { page: _page, ...filter } = query;
  const file = await exportMembers(context.db, {
    staff,
    filter,
    format: exportParams.data.format,
    preset: exportParams.data.preset,
    ip: context.clientIp ?? null,
    queryString: memberQueryString(filter),
  });
  return new Response(createReadableStreamFromReadable(file.body), {
    headers: {
      "Content-Type": file.contentType,
      "Content-Disposition": attachmentHeader(file.filename),
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
