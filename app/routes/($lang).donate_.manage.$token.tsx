/**
 * The signed link in a monthly gift's receipt emails (no sign-in): the gift, and the way to
 * change the amount, pause, stop it or update the card (Stripe's Customer Portal; in demo mode
 * a "stop" button that sends Stripe's event through the same webhook code).
 */
import { RouteError } from "~/components/route-error";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { cancelDemoDonation, getManagedDonation, openDonationPortal } from "~/modules/donations/donations.server";
import { formatMoney } from "~/modules/i18n/format";
import { dictionary, localePath, type StringsHandle, withStrings } from "~/modules/i18n/i18n";
import { requireLocale } from "~/modules/i18n/i18n.server";
import { useLocale, useT } from "~/modules/i18n/use-locale";
import { formStrings } from "~/modules/forms";

// This page's strings (besides the site's): loaded before hydration from the handle, and on a client-side navigation by the clientLoader.
export const handle: StringsHandle = { strings: ["donate"] };
export const clientLoader = withStrings(["donate"]);

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [
  { title: dictionary(loaded?.locale ?? "en").donationManage.metaTitle },
  { name: "robots", content: "noindex" },
];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const locale = requireLocale(params);
  const gift = await getManagedDonation(context, params.token ?? "");
  return data({ locale, gift }, { status: gift ? 200 : 404, headers: { "Referrer-Policy": "no-referrer", "Cache-Control": "no-store" } });
}

const ActionSchema = z.object({ intent: z.enum(["portal", "demo-cancel"]) });

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = requireLocale(params);
  const token = params.token ?? "";
  const parsed = ActionSchema.safeParse(formStrings(await request.formData()));
  const gift = await getManagedDonation(context, token);
  if (!parsed.success || !gift) return data({ message: "invalid" as const }, { status: 400 });
  if (parsed.data.intent === "demo-cancel") {
    if (!gift.demo) return data({ message: "invalid" as const }, { status: 400 });
    await cancelDemoDonation(context, token);
    return redirect(localePath(locale, `/donate/manage/${token}`), 303);
  }
  const opened = await openDonationPortal(context, token, locale);
  if (!opened.ok) return data({ message: opened.reason }, { status: opened.reason === "invalid" ? 400 : 503 });
  return redirect(opened.url, 303);
}

export default function ManageDonation() {
  const { gift } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const m = t.donationManage;
  const locale = useLocale();
  if (!gift) {
    return (
      <div className="page narrow">
        <h1>{m.heading}</h1>
        <p role="alert">{m.invalid}</p>
      </div>
    );
  }
  return (
    <div className="page narrow">
      <h1>{m.heading}</h1>
      <dl className="card">
        <dt>{m.fund}</dt>
        <dd>{gift.fundName[locale]}</dd>
        <dt>{m.amount}</dt>
        <dd>
          {formatMoney(gift.amount, gift.currency, locale)} ({t.donate.monthly})
        </dd>
        <dt>{m.status}</dt>
        <dd data-status={gift.status}>{m.statuses[gift.status]}</dd>
      </dl>
      {result?.message ? (
        <p className="error-summary" role="alert">
          {result.message === "unavailable" ? m.unavailable : m.invalid}
        </p>
      ) : null}
      {gift.status === "canceled" ? (
        <p role="status">{m.canceled}</p>
      ) : (
        <>
          <p>{m.portalIntro}</p>
          <Form method="post" className="button-stack">
            {gift.demo ? (
              <button type="submit" name="intent" value="demo-cancel" className="button secondary">
                {m.demoCancel}
              </button>
            ) : (
              <button type="submit" name="intent" value="portal" className="button primary">
                {m.openPortal}
              </button>
            )}
          </Form>
        </>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
