/**
 * The language switch: `/language?to=ja&next=/membership` remembers the choice in a cookie
 * and sends the reader to the same page in that language. Works without JavaScript.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { languageCookie, localePath, splitLocalePath } from "~/modules/i18n/i18n";

const LanguageQuerySchema = z.object({
  to: z.enum(["en", "ja"]),
  // Only a path on this site: no scheme, no `//host`, no backslash tricks.
  next: z
    .string()
    .max(2000)
    .regex(/^\/(?![/\\])[^\s\\]*$/)
    .catch("/"),
});

export function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const parsed = LanguageQuerySchema.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) {
    return new Response("Choose a language: to=en or to=ja. / 言語を指定してください（to=en または to=ja）。", {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  const { to, next } = parsed.data;
  const { path } = splitLocalePath(next);
  return redirect(localePath(to, path), {
    headers: { "Set-Cookie": languageCookie(to, context.env.NODE_ENV === "production") },
  });
}
