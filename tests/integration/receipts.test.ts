import { eq } from "drizzle-orm";
import { extractText } from "unpdf";
import { describe, expect, it } from "vitest";
import { connect } from "../../db/client";
import * as s from "../../db/schema";
import { parseEnv } from "~/modules/config/env.server";
import { buildReceiptDocument } from "~/modules/receipts/receipt-document";
import { renderReceiptPdf } from "~/modules/receipts/receipt-pdf.server";
import {
  issueCorrectedReceipt,
  issueReceiptForPayment,
  issuerFromEnv,
  receiptPageUrl,
  receiptToken,
  verifyReceiptToken,
} from "~/modules/receipts/receipts.server";
import { createMembership, createPayment, createPerson } from "../fixtures/members";
import { useTestDatabase } from "../setup/test-db";

const t = useTestDatabase();
const env = parseEnv({ NODE_ENV: "test", APP_URL: "https://kizuna.example.org", ASSOCIATION_EIN: "12-3456789" });
const issuer = issuerFromEnv(env);

async function pdfText(pdf: Buffer) {
  return (await extractText(new Uint8Array(pdf), { mergePages: true })).text;
}

async function patronReceipt(values: { locale?: "en" | "ja"; familyName?: string; givenName?: string } = {}) {
  const person = await createPerson(t.db, {
    familyName: values.familyName ?? "山田",
    givenName: values.givenName ?? "太郎",
    preferredLocale: values.locale ?? "ja",
  });
  const membership = await createMembership(t.db, person.id, { tierSlug: "patron" });
  const payment = await createPayment(t.db, { personId: person.id, membershipId: membership.id, amount: 25000, currency: "USD" });
  return t.db.transaction((tx) => issueReceiptForPayment(tx, payment.id));
}

describe("receipt numbers", () => {
  it("200 concurrent payments across a year boundary get 200 distinct numbers with no gap in either year", async () => {
    const pool = connect(t.url, { max: 20 });
    try {
      const person = await createPerson(t.db, { familyName: "Smith", givenName: "Jane", preferredLocale: "en", country: "US" });
      const [fund] = await t.db.select().from(s.funds).limit(1);
      // 23:59:59 on 31 December and 00:00:00 on 1 January in Tokyo, the association's time zone.
      const lastSecond = new Date("2026-12-31T14:59:59Z");
      const firstSecond = new Date("2026-12-31T15:00:00Z");
      const attempts = Array.from({ length: 220 }, (_, i) => i);
      const results = await Promise.allSettled(
        attempts.map((i) =>
          pool.db.transaction(async (tx) => {
            const payment = await createPayment(tx, {
              personId: person.id,
              fundId: fund!.id,
              amount: 1000 + i,
              paidAt: i % 2 === 0 ? lastSecond : firstSecond,
            });
            const receipt = await issueReceiptForPayment(tx, payment.id);
            // Every eleventh payment fails after its number was allocated: the number rolls back with it.
            if (i % 11 === 10) throw new Error("payment rolled back");
            return receipt;
          }),
        ),
      );
      const issued = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
      expect(issued).toHaveLength(200);
      expect(new Set(issued.map((r) => r.number)).size).toBe(200);
      for (const year of [2026, 2027]) {
        const seqs = issued
          .filter((r) => r.year === year)
          .map((r) => r.seq)
          .sort((a, b) => a - b);
        expect(seqs.length).toBeGreaterThan(0);
        expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
        for (const r of issued.filter((x) => x.year === year)) expect(r.number).toMatch(new RegExp(`^${year}-\\d{6}$`));
      }
      const [counter] = await t.db.select().from(s.receiptCounters).where(eq(s.receiptCounters.year, 2027));
      expect(counter?.lastSeq).toBe(issued.filter((r) => r.year === 2027).length);
    } finally {
      await pool.close();
    }
  });
});

describe("receipt contents", () => {
  it("a $250 Patron payment with $30 of benefits: deductible $220.00, with the quid-pro-quo disclosure", async () => {
    const receipt = await patronReceipt();
    expect(receipt).toMatchObject({ amount: 25000, benefitsValue: 3000, deductibleAmount: 22000, locale: "ja" });
    const doc = buildReceiptDocument(receipt, issuer);
    expect(doc.deductible.en).toBe("$220.00");
    expect(doc.quidProQuo).toBe(true);
    expect(doc.usStatement.en).toContain("good-faith estimated fair-market value of $30.00");
    expect(doc.usStatement.en).toContain("$220.00");
    expect(doc.payer.ja).toBe("山田 太郎 様");
    expect(doc.purpose.ja).toMatch(/^賛助会員 会費として/);
    expect(doc.locales).toEqual(["ja", "en"]);
  });

  it("the PDF holds the Japanese payer name as text, the deductible $220.00 and the issuer's EIN", async () => {
    const receipt = await patronReceipt({ familyName: "佐藤", givenName: "花子" });
    const text = await pdfText(await renderReceiptPdf(buildReceiptDocument(receipt, issuer)));
    expect(text).toContain("佐藤 花子 様");
    expect(text).toContain("$220.00");
    expect(text).toContain("領収書");
    expect(text).toContain("但し書き");
    expect(text).toContain("Receipt");
    expect(text).toContain("EIN: 12-3456789");
    expect(text).toContain(receipt.number);
    expect(text).not.toContain("登録番号"); // no qualified-invoice fields without a registration number
  });

  it("a pure donation says no goods or services were provided and is wholly deductible", async () => {
    const person = await createPerson(t.db, { familyName: "Smith", givenName: "Jane", preferredLocale: "en", country: "US" });
    const [fund] = await t.db.select().from(s.funds).where(eq(s.funds.slug, "general"));
    const payment = await createPayment(t.db, { personId: person.id, fundId: fund!.id, amount: 50000 });
    const receipt = await t.db.transaction((tx) => issueReceiptForPayment(tx, payment.id));
    expect(receipt).toMatchObject({ benefitsValue: 0, deductibleAmount: 50000, locale: "en" });
    const doc = buildReceiptDocument(receipt, issuer);
    expect(doc.usStatement.en).toBe("No goods or services were provided in exchange for this contribution.");
    expect(doc.quidProQuo).toBe(false);
    expect(doc.purpose.en).toBe("Gift to the General Fund");
    expect(doc.purpose.ja).toBe("一般基金へのご寄付として");
    expect(doc.locales).toEqual(["en", "ja"]);
  });

  it("shows the qualified-invoice fields (registration number, 不課税, ¥0 tax) when a T-number is configured, and 御中 for a company", async () => {
    const registered = issuerFromEnv(parseEnv({ JP_INVOICE_REGISTRATION_NUMBER: "T1234567890123" }));
    const [org] = await t.db
      .insert(s.organisations)
      .values({ legalNameEn: "Sakura Trading Co., Ltd.", legalNameJa: "株式会社さくら商事", billingEmail: "keiri@sakura.example.jp", country: "JP" })
      .returning();
    const payment = await createPayment(t.db, {
      organisationId: org!.id,
      amount: 70000,
      currency: "JPY",
      method: "bank_transfer",
      cardBrand: null,
      cardLast4: null,
    });
    const receipt = await t.db.transaction((tx) => issueReceiptForPayment(tx, payment.id));
    const text = await pdfText(await renderReceiptPdf(buildReceiptDocument(receipt, registered)));
    expect(text).toContain("株式会社さくら商事 御中");
    expect(text).toContain("T1234567890123");
    expect(text).toContain("登録番号");
    expect(text).toContain("不課税");
    expect(text).toMatch(/消費税額\s*[¥￥]0/);
    expect(text).toContain("銀行振込");
  });

  it("rejects a registration number that is not T + 13 digits", () => {
    expect(() => parseEnv({ JP_INVOICE_REGISTRATION_NUMBER: "1234567890123" })).toThrow(/JP_INVOICE_REGISTRATION_NUMBER must be T followed by 13 digits/);
    expect(() => parseEnv({ ASSOCIATION_EIN: "123456789" })).toThrow(/ASSOCIATION_EIN must be a US EIN/);
  });

  it("renders the same PDF bytes for the same receipt (so a resend repeats the same Resend payload)", async () => {
    const receipt = await patronReceipt();
    const doc = buildReceiptDocument(receipt, issuer);
    const a = await renderReceiptPdf(doc, { createdAt: receipt.issuedAt });
    const b = await renderReceiptPdf(doc, { createdAt: receipt.issuedAt });
    expect(a.equals(b)).toBe(true);
    expect(a.length).toBeLessThan(200_000); // the font is subset, not embedded whole (5.5 MB)
  });
});

describe("refunds", () => {
  it("a partial refund issues a corrected receipt that names the original number; a replay issues nothing new", async () => {
    const original = await patronReceipt({ locale: "en", familyName: "Smith", givenName: "Jane" });
    const corrected = await t.db.transaction((tx) => issueCorrectedReceipt(tx, { originalReceiptId: original.id, refundedAmount: 10000 }));
    expect(corrected).toMatchObject({ kind: "corrected", correctsReceiptId: original.id, amount: 15000, deductibleAmount: 12000, benefitsValue: 3000 });
    expect(corrected.number).not.toBe(original.number);
    const again = await t.db.transaction((tx) => issueCorrectedReceipt(tx, { originalReceiptId: original.id, refundedAmount: 10000 }));
    expect(again.id).toBe(corrected.id);

    const doc = buildReceiptDocument(corrected, issuer);
    expect(doc.heading.en).toBe("Corrected receipt");
    expect(doc.correction?.en).toBe(`This corrected receipt replaces receipt ${original.number} after a refund of $100.00.`);
    expect(doc.correction?.ja).toContain(original.number);
    const text = await pdfText(await renderReceiptPdf(doc));
    expect(text).toContain(original.number);
    expect(text).toContain("訂正領収書");

    // The rest refunded later: a second correction, still referring to the original.
    const full = await t.db.transaction((tx) => issueCorrectedReceipt(tx, { originalReceiptId: corrected.id, refundedAmount: 25000 }));
    expect(full).toMatchObject({ correctsReceiptId: original.id, amount: 0, deductibleAmount: 0, benefitsValue: 0 });
  });

  it("the same refund applied twice at once (a duplicated webhook) issues one corrected receipt", async () => {
    const original = await patronReceipt();
    const pool = connect(t.url, { max: 4 });
    try {
      const [a, b] = await Promise.all([
        pool.db.transaction((tx) => issueCorrectedReceipt(tx, { originalReceiptId: original.id, refundedAmount: 5000 })),
        pool.db.transaction((tx) => issueCorrectedReceipt(tx, { originalReceiptId: original.id, refundedAmount: 5000 })),
      ]);
      expect(a.id).toBe(b.id);
    } finally {
      await pool.close();
    }
  });

  it("refuses a refund larger than the payment", async () => {
    const original = await patronReceipt();
    await expect(t.db.transaction((tx) => issueCorrectedReceipt(tx, { originalReceiptId: original.id, refundedAmount: 25001 }))).rejects.toThrow(
      /refunded amount must be between 1 and 25000/,
    );
  });
});

describe("receipt links", () => {
  it("are signed: the right token verifies, a guessed number or a forged token does not", () => {
    const url = receiptPageUrl(env, "2026-000123", "ja");
    expect(url).toMatch(/^https:\/\/kizuna\.example\.org\/ja\/receipts\/2026-000123\?token=[\w-]{32}$/);
    const token = receiptToken(env, "2026-000123");
    expect(verifyReceiptToken(env, "2026-000123", token)).toBe(true);
    expect(verifyReceiptToken(env, "2026-000124", token)).toBe(false);
    expect(
      verifyReceiptToken(
        env,
        "2026-000123",
        token.replace(/.$/, (c) => (c === "A" ? "B" : "A")),
      ),
    ).toBe(false);
    expect(verifyReceiptToken(env, "2026-000123", null)).toBe(false);
    const other = parseEnv({ RECEIPT_LINK_SECRET: "x".repeat(40) });
    expect(verifyReceiptToken(other, "2026-000123", token)).toBe(false);
  });
});
