import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { desc, eq } from "drizzle-orm";
import { connect, type DatabaseHandle } from "../../db/client";
import { emailOutbox, memberships, payments, staffUsers } from "../../db/schema";
import { axeSerious, hasChromium, launchBrowser, type Browser } from "./browser";

const appUrl = inject("appUrl");

describe.skipIf(!hasChromium)("a company sponsors in Japanese with the demo gateway", () => {
  let browser: Browser;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = connect(inject("appDatabaseUrl"), { max: 2 });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await handle?.close();
  });

  it("applies in Japanese, is invoiced, staff record the bank transfer, and the company appears on /ja/sponsors", async () => {
    const context = await browser.newContext({ locale: "ja-JP" });
    const page = await context.newPage();
    await page.goto(`${appUrl}/ja/sponsor`);
    expect(await page.getAttribute("html", "lang")).toBe("ja");
    await page.getByRole("heading", { level: 1, name: "法人会員・協賛のご案内" }).waitFor();
    expect(await axeSerious(page)).toEqual([]);

    // The same zod schema reports errors in the browser before anything is sent.
    await page.getByRole("textbox", { name: "ウェブサイト" }).fill("javascript:alert(1)");
    await page.getByRole("button", { name: "申し込む" }).click();
    await page.locator("#website-error").waitFor();
    await expect(page.locator("#website-error").textContent()).resolves.toContain("https://www.example.co.jp のような");
    // On the Japanese form the legal name is asked in Japanese; the English one is optional.
    await expect(page.locator("#legalNameJa-error").textContent()).resolves.toBe("入力してください。");
    expect(await page.locator("#legalNameEn-error").count()).toBe(0);
    expect(await page.locator('label[for="legalNameEn"]').textContent()).toBe("正式名称（英語）（任意）");

    await page.getByLabel(/ゴールド法人会員/).check();
    await page.getByRole("textbox", { name: /正式名称（日本語）/ }).fill("ひかり電機株式会社");
    await page.getByRole("textbox", { name: "正式名称（英語）（任意）", exact: true }).fill("Hikari Electric Co., Ltd.");
    await page.getByRole("textbox", { name: /フリガナ/ }).fill("ヒカリデンキ");
    await page.getByRole("textbox", { name: /ウェブサイト/ }).fill("hikari-denki.example.jp");
    await page.getByRole("textbox", { name: /郵便番号/ }).fill("530-0001");
    // Country and prefecture come from lists, Japan already chosen on the Japanese form.
    expect(await page.getByLabel("国", { exact: true }).inputValue()).toBe("JP");
    await page.getByLabel(/都道府県（日本）・州（米国）/).selectOption({ label: "大阪府" });
    await page.getByRole("textbox", { name: "市区町村", exact: true }).fill("大阪市北区");
    await page.getByRole("textbox", { name: "番地", exact: true }).fill("梅田1-1-1");
    await page.getByRole("textbox", { name: "姓", exact: true }).fill("高橋");
    await page.getByRole("textbox", { name: "名", exact: true }).fill("美咲");
    await page.getByRole("textbox", { name: "メールアドレス", exact: true }).fill("misaki.takahashi@hikari-denki.example.jp");
    await page.getByRole("textbox", { name: /発注番号/ }).fill("発注-2026-7");
    await page.getByLabel("協賛企業ページに社名を掲載する").check();
    await page.getByRole("button", { name: "申し込む" }).click();

    await page.waitForURL(/\/ja\/sponsor\/thanks\?m=/);
    const membershipId = new URL(page.url()).searchParams.get("m")!;
    await expect(page.locator('[data-membership-status="pending"]').textContent()).resolves.toContain("misaki.takahashi@hikari-denki.example.jp");
    await expect(page.locator("main").textContent()).resolves.toContain("￥700,000");
    expect(await axeSerious(page)).toEqual([]);

    // The demo hosted-invoice page addresses the company with 御中.
    await page.getByRole("link", { name: "請求書を開く（テスト）" }).click();
    await page.waitForURL(/\/ja\/demo-invoice\/in_demo_/);
    await page.getByRole("heading", { level: 1, name: "請求書" }).waitFor();
    await expect(page.locator("main").textContent()).resolves.toContain("ひかり電機株式会社 御中");
    expect(await axeSerious(page)).toEqual([]);

    // Not on the sponsors page before it is paid.
    await page.goto(`${appUrl}/ja/sponsors`);
    expect(await page.locator("main").textContent()).not.toContain("ひかり電機株式会社");

    // Staff sign in to the console and record the bank transfer against the open invoice.
    await handle.db.insert(staffUsers).values({ email: "treasurer@kizuna.example", name: "Treasurer", role: "staff", locale: "en" });
    const staffPage = await (await browser.newContext({ locale: "en-US" })).newPage();
    await staffPage.goto(`${appUrl}/staff/sign-in`);
    await staffPage.getByLabel("Email address").fill("treasurer@kizuna.example");
    await staffPage.getByRole("button", { name: "Email me a sign-in link" }).click();
    await staffPage.getByText("If that address belongs to a staff user").waitFor();
    const [signIn] = await handle.db
      .select()
      .from(emailOutbox)
      .where(eq(emailOutbox.toEmail, "treasurer@kizuna.example"))
      .orderBy(desc(emailOutbox.createdAt))
      .limit(1);
    await staffPage.goto((signIn!.props as { url: string }).url);
    await staffPage.getByRole("button", { name: "Sign in" }).click();
    await staffPage.waitForURL(`${appUrl}/staff`);
    const [membership] = await handle.db.select().from(memberships).where(eq(memberships.id, membershipId));
    await staffPage.goto(`${appUrl}/staff/members/${membership!.organisationId}`);
    const pay = staffPage.locator('[data-membership] details[data-action="payment"]').first();
    await pay.locator("summary").click();
    await pay.getByLabel(/^Amount/).fill("700000");
    await pay.getByLabel("Currency").selectOption("JPY");
    await pay.getByLabel("Method").selectOption("bank_transfer");
    await pay.getByLabel("Paid on").fill("2026-11-27");
    await pay.getByLabel(/^Reference/).fill("振込 ヒカリデンキ");
    await pay.getByLabel("I have checked this and want to go ahead").check();
    await pay.getByRole("button", { name: "Record an offline payment" }).click();
    await staffPage.getByText("Payment recorded and receipt issued.").waitFor();
    const paid = await handle.db.select().from(payments).where(eq(payments.membershipId, membershipId));
    expect(paid).toHaveLength(1);
    expect(paid[0]).toMatchObject({ amount: 700000, currency: "JPY", method: "bank_transfer", stripeInvoiceId: membership!.stripeInvoiceId });
    // The organisation page (contacts, seats, invoices, renewal forms) passes the scan; staff issue next year's invoice now.
    expect(await axeSerious(staffPage)).toEqual([]);
    const renewal = staffPage.locator('[data-membership] details[data-action="renewalInvoice"]').first();
    await renewal.locator("summary").click();
    await renewal.getByLabel("I have checked this and want to go ahead").check();
    await renewal.getByRole("button", { name: "Issue the renewal invoice now" }).click();
    await staffPage.getByText("Renewal invoice issued and emailed to the billing contact.").waitFor();
    await expect(staffPage.locator('[data-invoice^="in_demo_r"]').count()).resolves.toBe(1);
    expect(await axeSerious(staffPage)).toEqual([]);

    await page.goto(`${appUrl}/ja/sponsors`);
    const section = page.locator('section[data-tier="gold"]');
    await expect(section.getByRole("heading", { level: 2 }).textContent()).resolves.toBe("ゴールド法人会員");
    const link = section.getByRole("link", { name: "ひかり電機株式会社" });
    expect(await link.getAttribute("href")).toBe("https://hikari-denki.example.jp/");
    expect(await link.getAttribute("rel")).toContain("noopener");
    expect(await axeSerious(page)).toEqual([]);
    // The English page names it in English.
    await page.goto(`${appUrl}/sponsors`);
    await expect(page.locator('section[data-tier="gold"]').textContent()).resolves.toContain("Hikari Electric Co., Ltd.");

    await page.goto(`${appUrl}/ja/sponsor/thanks?m=${membershipId}`);
    await expect(page.locator('[data-membership-status="active"]').textContent()).resolves.toContain("ゴールド法人会員");
    await context.close();
  });

  it("with JavaScript off, a company name with markup and a 1,000-character PO number come back as translated errors with the values kept", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${appUrl}/sponsor`);
    await page.locator("#legalNameEn").fill("Acme <Corp>");
    await page.locator("#poNumber").fill("P".repeat(1000));
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForLoadState("domcontentloaded");
    expect(await page.locator("#legalNameEn").inputValue()).toBe("Acme <Corp>");
    expect(await page.locator("#legalNameEn").getAttribute("aria-invalid")).toBe("true");
    await expect(page.locator("#legalNameEn-error").textContent()).resolves.toContain("not allowed");
    await expect(page.locator("#poNumber-error").textContent()).resolves.toBe("This is too long.");
    await context.close();
  });
});
