/** /account/sign-out (POST): ends the member's session here, or every session of theirs ("everywhere"). */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { requireSameOrigin } from "~/modules/auth/auth.server";
import { endMemberSession } from "~/modules/auth/member-auth.server";
import { localePath } from "~/modules/i18n/i18n";
import { requireLocale } from "~/modules/i18n/i18n.server";

/** Signing out is a form's POST (never a link a crawler could follow): a GET goes to the member home. */
export function loader({ params }: LoaderFunctionArgs) {
  throw redirect(localePath(requireLocale(params), "/account"));
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = requireLocale(params);
  requireSameOrigin(request, context);
  const everywhere = (await request.formData()).get("scope") === "everywhere";
  const cookie = await endMemberSession(request, context, { everywhere });
  const to = `${localePath(locale, "/account/sign-in")}?signed-out=${everywhere ? "everywhere" : "here"}`;
  throw redirect(to, { headers: { "Set-Cookie": cookie } });
}
