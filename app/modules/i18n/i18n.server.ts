import { localeFromParam, type Locale } from "./i18n";

/** The locale of a `($lang)` route, or a 404 for a segment that is not a language of ours. */
export function requireLocale(params: { lang?: string }): Locale {
  const locale = localeFromParam(params.lang);
  if (!locale) throw new Response("Not Found", { status: 404 });
  return locale;
}
