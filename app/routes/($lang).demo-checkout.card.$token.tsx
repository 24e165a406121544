/** The demo gateway's stand-in for Stripe's Customer Portal: pay the overdue amount with the test card. */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { isDemo, simulateRenewal } from "~/modules/billing/demo.server";
import { verifyPortalToken } from "~/modules/billing/portal-links.server";
import { dictionary, type StringsHandle, withStrings } from "~/modules/i18n/i18n";
import { requireLocale } from "~/modules/i18n/i18n.server";
import { useT } from "~/modules/i18n/use-locale";
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

export function loader({ params, context }: LoaderFunctionArgs) {
  const locale = requireLocale(params);
  requireMembership(params, context);
  return { locale };
}

export async function action({ params, context }: ActionFunctionArgs) {
  requireLocale(params);
  const membershipId = requireMembership(params, context);
  const result = await simulateRenewal(context, membershipId, "overdue");
  return { done: result.status === "active" };
}

export default function DemoCard() {
  const result = useActionData<typeof action>();
  const t = useT();
  const d = t.demoCheckout;
  return (
    <div className="page narrow">
      <p className="test-banner" role="note">
        {d.banner}
      </p>
      <h1>{d.cardHeading}</h1>
      {result?.done ? (
        <p role="status">{d.cardDone}</p>
      ) : (
        <>
          <p>{d.cardText}</p>
          <Form method="post">
            <button type="submit" className="button primary">
              {d.cardPay}
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
