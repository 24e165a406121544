/**
 * Renders an outbox row into subject, HTML, text and attachments. Receipts are loaded from the
 * database by id and carry their PDF. Rendering is deterministic for a given row (the PDF is
 * dated by the receipt), so a resend after a crash repeats the same payload under the same
 * idempotency key.
 */
import type { DbOrTx } from "../../../db/client";
import type { EmailOutboxRow } from "../../../db/schema";
import { EmailDataError, renderEmail, type ReceiptEmailData, type Site } from "../../../emails/index";
import type { Env } from "../config/env.server";
import { renderReceiptPdf } from "../receipts/receipt-pdf.server";
import { renderStatementPdf } from "../donations/statement-pdf.server";
import type { StatementData } from "../donations/statements.server";
import { getReceiptDocument, issuerFromEnv, receiptPageUrl, type ReceiptSnapshot } from "../receipts/receipts.server";

export interface RenderedOutboxEmail {
  subject: string;
  html: string;
  text: string;
  attachments: { filename: string; content: Buffer; contentType: string }[];
}

export function siteFromEnv(env: Env): Site {
  return {
    appUrl: env.APP_URL ?? `http://localhost:${env.PORT}`,
    legalNameEn: env.ASSOCIATION_LEGAL_NAME_EN,
    legalNameJa: env.ASSOCIATION_LEGAL_NAME_JA,
    addressEn: env.ASSOCIATION_ADDRESS,
    addressJa: env.ASSOCIATION_ADDRESS_JA,
  };
}

async function receiptProps(db: DbOrTx, env: Env, row: EmailOutboxRow) {
  const receiptId = row.props.receiptId;
  if (typeof receiptId !== "string" || !/^[0-9a-f-]{36}$/i.test(receiptId)) {
    throw new EmailDataError(`receipt email needs props.receiptId (a receipt's uuid), got ${JSON.stringify(receiptId)}`);
  }
  const found = await getReceiptDocument(db, { id: receiptId }, issuerFromEnv(env));
  if (!found) throw new EmailDataError(`receipt ${receiptId} does not exist`);
  const { receipt, document } = found;
  const snapshot = receipt.snapshot as unknown as ReceiptSnapshot;
  const data: ReceiptEmailData = {
    number: receipt.number,
    issuedAt: receipt.issuedAt.toISOString(),
    correctsNumber: snapshot.corrects?.number ?? null,
    amount: receipt.amount,
    currency: receipt.currency,
    deductibleAmount: receipt.deductibleAmount,
    purpose: document.purpose,
    method: snapshot.method,
  };
  const locale = row.locale === "ja" ? "ja" : "en";
  const pdf = await renderReceiptPdf(document, { createdAt: receipt.issuedAt });
  return {
    props: { ...row.props, receipt: data, viewUrl: receiptPageUrl(env, receipt.number, locale) },
    attachments: [{ filename: `receipt-${receipt.number}.pdf`, content: pdf, contentType: "application/pdf" }],
  };
}

export async function renderOutboxRow(db: DbOrTx, env: Env, row: EmailOutboxRow): Promise<RenderedOutboxEmail> {
  let props = row.props;
  let attachments: RenderedOutboxEmail["attachments"] = [];
  if (row.template === "receipt" && (row.locale === "en" || row.locale === "ja")) {
    ({ props, attachments } = await receiptProps(db, env, row));
  } else if (row.template === "giving-statement" && (row.locale === "en" || row.locale === "ja")) {
    // The statement's data is frozen in the row when queued; the PDF is rendered from it (dated by the row).
    const data = row.props as unknown as StatementData;
    if (!data.period || !Array.isArray(data.gifts)) throw new EmailDataError("giving-statement email needs props.period and props.gifts");
    const pdf = await renderStatementPdf(data, row.locale, issuerFromEnv(env), row.createdAt);
    const label = data.period.fiscal === "april" ? `fy${data.period.year}` : String(data.period.year);
    attachments = [{ filename: `giving-statement-${label}.pdf`, content: pdf, contentType: "application/pdf" }];
  }
  // A row rendered on an earlier attempt is sent exactly as it was then.
  if (row.subject && row.html && row.text) return { subject: row.subject, html: row.html, text: row.text, attachments };
  const rendered = await renderEmail(row.template, row.locale, props, siteFromEnv(env));
  return { ...rendered, attachments };
}
