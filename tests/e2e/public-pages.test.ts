import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { axeSerious, hasChromium, launchBrowser, type Browser } from "./browser";

const appUrl = inject("appUrl");

describe.skipIf(!hasChromium)("public pages in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows the home page in English and in Japanese", async () => {
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    await page.goto(`${appUrl}/`);
    expect(await page.getAttribute("html", "lang")).toBe("en");
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toContain("Bonds between cities");
    expect(await page.textContent("main")).toContain("St. Paul, MN – Nagasaki");
    expect(await page.textContent("main")).toContain("1956");
    await page.goto(`${appUrl}/ja`);
    expect(await page.getAttribute("html", "lang")).toBe("ja");
    expect(await page.textContent("main")).toContain("アイゼンハワー");
    expect(await page.textContent("main")).toContain("セントポール（MN）– 長崎");
    await context.close();
  });

  it("a first visit to / in a Japanese browser lands on /ja", async () => {
    const context = await browser.newContext({ locale: "ja-JP", extraHTTPHeaders: { "Accept-Language": "ja-JP,ja;q=0.9" } });
    const page = await context.newPage();
    await page.goto(`${appUrl}/`);
    expect(new URL(page.url()).pathname).toBe("/ja");
    expect(await page.getAttribute("html", "lang")).toBe("ja");
    await context.close();
  });

  it("shows seeded prices in dollars and yen on the membership page in both languages", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${appUrl}/membership`);
    const individual = page.locator('[data-tier="individual"]');
    await expect(individual.textContent()).resolves.toMatch(/\$60\.00[\s\S]*\$6\.00[\s\S]*¥8,000[\s\S]*¥800/);
    await expect(page.locator('[data-tier="platinum"]').textContent()).resolves.toMatch(/\$10,000\.00[\s\S]*¥1,500,000[\s\S]*20 employee seats/);
    await page.goto(`${appUrl}/ja/membership`);
    await expect(page.locator('[data-tier="individual"] h3').textContent()).resolves.toBe("一般会員");
    await expect(page.locator('[data-tier="platinum"]').textContent()).resolves.toMatch(/\$10,000\.00[\s\S]*￥1,500,000[\s\S]*社員枠 20名/);
    await expect(page.locator('[data-tier="patron"]').textContent()).resolves.toContain("特典の公正市場価格：$30.00／￥3,300");
    await context.close();
  });

  it("the language switch keeps the page and is remembered", async () => {
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    await page.goto(`${appUrl}/membership`);
    await page.getByRole("link", { name: "このページを日本語で表示" }).click();
    await page.waitForURL(`${appUrl}/ja/membership`);
    expect(await page.getAttribute("html", "lang")).toBe("ja");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("会員制度");
    // The choice is remembered: `/` now opens in Japanese although the browser asks for English.
    await page.goto(`${appUrl}/`);
    expect(new URL(page.url()).pathname).toBe("/ja");
    await page.getByRole("link", { name: "View this page in English" }).click();
    await page.waitForURL(`${appUrl}/`);
    expect(await page.getAttribute("html", "lang")).toBe("en");
    await context.close();
  });

  it("ships a page's strings in its language only, and loads another page's on a client-side navigation", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const scripts: string[] = [];
    page.on("request", (r) => {
      if (r.resourceType() === "script") scripts.push(new URL(r.url()).pathname);
    });
    await page.goto(`${appUrl}/ja`, { waitUntil: "networkidle" });
    const names = () =>
      scripts.map((s) =>
        s
          .split("/")
          .pop()!
          .replace(/-[A-Z0-9]{8}\.js$/, ""),
      );
    // The Japanese site strings only: no English, no other page's strings, no zod, no console strings.
    expect(names().filter((n) => /^(site|join|donate|sponsor|checkout|receipts|details|en\.staff|ja\.staff)$/.test(n))).toEqual(["site"]);
    expect(scripts.some((s) => /\/locales\/en\//.test(s))).toBe(false);
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    // To /ja/donate by the header's link: the same document (no reload), the donate strings fetched then.
    await page.getByRole("navigation").getByRole("link", { name: "寄付する" }).click();
    await page.waitForURL(`${appUrl}/ja/donate`);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toMatch(/寄付/);
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    expect(names()).toContain("donate");
    await context.close();
  });

  it("a visitor reaches every form from the header and the cards, in both languages: the tier and currency they chose are already picked", async () => {
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    await page.goto(`${appUrl}/`);
    const nav = page.getByRole("navigation", { name: "Main" });
    expect(await nav.getByRole("link").allTextContents()).toEqual(["Membership", "Join", "Sponsor", "Give", "Sponsors", "Sign in", "日本語"]);
    // Each of the home page's three cards has its call to action.
    for (const [name, path] of [
      ["Join now", "/join"],
      ["Become a sponsor", "/sponsor"],
      ["Give now", "/donate"],
    ] as const) {
      await page.goto(`${appUrl}/`);
      await page.getByRole("link", { name, exact: true }).click();
      await page.waitForURL(`${appUrl}${path}`);
      await expect.poll(() => page.locator("h1").count()).toBe(1);
    }
    // A tier card's Join carries its tier and the page's currency; the other currency is the link beside it.
    await page.goto(`${appUrl}/membership`);
    await page.getByRole("link", { name: "Join: Student" }).click();
    await page.waitForURL(`${appUrl}/join?tier=student&currency=USD`);
    expect(await page.locator('input[name="tier"]:checked').getAttribute("value")).toBe("student");
    expect(await page.locator('input[name="currency"]:checked').getAttribute("value")).toBe("USD");
    await page.goto(`${appUrl}/membership`);
    await page
      .locator('[data-tier="family"]')
      .getByRole("link", { name: /or pay in Japanese yen/ })
      .click();
    await page.waitForURL(`${appUrl}/join?tier=family&currency=JPY`);
    expect(await page.locator('input[name="tier"]:checked').getAttribute("value")).toBe("family");
    expect(await page.locator('input[name="currency"]:checked').getAttribute("value")).toBe("JPY");
    // In Japanese the card leads with yen, and a corporate tier's button applies for it on /ja/sponsor.
    await page.goto(`${appUrl}/ja/membership`);
    expect(await page.getByRole("navigation", { name: "メインメニュー" }).getByRole("link").allTextContents()).toEqual([
      "会員制度",
      "入会",
      "法人協賛",
      "寄付する",
      "協賛企業",
      "ログイン",
      "English",
    ]);
    await page.getByRole("link", { name: "ゴールド法人会員で協賛を申し込む" }).click();
    await page.waitForURL(`${appUrl}/ja/sponsor?tier=gold&currency=JPY`);
    expect(await page.locator('input[name="tier"]:checked').getAttribute("value")).toBe("gold");
    expect(await page.locator('input[name="currency"]:checked').getAttribute("value")).toBe("JPY");
    // A tier or currency that is not on offer is ignored: the form's own defaults.
    await page.goto(`${appUrl}/join?tier=nonsense&currency=EUR`);
    expect(await page.locator('input[name="tier"]:checked').getAttribute("value")).toBe("individual");
    expect(await page.locator('input[name="currency"]:checked').getAttribute("value")).toBe("USD");
    await context.close();
  });

  it("the membership page works with JavaScript disabled", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${appUrl}/ja/membership`);
    await expect(page.locator('[data-tier="gold"]').textContent()).resolves.toContain("￥700,000");
    await page.getByRole("link", { name: "View this page in English" }).click();
    await page.waitForURL(`${appUrl}/membership`);
    await expect(page.locator('[data-tier="gold"]').textContent()).resolves.toContain("$5,000.00");
    await context.close();
  });

  for (const path of ["/", "/ja", "/membership", "/ja/membership", "/no-such-page", "/ja/no-such-page"]) {
    it(`axe finds no serious or critical violation on ${path}`, async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${appUrl}${path}`);
      expect(await axeSerious(page)).toEqual([]);
      await context.close();
    });
  }
});
