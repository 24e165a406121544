/** The demo gateway's hosted-invoice page (no STRIPE_SECRET_KEY): see the invoice and pay it "by bank transfer". */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { RouteError } from "~/components/route-error";
import { getDemoInvoice, isDemo, payDemoInvoice } from "~/modules/billing/demo.server";
import { formatDate, formatMoney } from "~/modules/i18n/format";
import { dictionary, localePath, type StringsHandle, withStrings } from "~/modules/i18n/i18n";
import { requireLocale } from "~/modules/i18n/i18n.server";
import { useLocale, useT } from "~/modules/i18n/use-locale";

// This page's strings (besides the site's): loaded before hydration from the handle, and on a client-side navigation by the clientLoader.
export const handle: StringsHandle = { strings: ["checkout"] };
export const clientLoader = withStrings(["checkout"]);

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [
  { title: dictionary(loaded?.locale ?? "en").demoInvoice.metaTitle },
  { name: "robots", content: "noindex" },
];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const locale = requireLocale(params);
  if (!isDemo(context)) throw new Response("Not Found", { status: 404 });
  const invoice = await getDemoInvoice(context, params.invoice ?? "");
  if (!invoice) throw new Response("Not Found", { status: 404 });
  return { locale, invoice };
}

export async function action({ params, context }: ActionFunctionArgs) {
  const locale = requireLocale(params);
  if (!isDemo(context)) throw new Response("Not Found", { status: 404 });
  const invoiceId = params.invoice ?? "";
  const invoice = await getDemoInvoice(context, invoiceId);
  if (!invoice) throw new Response("Not Found", { status: 404 });
  if (!invoice.paid) await payDemoInvoice(context, invoiceId);
  return redirect(localePath(locale, `/sponsor/thanks?m=${invoice.membershipId}`), 303);
}

export default function DemoInvoice() {
  const { invoice } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const d = t.demoInvoice;
  return (
    <div className="page narrow">
      <p className="test-banner" role="note">
        {d.banner}
      </p>
      <h1>{d.heading}</h1>
      <dl className="card">
        <dt>{d.billedTo}</dt>
        <dd>{locale === "ja" ? `${invoice.organisationName.ja} 御中` : invoice.organisationName.en}</dd>
        <dt>{d.amount}</dt>
        <dd>{formatMoney(invoice.amount, invoice.currency, locale)}</dd>
        <dt>{d.due}</dt>
        <dd>{formatDate(invoice.dueDate, locale)}</dd>
        {invoice.poNumber ? (
          <>
            <dt>{d.po}</dt>
            <dd>{invoice.poNumber}</dd>
          </>
        ) : null}
      </dl>
      {invoice.paid ? (
        <p role="status">{d.paid}</p>
      ) : (
        <>
          <p>{d.bank}</p>
          <Form method="post">
            <button type="submit" className="button primary">
              {d.pay}
            </button>
          </Form>
        </>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError expected={(t, e) => (e.status === 404 ? { title: t.errors.genericTitle, text: t.demoInvoice.unavailable } : null)} />;
}
