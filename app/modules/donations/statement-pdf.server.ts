/**
 * The giving statement as a PDF (A4, both languages, the donor's first), with the receipts'
 * embedded Noto Sans JP (subset per document) and the same strings as the email.
 */
import { addressee } from "../../../emails/components/format";
import { strings } from "../../../emails/locales";
import { periodLabel } from "../../../emails/giving-statement";
import { formatDate, formatMoney } from "../i18n/format";
import type { Locale } from "../i18n/i18n";
import { loadFonts, loadPdfKit } from "../receipts/receipt-pdf.server";
import type { Issuer } from "../receipts/receipt-document";
import { attachmentHeader } from "../exports/exports.server";
import type { FiscalKind, StatementData } from "./statements.server";

const INK = "#1f1f1f";
const MUTED = "#6b6b6b";
const ACCENT = "#7a2e2e";
const MARGIN = 40;

function donorName(data: StatementData, locale: Locale): string {
  return addressee(data.recipient, locale);
}

export async function renderStatementPdf(
  data: StatementData,
  locale: Locale,
  issuer: Pick<Issuer, "legalNameEn" | "legalNameJa" | "addressEn" | "addressJa" | "ein">,
  createdAt = new Date(),
): Promise<Buffer> {
  const [{ regular, bold }, PDFDocument] = await Promise.all([loadFonts(), loadPdfKit()]);
  const order: Locale[] = locale === "ja" ? ["ja", "en"] : ["en", "ja"];
  const pdf = new PDFDocument({
    size: "A4",
    margin: MARGIN,
    lang: locale === "ja" ? "ja-JP" : "en-US",
    info: {
      Title: order.map((l) => strings(l).givingStatement.heading(periodLabel(data.period, l))).join(" / "),
      Author: `${issuer.legalNameEn} / ${issuer.legalNameJa}`,
      CreationDate: createdAt,
    },
  });
  const chunks: Buffer[] = [];
  pdf.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on("end", () => resolve(Buffer.concat(chunks)));
    pdf.on("error", reject);
  });
  pdf.registerFont("jp", regular as unknown as Buffer);
  pdf.registerFont("jp-bold", bold as unknown as Buffer);
  const width = pdf.page.width - 2 * MARGIN;
  pdf
    .font("jp")
    .fontSize(9)
    .fillColor(MUTED)
    .text(`${issuer.legalNameJa} · ${issuer.legalNameEn}${issuer.ein ? ` · EIN ${issuer.ein}` : ""}`, { width });
  pdf.text(`${issuer.addressJa} / ${issuer.addressEn}`, { width });
  pdf.moveDown(0.6);
  pdf.font("jp-bold").fontSize(14).fillColor(INK).text(donorName(data, locale), { width });
  pdf.moveDown(0.4);
  for (const l of order) {
    const t = strings(l).givingStatement;
    pdf
      .font("jp-bold")
      .fontSize(13)
      .fillColor(ACCENT)
      .text(t.heading(periodLabel(data.period, l)), MARGIN, pdf.y, { width });
    pdf.moveDown(0.2);
    const cols = [MARGIN, MARGIN + 120, MARGIN + 300, MARGIN + 420];
    const header = pdf.y;
    pdf.font("jp").fontSize(8.5).fillColor(MUTED);
    [t.date, t.fund, t.amount, t.receipt].forEach((h, i) => pdf.text(h, cols[i]!, header, { width: 115, lineBreak: false }));
    pdf.y = header + 12;
    if (data.gifts.length === 0) pdf.font("jp").fontSize(9).fillColor(INK).text(t.none, MARGIN, pdf.y, { width });
    for (const g of data.gifts) {
      if (pdf.y > pdf.page.height - 100) pdf.addPage();
      const y = pdf.y;
      const amount = formatMoney(g.amount, g.currency, l) + (g.refundedAmount > 0 ? ` (${t.refunded(formatMoney(g.refundedAmount, g.currency, l))})` : "");
      pdf.font("jp").fontSize(9).fillColor(INK);
      pdf.text(formatDate(g.paidAt, l), cols[0]!, y, { width: 115, lineBreak: false });
      pdf.text(g.fundName[l], cols[1]!, y, { width: 175, lineBreak: false });
      pdf.text(amount, cols[2]!, y, { width: 115 });
      const after = pdf.y;
      pdf.text(g.receiptNumber ?? "—", cols[3]!, y, { width: 115, lineBreak: false });
      pdf.y = Math.max(after, y + 12);
    }
    pdf.moveDown(0.3);
    for (const total of data.totals)
      pdf
        .font("jp-bold")
        .fontSize(10)
        .text(`${t.total(total.currency)}: ${formatMoney(total.amount, total.currency, l)}`, MARGIN, pdf.y, { width });
    pdf.font("jp").fontSize(8.5).fillColor(INK).text(t.noGoods, MARGIN, pdf.y, { width });
    pdf.moveDown(1);
  }
  pdf.end();
  return done;
}

/** A statement PDF as a download (staff on demand, a member from /account): never cached. */
export function statementPdfResponse(pdf: Buffer, year: number, fiscal: FiscalKind): Response {
  return new Response(new Uint8Array(pdf), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": attachmentHeader(`giving-statement-${fiscal === "april" ? `fy${year}` : year}.pdf`),
      "Cache-Control": "private, no-store",
    },
  });
}
