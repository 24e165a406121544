/** The receipt PDF behind the same signed link as the page: /receipts/2026-000123/pdf?token=… */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { renderReceiptPdf } from "~/modules/receipts/receipt-pdf.server";
import { getReceiptByLink } from "~/modules/receipts/receipts.server";

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token");
  const found = await getReceiptByLink(context.db, context.env, params.number ?? "", token);
  if (!found) {
    return new Response("Not Found", { status: 404, headers: { "Cache-Control": "private, no-store", "Content-Type": "text/plain" } });
  }
  const pdf = await renderReceiptPdf(found.document, { createdAt: found.receipt.issuedAt });
  return new Response(new Uint8Array(pdf), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `inline; filename="receipt-${found.document.number}.pdf"`,
      "Cache-Control": "private, no-store",
      "X-Robots-Tag": "noindex, nofollow",
      "Referrer-Policy": "no-referrer",
    },
  });
}
