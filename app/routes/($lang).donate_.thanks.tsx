/** After Checkout: thanks, once the webhook has recorded the gift (refreshes itself until then, with or without JS). */
import { RouteError } from "~/components/route-error";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { getDonationSummary } from "~/modules/donations/donations.server";
import { formatMoney } from "~/modules/i18n/format";
import { dictionary, localePath, type StringsHandle, withStrings } from "~/modules/i18n/i18n";
import { requireLocale } from "~/modules/i18n/i18n.server";
import { useLocale, useT } from "~/modules/i18n/use-locale";

// This page's strings (besides the site's): loaded before hydration from the handle, and on a client-side navigation by the clientLoader.
export const handle: StringsHandle = { strings: ["donate"] };
export const clientLoader = withStrings(["donate"]);

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => {
  const t = dictionary(loaded?.locale ?? "en");
  const refresh = loaded?.gift && !loaded.gift.paid && loaded.gift.status === "pending" ? [{ httpEquiv: "refresh", content: "3" } as const] : [];
  return [{ title: t.donateThanks.metaTitle }, { name: "robots", content: "noindex" }, ...refresh];
};

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const locale = requireLocale(params);
  const id = new URL(request.url).searchParams.get("d") ?? "";
  const gift = await getDonationSummary(context.db, id);
  if (!gift) throw new Response("Not Found", { status: 404 });
  return { locale, gift };
}

export default function DonateThanks() {
  const { gift } = useLoaderData<typeof loader>();
  const t = useT();
  const d = t.donateThanks;
  const locale = useLocale();
  const revalidator = useRevalidator();
  const confirming = !gift.paid && gift.status === "pending";
  useEffect(() => {
    if (!confirming) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 1500);
    return () => clearInterval(timer);
  }, [confirming, revalidator]);
  const amount = formatMoney(gift.amount, gift.currency, locale);
  const fund = gift.fundName[locale];
  if (gift.status === "failed") {
    return (
      <div className="page narrow">
        <h1>{d.failedHeading}</h1>
        <p>{d.failedText}</p>
        <p>
          <Link to={localePath(locale, "/donate")}>{d.again}</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="page narrow">
      <h1>{confirming ? d.confirmingHeading : d.thanksHeading}</h1>
      <div role="status" aria-live="polite">
        {confirming ? (
          <>
            <p>{d.confirmingText}</p>
            <p>
              <Link to=".">{d.checkAgain}</Link>
            </p>
          </>
        ) : (
          <>
            <p data-gift>{gift.interval === "month" ? d.monthlyText(amount, fund) : d.thanksText(amount, fund)}</p>
            {gift.tribute ? <p>{d.tribute(gift.tribute.kind, gift.tribute.name)}</p> : null}
            <p>{d.receiptNote}</p>
          </>
        )}
      </div>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
