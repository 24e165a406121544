import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { z } from "zod";
import { getMembershipSummary } from "~/modules/billing/checkout.server";
import { formatDate } from "~/modules/i18n/format";
import { dictionary, type StringsHandle, withStrings } from "~/modules/i18n/i18n";
import { requireLocale } from "~/modules/i18n/i18n.server";
import { useLocale, useT } from "~/modules/i18n/use-locale";
import { RouteError } from "~/components/route-error";

// This page's strings (besides the site's): loaded before hydration from the handle, and on a client-side navigation by the clientLoader.
export const handle: StringsHandle = { strings: ["join"] };
export const clientLoader = withStrings(["join"]);

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  const t = dictionary(data?.locale ?? "en");
  const refresh = data?.membership?.status === "pending" ? [{ httpEquiv: "refresh", content: "3" } as const] : [];
  return [{ title: t.joinSuccess.metaTitle }, ...refresh];
};

const QuerySchema = z.object({ m: z.uuid() });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const locale = requireLocale(params);
  const parsed = QuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw new Response("Not Found", { status: 404 });
  const membership = await getMembershipSummary(context.db, parsed.data.m);
  if (!membership) throw new Response("Not Found", { status: 404 });
  return { locale, membership };
}

export default function JoinSuccess() {
  const { membership } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const revalidator = useRevalidator();
  const pending = membership.status === "pending";
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 1500);
    return () => clearInterval(timer);
  }, [pending, revalidator]);

  if (pending) {
    return (
      <div className="page narrow" aria-live="polite">
        <h1>{t.joinSuccess.confirmingHeading}</h1>
        <p>{t.joinSuccess.confirmingText}</p>
        <p>
          <a href="">{t.joinSuccess.checkAgain}</a>
        </p>
      </div>
    );
  }
  const tierName = membership.tierName[locale];
  const end = membership.currentPeriodEnd ? formatDate(membership.currentPeriodEnd, locale) : null;
  if (membership.status === "active") {
    return (
      <div className="page narrow" aria-live="polite">
        <h1>{t.joinSuccess.activeHeading}</h1>
        <p data-membership-status="active">{t.joinSuccess.activeText(tierName)}</p>
        {end ? <p>{membership.cancelAtPeriodEnd ? t.joinSuccess.endsAt(end) : t.joinSuccess.periodEnd(end)}</p> : null}
        <p>{t.joinSuccess.emailNote}</p>
      </div>
    );
  }
  return (
    <div className="page narrow">
      <h1>{t.joinSuccess.otherHeading}</h1>
      <dl>
        <dt>{t.join.tierLegend}</dt>
        <dd>{tierName}</dd>
        <dt>{t.joinSuccess.statusLabel}</dt>
        <dd data-membership-status={membership.status}>{t.joinSuccess.status[membership.status]}</dd>
      </dl>
    </div>
  );
}

export function ErrorBoundary() {
  return (
    <RouteError
      expected={(t, error) => (error.status === 404 ? { text: t.joinSuccess.notFound } : null)}
      back={(t) => ({ to: "/join", label: t.join.heading })}
    />
  );
}
