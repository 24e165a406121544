/**
 * Email and receipt figures: emails rendered per second in each language (every template in
 * turn, HTML + plain text), receipt PDFs per second, and a typical receipt PDF's size.
 * No database, no network: rendering only.
 */
import { renderEmail, TEMPLATE_NAMES, templates } from "../../emails";
import { parseEnv } from "../../app/modules/config/env.server";
import { buildReceiptDocument } from "../../app/modules/receipts/receipt-document";
import { renderReceiptPdf } from "../../app/modules/receipts/receipt-pdf.server";
import { issuerFromEnv } from "../../app/modules/receipts/receipts.server";

async function rate(label: string, seconds: number, work: () => Promise<unknown>) {
  for (let i = 0; i < 5; i++) await work(); // warm up
  let n = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    await work();
    n += 1;
  }
  const perSecond = n / ((performance.now() - started) / 1000);
  console.log(`${label}: ${perSecond.toFixed(0)} /s (${n} in ${seconds} s)`);
  return perSecond;
}

export async function benchEmails(): Promise<void> {
  for (const locale of ["en", "ja"] as const) {
    let i = 0;
    await rate(`emails rendered (${locale}, all ${TEMPLATE_NAMES.length} templates in turn)`, 3, () => {
      const name = TEMPLATE_NAMES[i++ % TEMPLATE_NAMES.length]!;
      return renderEmail(name, locale, templates[name].previews[locale] as Record<string, unknown>);
    });
  }

  const env = parseEnv({ ASSOCIATION_EIN: "12-3456789", JP_INVOICE_REGISTRATION_NUMBER: "T1234567890123" });
  const doc = buildReceiptDocument(
    {
      number: "2026-000123",
      kind: "original",
      amount: 25000,
      currency: "USD",
      deductibleAmount: 22000,
      benefitsValue: 3000,
      locale: "ja",
      issuedAt: new Date("2026-11-28T03:00:00Z"),
      snapshot: {
        payer: { kind: "person", familyName: "山田", givenName: "太郎", email: "taro@example.jp", country: "JP" },
        purpose: {
          kind: "membership",
          tierName: { en: "Patron", ja: "賛助会員" },
          periodStart: "2026-11-28T00:00:00Z",
          periodEnd: "2027-11-28T00:00:00Z",
          benefitsDescription: { en: "Two seats at the annual reception", ja: "年次レセプションへのご招待（2名様）" },
        },
        method: { type: "card", brand: "visa", last4: "4242" },
      },
    },
    issuerFromEnv(env),
  );
  const first = performance.now();
  const pdf = await renderReceiptPdf(doc);
  console.log(`first receipt PDF (loads the 2 × 5.5 MB Noto Sans JP files): ${(performance.now() - first).toFixed(0)} ms`);
  await rate("receipt PDFs rendered (bilingual, Noto Sans JP subset)", 5, () => renderReceiptPdf(doc));
  console.log(`typical receipt PDF: ${(pdf.length / 1024).toFixed(1)} KiB (${pdf.length} bytes)`);
}
