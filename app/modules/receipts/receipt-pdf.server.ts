/**
 * The receipt as a PDF (A4, both languages, the payer's first), with Noto Sans JP embedded
 * from the @expo-google-fonts/noto-sans-jp package and subset by pdfkit to the glyphs used,
 * so a receipt is tens of kilobytes, not megabytes. Nothing is downloaded at run time.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type * as Fontkit from "fontkit";
import { dictionary, type Locale } from "../i18n/i18n";
import { receiptLines, type ReceiptDocument } from "./receipt-document";

const require = createRequire(import.meta.url);
// Parsed once per process and shared by every PDF (pdfkit takes a fontkit font as is and
// subsets it per document): parsing the 5.5 MB files for each receipt was most of its cost.
// pdfkit and fontkit are loaded on the first PDF, not at start-up (together ~0.25 s to import).
type Font = Fontkit.Font;
let fonts: Promise<{ regular: Font; bold: Font }> | undefined;
export function loadFonts() {
  fonts ??= import("fontkit").then((fontkit) => {
    const open = (file: string) => fontkit.create(readFileSync(require.resolve(`@expo-google-fonts/noto-sans-jp/${file}`))) as Font;
    return { regular: open("400Regular/NotoSansJP_400Regular.ttf"), bold: open("700Bold/NotoSansJP_700Bold.ttf") };
  });
  return fonts;
}

export async function loadPdfKit(): Promise<typeof import("pdfkit")> {
  return (await import("pdfkit")).default;
}

const INK = "#1f1f1f";
const MUTED = "#6b6b6b";
const ACCENT = "#7a2e2e";
const MARGIN = 40;

export async function renderReceiptPdf(doc: ReceiptDocument, options: { createdAt?: Date } = {}): Promise<Buffer> {
  const [{ regular, bold }, PDFDocument] = await Promise.all([loadFonts(), loadPdfKit()]);
  const [first, second] = doc.locales;
  const pdf = new PDFDocument({
    size: "A4",
    margin: MARGIN,
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
  pdf.registerFont("jp", regular as unknown as Buffer);
  pdf.registerFont("jp-bold", bold as unknown as Buffer);
  const left = MARGIN;
  const width = pdf.page.width - 2 * MARGIN;

  // Heading: 領収書 / Receipt, the payer's language first.
  pdf.font("jp-bold").fontSize(20).fillColor(ACCENT).text(`${doc.heading[first]}  ${doc.heading[second]}`, { align: "center" });
  pdf.font("jp").fontSize(9).fillColor(MUTED).text(`No. ${doc.number}  ·  ${doc.issuedAt[first]}`, { align: "center" });
  pdf.moveDown(0.8);

  // Left: the payer, large, as a Japanese receipt puts it (山田 太郎 様 / 株式会社… 御中), and the amount.
  // Right: the issuer, with its address, EIN and qualified-invoice registration number.
  const top = pdf.y;
  const split = left + width * 0.55;
  pdf
    .font("jp-bold")
    .fontSize(15)
    .fillColor(INK)
    .text(doc.payer[first], left, top, { width: split - left - 12 });
  pdf
    .font("jp-bold")
    .fontSize(18)
    .text(doc.amount[first], { width: split - left - 12 });
  const leftBottom = pdf.y;
  const issuerWidth = left + width - split;
  pdf
    .font("jp")
    .fontSize(8)
    .fillColor(MUTED)
    .text(`${dictionary(first).receipt.issuer} / ${dictionary(second).receipt.issuer}`, split, top, { width: issuerWidth });
  pdf.font("jp-bold").fontSize(9).fillColor(INK).text(doc.issuer.legalNameJa, { width: issuerWidth });
  pdf.text(doc.issuer.legalNameEn, { width: issuerWidth });
  pdf.font("jp").fontSize(8).text(doc.issuer.addressJa, { width: issuerWidth }).text(doc.issuer.addressEn, { width: issuerWidth });
  if (doc.issuer.ein) pdf.text(`EIN: ${doc.issuer.ein}`, { width: issuerWidth });
  if (doc.qualifiedInvoice) pdf.text(`${dictionary("ja").invoice.registrationNumber}: ${doc.qualifiedInvoice.registrationNumber}`, { width: issuerWidth });
  pdf.x = left;
  pdf.y = Math.max(leftBottom, pdf.y) + 10;

  for (const locale of [first, second] as Locale[]) {
    pdf
      .moveTo(left, pdf.y)
      .lineTo(left + width, pdf.y)
      .strokeColor("#cccccc")
      .stroke();
    pdf.moveDown(0.4);
    section(pdf, doc, locale, left, width);
    pdf.moveDown(0.6);
  }
  pdf.font("jp").fontSize(8).fillColor(MUTED).text(dictionary("ja").invoice.stampNote, left, pdf.y, { width });

  pdf.end();
  return done;
}

function section(pdf: PDFKit.PDFDocument, doc: ReceiptDocument, locale: Locale, left: number, width: number) {
  const t = dictionary(locale).receipt;
  pdf.font("jp-bold").fontSize(12).fillColor(ACCENT).text(doc.heading[locale], left, pdf.y, { width });
  pdf.moveDown(0.2);
  if (doc.correction) pdf.font("jp").fontSize(9).fillColor(INK).text(doc.correction[locale], { width });
  const labelWidth = 175;
  for (const [label, value] of receiptLines(doc, locale)) {
    const y = pdf.y;
    pdf
      .font("jp")
      .fontSize(8.5)
      .fillColor(MUTED)
      .text(label, left, y, { width: labelWidth - 8 });
    const afterLabel = pdf.y;
    pdf
      .font("jp")
      .fontSize(9)
      .fillColor(INK)
      .text(value, left + labelWidth, y, { width: width - labelWidth });
    pdf.y = Math.max(pdf.y, afterLabel) + 1;
  }
  pdf.moveDown(0.3);
  pdf
    .font("jp-bold")
    .fontSize(9)
    .fillColor(INK)
    .text(doc.quidProQuo ? `${t.usHeading} — ${t.quidProQuo}` : t.usHeading, left, pdf.y, { width });
  pdf.font("jp").fontSize(9).text(`${t.deductible}: ${doc.deductible[locale]}`, { width });
  if (doc.benefitsValue) pdf.text(`${t.benefitsValue}: ${doc.benefitsValue[locale]}`, { width });
  pdf.fontSize(8.5).text(doc.usStatement[locale], { width });
}
