/**
 * The demo gateway's stand-in for Stripe's Customer Portal: a past-due member pays the overdue
 * amount with the test card; a member in good standing "saves" the test card, and nothing is charged.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { isDemo, simulateRenewal } from "~/modules/billing/demo.server";
import { verifyPortalToken } from "~/modules/billing/portal-links.server";
import { dictionary, type StringsHandle, withStrings } from "~/modules/i18n/i18n";
import { requireLocale } from "~/modules/i18n/i18n.server";
import { useLocale, useT } from "~/modules/i18n/use-locale";
import { localePath } from "~/modules/i18n/i18n";
import { getMembership } from "~/modules/members/members.queries.server";
import { RouteError } from "~/components/route-error";

// This page's strings (besides the site's): loaded before hydration from the handle, and on a client-side navigation by the clientLoader.
export const handle: StringsHandle = { strings: ["checkout"] };
export const clientLoader = withStrings(["checkout"]);

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: dictionary(data?.locale ?? "en").demoCheckout.metaTitle },
  { name: "robots", content: "noindex" },
];

function requireMembership(params: { token?: string }, context: LoaderFunctionArgs["context"]) {
  if (!isDemo(context)) throw new Response("Not Found", { status: 404 });
  const membershipId = verifyPortalToken(context.env, params.token ?? "");
  if (!membershipId) throw new Response("Not Found", { status: 404 });
  return membershipId;
}

export async function loader({ params, context }: LoaderFunctionArgs) {
  const locale = requireLocale(params);
  const membership = await getMembership(context.db, requireMembership(params, context));
  return { locale, overdue: membership?.status === "past_due" };
}

export async function action({ params, context }: ActionFunctionArgs) {
  requireLocale(params);
  const membershipId = requireMembership(params, context);
  const membership = await getMembership(context.db, membershipId);
  // Only an overdue membership is charged; otherwise the card is "saved" and nothing happens.
  if (membership?.status !== "past_due") return { done: true, saved: true };
  const result = await simulateRenewal(context, membershipId, "overdue");
  return { done: result.status === "active", saved: false };
}

export default function DemoCard() {
  const { overdue } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const d = t.demoCheckout;
  return (
    <div className="page narrow">
      <p className="test-banner" role="note">
        {d.banner}
      </p>
      <h1>{d.cardHeading}</h1>
      {result?.done ? (
        <>
          <p role="status">{result.saved ? d.cardSaved : d.cardDone}</p>
          <p>
            <Link to={localePath(locale, "/account")}>{d.backToAccount}</Link>
          </p>
        </>
      ) : (
        <>
          <p>{overdue ? d.cardText : d.cardTextCurrent}</p>
          <Form method="post">
            <button type="submit" className="button primary">
              {overdue ? d.cardPay : d.cardSave}
            </button>
          </Form>
        </>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError expected={(t) => ({ title: t.errors.genericTitle, text: t.billingPortal.invalid })} />;
}
