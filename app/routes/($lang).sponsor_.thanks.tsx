import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { RouteError } from "~/components/route-error";
import { z } from "zod";
import { getSponsorSummary } from "~/modules/corporate/corporate.server";
import { formatMoney } from "~/modules/i18n/format";
import { dictionary, localePath, type StringsHandle, withStrings } from "~/modules/i18n/i18n";
import { requireLocale } from "~/modules/i18n/i18n.server";
import { useLocale, useT } from "~/modules/i18n/use-locale";

// This page's strings (besides the site's): loaded before hydration from the handle, and on a client-side navigation by the clientLoader.
export const handle: StringsHandle = { strings: ["sponsor"] };
export const clientLoader = withStrings(["sponsor"]);

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: dictionary(data?.locale ?? "en").sponsor.thanksTitle }];

const QuerySchema = z.object({ m: z.uuid() });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const locale = requireLocale(params);
  const parsed = QuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw new Response("Not Found", { status: 404 });
  const summary = await getSponsorSummary(context, parsed.data.m);
  if (!summary) throw new Response("Not Found", { status: 404 });
  return { locale, summary };
}

export default function SponsorThanks() {
  const { summary } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <div className="page narrow" aria-live="polite">
      <h1>{t.sponsor.thanksHeading}</h1>
      <p>
        <strong>{summary.organisationName[locale]}</strong> — {summary.tierName[locale]}
      </p>
      {summary.status === "active" ? (
        <p data-membership-status="active">{t.sponsor.active(summary.tierName[locale])}</p>
      ) : summary.byInvoice ? (
        <>
          <p data-membership-status={summary.status}>{t.sponsor.invoiceSent(summary.billingEmail)}</p>
          <dl>
            {summary.amount !== null && summary.currency ? (
              <>
                <dt>{t.sponsor.amountDue}</dt>
                <dd>{formatMoney(summary.amount, summary.currency, locale)}</dd>
              </>
            ) : null}
            {summary.poNumber ? (
              <>
                <dt>{t.sponsor.poLabel}</dt>
                <dd>{summary.poNumber}</dd>
              </>
            ) : null}
          </dl>
          {summary.demoInvoiceUrl ? (
            <p>
              <Link className="button" to={localePath(locale, summary.demoInvoiceUrl)}>
                {t.sponsor.payDemoInvoice}
              </Link>
            </p>
          ) : null}
        </>
      ) : (
        <p data-membership-status={summary.status}>{t.sponsor.confirming}</p>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError expected={(t, e) => (e.status === 404 ? { text: t.sponsor.notFound } : null)} />;
}
