import { describe, expect, it } from "vitest";
import { formatDate, formatMoney, formatOrganisationName, formatPersonName, minorUnitDigits, parseMoney, toMinorUnits } from "~/modules/i18n/format";

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
});

describe("names", () => {
  it("puts the family name first with 様 in Japanese and the given name first in English", () => {
    const name = { familyName: "山田", givenName: "太郎" };
    expect(formatPersonName(name, "ja", true)).toBe("山田 太郎 様");
    expect(formatPersonName({ familyName: "Smith", givenName: "Anna" }, "en")).toBe("Anna Smith");
  });

  it("addresses organisations with 御中 in Japanese", () => {
    expect(formatOrganisationName("株式会社サンプル", "ja", true)).toBe("株式会社サンプル 御中");
    expect(formatOrganisationName("Sample Inc.", "en", true)).toBe("Sample Inc.");
  });
});
