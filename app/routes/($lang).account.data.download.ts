/** POST /account/data/download: the signed-in member's data as a zip (JSON and CSV), audited. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { downloadPersonData } from "~/modules/account/data.server";
import { requireSameOrigin } from "~/modules/auth/auth.server";
import { requireMember } from "~/modules/auth/member-auth.server";
import { localePath } from "~/modules/i18n/i18n";
import { requireLocale } from "~/modules/i18n/i18n.server";

/** Opened, not posted (after signing in on the way here, say): the page with the button. */
export function loader({ params }: LoaderFunctionArgs) {
  throw redirect(localePath(requireLocale(params), "/account/data"));
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = requireLocale(params);
  requireSameOrigin(request, context);
  const personId = await requireMember(request, context, locale);
  const zip = await downloadPersonData(context.db, personId, context.clientIp ?? null);
  if (!zip) throw new Response("Not Found", { status: 404 });
  return new Response(Buffer.from(zip.bytes), {
    headers: {
      "Content-Type": "application/zip",
      "Content-Disposition": `attachment; filename="${zip.filename}"`,
      "Content-Length": String(zip.bytes.byteLength),
      "Cache-Control": "private, no-store",
    },
  });
}
