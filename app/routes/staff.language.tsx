/** POST /staff/language: the staff user's console language, kept on their record. */
import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { requireStaff, safeNext, setStaffLocale } from "~/modules/auth/auth.server";
import { formStrings } from "~/modules/forms";

const LanguageSchema = z.object({ to: z.enum(["en", "ja"]), next: z.string().max(2000).optional() });

export function loader() {
  return redirect("/staff");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const staff = await requireStaff(request, context, "read");
  const parsed = LanguageSchema.safeParse(formStrings(await request.formData()));
  if (!parsed.success) return new Response("to=en or to=ja / to=en または to=ja", { status: 400 });
  await setStaffLocale(context.db, staff.id, parsed.data.to);
  return redirect(safeNext(parsed.data.next));
}
