/** POST /staff/sign-out ends the staff session. */
import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { endStaffSession, requireSameOrigin } from "~/modules/auth/auth.server";

export function loader() {
  return redirect("/staff");
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request, context);
  return endStaffSession(request, context);
}
