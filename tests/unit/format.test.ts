import { describe, expect, it } from "vitest";
import { countryName, placeName, regionCode, regionName } from "~/modules/people/regions";
import {
  formatDate,
  formatDateTime,
  formatMoney,
  formatOrganisationName,
  formatPersonName,
  minorUnitDigits,
  parseMoney,
  toMinorUnits,
} from "~/modules/i18n/format";

describe("money", () => {
  it("formats yen without decimals and dollars with cents, in both locales", () => {
    expect(formatMoney(1_500_000, "JPY", "en")).toBe("¥1,500,000");
    expect(formatMoney(1_500_000, "JPY", "ja")).toBe("￥1,500,000"); // Intl's ja-JP yen sign is full-width
    expect(formatMoney(1_000_000, "USD", "en")).toBe("$10,000.00");
    expect(formatMoney(1_000_000, "USD", "ja")).toBe("$10,000.00");
    expect(formatMoney(8000, "JPY", "en")).toBe("¥8,000");
    expect(formatMoney(6000, "USD", "en")).toBe("$60.00");
  });

  it("knows each currency's minor unit, so ¥8,000 is 8000 and $60.00 is 6000", () => {
    expect(minorUnitDigits("JPY")).toBe(0);
    expect(minorUnitDigits("USD")).toBe(2);
    for (const currency of ["JPY", "USD"] as const)
      expect(minorUnitDigits(currency)).toBe(new Intl.NumberFormat("en-US", { style: "currency", currency }).resolvedOptions().maximumFractionDigits);
    expect(toMinorUnits(8000, "JPY")).toBe(8000);
    expect(toMinorUnits(60, "USD")).toBe(6000);
    expect(toMinorUnits(19.99, "USD")).toBe(1999);
    expect(toMinorUnits(10.5, "JPY")).toBeNull();
    expect(toMinorUnits(1.005, "USD")).toBeNull();
  });

  it("refuses amounts that are not whole minor units", () => {
    expect(() => formatMoney(60.5, "USD", "en")).toThrow(RangeError);
  });

  it("reads an amount as a person types it, in the chosen currency, and never another currency's", () => {
    const read = (typed: string, currency: "USD" | "JPY") => parseMoney(typed, currency);
    expect(read("10,000", "JPY")).toEqual({ ok: true, minor: 10000 });
    expect(read("１０，０００", "JPY")).toEqual({ ok: true, minor: 10000 });
    expect(read("￥8,000", "JPY")).toEqual({ ok: true, minor: 8000 });
    expect(read("8000円", "JPY")).toEqual({ ok: true, minor: 8000 });
    expect(read("$25.5", "USD")).toEqual({ ok: true, minor: 2550 });
    expect(read("US$ 60", "USD")).toEqual({ ok: true, minor: 6000 });
    expect(read("60 USD", "USD")).toEqual({ ok: true, minor: 6000 });
    expect(read("￥5000", "USD")).toEqual({ ok: false, error: "otherCurrency" });
    expect(read("5000円", "USD")).toEqual({ ok: false, error: "otherCurrency" });
    expect(read("$50", "JPY")).toEqual({ ok: false, error: "otherCurrency" });
    expect(read("10.5", "JPY")).toEqual({ ok: false, error: "wholeYen" });
    expect(read("1.005", "USD")).toEqual({ ok: false, error: "tooManyDecimals" });
    for (const bad of ["1e6", "0x10", "Infinity", "12abc", "1,00"]) expect(read(bad, "USD"), bad).toEqual({ ok: false, error: "invalidAmount" });
    for (const nothing of ["0", "0.00", "-5", "－５"]) expect(read(nothing, "USD"), nothing).toEqual({ ok: false, error: "amountNotPositive" });
    expect(read("", "USD")).toEqual({ ok: false, error: "required" });
    expect(read("9".repeat(20), "USD")).toEqual({ ok: false, error: "aboveMaximum" });
  });
});

describe("dates", () => {
  it("formats the same day in both locales", () => {
    const day = new Date("2026-11-28T03:00:00Z");
    expect(formatDate(day, "ja")).toBe("2026年11月28日");
    expect(formatDate(day, "en")).toBe("November 28, 2026");
  });

  it("uses the association's time zone (Japan), not the server's", () => {
    // 2026-11-28 20:00 UTC is already the 29th in Tokyo.
    expect(formatDate("2026-11-28T20:00:00Z", "ja")).toBe("2026年11月29日");
  });

  it("names the time zone of a moment in the console, so US staff do not read Tokyo's time as theirs", () => {
    const moment = "2026-12-07T16:50:00Z"; // 1:50 the next morning in Tokyo
    const plain = (s: string) => s.replace(/\u202f/g, " "); // newer ICU puts a narrow space before AM
    expect(plain(formatDateTime(moment, "en"))).toBe("Dec 8, 2026, 1:50 AM GMT+9");
    expect(formatDateTime(moment, "ja")).toBe("2026/12/08 1:50 JST");
  });
});

describe("names", () => {
  it("orders a name by its own script, whoever reads it: family first in Japanese script, given first in Latin", () => {
    const yamada = { familyName: "山田", givenName: "太郎" };
    const davis = { familyName: "Davis", givenName: "Susan" };
    expect(formatPersonName(yamada, "en")).toBe("山田 太郎");
    expect(formatPersonName(yamada, "ja")).toBe("山田 太郎");
    expect(formatPersonName(yamada, "ja", true)).toBe("山田 太郎 様");
    expect(formatPersonName(davis, "ja")).toBe("Susan Davis");
    expect(formatPersonName(davis, "ja", true)).toBe("Susan Davis 様");
    expect(formatPersonName(davis, "en", true)).toBe("Susan Davis");
    // Kana only, 々, and a compatibility kanji count as Japanese script too.
    expect(formatPersonName({ familyName: "やまだ", givenName: "はなこ" }, "en")).toBe("やまだ はなこ");
    expect(formatPersonName({ familyName: "佐々木", givenName: "Ken" }, "en")).toBe("佐々木 Ken");
  });

  it("addresses organisations with 御中 in Japanese", () => {
    expect(formatOrganisationName("株式会社サンプル", "ja", true)).toBe("株式会社サンプル 御中");
    expect(formatOrganisationName("Sample Inc.", "en", true)).toBe("Sample Inc.");
  });
});

describe("regions", () => {
  it("names prefectures and states in the reader's language, and leaves anything else as stored", () => {
    expect(regionName("JP", "13", "en")).toBe("Tokyo");
    expect(regionName("JP", "13", "ja")).toBe("東京都");
    expect(regionName("JP", "1", "ja")).toBe("北海道");
    expect(regionName("US", "mn", "en")).toBe("Minnesota");
    expect(regionName("US", "MN", "ja")).toBe("ミネソタ州");
    expect(regionName("CA", "ON", "en")).toBe("ON");
    expect(regionName("JP", "Tokyo-to", "en")).toBe("Tokyo-to");
    expect(regionName("JP", null, "en")).toBeNull();
  });

  it("reads a region typed as a code or a name in either language back to its code", () => {
    for (const typed of ["13", "Tokyo", "tokyo", "東京都", "東京"]) expect(regionCode(typed), typed).toBe("13");
    for (const typed of ["MN", "mn", "Minnesota", "ミネソタ州"]) expect(regionCode(typed), typed).toBe("MN");
    expect(regionCode("Ontario")).toBe("Ontario");
  });

  it("says where someone is in the reader's language", () => {
    expect(countryName("JP", "en")).toBe("Japan");
    expect(countryName("JP", "ja")).toBe("日本");
    expect(placeName("JP", "13", "en")).toBe("Tokyo, Japan");
    expect(placeName("JP", "13", "ja")).toBe("日本 東京都");
    expect(placeName("US", "MN", "ja")).toBe("アメリカ合衆国 ミネソタ州");
    expect(placeName("US", null, "en")).toBe("United States");
  });
});
