/**
 * The receipt as a PDF (A4, both languages, the payer's first), with Noto Sans JP embedded
 * from the @expo-google-fonts/noto-sans-jp package and subset by pdfkit to the glyphs used,
 * so a receipt is tens of kilobytes, not megabytes. Nothing is downloaded at run time.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import PDFDocument from "pdfkit";
import { dictionary, type Locale } from "../i18n/i18n";
import { receiptLines, type ReceiptDocument } from "./receipt-document";

const require = createRequire(import.meta.url);
let fonts: { regular: Buffer; bold: Buffer } | undefined;
function loadFonts() {
  fonts ??= {
    regular: readFileSync(require.resolve("@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf")),
    bold: readFileSync(require.resolve("@expo-google-fonts/noto-sans-jp/700Bold/NotoSansJP_700Bold.ttf")),
  };
  return fonts;
}

const INK = "#1f1f1f";
const MUTED = "#6b6b6b";
const ACCENT = "#7a2e2e";

export async function renderReceiptPdf(doc: ReceiptDocument, options: { createdAt?: Date } = {}): Promise<Buffer> {
  const { regular, bold } = loadFonts();
  const [first, second] = doc.locales;
  const pdf = new PDFDocument({
    size: "A4",
    margin: 48,
    lang: first === "ja" ? "ja-JP" : "en-US",
    info: {
      Title: `${doc.heading[first]} ${doc.number} / ${doc.heading[second]}`,
      Author: `${doc.issuer.legalNameEn} / ${doc.issuer.legalNameJa}`,
      CreationDate: options.createdAt ?? new Date(),
    },
  });
  const chunks: Buffer[] = [];
  pdf.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on("end", () => resolve(Buffer.concat(chunks)));
    pdf.on("error", reject);
  });
  pdf.registerFont("jp", regular);
  pdf.registerFont("jp-bold", bold);
  const width = pdf.page.width - 96;

  // Heading: 領収書 / Receipt, the payer's language first.
  pdf.font("jp-bold").fontSize(22).fillColor(ACCENT).text(`${doc.heading[first]}  ${doc.heading[second]}`, { align: "center" });
  pdf.moveDown(0.3);
  pdf.font("jp").fontSize(10).fillColor(MUTED).text(`No. ${doc.number}`, { align: "center" });
  pdf.moveDown(1);

  // Payer, large, as a Japanese receipt puts it (山田 太郎 様 / 株式会社… 御中).
  pdf.font("jp-bold").fontSize(16).fillColor(INK).text(doc.payer[first]);
  if (doc.payer[second] !== doc.payer[first]) pdf.font("jp").fontSize(11).fillColor(MUTED).text(doc.payer[second]);
  pdf.moveDown(0.6);
  pdf.font("jp-bold").fontSize(20).fillColor(INK).text(doc.amount[first]);
  pdf.moveDown(0.8);

  for (const locale of [first, second] as Locale[]) {
    section(pdf, doc, locale, width);
    pdf.moveDown(0.8);
  }

  // Issuer.
  const t = dictionary(first).receipt;
  pdf.moveTo(48, pdf.y).lineTo(48 + width, pdf.y).strokeColor("#cccccc").stroke();
  pdf.moveDown(0.5);
  pdf.font("jp").fontSize(9).fillColor(MUTED).text(`${t.issuer} / ${dictionary(second).receipt.issuer}`);
  pdf.font("jp-bold").fontSize(11).fillColor(INK).text(`${doc.issuer.legalNameJa}  ${doc.issuer.legalNameEn}`);
  pdf.font("jp").fontSize(9).fillColor(INK).text(doc.issuer.addressJa).text(doc.issuer.addressEn);
  if (doc.issuer.ein) pdf.text(`EIN: ${doc.issuer.ein}`);
  if (doc.qualifiedInvoice) pdf.text(`${dictionary("ja").invoice.registrationNumber}: ${doc.qualifiedInvoice.registrationNumber}`);
  pdf.moveDown(0.4);
  pdf.fillColor(MUTED).text(dictionary("ja").invoice.stampNote);

  pdf.end();
  return done;
}

function section(pdf: PDFKit.PDFDocument, doc: ReceiptDocument, locale: Locale, width: number) {
  const t = dictionary(locale).receipt;
  pdf.font("jp-bold").fontSize(13).fillColor(ACCENT).text(doc.heading[locale]);
  pdf.moveDown(0.2);
  if (doc.correction) pdf.font("jp").fontSize(10).fillColor(INK).text(doc.correction[locale], { width });
  const labelWidth = 170;
  for (const [label, value] of receiptLines(doc, locale)) {
    const y = pdf.y;
    pdf.font("jp").fontSize(9).fillColor(MUTED).text(label, 48, y, { width: labelWidth - 8 });
    const afterLabel = pdf.y;
    pdf.font("jp").fontSize(10).fillColor(INK).text(value, 48 + labelWidth, y, { width: width - labelWidth });
    pdf.y = Math.max(pdf.y, afterLabel) + 2;
    pdf.x = 48;
  }
  pdf.moveDown(0.4);
  pdf.font("jp-bold").fontSize(10).fillColor(INK).text(doc.quidProQuo ? `${t.usHeading} — ${t.quidProQuo}` : t.usHeading, 48);
  pdf.font("jp").fontSize(10).text(`${t.deductible}: ${doc.deductible[locale]}`);
  if (doc.benefitsValue) pdf.text(`${t.benefitsValue}: ${doc.benefitsValue[locale]}`);
  pdf.fontSize(9).fillColor(INK).text(doc.usStatement[locale], { width });
}
