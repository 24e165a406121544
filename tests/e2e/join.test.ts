import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { axeSerious, hasChromium, launchBrowser, type Browser } from "./browser";

const appUrl = inject("appUrl");

describe.skipIf(!hasChromium)("joining with the demo gateway in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("山田 太郎 (ヤマダ タロウ) joins in Japanese and ends on a page showing the active membership", async () => {
    const context = await browser.newContext({ locale: "ja-JP" });
    const page = await context.newPage();
    await page.goto(`${appUrl}/ja/join`);
    expect(await page.getAttribute("html", "lang")).toBe("ja");
    expect(await axeSerious(page)).toEqual([]);
    // JPY and yearly are chosen for a Japanese visitor; the individual tier by default.
    expect(await page.getByLabel("日本円（JPY）").isChecked()).toBe(true);
    await page.getByLabel("姓", { exact: true }).fill("山田");
    await page.getByLabel("名", { exact: true }).fill("太郎");
    await page.getByLabel("セイ（フリガナ）").fill("ヤマダ");
    await page.getByLabel("メイ（フリガナ）").fill("タロウ");
    await page.getByLabel("メールアドレス").fill("taro.yamada.e2e@example.jp");
    await page.getByLabel("郵便番号（米国はZIPコード）").fill("150-0001");
    await page.getByLabel("都道府県（日本）").selectOption("13");
    await page.getByLabel("市区町村").fill("渋谷区");
    await page.getByLabel("番地").fill("神宮前1-2-3");
    await page.getByRole("button", { name: "お支払いへ進む" }).click();

    await page.waitForURL(/\/ja\/demo-checkout\/cs_demo_/);
    await expect(page.getByRole("note").textContent()).resolves.toContain("テストモード");
    await expect(page.locator("[data-amount]").textContent()).resolves.toBe("￥8,000");
    expect(await axeSerious(page)).toEqual([]);
    await page.getByRole("button", { name: "カードの承認拒否を試す" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toContain("カードが承認されませんでした");
    await page.getByRole("button", { name: "テストカードで支払う" }).click();

    await page.waitForURL(/\/ja\/join\/success\?m=/);
    await page.getByRole("heading", { level: 1, name: "ようこそ。会員資格が有効になりました" }).waitFor();
    await expect(page.locator('[data-membership-status="active"]').textContent()).resolves.toContain("一般会員");
    expect(await axeSerious(page)).toEqual([]);
    await context.close();
  });

  it("with JavaScript off, shows translated errors next to the fields and keeps what was typed", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${appUrl}/join`);
    await page.getByLabel("Family name").fill("<b>Smith</b>");
    await page.getByLabel("Email").fill("not-an-email");
    await page.getByRole("button", { name: "Continue to payment" }).click();
    await page.waitForLoadState("domcontentloaded");
    const family = page.getByLabel("Family name");
    expect(await family.getAttribute("aria-invalid")).toBe("true");
    expect(await family.inputValue()).toBe("<b>Smith</b>");
    const describedBy = (await family.getAttribute("aria-describedby"))!;
    await expect(page.locator(`#${describedBy}`).textContent()).resolves.toContain("symbols such as");
    await expect(page.locator("#email-error").textContent()).resolves.toContain("name@example.com");
    await expect(page.locator("#givenName-error").textContent()).resolves.toBe("This field is required.");
    // The summary names each field it lists; an optional field says so once.
    const summary = await page.locator(".error-summary li").allTextContents();
    expect(summary).toContain("Given name: This field is required.");
    expect(summary.some((line) => line.startsWith("Email: "))).toBe(true);
    expect(await page.locator('label[for="addressLine2"]').textContent()).toBe("Building, apartment (optional)");
    await context.close();
  });

  it("with JavaScript on, the same schema reports errors in the browser before anything is sent; the page stays accessible", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${appUrl}/ja/join`);
    await page.getByLabel("メールアドレス").fill("taro@");
    await page.getByRole("button", { name: "お支払いへ進む" }).click();
    await page.locator("#email-error").waitFor();
    await expect(page.locator("#email-error").textContent()).resolves.toContain("name@example.com のような形式");
    await expect(page.locator("#familyName-error").textContent()).resolves.toBe("入力してください。");
    expect(await page.locator(".error-summary li").allTextContents()).toContain("姓：入力してください。");
    expect(await page.locator('label[for="addressLine2"]').textContent()).toBe("建物名・部屋番号（任意）");
    // The reading hint sits above both readings: セイ and メイ stay side by side.
    const sei = (await page.locator("#familyNameKana").boundingBox())!;
    const mei = (await page.locator("#givenNameKana").boundingBox())!;
    expect(Math.abs(sei.y - mei.y)).toBeLessThan(2);
    expect(await page.locator("#familyNameKana").getAttribute("aria-describedby")).toContain("kana-hint");
    expect(new URL(page.url()).pathname).toBe("/ja/join");
    expect(await axeSerious(page)).toEqual([]);
    await context.close();
  });
});
