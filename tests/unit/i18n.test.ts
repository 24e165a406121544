import { describe, expect, it } from "vitest";
import { localeFromAcceptLanguage, localeFromCookie, localeFromParam, localePath, splitLocalePath } from "~/modules/i18n/i18n";
import { en } from "~/modules/i18n/locales/en";
import { ja } from "~/modules/i18n/locales/ja";

/** Every string a dictionary yields, by key path; functions are called with sample arguments. */
function leaves(value: unknown, path = ""): [string, string][] {
  if (typeof value === "string") return [[path, value]];
  if (typeof value === "function") return [[path, String((value as (...a: unknown[]) => unknown)(2, "$1", "¥1"))]];
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, `${path}[${i}]`));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
  return [];
}

// Values that are the same in both languages on purpose.
const SAME_IN_BOTH = new Set(["org.shortName"]);
const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]/;

describe("dictionaries", () => {
  it("Japanese has every key and array entry of English", () => {
    const enKeys = leaves(en).map(([k]) => k);
    const jaKeys = leaves(ja).map(([k]) => k);
    expect(jaKeys).toEqual(enKeys);
  });

  it("no Japanese value was left in English by mistake", () => {
    const untranslated = leaves(ja).filter(
      ([key, value]) =>
        !SAME_IN_BOTH.has(key) &&
        !key.startsWith("nav.languageSwitch") &&
        !key.startsWith("staff.language") &&
        !key.startsWith("org.nameOther") &&
        !JAPANESE.test(value),
    );
    expect(untranslated).toEqual([]);
  });

  it("the language switch names the other language in that language", () => {
    expect(en.nav.languageSwitch).toBe("日本語");
    expect(ja.nav.languageSwitch).toBe("English");
  });
});

describe("locale routing", () => {
  it("reads the optional ($lang) segment", () => {
    expect(localeFromParam(undefined)).toBe("en");
    expect(localeFromParam("ja")).toBe("ja");
    expect(localeFromParam("en")).toBeNull();
    expect(localeFromParam("fr")).toBeNull();
  });

  it("maps paths between languages", () => {
    expect(localePath("ja", "/")).toBe("/ja");
    expect(localePath("ja", "/membership")).toBe("/ja/membership");
    expect(localePath("en", "/membership")).toBe("/membership");
    expect(splitLocalePath("/ja/membership?tier=gold")).toEqual({ locale: "ja", path: "/membership?tier=gold" });
    expect(splitLocalePath("/ja")).toEqual({ locale: "ja", path: "/" });
    expect(splitLocalePath("/ja?x=1")).toEqual({ locale: "ja", path: "/?x=1" });
    expect(splitLocalePath("/japan")).toEqual({ locale: "en", path: "/japan" });
    expect(splitLocalePath("/membership")).toEqual({ locale: "en", path: "/membership" });
  });

  it("picks the preferred of our languages from Accept-Language", () => {
    expect(localeFromAcceptLanguage("ja-JP,ja;q=0.9,en;q=0.8")).toBe("ja");
    expect(localeFromAcceptLanguage("en-US,en;q=0.9,ja;q=0.8")).toBe("en");
    expect(localeFromAcceptLanguage("fr-FR,ja;q=0.5")).toBe("ja");
    expect(localeFromAcceptLanguage("en;q=0.2,ja;q=0.7")).toBe("ja");
    expect(localeFromAcceptLanguage("ja;q=0")).toBeNull();
    expect(localeFromAcceptLanguage("de, fr")).toBeNull();
    expect(localeFromAcceptLanguage("")).toBeNull();
    expect(localeFromAcceptLanguage(";;;,q=abc")).toBeNull();
  });

  it("reads only a valid language from the cookie", () => {
    expect(localeFromCookie("a=1; kizuna_lang=ja")).toBe("ja");
    expect(localeFromCookie("kizuna_lang=xx")).toBeNull();
    expect(localeFromCookie(null)).toBeNull();
  });
});
