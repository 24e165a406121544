/**
 * Locales: English at `/…`, Japanese at `/ja/…`. Safe for the browser: there the strings come
 * from loadDictionary (the page's language only; the console's strings only in the console),
 * on the server from locales/all.server.ts.
 */
import type { Dictionary } from "./locales/en";
import { ALL_DICTIONARIES } from "./locales/all.server";

export const LOCALES = ["en", "ja"] as const;
export type Locale = (typeof LOCALES)[number];
export const LANGUAGE_COOKIE = "kizuna_lang";

// On the server every string is here from the start; in the browser (where all.server is an
// empty module) what loadDictionary brought.
const dictionaries: Partial<Record<Locale, Dictionary>> = { ...ALL_DICTIONARIES };

export function isLocale(value: unknown): value is Locale {
  return value === "en" || value === "ja";
}

export function dictionary(locale: Locale): Dictionary {
  const found = dictionaries[locale];
  if (found) return found;
  if (typeof window !== "undefined" && window.sessionStorage?.getItem("kizuna-strings-reload") !== window.location.href) {
    // A client-side navigation into a language (or the console) this page did not load: load the
    // new page whole, which brings its strings (once: never a reload loop).
    window.sessionStorage?.setItem("kizuna-strings-reload", window.location.href);
    window.location.reload();
  }
  throw new Error(`the ${locale} strings are not loaded`);
}

/** The groups the public strings come in (locales/<lang>/<group>.ts); "site" is on every page. */
export type StringGroup = "site" | "join" | "donate" | "sponsor" | "checkout" | "receipts" | "details" | "account" | "accountData";

/** What a route's `handle` says about its strings: the groups it reads, and whether it shows both languages. */
export interface StringsHandle {
  strings?: StringGroup[];
  bothLanguages?: boolean;
  staffConsole?: boolean;
}

const GROUPS: Record<Locale, Record<StringGroup, () => Promise<{ strings: object }>>> = {
  en: {
    site: () => import("./locales/en/site"),
    join: () => import("./locales/en/join"),
    donate: () => import("./locales/en/donate"),
    sponsor: () => import("./locales/en/sponsor"),
    checkout: () => import("./locales/en/checkout"),
    receipts: () => import("./locales/en/receipts"),
    details: () => import("./locales/en/details"),
    account: () => import("./locales/en/account"),
    accountData: () => import("./locales/en/accountData"),
  },
  ja: {
    site: () => import("./locales/ja/site"),
    join: () => import("./locales/ja/join"),
    donate: () => import("./locales/ja/donate"),
    sponsor: () => import("./locales/ja/sponsor"),
    checkout: () => import("./locales/ja/checkout"),
    receipts: () => import("./locales/ja/receipts"),
    details: () => import("./locales/ja/details"),
    account: () => import("./locales/ja/account"),
    accountData: () => import("./locales/ja/accountData"),
  },
};
const STAFF: Record<Locale, () => Promise<object>> = {
  en: () => import("./locales/en.staff").then((m) => m.enStaff),
  ja: () => import("./locales/ja.staff").then((m) => m.jaStaff),
};
const loading = new Map<string, Promise<void>>();

function load(locale: Locale, key: string, get: () => Promise<object>): Promise<void> {
  let pending = loading.get(`${locale}:${key}`);
  if (!pending) {
    pending = get().then((strings) => {
      dictionaries[locale] = { ...dictionaries[locale], ...strings } as Dictionary;
    });
    pending.catch(() => loading.delete(`${locale}:${key}`)); // a failed chunk can be fetched again
    loading.set(`${locale}:${key}`, pending);
  }
  return pending;
}

/**
 * In the browser: the groups of strings a page reads, in its language (each group a chunk of its
 * own, fetched once). A public page never downloads the other language, other pages' strings or
 * the console's. On the server every string is already here.
 */
export async function loadStrings(locale: Locale, groups: readonly StringGroup[]): Promise<void> {
  if (typeof window === "undefined") return;
  await Promise.all(["site" as const, ...groups].map((group) => load(locale, group, () => GROUPS[locale][group]().then((m) => m.strings))));
}

/** The staff console's strings and every public group, in both languages (a staff user's language is their own, not the URL's). */
export async function loadAllStrings(): Promise<void> {
  if (typeof window === "undefined") return;
  const groups = Object.keys(GROUPS.en) as StringGroup[];
  await Promise.all(LOCALES.flatMap((locale) => [loadStrings(locale, groups), load(locale, "staff", STAFF[locale])]));
}

/**
 * A route's `clientLoader` for pages with their own strings: on a client-side navigation the
 * strings load beside the server's data. (The first page's strings load before hydration,
 * entry.client.tsx.)
 */
export function withStrings(groups: readonly StringGroup[], options: { bothLanguages?: boolean } = {}) {
  return async ({ params, serverLoader }: { params: { lang?: string }; serverLoader: () => Promise<unknown> }) => {
    const locale = localeFromParam(params.lang) ?? "en";
    const [data] = await Promise.all([serverLoader(), ...(options.bothLanguages ? LOCALES : [locale]).map((l) => loadStrings(l, groups))]);
    return data;
  };
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
