/**
 * The printable receipt page: /receipts/2026-000123?token=… (and /ja/…), both languages, the
 * payer's first. A receipt carries a name, an address and an amount, so the page opens only
 * through the signed link in the receipt email (HMAC of the number); anything else is a 404.
 * Not cached, not indexed, and the token is not sent on as a Referer.
 */
import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { dictionary, type Locale, type StringsHandle, withStrings } from "~/modules/i18n/i18n";
import { requireLocale } from "~/modules/i18n/i18n.server";
import { useT } from "~/modules/i18n/use-locale";
import { receiptLines, type ReceiptDocument } from "~/modules/receipts/receipt-document";
import { getReceiptByLink, receiptPdfUrl } from "~/modules/receipts/receipts.server";
import { RouteError } from "~/components/route-error";

// This page's strings (besides the site's): loaded before hydration from the handle, and on a client-side navigation by the clientLoader.
export const handle: StringsHandle = { strings: ["receipts"], bothLanguages: true };
export const clientLoader = withStrings(["receipts"], { bothLanguages: true });

const PRIVATE_HEADERS = {
  "Cache-Control": "private, no-store",
  "X-Robots-Tag": "noindex, nofollow",
  "Referrer-Policy": "no-referrer",
};

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  const t = dictionary(data?.locale ?? "en");
  return [{ title: data ? t.receipt.title(data.document.number) : t.errors.notFoundTitle }, { name: "robots", content: "noindex, nofollow" }];
};

export const headers: HeadersFunction = () => PRIVATE_HEADERS;

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const locale = requireLocale(params);
  const token = new URL(request.url).searchParams.get("token");
  const found = await getReceiptByLink(context.db, context.env, params.number ?? "", token);
  if (!found) throw new Response("Not Found", { status: 404, headers: PRIVATE_HEADERS });
  const pdfPath = new URL(receiptPdfUrl(context.env, found.document.number));
  return { locale, document: found.document, pdfUrl: `${pdfPath.pathname}${pdfPath.search}` };
}

const printCss = `
.receipt { max-width: 46rem; margin: 0 auto; }
.receipt h1 { display: flex; gap: 1rem; align-items: baseline; flex-wrap: wrap; }
.receipt .payer { font-size: 1.4rem; font-weight: 700; margin: 1rem 0 0; }
.receipt .amount { font-size: 1.8rem; font-weight: 700; margin: .25rem 0 1rem; }
.receipt dl { display: grid; grid-template-columns: minmax(10rem, 16rem) 1fr; gap: .25rem 1rem; margin: 0 0 1rem; }
.receipt dt { color: #555; }
.receipt dd { margin: 0; }
.receipt section { border-top: 1px solid #ccc; padding-top: 1rem; margin-top: 1rem; }
.receipt .actions { display: flex; gap: 1rem; margin: 1rem 0; }
@media print {
  @page { size: A4; margin: 16mm; }
  body { background: #fff; color: #000; }
  header, nav, footer, .skip-link, .receipt .actions { display: none !important; }
  .receipt { max-width: none; }
  .receipt section { break-inside: avoid; }
  a { color: #000; text-decoration: none; }
}`;

function Half({ doc, locale }: { doc: ReceiptDocument; locale: Locale }) {
  const t = dictionary(locale).receipt;
  return (
    <section lang={locale} aria-labelledby={`receipt-${locale}`}>
      <h2 id={`receipt-${locale}`}>{doc.heading[locale]}</h2>
      {doc.correction ? <p>{doc.correction[locale]}</p> : null}
      <dl>
        {receiptLines(doc, locale).map(([label, value]) => (
          <div key={label} style={{ display: "contents" }}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <h3>{doc.quidProQuo ? `${t.usHeading} — ${t.quidProQuo}` : t.usHeading}</h3>
      <dl>
        <dt>{t.deductible}</dt>
        <dd>{doc.deductible[locale]}</dd>
        {doc.benefitsValue ? (
          <>
            <dt>{t.benefitsValue}</dt>
            <dd>{doc.benefitsValue[locale]}</dd>
          </>
        ) : null}
      </dl>
      <p>{doc.usStatement[locale]}</p>
    </section>
  );
}

export default function ReceiptPage() {
  const { document: doc, pdfUrl } = useLoaderData<typeof loader>();
  const t = useT();
  const [first, second] = doc.locales;
  return (
    <div className="page receipt">
      <style>{printCss}</style>
      <h1>
        <span lang={first}>{doc.heading[first]}</span>
        <span lang={second}>{doc.heading[second]}</span>
      </h1>
      <p>No. {doc.number}</p>
      <p className="payer" lang={first}>
        {doc.payer[first]}
      </p>
      <p className="amount">{doc.amount[first]}</p>
      <div className="actions">
        <a href={pdfUrl} download={`receipt-${doc.number}.pdf`}>
          {t.receipt.downloadPdf}
        </a>
      </div>
      <Half doc={doc} locale={first} />
      <Half doc={doc} locale={second} />
      <section>
        <h2>
          {dictionary(first).receipt.issuer} / {dictionary(second).receipt.issuer}
        </h2>
        <p>
          <strong lang="ja">{doc.issuer.legalNameJa}</strong> <strong lang="en">{doc.issuer.legalNameEn}</strong>
          <br />
          <span lang="ja">{doc.issuer.addressJa}</span>
          <br />
          <span lang="en">{doc.issuer.addressEn}</span>
          {doc.issuer.ein ? (
            <>
              <br />
              {dictionary(first).receipt.ein}: {doc.issuer.ein}
            </>
          ) : null}
          {doc.qualifiedInvoice ? (
            <>
              <br />
              {dictionary("ja").invoice.registrationNumber}: {doc.qualifiedInvoice.registrationNumber}
            </>
          ) : null}
        </p>
        <p lang="ja">{dictionary("ja").invoice.stampNote}</p>
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError expected={(t, error) => (error.status === 404 ? { title: t.receipt.heading, text: t.receipt.invalidLink } : null)} />;
}
