import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect, type DatabaseHandle } from "../../db/client";
import { parseEnv } from "~/modules/config/env.server";
import { issueReceiptForPayment, receiptToken } from "~/modules/receipts/receipts.server";
import { createMembership, createPayment, createPerson } from "../fixtures/members";
import { axeSerious, hasChromium, launchBrowser, type Browser } from "./browser";

const appUrl = inject("appUrl");
// The app under test has no RECEIPT_LINK_SECRET or SESSION_SECRET: it signs with the development key, as this does.
const env = parseEnv({});

describe.skipIf(!hasChromium)("receipt page in Chromium", () => {
  let browser: Browser;
  let handle: DatabaseHandle;
  let number: string;
  beforeAll(async () => {
    handle = connect(inject("appDatabaseUrl"), { max: 2 });
    const person = await createPerson(handle.db, { familyName: "山田", givenName: "太郎", preferredLocale: "ja" });
    const membership = await createMembership(handle.db, person.id);
    const payment = await createPayment(handle.db, { personId: person.id, membershipId: membership.id });
    number = (await handle.db.transaction((tx) => issueReceiptForPayment(tx, payment.id))).number;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await handle?.close();
  });

  for (const lang of ["ja", "en"] as const) {
    it(`shows the receipt through its signed link in ${lang}, both languages, printable, with no serious axe violation`, async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const prefix = lang === "ja" ? "/ja" : "";
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      const response = await page.goto(`${appUrl}${prefix}/receipts/${number}?token=${receiptToken(env, number)}`);
      expect(response?.status()).toBe(200);
      expect(response?.headers()["cache-control"]).toBe("private, no-store");
      const main = (await page.textContent("main")) ?? "";
      expect(main).toContain("山田 太郎 様");
      expect(main).toContain("領収書");
      expect(main).toContain("Receipt");
      expect(main).toContain("$220.00");
      expect(main).toContain("Quid pro quo");
      expect(await axeSerious(page)).toEqual([]);
      // Hydrated with both languages' receipt strings (the page shows both), without a reload or an error.
      await page.waitForFunction(() => "__remixRouter" in window);
      expect(await page.evaluate(() => sessionStorage.getItem("kizuna-strings-reload"))).toBeNull();
      expect(errors).toEqual([]);
      await page.emulateMedia({ media: "print" });
      expect(await page.locator(".receipt .actions").isVisible()).toBe(false);
      mkdirSync("tests/.artifacts", { recursive: true });
      await page.screenshot({ path: `tests/.artifacts/receipt-${lang}-print.png`, fullPage: true });
      await context.close();
    });
  }

  it("serves the PDF from the built app behind the same link", async () => {
    const response = await fetch(`${appUrl}/receipts/${number}/pdf?token=${receiptToken(env, number)}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.subarray(0, 5).toString()).toBe("%PDF-");
    expect(body.length).toBeLessThan(200_000);
    expect((await fetch(`${appUrl}/receipts/${number}/pdf`)).status).toBe(404);
  });

  it("answers 404 without the token", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(`${appUrl}/receipts/${number}`);
    expect(response?.status()).toBe(404);
    expect(await page.textContent("main")).toContain("This receipt link is not valid");
    await context.close();
  });
});
