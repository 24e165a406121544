/**
 * Locales: English at `/…`, Japanese at `/ja/…`. Safe for the browser (no server imports).
 */
import { en, type Dictionary } from "./locales/en";
import { ja } from "./locales/ja";

export const LOCALES = ["en", "ja"] as const;
export type Locale = (typeof LOCALES)[number];
export const LANGUAGE_COOKIE = "kizuna_lang";

const dictionaries: Record<Locale, Dictionary> = { en, ja };

export function isLocale(value: unknown): value is Locale {
  return value === "en" || value === "ja";
}

export function dictionary(locale: Locale): Dictionary {
  return dictionaries[locale];
}

/**
 * The locale named by the optional `($lang)` URL segment: none is English, `ja` is Japanese,
 * anything else is not a page of ours (null).
 */
export function localeFromParam(lang: string | undefined): Locale | null {
  if (lang === undefined) return "en";
  if (lang === "ja") return "ja";
  return null;
}

/** `/membership` in `locale`: `/membership` or `/ja/membership`. */
export function localePath(locale: Locale, path: string): string {
  const clean = path.startsWith("/") ? path : `/${path}`;
  if (locale === "en") return clean;
  return clean === "/" ? "/ja" : `/ja${clean}`;
}

/** Splits `/ja/membership?x=1` into its locale and its language-neutral path `/membership?x=1`. */
export function splitLocalePath(pathWithSearch: string): { locale: Locale; path: string } {
  const match = /^\/ja(?=\/|\?|#|$)/.exec(pathWithSearch);
  if (!match) return { locale: "en", path: pathWithSearch || "/" };
  const rest = pathWithSearch.slice(3);
  return { locale: "ja", path: rest === "" || rest.startsWith("?") || rest.startsWith("#") ? `/${rest}` : rest };
}

/**
 * The preferred of our locales in an Accept-Language header, or null when it names neither.
 * `ja-JP,ja;q=0.9,en;q=0.8` → ja.
 */
export function localeFromAcceptLanguage(header: string | null): Locale | null {
  if (!header) return null;
  let best: { locale: Locale; q: number } | null = null;
  for (const part of header.split(",")) {
    const [tag = "", ...params] = part.trim().split(";");
    const primary = tag.trim().toLowerCase().split("-")[0];
    if (!isLocale(primary)) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qParam ? Number.parseFloat(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { locale: primary, q };
  }
  return best?.locale ?? null;
}

export function localeFromCookie(header: string | null): Locale | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const [name, value] = part.trim().split("=");
    if (name === LANGUAGE_COOKIE && isLocale(value)) return value;
  }
  return null;
}

export function languageCookie(locale: Locale, secure: boolean): string {
  return `${LANGUAGE_COOKIE}=${locale}; Path=/; Max-Age=31536000; SameSite=Lax${secure ? "; Secure" : ""}`;
}
