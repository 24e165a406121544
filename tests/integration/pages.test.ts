import { describe, expect, it } from "vitest";
import { parseEnv } from "~/modules/config/env.server";
import { loader as homeLoader } from "~/routes/($lang)._index";
import { loader as membershipLoader } from "~/routes/($lang).membership";
import { loader as languageLoader } from "~/routes/language";
import { useTestDatabase } from "../setup/test-db";

const t = useTestDatabase();
const env = parseEnv({ NODE_ENV: "test" });

function args(path: string, params: Record<string, string> = {}, headers: Record<string, string> = {}) {
  return { request: new Request(`http://localhost${path}`, { headers }), params, context: { db: t.db, env } };
}

async function thrown(promise: Promise<unknown> | unknown): Promise<Response> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
  throw new Error("expected a thrown Response");
}

describe("home", () => {
  it("serves English at / to a browser that asks for English or nothing", async () => {
    const data = await homeLoader(args("/", {}, { "Accept-Language": "en-US,en;q=0.9" }));
    expect(data.locale).toBe("en");
    expect(data.partnerships[0]).toMatchObject({ slug: "st-paul-nagasaki", establishedYear: 1955 });
    expect((await homeLoader(args("/"))).locale).toBe("en");
  });

  it("sends a first visit from a Japanese browser to /ja", async () => {
    const response = await thrown(homeLoader(args("/", {}, { "Accept-Language": "ja-JP,ja;q=0.9,en;q=0.5" })));
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/ja");
  });

  it("lets a remembered choice win over the browser's language", async () => {
    const data = await homeLoader(args("/", {}, { "Accept-Language": "ja", Cookie: "kizuna_lang=en" }));
    expect(data.locale).toBe("en");
    const response = await thrown(homeLoader(args("/", {}, { "Accept-Language": "en", Cookie: "kizuna_lang=ja" })));
    expect(response.headers.get("Location")).toBe("/ja");
  });

  it("serves Japanese at /ja whatever the browser says, and 404 for another segment", async () => {
    expect((await homeLoader(args("/ja", { lang: "ja" }, { "Accept-Language": "en" }))).locale).toBe("ja");
    expect((await thrown(homeLoader(args("/fr", { lang: "fr" })))).status).toBe(404);
  });
});

describe("membership", () => {
  it("lists individual and corporate tiers with USD and JPY prices", async () => {
    const data = await membershipLoader(args("/ja/membership", { lang: "ja" }));
    expect(data.locale).toBe("ja");
    const individual = data.tiers.find((tier) => tier.slug === "individual");
    expect(individual?.prices).toEqual([
      { currency: "USD", interval: "year", amount: 6000 },
      { currency: "USD", interval: "month", amount: 600 },
      { currency: "JPY", interval: "year", amount: 8000 },
      { currency: "JPY", interval: "month", amount: 800 },
    ]);
    expect(data.tiers.filter((tier) => tier.kind === "corporate").map((tier) => tier.seats)).toEqual([2, 3, 5, 10, 20]);
    expect(data.tiers.find((tier) => tier.slug === "patron")?.benefitValue).toEqual({ USD: 3000, JPY: 3300 });
  });
});

describe("language switch", () => {
  it("remembers the choice and keeps the page", async () => {
    const response = languageLoader(args("/language?to=ja&next=%2Fmembership%3Fx%3D1"));
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/ja/membership?x=1");
    expect(response.headers.get("Set-Cookie")).toMatch(/^kizuna_lang=ja; Path=\/; Max-Age=31536000; SameSite=Lax$/);
    const back = languageLoader(args("/language?to=en&next=%2Fja%2Fmembership"));
    expect(back.headers.get("Location")).toBe("/membership");
  });

  it("never redirects off the site", async () => {
    for (const next of ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", ""]) {
      const response = languageLoader(args(`/language?to=ja&next=${encodeURIComponent(next)}`));
      expect(response.headers.get("Location"), next).toBe("/ja");
    }
  });

  it("answers 400 with a bilingual message for an unknown language, setting nothing", async () => {
    const response = languageLoader(args("/language?to=fr&next=/"));
    expect(response.status).toBe(400);
    expect(response.headers.get("Set-Cookie")).toBeNull();
    expect(await response.text()).toContain("言語を指定してください");
  });
});
