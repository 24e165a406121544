import { desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect, type DatabaseHandle } from "../../db/client";
import { donations, emailOutbox, funds, payments, people, receipts, staffUsers } from "../../db/schema";
import { axeSerious, hasChromium, launchBrowser, type Browser } from "./browser";

const appUrl = inject("appUrl");

describe.skipIf(!hasChromium)("giving with the demo gateway in Chromium", () => {
  let browser: Browser;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    browser = await launchBrowser();
    handle = connect(inject("appDatabaseUrl"), { max: 2 });
  });
  afterAll(async () => {
    await browser?.close();
    await handle?.close();
  });

  it("佐藤 花子 gives ¥10,000 in Japanese in memory of someone, sees the thank-you page, and the receipt is in the outbox", async () => {
    const context = await browser.newContext({ locale: "ja-JP" });
    const page = await context.newPage();
    await page.goto(`${appUrl}/ja/donate`);
    expect(await page.getAttribute("html", "lang")).toBe("ja");
    expect(await axeSerious(page)).toEqual([]);
    // Yen and the ¥10,000 preset are chosen for a Japanese visitor.
    expect(await page.getByLabel("日本円（JPY）").isChecked()).toBe(true);
    expect(await page.getByRole("radio", { name: "￥10,000", exact: true }).isChecked()).toBe(true);
    // The fee box says what ticking it would add, and only then adds it to the total.
    await expect(page.locator("[data-fee]").textContent()).resolves.toBe(" チェックすると￥300が加わります（現在の合計￥10,000）。");
    await page.getByLabel(/決済手数料分として/).check();
    await expect(page.locator("[data-fee]").textContent()).resolves.toBe(" ￥300を上乗せし、合計￥10,300になります。");
    await page.getByLabel(/決済手数料分として/).uncheck();
    await page.getByLabel("学生交流基金").check();
    await page.getByLabel("追悼として").check();
    await page.getByLabel("その方のお名前").fill("佐藤 一郎");
    await page.getByLabel("姓", { exact: true }).fill("佐藤");
    await page.getByLabel("名", { exact: true }).fill("花子");
    await page.getByLabel("メールアドレス", { exact: true }).fill("hanako.e2e@example.jp");
    await page.getByLabel("郵便番号 / ZIP コード").fill("150-0001");
    await page.getByLabel("都道府県（日本）").selectOption("13");
    await page.getByLabel("市区町村").fill("渋谷区");
    await page.getByLabel("番地").fill("神宮前1-2-3");
    await page.getByRole("button", { name: "お支払いへ進む" }).click();

    await page.waitForURL(/\/ja\/demo-checkout\/cs_demo_don_/);
    await page.getByRole("heading", { level: 1, name: "ご寄付のお支払い（テスト）" }).waitFor();
    await expect(page.locator("[data-amount]").textContent()).resolves.toBe("￥10,000");
    expect(await axeSerious(page)).toEqual([]);
    await page.getByRole("button", { name: "テストカードで支払う" }).click();

    await page.waitForURL(/\/ja\/donate\/thanks\?d=/);
    await page.getByRole("heading", { level: 1, name: "ご寄付ありがとうございます" }).waitFor();
    await expect(page.locator("[data-gift]").textContent()).resolves.toBe("学生交流基金への￥10,000のご寄付を確かに承りました。");
    await expect(page.getByText("佐藤 一郎様の追悼として。").isVisible()).resolves.toBe(true);
    expect(await axeSerious(page)).toEqual([]);

    const db = handle.db;
    const [gift] = await db
      .select({ donation: donations, fund: funds.slug })
      .from(donations)
      .innerJoin(people, eq(people.id, donations.personId))
      .innerJoin(funds, eq(funds.id, donations.fundId))
      .where(eq(people.email, "hanako.e2e@example.jp"));
    expect(gift).toMatchObject({
      fund: "student-exchange",
      donation: { amount: 10000, currency: "JPY", status: "completed", tributeKind: "memory", tributeName: "佐藤 一郎" },
    });
    const [payment] = await db.select().from(payments).where(eq(payments.donationId, gift!.donation.id));
    expect(payment).toMatchObject({ amount: 10000, currency: "JPY", fundId: gift!.donation.fundId });
    const [receipt] = await db.select().from(receipts).where(eq(receipts.paymentId, payment!.id));
    const outbox = await db.select().from(emailOutbox).where(eq(emailOutbox.toEmail, "hanako.e2e@example.jp"));
    expect(outbox.filter((r) => r.template === "receipt" && r.props.receiptId === receipt!.id)).toHaveLength(1);
    await context.close();

    // Staff find the gift under its fund.
    await db.insert(staffUsers).values({ email: "e2e-donations@kizuna.example", name: "Donations Staff", role: "staff", locale: "en" });
    const staffContext = await browser.newContext({ locale: "en-US" });
    const staffPage = await staffContext.newPage();
    await staffPage.goto(`${appUrl}/staff/sign-in`);
    await staffPage.getByLabel("Email address").fill("e2e-donations@kizuna.example");
    await staffPage.getByRole("button", { name: "Email me a sign-in link" }).click();
    await staffPage.getByText("If that address belongs to a staff user").waitFor();
    const [signIn] = await db
      .select()
      .from(emailOutbox)
      .where(eq(emailOutbox.toEmail, "e2e-donations@kizuna.example"))
      .orderBy(desc(emailOutbox.createdAt))
      .limit(1);
    await staffPage.goto((signIn!.props as { url: string }).url);
    await staffPage.getByRole("button", { name: "Sign in" }).click();
    await staffPage.waitForURL(`${appUrl}/staff`);
    await staffPage.getByRole("link", { name: "Donations" }).click();
    await staffPage.waitForURL(`${appUrl}/staff/donations`);
    await staffPage.getByLabel("Fund").selectOption("student-exchange");
    await staffPage.getByRole("button", { name: "Apply" }).click();
    await staffPage.waitForURL(/fund=student-exchange/);
    const row = staffPage.locator(`tr[data-donation="${gift!.donation.id}"]`);
    await expect(row.textContent()).resolves.toContain("Student Exchange");
    await expect(row.textContent()).resolves.toContain("¥10,000");
    await expect(row.textContent()).resolves.toContain("In memory of 佐藤 一郎");
    expect(await axeSerious(staffPage)).toEqual([]);
    await staffContext.close();
  });

  it("with JavaScript off, ¥10.50 and a tribute without a name get translated errors next to their fields, and what was typed stays", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${appUrl}/ja/donate`);
    await page.getByLabel("その他の金額").fill("10.50");
    await page.getByLabel("敬意を表して").check();
    await page.getByRole("button", { name: "お支払いへ進む" }).click();
    await page.waitForLoadState("domcontentloaded");
    const amount = page.getByLabel("その他の金額");
    expect(await amount.inputValue()).toBe("10.50");
    expect(await amount.getAttribute("aria-invalid")).toBe("true");
    await expect(page.locator("#amount-error").textContent()).resolves.toBe("円の金額は整数で入力してください（例：10000）。");
    await expect(page.locator("#tributeName-error").textContent()).resolves.toBe("捧げる方のお名前を入力してください。");
    await context.close();
  });
});
