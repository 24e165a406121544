/** The member area in Chromium (issue 16): signing in by the emailed link and by the code, renewal and card, details, both languages. */
import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect, type DatabaseHandle } from "../../db/client";
import { emailOutbox, memberships, people, staffUsers, tierPrices, tiers } from "../../db/schema";
import { strFromU8, unzipSync } from "fflate";
import { readFile } from "node:fs/promises";
import { axeSerious, hasChromium, launchBrowser, type Browser } from "./browser";

const appUrl = inject("appUrl");

describe.skipIf(!hasChromium)("member area in Chromium", () => {
  let browser: Browser;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = connect(inject("appDatabaseUrl"), { max: 2 });
    const [tier] = await handle.db.select().from(tiers).where(eq(tiers.slug, "individual"));
    const rows = [
      { familyName: "Okafor", givenName: "Grace", email: "grace.member@example.org", country: "US", region: "MN", preferredLocale: "en" as const },
      { familyName: "長谷川", givenName: "美咲", email: "misaki.member@example.jp", country: "JP", region: "13", preferredLocale: "ja" as const },
      {
        familyName: "木村",
        givenName: "健太",
        familyNameKana: "キムラ",
        givenNameKana: "ケンタ",
        email: "kenta.data@example.jp",
        country: "JP",
        region: "01",
        preferredLocale: "ja" as const,
      },
      {
        familyName: "佐藤",
        givenName: "花子",
        familyNameKana: "サトウ",
        givenNameKana: "ハナコ",
        email: "hanako.details@example.jp",
        country: "JP",
        region: "27",
        postalCode: "530-0001",
        city: "大阪市北区",
        addressLine1: "梅田1-1-1",
        preferredLocale: "ja" as const,
      },
    ];
    // A member paying yearly by card through a subscription (the demo gateway stands in for Stripe).
    const [price] = await handle.db
      .select()
      .from(tierPrices)
      .where(and(eq(tierPrices.lookupKey, "individual_yearly_usd"), eq(tierPrices.active, true)));
    const [renewer] = await handle.db
      .insert(people)
      .values({ familyName: "Nakamura", givenName: "Ken", email: "ken.renews@example.org", country: "US", region: "CA", preferredLocale: "en" })
      .returning();
    await handle.db.insert(memberships).values({
      personId: renewer!.id,
      tierId: tier!.id,
      priceId: price!.id,
      status: "active",
      currency: "USD",
      interval: "year",
      stripeSubscriptionId: "sub_demo_e2e_renewer",
      stripeCustomerId: "cus_demo_e2e_renewer",
      startedAt: new Date("2026-09-01T00:00:00Z"),
      currentPeriodStart: new Date("2026-09-01T00:00:00Z"),
      currentPeriodEnd: new Date("2027-09-01T00:00:00Z"),
    });
    await handle.db.insert(staffUsers).values({ email: "e2e-privacy@kizuna.example", name: "事務局 個人情報", role: "staff", locale: "ja" });
    // A member whose yearly membership lapsed last spring.
    const [lapsed] = await handle.db
      .insert(people)
      .values({ familyName: "Larsen", givenName: "Ingrid", email: "ingrid.lapsed@example.org", country: "US", region: "MN", preferredLocale: "en" })
      .returning();
    await handle.db.insert(memberships).values({
      personId: lapsed!.id,
      tierId: tier!.id,
      priceId: price!.id,
      status: "lapsed",
      currency: "USD",
      interval: "year",
      startedAt: new Date("2025-04-01T00:00:00Z"),
      currentPeriodStart: new Date("2025-04-01T00:00:00Z"),
      currentPeriodEnd: new Date("2026-04-01T00:00:00Z"),
    });
    for (const row of rows) {
      const [person] = await handle.db.insert(people).values(row).returning();
      await handle.db.insert(memberships).values({
        personId: person!.id,
        tierId: tier!.id,
        status: "active",
        currency: row.country === "JP" ? "JPY" : "USD",
        interval: "year",
        startedAt: new Date("2026-03-01T00:00:00Z"),
        currentPeriodEnd: new Date("2027-03-01T00:00:00Z"),
      });
    }
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await handle?.close();
  });

  /** The newest sign-in email to an address, as the outbox holds it. */
  async function signInMail(address: string) {
    const [email] = await handle.db.select().from(emailOutbox).where(eq(emailOutbox.toEmail, address)).orderBy(desc(emailOutbox.createdAt)).limit(1);
    expect(email!.template).toBe("sign-in-link");
    return email!.props as { url: string; code: string };
  }

  it("signs in with the emailed link (opening it uses nothing up), shows the membership, and signs out", async () => {
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    await page.goto(`${appUrl}/`);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" }).click();
    await page.waitForURL(/\/account\/sign-in/);
    expect(await axeSerious(page)).toEqual([]);

    await page.getByLabel("Email address").fill("grace.member@example.org");
    await page.getByRole("button", { name: "Email me a sign-in link" }).click();
    await page.getByRole("heading", { name: "Check your email" }).waitFor();
    await page.getByText("If grace.member@example.org is the address of a member").waitFor();
    expect(await axeSerious(page)).toEqual([]);

    const { url } = await signInMail("grace.member@example.org");
    // A mail scanner fetches the link first: that must not use it up.
    const scanned = await fetch(url);
    expect(scanned.status).toBe(200);
    await page.goto(url);
    await page.getByText("Press the button to sign in on this device.").waitFor();
    expect(await axeSerious(page)).toEqual([]);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${appUrl}/account`);
    await page.getByRole("heading", { name: "My account", level: 1 }).waitFor();
    expect(await page.getByText("Signed in as Grace Okafor (grace.member@example.org).").isVisible()).toBe(true);
    const card = page.locator("li.card").first();
    expect(await card.getByRole("heading", { level: 3 }).textContent()).toBe("Individual");
    expect(await card.locator("[data-status]").textContent()).toBe("Active");
    expect(await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My account" }).isVisible()).toBe(true);
    expect(await axeSerious(page)).toEqual([]);

    // The link, pressed again (say, from another tab), is refused.
    const again = await context.newPage();
    await again.goto(url);
    await again.getByText("This sign-in link has been used or has expired").waitFor();
    await again.close();

    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.getByText("You have signed out.").waitFor();
    expect(await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" }).isVisible()).toBe(true);
    await page.goto(`${appUrl}/account`);
    expect(new URL(page.url()).pathname).toBe("/account/sign-in");
    await context.close();
  });

  it("signs in in Japanese by typing the emailed code on the device that asked", async () => {
    const context = await browser.newContext({ locale: "ja-JP" });
    const page = await context.newPage();
    await page.goto(`${appUrl}/ja/account`);
    expect(new URL(page.url()).pathname).toBe("/ja/account/sign-in");
    await page.getByRole("heading", { name: "マイページへのログイン" }).waitFor();
    expect(await axeSerious(page)).toEqual([]);

    await page.getByLabel("メールアドレス").fill("misaki.member@example.jp");
    await page.getByRole("button", { name: "ログイン用リンクを送信" }).click();
    await page.getByRole("heading", { name: "メールをご確認ください" }).waitFor();
    const { code } = await signInMail("misaki.member@example.jp");

    // A wrong code first: one clear message, next to the field.
    await page.getByLabel("確認コード（6桁）").fill(code === "000000" ? "111111" : "000000");
    await page.getByRole("button", { name: "ログイン", exact: true }).click();
    await page.getByText("確認コードが正しくないか、有効期限が切れています。").waitFor();
    expect(await page.getByLabel("確認コード（6桁）").getAttribute("aria-invalid")).toBe("true");
    expect(await axeSerious(page)).toEqual([]);

    await page.getByLabel("確認コード（6桁）").fill(code);
    await page.getByRole("button", { name: "ログイン", exact: true }).click();
    await page.waitForURL(`${appUrl}/ja/account`);
    await page.getByRole("heading", { name: "マイページ", level: 1 }).waitFor();
    expect(await page.getByText("長谷川 美咲（misaki.member@example.jp）でログインしています。").isVisible()).toBe(true);
    expect(await page.locator("li.card [data-status]").first().textContent()).toBe("有効");
    expect(await page.getByRole("navigation", { name: "メインメニュー" }).getByRole("link", { name: "マイページ" }).isVisible()).toBe(true);
    expect(await axeSerious(page)).toEqual([]);

    await page.getByRole("button", { name: "すべての端末でログアウト" }).click();
    await page.getByText("すべての端末でログアウトしました。").waitFor();
    await context.close();
  });

  it("stops automatic renewal, undoes it, updates the card through the stand-in, and changes tier with the next charge shown first", async () => {
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    await page.goto(`${appUrl}/account/sign-in`);
    await page.getByLabel("Email address").fill("ken.renews@example.org");
    await page.getByRole("button", { name: "Email me a sign-in link" }).click();
    await page.getByLabel("6-digit code").waitFor();
    await page.getByLabel("6-digit code").fill((await signInMail("ken.renews@example.org")).code);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(`${appUrl}/account`);
    const card = page.locator("li.card").first();
    // Whatever the tier costs by now (other tests may have changed its price): the date, the amount, the interval.
    const renews = /Renews on September 1, 2027: \$[\d,]+\.\d{2} per year/;
    // Polled, so a failure prints what the card said.
    await expect.poll(() => card.innerText()).toMatch(renews);
    expect(await axeSerious(page)).toEqual([]);

    await card.getByRole("button", { name: "Stop automatic renewal" }).click();
    await card.getByText("Automatic renewal is off.", { exact: true }).waitFor();
    await card.getByText("Ends on September 1, 2027: automatic renewal is off").waitFor();
    expect(await card.getByText("your membership ends on September 1, 2027. Changed your mind?").isVisible()).toBe(true);

    await card.getByRole("button", { name: "Keep renewing automatically" }).click();
    await card.getByText("Automatic renewal is on again.").waitFor();
    await expect.poll(() => card.innerText()).toMatch(renews);
    expect(await axeSerious(page)).toEqual([]);

    await card.getByRole("button", { name: "Update card" }).click();
    await page.waitForURL(/\/demo-checkout\/card\//);
    await page.getByRole("button", { name: "Save the test card" }).click();
    await page.getByText("The test card is saved. Nothing was charged.").waitFor();
    await page.getByRole("link", { name: "Back to My account" }).click();
    await page.waitForURL(`${appUrl}/account`);

    // A change of tier: the price first, then the change, which lands through the webhook.
    const plan = page.locator("li.card").first().locator("[data-plan]");
    await plan.getByRole("radio", { name: /^Family: \$[\d,]+\.\d{2} per year$/ }).check();
    await plan.getByRole("button", { name: "See what it costs" }).click();
    const priced = plan.locator("[data-plan-preview]");
    await priced.getByRole("heading", { name: /^Switch to Family:/ }).waitFor();
    await expect.poll(() => priced.innerText()).toMatch(/Charged now: \$[\d,]+\.\d{2}|Nothing is charged now/);
    await expect.poll(() => priced.innerText()).toMatch(/Then \$[\d,]+\.\d{2} per year, next on September 1, 2027\./);
    expect(await axeSerious(page)).toEqual([]);
    await priced.getByRole("button", { name: "Confirm the change" }).click();
    await page.locator("li.card").first().getByText("Your plan has changed.").waitFor();
    await expect.poll(() => page.locator("li.card h3").first().textContent()).toBe("Family");
    await context.close();
  });

  it("changes name and address (with the join form's errors), the email address by a link to the new one, and optional email, in Japanese", async () => {
    const context = await browser.newContext({ locale: "ja-JP" });
    const page = await context.newPage();
    await page.goto(`${appUrl}/ja/account/sign-in`);
    await page.getByLabel("メールアドレス").fill("hanako.details@example.jp");
    await page.getByRole("button", { name: "ログイン用リンクを送信" }).click();
    await page.getByRole("heading", { name: "メールをご確認ください" }).waitFor();
    await page.getByLabel("確認コード（6桁）").fill((await signInMail("hanako.details@example.jp")).code);
    await page.getByRole("button", { name: "ログイン", exact: true }).click();
    await page.waitForURL(`${appUrl}/ja/account`);
    await page.getByRole("link", { name: "ご登録内容を変更する" }).click();
    await page.waitForURL(`${appUrl}/ja/account/details`);
    await page.getByRole("heading", { name: "ご登録内容", level: 1 }).waitFor();
    expect(await page.getByLabel("市区町村").inputValue()).toBe("大阪市北区");
    expect(await page.getByLabel("都道府県").inputValue()).toBe("27");
    expect(await axeSerious(page)).toEqual([]);

    // A bad postal code first: the summary names the field, the field says why, nothing is saved.
    await page.getByLabel("郵便番号").fill("53");
    await page.getByLabel("市区町村").fill("大阪市中央区");
    await page.getByRole("button", { name: "お名前とご住所を保存" }).click();
    await page.getByRole("alert").getByText("郵便番号（米国はZIPコード）：郵便番号は7桁で入力してください").waitFor();
    expect(await page.getByLabel("郵便番号").getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByLabel("市区町村").inputValue(), "what was typed is kept").toBe("大阪市中央区");
    expect(await axeSerious(page)).toEqual([]);
    await page.getByLabel("郵便番号").fill("５４０－０００２");
    await page.getByRole("button", { name: "お名前とご住所を保存" }).click();
    await page.getByText("お名前とご住所を保存しました。").waitFor();
    const [saved] = await handle.db.select().from(people).where(eq(people.email, "hanako.details@example.jp"));
    expect(saved).toMatchObject({ postalCode: "540-0002", city: "大阪市中央区" });

    await page.getByRole("checkbox", { name: "会報（日英二か国語）" }).check();
    await page.getByRole("button", { name: "メールの設定を保存" }).click();
    await page.getByText("メールの設定を保存しました。").waitFor();
    await page.getByText(/にお受け取りを希望されました。/).waitFor();
    expect(await page.getByRole("checkbox", { name: "会報（日英二か国語）" }).isChecked()).toBe(true);
    expect(await page.getByRole("checkbox", { name: "寄付のお願いと催しのご案内" }).isChecked()).toBe(false);

    await page.getByLabel("新しいメールアドレス").fill("hanako.new@example.jp");
    await page.getByRole("button", { name: "確認用のリンクを送る" }).click();
    await page.getByText("hanako.new@example.jp 宛てに確認用のリンクをお送りしました。").waitFor();
    expect(await axeSerious(page)).toEqual([]);
    const [mail] = await handle.db.select().from(emailOutbox).where(eq(emailOutbox.toEmail, "hanako.new@example.jp"));
    expect(mail!.template).toBe("email-change-confirm");
    // The link, opened as from the email: a page with a button; pressing it changes the address.
    await page.goto((mail!.props as { url: string }).url);
    await page.getByRole("heading", { name: "新しいメールアドレスのご確認" }).waitFor();
    expect(await axeSerious(page)).toEqual([]);
    await page.getByRole("button", { name: "このアドレスに変更する" }).click();
    await page.getByText("変更しました。今後は hanako.new@example.jp 宛てにお送りします。").waitFor();
    // Still there once the page's data has been read again (the link itself names nothing now).
    await page.waitForLoadState("networkidle");
    expect(await page.locator("[data-email-change]").getAttribute("data-email-change")).toBe("changed");
    await page.getByRole("link", { name: "マイページへ" }).click();
    await page.getByText("佐藤 花子（hanako.new@example.jp）でログインしています。").waitFor();

    // The English page passes axe too.
    await page.goto(`${appUrl}/account/details`);
    await page.getByRole("heading", { name: "Your details", level: 1 }).waitFor();
    expect(await axeSerious(page)).toEqual([]);
    await context.close();
  });

  it("renews a lapsed membership in one step: Checkout with the details on file, then active, with its receipt as a page and a PDF", async () => {
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    await page.goto(`${appUrl}/account/sign-in`);
    await page.getByLabel("Email address").fill("ingrid.lapsed@example.org");
    await page.getByRole("button", { name: "Email me a sign-in link" }).click();
    await page.getByRole("heading", { name: "Check your email" }).waitFor();
    await page.getByLabel("6-digit code").fill((await signInMail("ingrid.lapsed@example.org")).code);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(`${appUrl}/account`);
    const card = page.locator("li.card").first();
    expect(await card.locator("[data-status]").textContent()).toBe("Lapsed");
    expect(await axeSerious(page)).toEqual([]);
    await card.getByRole("button", { name: "Renew now" }).click();
    await page.waitForURL(/\/demo-checkout\/cs_demo_/);
    await page.getByRole("button", { name: "Pay with the test card" }).click();
    await page.waitForURL(/\/join\/success\?m=/);
    await page.goto(`${appUrl}/account`);
    await page.locator('li.card [data-status="active"]').first().waitFor();
    // Renewed: no second offer to renew while the new membership is current.
    expect(await page.getByRole("button", { name: "Renew now" }).count()).toBe(0);

    // The payment's receipt, as a page and as a PDF (issue 16 item 3).
    const receiptLink = page.getByRole("link", { name: /^Receipt \d{4}-\d{6}$/ }).first();
    await expect
      .poll(async () => {
        await page.reload();
        return receiptLink.count();
      })
      .toBe(1);
    const number = (await receiptLink.textContent())!.replace("Receipt ", "");
    const pdfHref = await page.getByRole("link", { name: `Receipt ${number} as PDF` }).getAttribute("href");
    await receiptLink.click();
    await page.getByRole("heading", { name: "Receipt" }).first().waitFor();
    await expect.poll(() => page.locator("body").innerText()).toContain(number);
    expect(await page.locator("body").innerText()).toContain("Larsen");
    const pdf = await page.request.get(`${appUrl}${pdfHref}`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    expect((await pdf.body()).subarray(0, 5).toString()).toBe("%PDF-");
    await context.close();
  });

  it("downloads the data zip and asks for deletion in Japanese; staff anonymise the person from the dashboard", async () => {
    const context = await browser.newContext({ locale: "ja-JP", acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${appUrl}/ja/account/sign-in`);
    await page.getByLabel("メールアドレス").fill("kenta.data@example.jp");
    await page.getByRole("button", { name: "ログイン用リンクを送信" }).click();
    await page.getByRole("heading", { name: "メールをご確認ください" }).waitFor();
    await page.getByLabel("確認コード（6桁）").fill((await signInMail("kenta.data@example.jp")).code);
    await page.getByRole("button", { name: "ログイン", exact: true }).click();
    await page.waitForURL(`${appUrl}/ja/account`);
    await page.getByRole("link", { name: "個人データのダウンロード・削除のご依頼" }).click();
    await page.getByRole("heading", { name: "個人データ", level: 1 }).waitFor();
    expect(await axeSerious(page)).toEqual([]);

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "個人データをダウンロード（ZIP）" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^kizuna-data-\d{4}-\d{2}-\d{2}\.zip$/);
    const files = unzipSync(new Uint8Array(await readFile((await download.path())!)));
    expect(JSON.parse(strFromU8(files["data.json"]!)).person).toMatchObject({ familyName: "木村", givenName: "健太", email: "kenta.data@example.jp" });
    expect(strFromU8(files["person.csv"]!)).toContain("キムラ");

    // Without the box ticked: the field says why; then the request.
    await page.getByRole("button", { name: "削除を依頼する" }).click();
    await page.getByText("確認のチェックを入れてください。").waitFor();
    await page.getByLabel("内容を理解したうえで、個人データの削除を依頼します。").check();
    await page.getByRole("button", { name: "削除を依頼する" }).click();
    await page.getByText("ご依頼を承りました。").waitFor();
    await page.getByText(/に個人データの削除をご依頼いただきました。/).waitFor();
    expect(await axeSerious(page)).toEqual([]);

    // Staff (Japanese console) find the request on the dashboard and carry it out.
    const staff = await browser.newContext({ locale: "ja-JP" });
    const console_ = await staff.newPage();
    await console_.goto(`${appUrl}/staff/sign-in`);
    await console_.getByLabel("メールアドレス").fill("e2e-privacy@kizuna.example");
    await console_.getByRole("button", { name: "ログイン用リンクを送信" }).click();
    // The answer page first: going to the link while the form's own navigation runs would be cut short.
    await console_.getByText("スタッフとして登録されたアドレスであれば、ログイン用リンクをお送りしました。").waitFor();
    await expect.poll(async () => (await handle.db.select().from(emailOutbox).where(eq(emailOutbox.toEmail, "e2e-privacy@kizuna.example"))).length).toBe(1);
    const [mail] = await handle.db.select().from(emailOutbox).where(eq(emailOutbox.toEmail, "e2e-privacy@kizuna.example")).limit(1);
    await console_.goto((mail!.props as { url: string }).url);
    await console_.getByRole("button", { name: "ログイン", exact: true }).click();
    await console_.waitForURL(`${appUrl}/staff`);
    const requests = console_.locator("[data-deletion-requests]");
    await requests.getByRole("link", { name: "木村 健太" }).click();
    await console_.locator("[data-deletion-requested]").waitFor();
    expect(await axeSerious(console_)).toEqual([]);
    await console_.locator('[data-action="anonymise"] summary').click();
    await console_.locator("#anonymise-reason").fill("会員ページからのご依頼");
    await console_.locator("#anonymise-confirm").check();
    await console_.locator('[data-action="anonymise"] button[type="submit"]').click();
    await console_.getByText("個人情報を匿名化しました。").waitFor();
    await console_.getByRole("heading", { level: 1, name: /Deleted|Member/ }).waitFor();
    const [gone] = await handle.db.select().from(people).where(eq(people.familyNameKana, "キムラ"));
    expect(gone).toBeUndefined();
    await staff.close();

    // The member's session has ended.
    await page.goto(`${appUrl}/ja/account`);
    expect(new URL(page.url()).pathname).toBe("/ja/account/sign-in");
    await context.close();
  });
});
