import { readFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import { desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect, type DatabaseHandle } from "../../db/client";
import { emailOutbox, memberships, people, staffUsers, tiers } from "../../db/schema";
import { axeSerious, hasChromium, launchBrowser, type Browser } from "./browser";

const appUrl = inject("appUrl");

describe.skipIf(!hasChromium)("staff console in Chromium", () => {
  let browser: Browser;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = connect(inject("appDatabaseUrl"), { max: 2 });
    const db = handle.db;
    await db.insert(staffUsers).values({ email: "e2e-staff@kizuna.example", name: "E2E Staff", role: "staff", locale: "en" });
    await db.insert(staffUsers).values({ email: "e2e-jimukyoku@kizuna.example", name: "事務局 E2E", role: "staff", locale: "ja" });
    const [tier] = await db.select().from(tiers).where(eq(tiers.slug, "individual"));
    const rows = [
      { familyName: "寺田", givenName: "花子", familyNameKana: "テラダ", givenNameKana: "ハナコ", email: "hanako@example.jp", country: "JP", region: "13" },
      { familyName: "寺本", givenName: "一郎", familyNameKana: "テラモト", givenNameKana: "イチロウ", email: "ichiro@example.jp", country: "JP", region: "27" },
      { familyName: "Walker", givenName: "Ann", email: "ann@example.org", country: "US", region: "MN" },
    ];
    for (const row of rows) {
      const [person] = await db.insert(people).values(row).returning();
      await db.insert(memberships).values({
        personId: person!.id,
        tierId: tier!.id,
        status: "active",
        currency: row.country === "JP" ? "JPY" : "USD",
        interval: "year",
        startedAt: new Date("2026-02-01T00:00:00Z"),
        currentPeriodEnd: new Date("2027-02-01T00:00:00Z"),
      });
    }
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await handle?.close();
  });

  /** The emailed sign-in link of a staff user, as the outbox holds it. */
  async function signInLink(address: string) {
    const [email] = await handle.db.select().from(emailOutbox).where(eq(emailOutbox.toEmail, address)).orderBy(desc(emailOutbox.createdAt)).limit(1);
    expect(email!.template).toBe("sign-in-link");
    return (email!.props as { url: string }).url;
  }

  it("signs in with the emailed link, finds a member by kana, comps them and downloads the filtered CSV", async () => {
    const context = await browser.newContext({ locale: "en-US", acceptDownloads: true });
    const page = await context.newPage();

    await page.goto(`${appUrl}/staff/members`);
    expect(new URL(page.url()).pathname).toBe("/staff/sign-in");
    expect(await axeSerious(page)).toEqual([]);
    await page.getByLabel("Email address").fill("e2e-staff@kizuna.example");
    await page.getByRole("button", { name: "Email me a sign-in link" }).click();
    await page.getByText("If that address belongs to a staff user").waitFor();

    const link = await signInLink("e2e-staff@kizuna.example");
    expect(link.startsWith(`${appUrl}/staff/verify?token=`)).toBe(true);
    await page.goto(link);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${appUrl}/staff`);
    await page.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();

    await page.getByRole("link", { name: "Members" }).click();
    await page.waitForURL(`${appUrl}/staff/members`);
    await page.getByLabel("Search").fill("テラダ");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/q=%E3%83%86%E3%83%A9%E3%83%80/);
    const rows = page.locator("table.members-table tbody tr");
    await expect.poll(() => rows.count()).toBe(1);
    // The name in its own order and the prefecture by name, in the English console.
    await expect.poll(() => rows.first().textContent()).toContain("寺田 花子");
    expect(await rows.first().textContent()).toContain("Tokyo, Japan");
    expect(await axeSerious(page)).toEqual([]);
    await rows.first().getByRole("link").click();
    await page.getByRole("heading", { level: 1 }).filter({ hasText: "花子" }).waitFor();

    // Each action is folded beside the membership it changes; opening it shows its fields, the confirmation and the button.
    const membership = page.locator("[data-membership]").first();
    const comp = membership.locator('details[data-action="comp"]');
    expect(await comp.getByLabel("Complimentary until").isVisible()).toBe(false);
    await comp.locator("summary").click();
    await comp.getByLabel("Complimentary until").fill("2099-12-31");
    // Sent without the confirmation: nothing changes, the same panel comes back open with the message and the date kept.
    await comp.getByRole("button", { name: "Comp membership" }).click();
    await comp.getByText("Tick the box to confirm.").waitFor();
    expect(await comp.getAttribute("open")).not.toBeNull();
    expect(await comp.getByLabel("Complimentary until").inputValue()).toBe("2099-12-31");
    await comp.getByLabel("I have checked this and want to go ahead").check();
    await comp.getByRole("button", { name: "Comp membership" }).click();
    await page.getByText("Membership comped.").waitFor();
    await expect.poll(() => page.locator("[data-membership] [data-status]").first().textContent()).toBe("Complimentary");
    expect(await axeSerious(page)).toEqual([]);

    await page.goto(`${appUrl}/staff/members?q=${encodeURIComponent("てら")}&country=JP`);
    await expect.poll(() => page.locator("table.members-table tbody tr").count()).toBe(2);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^members-roll-\d{8}-\d{4}\.csv$/);
    const bytes = await readFile((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...data] = parse(bytes.toString("utf8").slice(1)) as string[][];
    expect(header![0]).toBe("Family name");
    expect(data.map((r) => r[0]).sort()).toEqual(["寺本", "寺田"]);
    expect(data.find((r) => r[0] === "寺田")![header!.indexOf("Status")]).toBe("Complimentary");
    await context.close();
  });

  it("in Japanese: adds a member by hand, records their cash payment (active), and refunds part of it with a corrected receipt", async () => {
    const context = await browser.newContext({ locale: "ja-JP" });
    const page = await context.newPage();
    await page.goto(`${appUrl}/staff/sign-in`);
    await page.getByLabel("メールアドレス").fill("e2e-jimukyoku@kizuna.example");
    await page.getByRole("button", { name: "ログイン用リンクを送信" }).click();
    await page.getByText("ログイン用リンクをお送りしました").waitFor();
    await page.goto(await signInLink("e2e-jimukyoku@kizuna.example"));
    await page.getByRole("button", { name: "ログイン" }).click();
    await page.waitForURL(`${appUrl}/staff`);
    // The document is in the console's language (a screen reader reads it in Japanese), not the site's default.
    expect(await page.locator("html").getAttribute("lang")).toBe("ja");

    await page.goto(`${appUrl}/staff/members?q=Walker`);
    // A Latin name keeps its given-name-first order in the Japanese console; the state by its Japanese name.
    const walker = page.locator("table.members-table tbody tr", { hasText: "Ann Walker" });
    await expect.poll(() => walker.count()).toBe(1);
    expect(await walker.textContent()).toContain("アメリカ合衆国 ミネソタ州");
    await page.goto(`${appUrl}/staff/members`);
    await page.getByRole("link", { name: "会員を追加" }).click();
    await page.getByRole("heading", { level: 1, name: "会員を追加" }).waitFor();
    expect(await axeSerious(page)).toEqual([]);
    await page.getByLabel("日本円（JPY）").check();
    await page.getByLabel("姓", { exact: true }).fill("手塚");
    await page.getByLabel("名", { exact: true }).fill("治子");
    await page.getByLabel("セイ（フリガナ）").fill("てづか");
    await page.getByLabel("メイ（フリガナ）").fill("ハルコ");
    await page.getByLabel("メールアドレス").fill("haruko.tezuka@example.jp");
    await page.getByLabel("日本語").check();
    await page.getByLabel("郵便番号（米国はZIPコード）").fill("１６０－００２２");
    await page.getByLabel("都道府県（日本）").selectOption("13");
    await page.getByLabel("市区町村").fill("新宿区");
    await page.getByLabel("番地").fill("新宿3-1-1");
    await page.getByRole("button", { name: "会員を追加" }).click();
    await page.getByText("会員を追加しました。").waitFor();
    await expect.poll(() => page.locator("[data-membership] [data-status]").first().textContent()).toBe("手続き中");

    const pay = page.locator('[data-membership] details[data-action="payment"]').first();
    await pay.locator("summary").click();
    await pay.getByLabel(/金額/).fill("8,000");
    await pay.getByLabel("通貨").selectOption("JPY");
    await pay.getByLabel("支払方法").selectOption("cash");
    await pay.getByLabel("支払日").fill(new Date().toISOString().slice(0, 10));
    await pay.getByLabel("内容を確認しました。実行します").check();
    await pay.getByRole("button", { name: "オフラインの支払いを記録" }).click();
    await page.getByText("支払いを記録し、領収書を発行しました。").waitFor();
    await expect.poll(() => page.locator("[data-membership] [data-status]").first().textContent()).toBe("有効");

    const payment = page.locator("tr[data-payment]").first();
    await payment.getByText("返金…").click();
    await payment.getByLabel(/返金額/).fill("3000");
    await payment.getByLabel("理由").selectOption("requested_by_customer");
    await payment.locator("details.refund").getByLabel("内容を確認しました。実行します").check();
    await payment.getByRole("button", { name: "返金する" }).click();
    await page.getByText("返金しました。訂正領収書を支払者にメールで送ります。").waitFor();
    await expect(page.locator("tr[data-payment] [data-refunded]").first().textContent()).resolves.toBe("￥3,000");
    await expect(page.locator("tr[data-payment]").first().textContent()).resolves.toContain("訂正：");
    expect(await axeSerious(page)).toEqual([]);
    // The emails sent name their template in words and the time in the association's named zone.
    await page.reload();
    const sent = page.locator("table.emails-sent tbody tr").first();
    await sent.waitFor();
    // (The receipt's subject is bilingual by design, "訂正領収書 … / Corrected receipt …", so only the template cell is read for words.)
    expect(await sent.locator('td[data-label="テンプレート"]').textContent()).toBe("領収書");
    expect(await sent.textContent()).toContain("JST");

    // An export, downloaded with this staff user's session: its audit entry is read below.
    const exported = await page.request.get(`${appUrl}/staff/members/export?format=csv&preset=roll`);
    expect(exported.status()).toBe(200);
    await exported.body();

    // The audit log says what was done, to whom and for how much in words, and its action filter is exact.
    await page.getByRole("link", { name: "監査ログ" }).click();
    await page.getByRole("heading", { level: 1, name: "監査ログ" }).waitFor();
    // Its entry is completed just after the last byte: the page is read again until it says so.
    const exportRow = page.locator("table.audit-table tbody tr", { hasText: "会員データを書き出し" }).first();
    await expect
      .poll(async () => {
        const text = (await exportRow.textContent()) ?? "";
        if (!text.includes("完了")) await page.reload();
        return text;
      })
      .toContain("完了");
    const exportText = (await exportRow.textContent()) ?? "";
    for (const words of ["CSV", "名簿", "姓"]) expect(exportText).toContain(words);
    expect(exportText).not.toMatch(/completed|\broll\b|familyName/);
    const refund = page.locator("table.audit-table tbody tr", { hasText: "支払いを返金" }).first();
    expect(await refund.textContent()).toContain("￥3,000");
    expect(await refund.textContent()).not.toContain("payment.refund");
    await refund.getByRole("link", { name: "手塚 治子" }).waitFor();
    await page.getByLabel("操作").selectOption({ label: "入金を手動で記録" });
    await page.getByRole("button", { name: "適用" }).click();
    await page.waitForURL(/action=payment\.record_offline/);
    const rows = page.locator("table.audit-table tbody tr");
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain("入金を手動で記録");
    expect(await rows.first().textContent()).toContain("￥8,000");
    expect(await axeSerious(page)).toEqual([]);
    await context.close();
  });
});
