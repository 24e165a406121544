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

  it("signs in with the emailed link, finds a member by kana, comps them and downloads the filtered CSV", async () => {
    const context = await browser.newContext({ locale: "en-US", acceptDownloads: true });
    const page = await context.newPage();

    await page.goto(`${appUrl}/staff/members`);
    expect(new URL(page.url()).pathname).toBe("/staff/sign-in");
    expect(await axeSerious(page)).toEqual([]);
    await page.getByLabel("Email address").fill("e2e-staff@kizuna.example");
    await page.getByRole("button", { name: "Email me a sign-in link" }).click();
    await page.getByText("If that address belongs to a staff user").waitFor();

    const [email] = await handle.db
      .select()
      .from(emailOutbox)
      .where(eq(emailOutbox.toEmail, "e2e-staff@kizuna.example"))
      .orderBy(desc(emailOutbox.createdAt))
      .limit(1);
    expect(email!.template).toBe("sign-in-link");
    const link = (email!.props as { url: string }).url;
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
    expect(await axeSerious(page)).toEqual([]);
    await rows.first().getByRole("link").click();
    await page.getByRole("heading", { level: 1 }).filter({ hasText: "花子" }).waitFor();

    await page.locator("#comp-until").fill("2099-12-31");
    await page.locator("#comp-confirm").check();
    await page.getByRole("button", { name: "Comp membership" }).click();
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
});
